import { existsSync } from 'node:fs'
import path from 'node:path'
import express from 'express'
import type { NextFunction, Request, Response } from 'express'
import type { Registry } from 'prom-client'
import { z } from 'zod'
import type { Logger } from '@oddsboard/feedkit'
import { silentLogger } from '@oddsboard/feedkit'
import type { PriceHistory } from './history'
import type { Hub } from './hub'

/** What the HTTP app serves. */
export interface HttpAppOptions {
  hub: Hub
  /** The price-history projection behind `/api/history`. */
  history: PriceHistory
  registry: Registry
  /** Folder of the built web app; `/` answers 503 with a hint while its index.html is missing. */
  webDist: string
  logger?: Logger
}

/** At most this many selections in one `/api/history` answer. */
export const HISTORY_MAX_IDS = 5000

const historyQuery = z.object({
  ids: z
    .string()
    .max(100_000)
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .refine((ids) => ids.length <= HISTORY_MAX_IDS, `at most ${HISTORY_MAX_IDS} ids`)
    .optional(),
})

/** Minimal headers: the app loads nothing from other origins, so it says so. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; " +
      "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  )
  next()
}

/**
 * The proxy's HTTP side (express 5):
 * - `GET /api/snapshot`: the relay's `SnapshotMessage` as JSON
 *   (`{type:'snapshot',protocol,epoch,seq,entities,feeds}`).
 * - `GET /api/history?ids=a,b`: `{ [selectionId]: [epochMs, decimalOdds][] }`, oldest point
 *   first, for the listed selections (unknown ids are left out), or for every selection
 *   with a history when `ids` is omitted; at most {@link HISTORY_MAX_IDS} selections, at
 *   most the model's PRICE_HISTORY_POINTS points each ({@link PriceHistory}); 400 for a
 *   bad query.
 * - `GET /healthz`: `{status, epoch, seq, feeds}`; 200 when at least one feed is live (or
 *   no feed is configured), else 503 with the same body, so a probe sees a dead upstream.
 * - `GET /metrics`: Prometheus text format.
 * - everything else: the built web app, with an SPA fallback to index.html for paths
 *   without a file extension.
 */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { hub, history, registry, webDist } = options
  const logger = options.logger ?? silentLogger
  const app = express()
  app.disable('x-powered-by')
  app.use(securityHeaders)

  app.get('/api/snapshot', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    res.type('application/json').send(hub.snapshotJson())
  })

  app.get('/api/history', (req, res) => {
    const q = historyQuery.safeParse(req.query)
    if (!q.success) {
      res.status(400).json({ error: q.error.issues.map((i) => i.message).join('; ') })
      return
    }
    const all = history.get(q.data.ids)
    const entries = Object.entries(all)
    res.setHeader('Cache-Control', 'no-store')
    res.json(
      entries.length > HISTORY_MAX_IDS
        ? Object.fromEntries(entries.slice(0, HISTORY_MAX_IDS))
        : all,
    )
  })

  app.get('/healthz', (_req, res) => {
    const feeds = hub.feeds()
    const ok = feeds.length === 0 || feeds.some((f) => f.state === 'live')
    res.setHeader('Cache-Control', 'no-store')
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : 'no live feed', epoch: hub.epoch, seq: hub.seq, feeds })
  })

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType)
    res.send(await registry.metrics())
  })

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such endpoint' })
  })

  app.use(express.static(webDist, { index: false, fallthrough: true }))

  const index = path.join(webDist, 'index.html')
  app.get('/{*path}', (req, res) => {
    if (path.extname(req.path) !== '') {
      res.status(404).type('text/plain').send('Not found')
      return
    }
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send(
          `The web app is not built yet: run \`npm run build\` (it writes ${webDist}), then reload.\n`,
        )
      return
    }
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(index)
  })

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err: err.message }, 'http request failed')
    if (!res.headersSent) res.status(500).json({ error: 'internal error' })
  })
  return app
}
