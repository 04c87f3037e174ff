/**
 * Kwiff simulator: a real `socket.io` v4 server (`allowEIO3: true`) at `/socket.io/` that
 * speaks Kwiff's protocol (seed 002; shared/DESIGN.md "Kwiff"): it refuses a handshake whose
 * `Cookie: uuid=` differs from its `identifier` query (through `allowRequest`: engine.io answers
 * a refused websocket upgrade with HTTP 400, a refused poll with 403; Kwiff itself answers 403,
 * seed 002 "Troubleshooting"),
 * pushes `42["response",{user}]` before the namespace `40` (seed 002 "Initial Message
 * Sequence"), and answers `command` events through acks with data from {@link KwiffSimWorld}.
 * Some answers are slow (beyond a typical ack timeout) or error replies, at configurable rates.
 *
 * With a shared world (issue 9; `world` option), the matches the world lists for Kwiff are
 * answered beside the simulator's own events (simShared.ts); a sample event the world takes
 * over (`fixture.native.kwiff`) is served in the world's version only.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { IncomingMessage } from 'node:http'
import { Server } from 'socket.io'
import type { Logger, SharedWorld, SimServer } from '@oddsboard/feedkit'
import { mulberry32, silentLogger } from '@oddsboard/feedkit'
import { KwiffSharedView } from './simShared'
import { KwiffSimWorld } from './simWorld'

export { KwiffSimWorld } from './simWorld'

/** Options of {@link startKwiffSim}. */
export interface KwiffSimOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (ephemeral). */
  port?: number
  logger?: Logger
  /** World and fault seed; default 1. */
  seed?: number
  /** Share of commands answered with an error reply, 0..1; default 0.03. */
  failureRate?: number
  /** Share of commands answered after `slowMs`, 0..1; default 0.03. */
  slowRate?: number
  /** Delay of a slow answer, ms; default 10 000 (beyond a typical ack timeout). */
  slowMs?: number
  /** World tick, ms: odds drift, matches start and end; 0 freezes the world. Default 1000. */
  tickMs?: number
  /**
   * When the `response` push is sent: `'before-connect'` (default) gives Kwiff's documented
   * `0`, `42["response",…]`, `40`; `'after-connect'` gives `0`, `40`, `42["response",…]`.
   */
  responseOrder?: 'before-connect' | 'after-connect'
  /** The shared simulated world whose Kwiff matches are served beside the simulator's own. */
  world?: SharedWorld
}

/** What the simulator saw of one accepted handshake (tests: the client's headers). */
export interface KwiffSimHandshake {
  /** The `identifier` query parameter (equal to the `uuid` cookie, or it was refused). */
  identifier: string
  /** The `Origin` header, if any. */
  origin?: string
  /** The `User-Agent` header, if any. */
  userAgent?: string
}

/** One `command` body as received (seed 002 "Command Format"); `timestamp` is epoch ms. */
export interface KwiffSimCommand {
  message: string
  payload: Record<string, unknown>
  timestamp?: unknown
  userAgent?: unknown
  webappVersion?: unknown
}

/** Ways {@link KwiffSimControl.failNext} can make a command fail. */
export type KwiffSimFault = 'slow' | 'error' | 'malformed' | 'bad-event' | 'vanish'

/** Test hooks of a running simulator. */
export interface KwiffSimControl {
  /** The world: inspect events, `remove(id)`, `setOdds(...)`, `step()`. */
  readonly world: KwiffSimWorld
  /** Changes the fault rates from now on. */
  setRates(rates: { failureRate?: number; slowRate?: number }): void
  /** Commands received so far, by message (e.g. `{'event:list': 3}`). */
  commandCounts(): Record<string, number>
  /**
   * Makes the next `count` commands fail in one way, whatever the rates: `'slow'` (answered
   * after `slowMs`), `'error'` (error reply), `'malformed'` (a reply of the wrong shape) or
   * `'bad-event'` (a right reply whose first event lacks its `homeTeam`). `'vanish'` waits for
   * the next `event:get` and removes its event just before answering, so the reply is
   * `NOT_FOUND`: the race of a match ending between `event:list` and `event:get`.
   */
  failNext(count: number, kind: KwiffSimFault): void
  /** Pushes an event to every connected client (tests: unknown pushed events). */
  push(event: string, ...args: unknown[]): void
  /** The `identifier` of every accepted handshake, in order. */
  identifiers(): string[]
  /** Every accepted handshake with its `Origin` and `User-Agent`, in order. */
  handshakes(): KwiffSimHandshake[]
  /** The last (at most 1000) `command` bodies received, oldest first. */
  commands(): KwiffSimCommand[]
  /** Disconnects every client from the server side (tests: reconnects). */
  dropConnections(): void
}

/** A running simulator with its test hooks. */
export interface KwiffSimServer extends SimServer {
  control: KwiffSimControl
}

/** Countries the simulator lists events for (seed 002: GB default, IE possible). */
const COUNTRIES = new Set(['GB', 'IE'])

type Ack = (...args: unknown[]) => void

/** Reads the `uuid` cookie of a request, or undefined. */
function uuidCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === 'uuid') return decodeURIComponent(v.join('='))
  }
  return undefined
}

/** An `event:list` answer copied with its first event lacking `homeTeam`; others unchanged. */
function withBadFirstEvent(answer: unknown): unknown {
  const a = answer as { data?: { events?: Record<string, unknown>[] } }
  const events = a.data?.events
  if (!Array.isArray(events) || events.length === 0) return answer
  const [first, ...rest] = events
  const { homeTeam: _dropped, ...broken } = first!
  return { ...a, data: { ...a.data, events: [broken, ...rest] } }
}

/**
 * Starts the simulator on `host:port`; resolves once it listens. Its `url`
 * (`http://HOST:PORT/socket.io/`) is what the Kwiff feed connects to. `close()` stops the
 * world tick, pending slow answers and the server.
 */
export async function startKwiffSim(options: KwiffSimOptions = {}): Promise<KwiffSimServer> {
  const host = options.host ?? '127.0.0.1'
  const logger = options.logger ?? silentLogger
  const seed = options.seed ?? 1
  let failureRate = options.failureRate ?? 0.03
  let slowRate = options.slowRate ?? 0.03
  const slowMs = options.slowMs ?? 10_000
  const tickMs = options.tickMs ?? 1000
  const faults = mulberry32(seed ^ 0x5eed)
  const world = new KwiffSimWorld({ seed, baseTime: Date.now(), tickMs: tickMs || 1000 })
  const counts: Record<string, number> = {}
  const timers = new Set<NodeJS.Timeout>()
  const accepted: KwiffSimHandshake[] = []
  const received: KwiffSimCommand[] = []
  const shared = options.world !== undefined ? new KwiffSharedView(options.world) : undefined
  const releaseWorld = options.world?.retain()

  const http = createServer()
  const io = new Server(http, {
    path: '/socket.io/',
    allowEIO3: true,
    serveClient: false,
    allowRequest: (req, callback) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const identifier = url.searchParams.get('identifier')
      const cookie = uuidCookie(req)
      if (identifier === null || identifier === '' || cookie !== identifier) {
        logger.info(
          { hasIdentifier: identifier !== null, hasCookie: cookie !== undefined },
          'kwiff sim: refused handshake (uuid cookie does not match identifier)',
        )
        callback('uuid cookie does not match identifier', false)
        return
      }
      const origin = req.headers.origin
      const userAgent = req.headers['user-agent']
      accepted.push({
        identifier,
        ...(origin !== undefined && { origin }),
        ...(userAgent !== undefined && { userAgent }),
      })
      callback(null, true)
    },
  })

  const userDetails = (socketId: string) => ({
    // ASSUMED content: the seed only shows `{user:socketdetails}`.
    user: { socketId, anonymous: true, country: 'GB', currency: 'GBP', oddsFormat: 'fractional' },
  })
  if ((options.responseOrder ?? 'before-connect') === 'before-connect') {
    // Middleware runs before socket.io writes `40`, so this push precedes it, as on Kwiff.
    io.use((socket, next) => {
      socket.emit('response', userDetails(socket.id))
      next()
    })
  }

  const forced: KwiffSimFault[] = []

  const reply = (ack: Ack, body: unknown, slow: boolean): void => {
    if (slow) {
      const t = setTimeout(() => {
        timers.delete(t)
        ack(body)
      }, slowMs)
      timers.add(t)
    } else {
      ack(body)
    }
  }

  const answer = (message: string, payload: Record<string, unknown>, mayFail: boolean): unknown => {
    const timestamp = Date.now()
    const error = (code: string, msg: string) => ({ timestamp, error: { code, message: msg } })
    if (mayFail && faults() < failureRate) {
      return error('SERVICE_UNAVAILABLE', 'temporarily unavailable')
    }
    if (message === 'event:list') {
      const sportId = payload.sportId
      const country = payload.country ?? 'GB'
      if (typeof sportId !== 'number') return error('BAD_REQUEST', 'sportId must be a number')
      if (!COUNTRIES.has(String(country))) return { timestamp, data: { events: [] } }
      // The world's first: listing them notes which sample events it has taken over.
      const fromWorld = shared?.list(sportId) ?? []
      const events = [
        ...world
          .events()
          .filter((e) => e.sportId === sportId && shared?.owns(e.id) !== true)
          .sort((a, b) => a.startTick - b.startTick || a.id - b.id)
          .map((e) => world.render(e, false)),
        ...fromWorld,
      ]
      return { timestamp, data: { events } }
    }
    if (message === 'event:get') {
      const id = Number(payload.eventId)
      const fromWorld = shared?.get(id)
      if (fromWorld !== undefined) return { timestamp, data: { result: fromWorld } }
      const ev = shared?.owns(id) === true ? undefined : world.get(id)
      if (ev === undefined) return error('NOT_FOUND', `no event ${String(payload.eventId)}`)
      return { timestamp, data: { result: world.render(ev, true) } }
    }
    return error('UNKNOWN_COMMAND', `unknown command ${message}`)
  }

  io.on('connection', (socket) => {
    if (options.responseOrder === 'after-connect') socket.emit('response', userDetails(socket.id))
    socket.on('command', (body: unknown, ack: unknown) => {
      if (typeof ack !== 'function') {
        logger.warn({}, 'kwiff sim: command without ack ignored')
        return
      }
      const b = (body ?? {}) as Record<string, unknown>
      const message = typeof b.message === 'string' ? b.message : ''
      counts[message] = (counts[message] ?? 0) + 1
      const payload =
        b.payload !== null && typeof b.payload === 'object'
          ? (b.payload as Record<string, unknown>)
          : {}
      received.push({
        message,
        payload,
        timestamp: b.timestamp,
        userAgent: b.userAgent,
        webappVersion: b.webappVersion,
      })
      if (received.length > 1000) received.shift()
      let force: KwiffSimFault | undefined
      if (forced[0] !== 'vanish') force = forced.shift()
      else if (message === 'event:get') {
        forced.shift()
        world.remove(Number(payload.eventId))
      }
      const slow = force === 'slow' || (force === undefined && faults() < slowRate)
      const body2 =
        force === 'error'
          ? { timestamp: Date.now(), error: { code: 'SERVICE_UNAVAILABLE', message: 'forced' } }
          : force === 'malformed'
            ? { timestamp: Date.now(), data: { events: 'not a list', result: null } }
            : force === 'bad-event'
              ? withBadFirstEvent(answer(message, payload, false))
              : answer(message, payload, force === undefined)
      reply(ack as Ack, body2, slow)
    })
  })

  let tick: NodeJS.Timeout | undefined
  if (tickMs > 0) tick = setInterval(() => world.step(), tickMs)

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(options.port ?? 0, host, () => {
        http.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    if (tick !== undefined) clearInterval(tick)
    shared?.close()
    releaseWorld?.()
    throw err
  }
  const { port } = http.address() as AddressInfo
  const url = `http://${host}:${port}/socket.io/`
  logger.info(
    { url, events: world.events().length, worldEvents: options.world?.matches('kwiff').length },
    'kwiff simulator listening',
  )

  let closing: Promise<void> | undefined
  return {
    url,
    control: {
      world,
      setRates(r) {
        if (r.failureRate !== undefined) failureRate = r.failureRate
        if (r.slowRate !== undefined) slowRate = r.slowRate
      },
      commandCounts: () => ({ ...counts }),
      failNext(count, kind) {
        for (let i = 0; i < count; i++) forced.push(kind)
      },
      push: (event, ...args) => {
        io.emit(event, ...args)
      },
      identifiers: () => accepted.map((h) => h.identifier),
      handshakes: () => accepted.map((h) => ({ ...h })),
      commands: () => received.map((c) => ({ ...c })),
      dropConnections: () => {
        io.disconnectSockets(true)
      },
    },
    close() {
      closing ??= (async () => {
        if (tick !== undefined) clearInterval(tick)
        shared?.close()
        releaseWorld?.()
        for (const t of timers) clearTimeout(t)
        timers.clear()
        io.disconnectSockets(true)
        await new Promise<void>((resolve) => {
          void io.close(() => resolve())
        })
      })()
      return closing
    },
  }
}
