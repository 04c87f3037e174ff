import { createServer } from 'node:http'
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough } from 'node:stream'
import { Server } from 'socket.io'
import { WebSocket, WebSocketServer } from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { waitUntil } from '@oddsboard/feedkit/testing'
import type { FeedStatus, ServerMessage } from '@oddsboard/model'
import { ConfigError, loadConfig } from './config'
import { createLogger } from './logger'
import type { RunningProxy } from './server'
import { startProxy } from './server'

// Issue 13 part 1: secrets planted in every configurable place, upstreams that echo them
// back in every way an upstream can (connect errors, error replies, malformed frames,
// unknown events), and the proxy at LOG_LEVEL=trace. No log line, HTTP answer or relay
// message may carry any of them.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const PLANTED = {
  winamaxUser: 'wmx-user-7f3a',
  winamaxPass: 'wmx-Pass-91c2e8',
  kwiffUser: 'kwf-user-2b9d',
  kwiffPass: 'kwf-Pass-4e7a10',
  bet365User: 'b365-user-6c1f',
  bet365Pass: 'b365-Pass-d05b33',
  session: 'SESSIONa1b2c3d4e5f6a7b8c9d0',
  token: 'TOKENz9y8x7w6v5u4t3s2',
  /** A load-balancer cookie the Winamax upstream sets during polling. */
  cookie: 'LBCOOKIE-0d9c8b7a6f5e',
}

const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`

async function listen(http: HttpServer): Promise<number> {
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  return (http.address() as AddressInfo).port
}

/** Everything an upstream learned about the client, as text it can throw back. */
function echoOf(req: IncomingMessage, extra = ''): string {
  return JSON.stringify({
    extra,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
    url: req.url,
  })
}

/**
 * A Socket.IO (EIO3) upstream that refuses the first connection with a connect error
 * echoing the request, then sends malformed frames and unknown events echoing it, answers
 * every `command` with an error reply echoing it, and drops the connection.
 */
async function hostileSocketIo(path: string, onRequest: (req: IncomingMessage) => void) {
  const http = createServer()
  http.prependListener('request', (req) => onRequest(req))
  http.prependListener('upgrade', (req) => onRequest(req))
  const io = new Server(http, { path, allowEIO3: true, pingInterval: 300, pingTimeout: 300 })
  io.engine.on('initial_headers', (headers: Record<string, string>) => {
    headers['set-cookie'] = `lb=${PLANTED.cookie}; Path=/`
  })
  let attempts = 0
  let rounds = 0
  io.use((socket, next) => {
    if (++attempts === 1) next(new Error(`denied: ${echoOf(socket.request)}`))
    else next()
  })
  io.on('connection', (socket) => {
    const echo = echoOf(socket.request, JSON.stringify(socket.handshake.query))
    socket.on('command', (_req: unknown, ack?: (...a: unknown[]) => void) => {
      ack?.({ error: { code: 'INTERNAL', message: `no such user ${echo}` } })
    })
    socket.on('m', () => socket.emit('m', `{"bad":${echo}`))
    socket.emit('m', `{"bad":${echo}`)
    socket.emit('surprise', echo)
    socket.conn.write(`2["m",{${echo}`)
    setTimeout(() => {
      rounds++
      socket.disconnect(true)
    }, 400)
  })
  const port = await listen(http)
  cleanups.push(async () => {
    const closed = io.close()
    http.closeAllConnections()
    await closed
  })
  return { port, rounds: () => rounds }
}

/** A zap upstream that answers the handshake with malformed frames echoing it, then closes. */
async function hostileZap(onRequest: (req: IncomingMessage) => void) {
  const http = createServer()
  const wss = new WebSocketServer({
    server: http,
    path: '/zap/',
    handleProtocols: () => 'zap-protocol-v1',
  })
  let rounds = 0
  wss.on('connection', (ws, req) => {
    onRequest(req)
    ws.on('message', (data) => {
      const echo = echoOf(req, String(data))
      ws.send(`\x15${String(data)}`)
      ws.send(`\x15${echo}`)
      ws.send(`999${echo}`)
      setTimeout(() => {
        rounds++
        ws.close(1011, 'bye')
      }, 100)
    })
  })
  const port = await listen(http)
  cleanups.push(async () => {
    for (const c of wss.clients) c.terminate()
    await new Promise<void>((r) => wss.close(() => r()))
    http.closeAllConnections()
    await new Promise<void>((r) => http.close(() => r()))
  })
  return { port, rounds: () => rounds }
}

describe('secrets never leave the proxy', () => {
  it('with credentials, session, token, cookies and uuids planted everywhere, at trace level', async () => {
    const seen = {
      winamax: [] as IncomingMessage[],
      kwiff: [] as IncomingMessage[],
      bet365: [] as IncomingMessage[],
    }
    const winamax = await hostileSocketIo('/uof-sports-server/socket.io/', (r) =>
      seen.winamax.push(r),
    )
    const kwiff = await hostileSocketIo('/socket.io/', (r) => seen.kwiff.push(r))
    const bet365 = await hostileZap((r) => seen.bet365.push(r))

    const out = new PassThrough()
    let logs = ''
    out.on('data', (c: Buffer) => (logs += c.toString()))
    const logger = createLogger('trace', out, 'json')
    const config = loadConfig({
      PORT: '0',
      FEEDS: 'winamax,bet365,kwiff',
      WINAMAX_URL: `http://${PLANTED.winamaxUser}:${PLANTED.winamaxPass}@127.0.0.1:${winamax.port}/uof-sports-server/socket.io/`,
      KWIFF_URL: `http://${PLANTED.kwiffUser}:${PLANTED.kwiffPass}@127.0.0.1:${kwiff.port}/socket.io/`,
      BET365_URL: `ws://${PLANTED.bet365User}:${PLANTED.bet365Pass}@127.0.0.1:${bet365.port}/zap/`,
      BET365_SESSION: PLANTED.session,
      BET365_TOKEN: PLANTED.token,
      KWIFF_REFRESH_MS: '500',
      LOG_LEVEL: 'trace',
      WEB_DIST: '/nonexistent-dist',
    })
    const proxy: RunningProxy = await startProxy(config, logger)
    cleanups.push(() => proxy.close())

    const relay: string[] = []
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`)
    ws.on('message', (d) => relay.push(String(d)))
    cleanups.push(async () => ws.terminate())
    const errors = new Set<string>()
    const feedsOf = (text: string): FeedStatus[] => {
      const m = JSON.parse(text) as ServerMessage
      return m.type === 'snapshot' || m.type === 'feeds' ? m.feeds : []
    }
    // Each upstream has thrown everything it knows back at least twice (or, for a feed that
    // cannot connect, the feed has reported why).
    await waitUntil(
      () => {
        for (const f of relay.flatMap(feedsOf)) if (f.error !== undefined) errors.add(f.source)
        return (
          (winamax.rounds() >= 2 || errors.has('winamax')) &&
          kwiff.rounds() >= 2 &&
          bet365.rounds() >= 2
        )
      },
      { timeoutMs: 15_000, what: 'every upstream to echo the secrets twice' },
    )
    const answers = await Promise.all(
      ['/api/snapshot', '/healthz', '/metrics'].map(async (p) =>
        (await fetch(`${proxy.url}${p}`)).text(),
      ),
    )
    await proxy.close()

    // The secrets the feeds made up themselves: Kwiff's uuid per connection (cookie and query).
    const uuids = seen.kwiff.flatMap((r) => /uuid=([\w-]+)/.exec(r.headers.cookie ?? '')?.[1] ?? [])
    expect(uuids.length).toBeGreaterThan(0)
    const secrets = [
      ...Object.values(PLANTED),
      basic(PLANTED.winamaxUser, PLANTED.winamaxPass).slice(6),
      basic(PLANTED.kwiffUser, PLANTED.kwiffPass).slice(6),
      basic(PLANTED.bet365User, PLANTED.bet365Pass).slice(6),
      ...uuids,
    ]
    const places: [string, string][] = [
      ['log', logs],
      ['/api/snapshot', answers[0]!],
      ['/healthz', answers[1]!],
      ['/metrics', answers[2]!],
      ['/ws', relay.join('\n')],
    ]
    const leaks = places.flatMap(([where, text]) =>
      secrets.filter((s) => text.includes(s)).map((s) => `${where} carries ${s}`),
    )
    expect(leaks).toEqual([])
    // Redaction keeps every log line whole: one JSON record per line.
    for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow()
    // Credentials in a URL work: every upstream got them as a Basic header.
    const auth = (rs: IncomingMessage[]) => new Set(rs.map((r) => r.headers.authorization))
    expect(auth(seen.winamax)).toEqual(new Set([basic(PLANTED.winamaxUser, PLANTED.winamaxPass)]))
    expect(auth(seen.kwiff)).toEqual(new Set([basic(PLANTED.kwiffUser, PLANTED.kwiffPass)]))
    expect(auth(seen.bet365)).toEqual(new Set([basic(PLANTED.bet365User, PLANTED.bet365Pass)]))
    if (process.env.SHOW_LOGS) console.log(logs)
    // The hostile paths were taken: errors and bad frames reached the logs, censored.
    expect(logs).toContain('[redacted]')
    expect(logs).toContain('skipped malformed upstream frame')
  }, 30_000)

  it('a bad *_URL with credentials is refused without echoing them', () => {
    const load = () => loadConfig({ FEEDS: 'bet365', BET365_URL: 'http://u:P4ss-never@h/zap/' })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(/BET365_URL: must be a URL starting with ws:\/\/ or wss:\/\//)
    expect(load).not.toThrow(/P4ss-never/)
  })
})
