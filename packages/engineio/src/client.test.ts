import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import type { ServerOptions, Socket } from 'socket.io'
import { WebSocketServer } from 'ws'
import { SocketIoClient } from './client'
import { AckTimeoutError, NotConnectedError } from './api'
import type { ClientState, SocketIoClientOptions } from './api'
import { encodePayload } from './codec'
import { withTimeout } from '@oddsboard/feedkit/testing'

/** Conformance against the real `socket.io` 4.8 server speaking EIO3 (`allowEIO3: true`). */

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Resolves with the first value `subscribe` hands to `done`; rejects after `ms`. */
const waitFor = <T = void>(what: string, subscribe: (done: (v: T) => void) => void, ms = 3000) =>
  withTimeout(new Promise<T>((resolve) => subscribe(resolve)), ms, what)

function listen(server: HttpServer): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  )
}

interface SeenRequest {
  transport: string
  sid: string | null
  origin?: string
  userAgent?: string
  cookie?: string
  authorization?: string
  /** The request URL as the server saw it. */
  url: string
  identifier: string | null
}

/** A real socket.io server on 127.0.0.1:0 that records every request's headers. */
async function startIo(opts: Partial<ServerOptions> = {}) {
  const http = createServer()
  const io = new Server(http, { allowEIO3: true, ...opts })
  const seen: SeenRequest[] = []
  io.engine.on('headers', (_headers: unknown, req: IncomingMessage) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams
    seen.push({
      transport: q.get('transport') ?? '',
      sid: q.get('sid'),
      origin: req.headers.origin,
      userAgent: req.headers['user-agent'],
      cookie: req.headers.cookie,
      authorization: req.headers.authorization,
      url: req.url ?? '',
      identifier: q.get('identifier'),
    })
  })
  const port = await listen(http)
  cleanups.push(async () => {
    const closed = io.close()
    http.closeAllConnections()
    await closed
  })
  return { io, seen, url: `http://127.0.0.1:${port}/socket.io/` }
}

function client(opts: SocketIoClientOptions): SocketIoClient {
  const c = new SocketIoClient({ reconnect: { initialDelayMs: 20, maxDelayMs: 50 }, ...opts })
  cleanups.push(() => c.close())
  return c
}

function connected(c: SocketIoClient): Promise<void> {
  return waitFor('connect', (done) => c.on('connect', done))
}

function serverSocket(io: Server): Promise<Socket> {
  return waitFor('server connection', (done) => io.once('connection', done))
}

describe('SocketIoClient against socket.io 4.8 (allowEIO3)', () => {
  it('sends credentials in the URL as Authorization: Basic on every poll and on the upgrade', async () => {
    const { io, seen, url } = await startIo()
    const upgraded = waitFor('upgrade', (done) =>
      io.engine.once('connection', (raw: { on: (e: string, f: () => void) => void }) =>
        raw.on('upgrade', done),
      ),
    )
    const withUser = url.replace('http://', 'http://gate%20user:p%40ss:word@')
    const states: [ClientState, string | undefined][] = []
    const c = client({ url: withUser })
    c.on('state', (s, e) => states.push([s, e]))
    c.connect()
    await connected(c)
    await upgraded
    expect(states).toEqual([
      ['connecting', undefined],
      ['open', undefined],
    ])
    const basic = `Basic ${Buffer.from('gate user:p@ss:word').toString('base64')}`
    expect(seen.map((r) => r.transport)).toContain('websocket')
    expect(seen.length).toBeGreaterThan(1)
    for (const r of seen) {
      expect(r.authorization).toBe(basic)
      expect(r.url).not.toMatch(/gate|word/)
    }
  })

  it('polling handshake, websocket upgrade with the same sid, headers and LB cookie kept', async () => {
    const { io, seen, url } = await startIo()
    io.engine.on('initial_headers', (headers: Record<string, string>) => {
      headers['set-cookie'] = 'AWSALB=lb-node-7; Path=/'
    })
    const upgraded = waitFor('upgrade', (done) =>
      io.engine.once('connection', (raw: { on: (e: string, f: () => void) => void }) =>
        raw.on('upgrade', done),
      ),
    )
    const got = waitFor<unknown[]>('server event', (done) =>
      io.on('connection', (s) => s.on('m', (...args: unknown[]) => done(args))),
    )
    const c = client({
      url,
      headers: {
        Origin: 'https://www.winamax.fr',
        'User-Agent': 'oddsboard-test/1',
        Cookie: 'u=1',
      },
    })
    const states: ClientState[] = []
    c.on('state', (s) => states.push(s))
    c.on('connect', () => c.emit('m', { route: 'sport:5', requestId: 'r1' }))
    c.connect()
    await connected(c)
    expect(await got).toEqual([{ route: 'sport:5', requestId: 'r1' }])
    await upgraded
    expect(states).toEqual(['connecting', 'open'])

    const handshake = seen[0]!
    expect(handshake).toMatchObject({ transport: 'polling', sid: null })
    const ws = seen.find((r) => r.transport === 'websocket')!
    expect(ws).toBeDefined()
    // The upgrade reuses the polling sid and carries the user's headers and the LB cookie.
    expect(ws.sid).not.toBeNull()
    expect(seen.filter((r) => r.transport === 'polling' && r.sid !== null)[0]?.sid).toBe(ws.sid)
    for (const r of seen) {
      expect(r.origin).toBe('https://www.winamax.fr')
      expect(r.userAgent).toBe('oddsboard-test/1')
    }
    expect(ws.cookie).toBe('u=1; AWSALB=lb-node-7')
    expect(seen.filter((r) => r.sid !== null).every((r) => r.cookie?.includes('AWSALB='))).toBe(
      true,
    )

    // After the upgrade, server events still flow (now over the websocket).
    const ev = waitFor<[string, unknown[]]>('event', (done) =>
      c.on('event', (name, args) => done([name, args])),
    )
    io.emit('m', { hot: 'live' })
    expect(await ev).toEqual(['m', [{ hot: 'live' }]])
  })

  it('websocket only: prepare() runs before each attempt; acks both ways', async () => {
    const { io, seen, url } = await startIo()
    io.on('connection', (s) => {
      s.on('command', (cmd: { message: string }, cb: (r: unknown) => void) =>
        cb({ data: { events: [cmd.message] } }),
      )
    })
    let n = 0
    const c = client({
      url,
      transport: 'websocket',
      prepare: () => {
        const id = `uuid-${++n}`
        return { query: { identifier: id }, headers: { Cookie: `uuid=${id}` } }
      },
    })
    const serverSide = serverSocket(io)
    c.connect()
    await connected(c)
    expect(seen.map((r) => r.transport)).toEqual(['websocket'])
    expect(seen[0]).toMatchObject({ identifier: 'uuid-1', cookie: 'uuid=uuid-1' })

    const answer = await c.emitWithAck('command', [{ message: 'event:list' }], 1000)
    expect(answer).toEqual([{ data: { events: ['event:list'] } }])

    // Server → client event with an ack: the listener's `ack` sends `43<id>[...]`.
    c.on('event', (name, args, ack) => {
      if (name === 'ask') ack?.('answer', args[0])
    })
    const s = await serverSide
    const reply = await waitFor<unknown[]>('server ack', (done) =>
      s
        .timeout(1000)
        .emit('ask', 'é', (err: Error | null, ...args: unknown[]) =>
          done(err ? [err.message] : args),
        ),
    )
    expect(reply).toEqual(['answer', 'é'])

    // A reconnect calls prepare() again: a fresh identifier and cookie.
    const again = connected(c)
    s.disconnect()
    await again
    expect(seen.at(-1)).toMatchObject({ identifier: 'uuid-2', cookie: 'uuid=uuid-2' })
  })

  it('server-side disconnect: disconnect event, then reconnects', async () => {
    const { io, url } = await startIo()
    const c = client({ url })
    const first = serverSocket(io)
    c.connect()
    await connected(c)
    const states: [ClientState, string | undefined][] = []
    c.on('state', (s, e) => states.push([s, e]))
    const reason = waitFor<string>('disconnect', (done) => c.on('disconnect', done))
    const again = connected(c)
    ;(await first).disconnect()
    expect(await reason).toBe('server disconnect')
    await again
    expect(states).toEqual([
      ['reconnecting', 'server disconnect'],
      ['open', undefined],
    ])
    expect(c.state).toBe('open')
  })

  it('detects a server that stops answering pings (ping timeout)', async () => {
    const { io, url } = await startIo({ pingInterval: 200, pingTimeout: 200 })
    // Make the engine drop its pongs: the client's pings go unanswered.
    io.engine.once('connection', (raw: { sendPacket: (type: string, ...r: unknown[]) => void }) => {
      const send = raw.sendPacket.bind(raw)
      raw.sendPacket = (type, ...rest) => {
        if (type !== 'pong') send(type, ...rest)
      }
    })
    const c = client({ url, transport: 'websocket', reconnect: false })
    c.connect()
    await connected(c)
    const reason = await waitFor<string>('disconnect', (done) => c.on('disconnect', done))
    expect(reason).toBe('ping timeout')
    expect(c.state).toBe('closed')
  })

  it('keeps a healthy connection alive over several ping rounds', async () => {
    const { io, url } = await startIo({ pingInterval: 50, pingTimeout: 200 })
    // Count the client's pings on the server's side of this one Engine.IO session.
    const fivePings = waitFor('5 pings', (done) =>
      io.engine.once(
        'connection',
        (raw: { on: (e: string, f: (p: { type: string }) => void) => void }) => {
          let pings = 0
          raw.on('packet', (p) => p.type === 'ping' && ++pings === 5 && done())
        },
      ),
    )
    const c = client({ url })
    const disconnects: string[] = []
    c.on('disconnect', (r) => disconnects.push(r))
    c.connect()
    await connected(c)
    await fivePings
    expect(disconnects).toEqual([])
    expect(c.state).toBe('open')
  })

  it('non-ASCII payloads over polling arrive intact both ways (UTF-16 lengths)', async () => {
    const { io, url } = await startIo({ transports: ['polling'] })
    const texts = ['é', 'Ünïcödé àçcénts', '😀🎾🏆', '漢字かな', 'a\u2028b', '𝔘𝔫𝔦']
    io.on('connection', (s) => {
      s.on('echo', (v: string, cb: (r: string) => void) => cb(v + '✓'))
      // Several packets in one polling payload.
      for (const t of texts) s.emit('txt', t)
    })
    const got: string[] = []
    const c = client({ url })
    const all = waitFor('texts', (done) =>
      c.on('event', (name, args) => {
        if (name === 'txt') got.push(args[0] as string)
        if (got.length === texts.length) done()
      }),
    )
    c.connect()
    await connected(c)
    await all
    expect(got).toEqual(texts)
    // Client → server ack over polling.
    expect(await c.emitWithAck('echo', ['🎾 Pétra Kvitová'], 1000)).toEqual(['🎾 Pétra Kvitová✓'])
    // Server → client event with an ack id over polling; the client's ack (a POST) carries
    // non-ASCII text back.
    c.on('event', (name, args, ack) => {
      if (name === 'ask') ack?.(`${String(args[0])} → réponse 😀`)
    })
    const s = [...io.sockets.sockets.values()][0]!
    const reply = await waitFor<unknown[]>('server ack over polling', (done) =>
      s
        .timeout(1000)
        .emit('ask', 'Zürich', (err: Error | null, ...args: unknown[]) =>
          done(err ? [err.message] : args),
        ),
    )
    expect(reply).toEqual(['Zürich → réponse 😀'])
    // The server really is on polling (transports: ['polling'] forbids the upgrade).
    expect(s.conn.transport.name).toBe('polling')
  })

  it('never logs the Engine.IO sid, cookies or header values', async () => {
    const { io, url } = await startIo()
    io.engine.on('initial_headers', (headers: Record<string, string>) => {
      headers['set-cookie'] = 'AWSALB=lb-secret-cookie; Path=/'
    })
    const lines: string[] = []
    const record = (obj: object, msg?: string) => lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`)
    const logger = { debug: record, info: record, warn: record, error: record }
    // The Engine.IO session (its `id` is the sid on the wire) and its upgrade.
    let sid = ''
    const upgraded = waitFor('upgrade', (done) =>
      io.engine.once(
        'connection',
        (raw: { id: string; on: (e: string, f: () => void) => void }) => {
          sid = raw.id
          raw.on('upgrade', done)
        },
      ),
    )
    const c = client({ url, logger, headers: { Cookie: 'session=user-secret' } })
    c.connect()
    await connected(c)
    await upgraded
    const first = sid
    expect(first.length).toBeGreaterThan(8)
    const again = connected(c)
    io.disconnectSockets()
    await again
    await c.close()
    const text = lines.join('\n')
    expect(text).toContain('engine.io open') // the logger really was used, at debug level
    expect(text).not.toContain(first)
    expect(text).not.toMatch(/lb-secret-cookie|user-secret/)
  })

  it('a custom namespace is connected by the client (40/nsp,)', async () => {
    const { io, url } = await startIo()
    io.of('/live').on('connection', (s) => s.emit('hello', s.nsp.name))
    const c = client({ url, namespace: '/live', transport: 'websocket' })
    const ev = waitFor<unknown[]>('hello', (done) => c.on('event', (_n, args) => done(args)))
    c.connect()
    await connected(c)
    expect(await ev).toEqual(['/live'])
  })

  it('emitWithAck rejects on timeout; emit throws when not connected', async () => {
    const { url } = await startIo()
    const c = client({ url, transport: 'websocket' })
    expect(() => c.emit('x')).toThrow(NotConnectedError)
    await expect(c.emitWithAck('x', [], 100)).rejects.toBeInstanceOf(NotConnectedError)
    c.connect()
    await connected(c)
    await expect(c.emitWithAck('nobody-acks', [], 100)).rejects.toBeInstanceOf(AckTimeoutError)
    await c.close()
    expect(c.state).toBe('closed')
    expect(() => c.emit('x')).toThrow(NotConnectedError)
  })

  it('close() during an acked emit rejects it and ends in state closed', async () => {
    const { url } = await startIo({ transports: ['polling'] })
    const c = client({ url })
    c.connect()
    await connected(c)
    const pending = c.emitWithAck('slow', [], 5000).catch((e: unknown) => e)
    const reasons: string[] = []
    c.on('disconnect', (r) => reasons.push(r))
    await c.close()
    expect(await pending).toBeInstanceOf(NotConnectedError)
    expect(reasons).toEqual(['client close'])
    expect(c.state).toBe('closed')
  })
})

describe('SocketIoClient against hand-written EIO3 servers', () => {
  const open = (upgrades: string[] = []) =>
    '0' + JSON.stringify({ sid: 'S1', upgrades, pingInterval: 10_000, pingTimeout: 5_000 })

  it('websocket: malformed packets yield badPacket and the client keeps going', async () => {
    const http = createServer()
    const wss = new WebSocketServer({ server: http })
    wss.on('connection', (ws) => {
      for (const f of [
        open(),
        '40',
        '9zz',
        '42["bad"',
        '451-["b",{"_placeholder":true}]',
        '42{}',
      ]) {
        ws.send(f)
      }
      ws.send(Buffer.from([1, 2, 3]), { binary: true })
      ws.send('42["after",1]')
    })
    const port = await listen(http)
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const ws of wss.clients) ws.terminate()
          wss.close()
          http.close(() => r())
        }),
    )
    const c = client({ url: `ws://127.0.0.1:${port}/socket.io/`, transport: 'websocket' })
    const bad: [string, string][] = []
    c.on('badPacket', (raw, reason) => bad.push([raw, reason]))
    const after = waitFor<unknown[]>('after', (done) =>
      c.on('event', (name, args) => name === 'after' && done(args)),
    )
    c.connect()
    expect(await after).toEqual([1])
    expect(bad.map(([raw]) => raw)).toEqual([
      '9zz',
      '42["bad"',
      '451-["b",{"_placeholder":true}]',
      '42{}',
      '<binary frame>',
    ])
    expect(bad[2]![1]).toMatch(/binary/)
    expect(c.state).toBe('open')
  })

  it('absurdly nested packets are bad packets, skipped whole; nothing throws out of the socket', async () => {
    // issue 13 follow-up: `44<20,000 levels>` made the client's JSON.stringify of the error
    // data overflow the stack inside the websocket's message handler (an uncaught RangeError).
    const levels = 20_000
    const deepArray = '['.repeat(levels) + ']'.repeat(levels)
    const deepObject = '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)
    const frames = [
      '44' + deepObject, // ERROR: the client reads its data for the reason
      '44{"message":"x","data":' + deepArray + '}',
      '40' + deepArray, // CONNECT with data, while connected
      '42["deep",' + deepObject + ']', // EVENT
      '43' + '7' + deepArray, // ACK (no emit pending)
      '42["after",1]',
    ]
    const http = createServer()
    const wss = new WebSocketServer({ server: http })
    wss.on('connection', (ws) => {
      ws.send(open())
      ws.send('40')
      for (const f of frames) ws.send(f)
    })
    const port = await listen(http)
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const ws of wss.clients) ws.terminate()
          wss.close()
          http.close(() => r())
        }),
    )
    const run = async (opts: Partial<SocketIoClientOptions>) => {
      const c = client({
        url: `ws://127.0.0.1:${port}/socket.io/`,
        transport: 'websocket',
        ...opts,
      })
      const bad: [string, string][] = []
      const events: string[] = []
      const states: (string | undefined)[] = []
      c.on('badPacket', (raw, reason) => bad.push([raw, reason]))
      c.on('state', (s, e) => states.push(e === undefined ? s : `${s}: ${e}`))
      const after = waitFor('after', (done) =>
        c.on('event', (name) => {
          events.push(name)
          if (name === 'after') done()
        }),
      )
      c.connect()
      await after
      return { c, bad, events, states }
    }

    // Compared by head and length: a failing toEqual on 40,000-character strings is unreadable.
    const short = (raws: string[]) => raws.map((r) => `${r.slice(0, 6)}…${r.length}`)
    const strict = await run({})
    expect(short(strict.bad.map(([raw]) => raw))).toEqual(short(frames.slice(0, 5)))
    for (const [, reason] of strict.bad) {
      expect(reason).toMatch(/^Socket\.IO packet data nests deeper than 64 levels$/)
    }
    expect(strict.events).toEqual(['after'])
    expect(strict.states).toEqual(['connecting', 'open'])
    expect(strict.c.state).toBe('open')

    // A listener that bounds event data itself (Winamax, Kwiff) may take it unchecked; the
    // data the client reads itself (CONNECT, ERROR) is still bounded.
    const lax = await run({ maxDepth: Infinity })
    expect(short(lax.bad.map(([raw]) => raw))).toEqual(short(frames.slice(0, 3)))
    expect(lax.events).toEqual(['deep', 'after'])
    expect(lax.states).toEqual(['connecting', 'open'])
  })

  it('polling: a bad packet inside a payload and a broken payload are skipped', async () => {
    const payloads = [
      encodePayload([open(), '40']),
      encodePayload(['42["a"]', '4{oops', '42["b","é😀"]']),
      '12:42["x"]', // length says 12, only 7 follow: broken framing
      encodePayload(['42["c"]']),
    ]
    const held: ServerResponse[] = []
    const queries: URLSearchParams[] = []
    const http = createServer((req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams
      if (req.method === 'POST') {
        req.resume()
        req.on('end', () => res.end('ok'))
        return
      }
      queries.push(q)
      const body = payloads.shift()
      if (body === undefined) {
        held.push(res) // a long poll with nothing to say
        return
      }
      res.setHeader('Content-Type', 'text/plain; charset=UTF-8')
      res.end(body)
    })
    const port = await listen(http)
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const res of held) res.end('6')
          http.closeAllConnections()
          http.close(() => r())
        }),
    )
    const c = client({ url: `http://127.0.0.1:${port}/sock/?x=1` })
    const events: unknown[] = []
    const bad: string[] = []
    c.on('badPacket', (raw) => bad.push(raw))
    const done = waitFor('c', (d) =>
      c.on('event', (name, args) => {
        events.push([name, ...args])
        if (name === 'c') d()
      }),
    )
    c.connect()
    await done
    expect(events).toEqual([['a'], ['b', 'é😀'], ['c']])
    expect(bad).toEqual(['4{oops', '12:42["x"]'])
    expect(c.state).toBe('open')
    // Every poll asks for string payloads and keeps the user's query; later ones carry the sid.
    expect(queries[0]!.get('x')).toBe('1')
    expect(queries[0]!.get('EIO')).toBe('3')
    expect(queries[0]!.get('b64')).toBe('1')
    expect(queries[0]!.get('sid')).toBeNull()
    expect(queries[1]!.get('sid')).toBe('S1')
  })

  it('connect timeout when the server never answers; without reconnect ends closed', async () => {
    const held: ServerResponse[] = []
    const http = createServer((_req, res) => held.push(res))
    const port = await listen(http)
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          http.closeAllConnections()
          http.close(() => r())
        }),
    )
    const c = client({
      url: `http://127.0.0.1:${port}/socket.io/`,
      connectTimeoutMs: 150,
      reconnect: false,
    })
    const states: [ClientState, string | undefined][] = []
    c.on('state', (s, e) => states.push([s, e]))
    const closed = waitFor('closed', (d) => c.on('state', (s) => s === 'closed' && d()))
    c.connect()
    await closed
    expect(states).toEqual([
      ['connecting', undefined],
      ['closed', 'connect timeout'],
    ])
  })

  it('reconnects with backoff after refused connections, calling prepare() each time', async () => {
    // A port with nothing listening: take one, then close it.
    const http = createServer()
    const port = await listen(http)
    await new Promise<void>((r) => http.close(() => r()))
    let prepared = 0
    const c = client({
      url: `http://127.0.0.1:${port}/socket.io/`,
      prepare: () => {
        prepared++
        return {}
      },
    })
    const errors: (string | undefined)[] = []
    const third = waitFor('3 attempts', (d) =>
      c.on('state', (s, e) => {
        errors.push(e)
        if (prepared >= 3) d()
      }),
    )
    c.connect()
    await third
    expect(c.state).toBe('reconnecting')
    expect(errors.slice(1).every((e) => e?.startsWith('transport error'))).toBe(true)
  })
})
