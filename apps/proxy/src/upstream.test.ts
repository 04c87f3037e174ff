/**
 * Issue 11, live-mode diagnostics: each way a real book fails, played by a local server that
 * fails that way (no real network): the proxy's feed status, hence `/healthz`, carries a
 * reason a user can act on, and the proxy logs it once.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import type { FeedStatus } from '@oddsboard/model'
import { createBet365Feed, encodeFrame, encodeHandshakeReply } from '@oddsboard/bet365'
import { silentLogger } from '@oddsboard/feedkit'
import { recordingLogger, waitUntil } from '@oddsboard/feedkit/testing'
import { loadConfig } from './config'
import { buildFeeds } from './feeds'
import type { FeedSet } from './feeds'
import { startProxy } from './server'
import type { RunningProxy } from './server'
import { explainFeedError, ObservedFeed } from './upstream'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A local HTTP server answering every request with `status` (a geo-block, a bot gateway…). */
async function httpServer(status: number): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/html' })
    res.end('<html>Access denied</html>')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A port on which nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

/** A zap server that answers the client handshake with `reply`, then sends `after` frames. */
async function zapServer(reply: string, after: string[] = []): Promise<string> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/zap/',
    handleProtocols: () => 'zap-protocol-v1',
  })
  await new Promise<void>((r) => wss.once('listening', r))
  wss.on('connection', (ws) => {
    ws.once('message', () => {
      ws.send(reply)
      for (const f of after) ws.send(f)
    })
  })
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => r())
      }),
  )
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/zap/`
}

/** Runs the proxy on one book at `url` and resolves with its /healthz feed once `until` holds. */
async function healthOf(
  env: Record<string, string>,
  until: (f: FeedStatus) => boolean,
): Promise<{ feed: FeedStatus; status: number; logged: string[] }> {
  const logger = recordingLogger()
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env })
  const set: FeedSet = await buildFeeds(config, logger)
  const proxy: RunningProxy = await startProxy(config, silentLogger, { feeds: set.feeds })
  cleanups.push(async () => {
    await proxy.close()
    await set.close()
  })
  let last: { feed: FeedStatus; status: number } | undefined
  await waitUntil(
    async () => {
      const res = await fetch(`${proxy.url}/healthz`)
      const body = (await res.json()) as { feeds: FeedStatus[] }
      last = { feed: body.feeds[0]!, status: res.status }
      return until(last.feed)
    },
    { timeoutMs: 15_000, intervalMs: 50, what: 'the diagnosis on /healthz' },
  ).catch(() => {})
  return {
    ...last!,
    logged: logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg ?? ''),
  }
}

describe('explainFeedError', () => {
  it('turns raw reasons into what to do, and leaves others alone', () => {
    expect(
      explainFeedError('winamax', 'transport error: fetch failed: getaddrinfo ENOTFOUND x.invalid'),
    ).toMatch(/^winamax: DNS lookup of x\.invalid failed \(ENOTFOUND\)/)
    expect(explainFeedError('kwiff', 'transport error: connect ECONNREFUSED 127.0.0.1:9')).toMatch(
      /TCP connection to 127\.0\.0\.1:9 refused/,
    )
    expect(explainFeedError('winamax', 'handshake HTTP 403')).toMatch(
      /polling handshake was answered with HTTP 403: a geo-block .* or a bot gateway/,
    )
    expect(explainFeedError('bet365', 'socket error: Unexpected server response: 503')).toMatch(
      /websocket upgrade was answered with HTTP 503: the site or a gateway/,
    )
    expect(explainFeedError('bet365', 'bet365 rejected the session (handshake 111): …')).toMatch(
      /session token missing or expired: use the browser tap/,
    )
    expect(explainFeedError('bet365', 'no such topic: OVInPlay_9_9')).toMatch(
      /topic OVInPlay_9_9 does not exist .*check BET365_TOPICS/,
    )
    expect(explainFeedError('bet365', 'server error record RT=2 on topic S_[redacted]')).toMatch(
      /error record RT=2 on the session's own topic: .*use the browser tap/,
    )
    expect(explainFeedError('kwiff', "kwiff 'event:list' failed after 3 attempt(s)")).toBe(
      undefined,
    )
    expect(explainFeedError('bet365', undefined)).toBe(undefined)
  })
})

describe('diagnostics through /healthz', () => {
  it('a 403 on the polling handshake (geo-block or bot gateway)', async () => {
    const base = await httpServer(403)
    const r = await healthOf({ FEEDS: 'winamax', WINAMAX_URL: `${base}/socket.io/` }, (f) =>
      /HTTP 403/.test(f.error ?? ''),
    )
    expect(r.status).toBe(503)
    expect(r.feed.mode).toBe('url')
    expect(r.feed.error).toMatch(
      /^winamax: the polling handshake was answered with HTTP 403: a geo-block/,
    )
    expect(r.feed.error).toMatch(/\[handshake HTTP 403\]$/)
    expect(r.logged.some((m) => /HTTP 403: a geo-block/.test(m))).toBe(true)
  })

  it('a TCP connection refused', async () => {
    const port = await closedPort()
    const r = await healthOf(
      { FEEDS: 'kwiff', KWIFF_URL: `http://127.0.0.1:${port}/socket.io/` },
      (f) => /refused/.test(f.error ?? ''),
    )
    expect(r.feed.error).toMatch(
      new RegExp(`^kwiff: TCP connection to 127\\.0\\.0\\.1:${port} refused: nothing listens`),
    )
  })

  it('a DNS failure', async () => {
    // `.invalid` never resolves (RFC 6761): the resolver says so, online or not.
    const r = await healthOf(
      { FEEDS: 'bet365', BET365_URL: 'ws://oddsboard-test.invalid/zap/' },
      (f) => /DNS/.test(f.error ?? ''),
    )
    expect(r.feed.error).toMatch(/^bet365: DNS lookup of oddsboard-test\.invalid failed/)
  })

  it('a Bet365 111 refusal says to use the browser tap', async () => {
    const url = await zapServer(encodeHandshakeReply('111', 'X1'))
    const r = await healthOf({ FEEDS: 'bet365', BET365_URL: url }, (f) => f.state === 'down')
    expect(r.feed.state).toBe('down')
    expect(r.feed.error).toMatch(
      /^bet365: refused the session \(handshake 111\): session token missing or expired: use the browser tap \(TAP_CDP_URL\)/,
    )
  })

  it('connected and subscribed, but no data: said after the wait', async () => {
    // Only `__time` heartbeats after the `100` (seed 001 "Heartbeat"): messages, no entity.
    const heartbeat = encodeFrame([
      {
        kind: 'load',
        topic: '__time',
        op: 'F',
        records: [{ type: 'IN', fields: { TI: '20261129180000000', UF: '55' } }],
      },
    ])
    const url = await zapServer(encodeHandshakeReply('100', 'X2'), [heartbeat])
    const logger = recordingLogger()
    const feed = new ObservedFeed(createBet365Feed({ url }), {
      mode: 'live',
      diagnose: true,
      noDataAfterMs: 200,
      logger,
    })
    cleanups.push(() => feed.stop())
    feed.start()
    await waitUntil(() => /no data came/.test(feed.status().error ?? ''), {
      timeoutMs: 10_000,
    }).catch(() => {})
    expect(feed.status().error).toMatch(
      /^bet365: connected and subscribed, but no data came in 0 s: the subscription may name nothing/,
    )
    expect(feed.status().state).toBe('live')
    expect(logger.lines.filter((l) => /no data came/.test(l.msg ?? ''))).toHaveLength(1)
  })
})
