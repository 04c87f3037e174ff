import { existsSync } from 'node:fs'
import path from 'node:path'
import express from 'express'
import type { NextFunction, Request, Response } from 'express'
import type { Registry } from 'prom-client'
import { z } from 'zod'
import type { Logger } from '@oddsboard/feedkit'
import { silentLogger } from '@oddsboard/feedkit'
import type { PriceHistory } from './history'
import type { Linker } from './links'
import type { LinkStore } from './linkStore'
import type { StateSource } from './source'

/** What the HTTP app serves. */
export interface HttpAppOptions {
  /** The state: the Hub, or an edge's replica (issue 10). */
  hub: StateSource
  /** The price-history projection behind `/api/history`. */
  history: PriceHistory
  registry: Registry
  /** Canonical events: `POST /api/links` records a decision through it (an edge: via Redis). */
  linker: Pick<Linker, 'decide'>
  /** The decisions `GET /api/links` lists (an edge: the ingest's, mirrored in Redis). */
  links: Pick<LinkStore, 'list'>
  /**
   * Origins allowed to call `/api/links` (the relay's, `effectiveOrigins`; `'*'` allows
   * all). A request without `Origin` (not a browser) is allowed.
   */
  allowedOrigins: readonly string[]
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

/** The body of `POST /api/links` (apps/proxy/README.md, "Links"). */
const linkBody = z
  .object(
    {
      action: z.enum(['link', 'unlink'], { message: 'action must be "link" or "unlink"' }),
      a: z.string({ message: 'a must be an event id' }).min(1, 'a must be an event id').max(200),
      b: z.string({ message: 'b must be an event id' }).min(1, 'b must be an event id').max(200),
    },
    { message: 'body must be a JSON object {"action","a","b"}' },
  )
  .refine((d) => d.a !== d.b, 'a and b must be two different events')

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
 * - `POST /api/links` `{"action":"link"|"unlink","a":eventId,"b":eventId}` (two events of
 *   different books): 200 `{"ok":true}` once the decision is saved and applied; 400
 *   `{"error"}` naming what is wrong (bad JSON, bad field, the same event twice, two events
 *   of one book); 403 when an `Origin` header names an origin outside `allowedOrigins`; 404
 *   when an event id is not in the state; 413 over 4 KiB. `GET /api/links`:
 *   `{"decisions":[{"action","a","b","at"}]}`, oldest first (403 likewise).
 * - `GET /healthz`: `{status, epoch, seq, feeds}`; 200 when at least one feed is live (or
 *   no feed is configured), else 503 with the same body, so a probe sees a dead upstream.
 * - `GET /metrics`: Prometheus text format.
 * - everything else: the built web app, with an SPA fallback to index.html for paths
 *   without a file extension.
 */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { hub, history, registry, webDist, linker, links } = options
  const origins = new Set(options.allowedOrigins)
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

  // the relay's origin rule: a browser on another site may not read or change decisions
  app.use('/api/links', (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    const origin = req.headers.origin
    if (origin !== undefined && !origins.has('*') && !origins.has(origin)) {
      logger.warn({ origin }, 'refused /api/links from an origin not allowed')
      res.status(403).json({ error: 'origin not allowed' })
      return
    }
    next()
  })

  app.get('/api/links', (_req, res) => {
    res.json({ decisions: links.list() })
  })

  app.post('/api/links', express.json({ limit: '4kb' }), async (req, res) => {
    const body = linkBody.safeParse(req.body)
    if (!body.success) {
      res.status(400).json({ error: body.error.issues.map((i) => i.message).join('; ') })
      return
    }
    const { action, a, b } = body.data
    const ea = hub.state.event.get(a)
    const eb = hub.state.event.get(b)
    const unknown = [ea === undefined ? a : null, eb === undefined ? b : null].filter(
      (x) => x !== null,
    )
    if (unknown.length > 0) {
      res.status(404).json({ error: `unknown event: ${unknown.join(', ')}` })
      return
    }
    if (ea!.source === eb!.source) {
      res.status(400).json({ error: `a and b are both ${ea!.source} events: link two books` })
      return
    }
    try {
      await linker.decide(action, a, b)
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'could not save a link decision')
      res.status(500).json({ error: 'could not save the decision' })
      return
    }
    res.json({ ok: true })
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
    // express.json's own errors (body-parser): the client's fault, said without echoing the body
    const type = (err as { type?: unknown }).type
    const status = (err as { status?: unknown }).status
    if (typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
      const said: Record<string, string> = {
        'entity.parse.failed': 'body is not valid JSON',
        'entity.too.large': 'body over 4 KiB',
      }
      res.status(status).json({ error: said[type] ?? 'unreadable request body' })
      return
    }
    logger.error({ err: err.message }, 'http request failed')
    if (!res.headersSent) res.status(500).json({ error: 'internal error' })
  })
  return app
}
