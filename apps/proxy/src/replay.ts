/**
 * Replay (issue 11): `<BOOK>_URL=replay:FILE` serves a recording (feedkit's `FrameRecorder`
 * format, or a shared capture) through a local server that speaks the book's protocol, so the
 * book's own, unchanged feed code reads it over a real socket.
 *
 * - Handshakes are answered fresh (a new Engine.IO sid, a new zap connection id): a recorded
 *   handshake names a session that no longer exists, and its secrets were redacted anyway.
 * - Pushed frames (Winamax `m` payloads, Bet365 zap messages) are played on their recorded
 *   timing divided by the speed, from the client's subscription on; `max` plays them as fast
 *   as the socket takes them. Winamax snapshots are answered to the client's own `requestId`
 *   (the recorded one is mapped through the route it was recorded for; a route the client did
 *   not ask, as in a recording of a tapped page, goes to a request not answered yet); a
 *   recorded reconnect makes the client resync (see {@link startWinamaxBridge}).
 * - Kwiff is request/response (captures/README "kwiff/"): each `command` is answered with
 *   the recorded answer to the same command (same `message` and payload), in recorded order:
 *   the n-th request of a command gets its n-th recorded answer (errors included; a command
 *   not answered within the feed's ack timeout gets an error reply at once), paced by the
 *   speed, and after the end the last good answer stands.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { Server } from 'socket.io'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { Source } from '@oddsboard/model'
import type { Logger, RecordedFrame, SimServer } from '@oddsboard/feedkit'
import { parseRecording, silentLogger } from '@oddsboard/feedkit'
import { decodeEnginePacket, decodePayload, decodeSocketIoPacket } from '@oddsboard/engineio'
import {
  decodeClientFrame,
  encodeHandshakeReply,
  formatZapTime,
  TIME_TOPIC,
  ZAP_SUBPROTOCOL,
  ZapDecodeError,
} from '@oddsboard/bet365'
import { replyError } from '@oddsboard/kwiff'

/** Replay speed: a factor on the recorded timing (4 = four times as fast), or `max`. */
export type ReplaySpeed = number | 'max'

/**
 * The URL scheme that selects a replay: `replay:FILE` (a path, relative to the working
 * directory), or `replay:FILE,FILE…` for consecutive hourly files of one session.
 */
export const REPLAY_SCHEME = 'replay:'

/** The file of a `replay:FILE` endpoint, or undefined when `url` is not one. */
export function replayFile(url: string): string | undefined {
  return url.startsWith(REPLAY_SCHEME) ? url.slice(REPLAY_SCHEME.length) : undefined
}

/** A running replay server: a {@link SimServer} that also says how far it got. */
export interface ReplayServer extends SimServer {
  /** Frames (or, for Kwiff, recorded acks) served so far, and in all. */
  progress(): { served: number; total: number }
}

/** One Socket.IO packet found in a recording. */
interface RecordedPacket {
  t: number
  dir: 'in' | 'out'
  /** Socket.IO packet text without the Engine.IO `4`. */
  text: string
}

/**
 * The Socket.IO packets of a recording of an Engine.IO connection, in order: polling
 * payloads are split into their packets, websocket frames are one packet each; Engine.IO
 * control packets (open, ping, pong, upgrade, noop) are left out, as the server answers
 * those fresh.
 */
export function socketIoPackets(frames: readonly RecordedFrame[]): RecordedPacket[] {
  const out: RecordedPacket[] = []
  for (const f of frames) {
    let packets: string[]
    try {
      packets = f.transport === 'polling' ? decodePayload(f.data) : [f.data]
    } catch {
      continue
    }
    for (const p of packets) {
      try {
        const e = decodeEnginePacket(p)
        if (e.type === 'message' && e.data !== undefined)
          out.push({ t: f.t, dir: f.dir, text: e.data })
      } catch {
        // Not an Engine.IO packet: nothing to replay.
      }
    }
  }
  return out
}

/**
 * Plays timed items: at `speed` × the recorded pace from `start()`, or at `max` as fast as
 * the event loop turns (a batch per turn, so sockets keep flowing). Bounded by the items.
 */
class Playback<T extends { t: number }> {
  private timer: NodeJS.Timeout | undefined
  private index = 0
  private stopped = false

  /** Plays `items` from index `from`; `play` gets each item and its index in `items`. */
  constructor(
    private readonly items: readonly T[],
    private readonly speed: ReplaySpeed,
    private readonly play: (item: T, index: number) => void,
    from = 0,
  ) {
    this.index = from
  }

  get served(): number {
    return this.index
  }

  start(): void {
    const t0 = this.items[this.index]?.t ?? 0
    const startedAt = Date.now()
    const step = () => {
      this.timer = undefined
      if (this.stopped) return
      let batch = 0
      while (this.index < this.items.length && !this.stopped) {
        const item = this.items[this.index]!
        if (this.speed !== 'max') {
          const due = startedAt + (item.t - t0) / this.speed
          const wait = due - Date.now()
          if (wait > 0) {
            this.timer = setTimeout(step, wait)
            return
          }
        } else if (batch >= 20) {
          this.timer = setTimeout(step, 0)
          return
        }
        this.index++
        batch++
        this.play(item, this.index - 1)
      }
    }
    step()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }
}

/**
 * The frames of one or more recordings of one book (the recorder writes one file per hour),
 * on one time line: each file's `t` is shifted by its start (`capturedAt`) after the first
 * file's, so the hours play one after the other.
 * @throws Error when a file cannot be read or is not a recording.
 */
export function readRecordings(files: readonly string[]): RecordedFrame[] {
  const out: RecordedFrame[] = []
  let origin: number | undefined
  for (const file of files) {
    const { header, frames } = parseRecording(readFileSync(file, 'utf8'))
    const start = Date.parse(String(header.capturedAt ?? ''))
    origin ??= Number.isNaN(start) ? 0 : start
    const shift = Number.isNaN(start) ? (out.at(-1)?.t ?? 0) : start - origin
    for (const f of frames) out.push({ ...f, t: f.t + shift })
  }
  return out
}

/**
 * Starts a replay server for `source` on 127.0.0.1 (ephemeral port) serving `file` at
 * `speed`; resolves once it listens, with the URL the book's feed should connect to.
 * @throws Error when the file cannot be read, is not a recording, or holds nothing to replay.
 */
export async function startReplay(
  source: Source,
  file: string,
  speed: ReplaySpeed,
  logger: Logger = silentLogger,
): Promise<ReplayServer> {
  const frames = readRecordings(file.split(','))
  if (frames.length === 0) throw new Error(`${file}: no recorded frames`)
  switch (source) {
    case 'bet365':
      return startBet365Replay(frames, speed, logger)
    case 'winamax':
      return startWinamaxReplay(frames, speed, logger)
    case 'kwiff':
      return startKwiffReplay(frames, speed, logger)
  }
}

// ---- Bet365 ------------------------------------------------------------------------------

/** The recorded server frames a zap client is sent again: all but handshake replies. */
function bet365Pushes(frames: readonly RecordedFrame[]): RecordedFrame[] {
  // eslint-disable-next-line no-control-regex -- zap handshake replies: `100\x02<id>`
  return frames.filter((f) => f.dir === 'in' && !/^\d{3}\x02/.test(f.data))
}

/**
 * A zap server on `/zap/` (subprotocol `zap-protocol-v1`): answers the client handshake with
 * a fresh `100`, and on the client's subscribe plays `pushes()` (each connection from the
 * start). `pushes` may grow while connections are open (the tap's live source): a
 * connection follows the new frames through `follow`.
 */
export async function startZapBridge(options: {
  /** Frames to send on subscribe, each with its recorded `t`. */
  frames: () => readonly { t: number; data: string }[]
  speed: ReplaySpeed
  /** Registers a listener for frames that arrive later (a live source); returns its remover. */
  follow?: (listener: (data: string) => void) => () => void
  /**
   * Once every frame is played (a recording's end), send a `__time` heartbeat this often
   * (ms), the zap server's own keepalive (seed 001 "Heartbeat"), so the feed keeps the final
   * state instead of going stale and replaying from the start. Default: none.
   */
  keepAliveMs?: number
  logger: Logger
}): Promise<ReplayServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/zap/',
    handleProtocols: (protocols) => (protocols.has(ZAP_SUBPROTOCOL) ? ZAP_SUBPROTOCOL : false),
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  let served = 0
  let total = 0
  const cleanups = new Set<() => void>()
  wss.on('connection', (ws: WebSocket) => {
    let playback: Playback<{ t: number; data: string }> | undefined
    let unfollow: (() => void) | undefined
    let keepAlive: NodeJS.Timeout | undefined
    const cleanup = () => {
      clearInterval(keepAlive)
      playback?.stop()
      unfollow?.()
      cleanups.delete(cleanup)
    }
    cleanups.add(cleanup)
    ws.on('close', cleanup)
    ws.on('message', (data) => {
      let frame
      try {
        frame = decodeClientFrame(String(data))
      } catch (e) {
        if (!(e instanceof ZapDecodeError)) throw e
        return
      }
      if (frame.kind === 'handshake') {
        ws.send(encodeHandshakeReply('100', `R${randomBytes(8).toString('base64url')}`))
        return
      }
      if (playback !== undefined) return
      const items = options.frames()
      total = items.length
      let live: string[] | null = options.follow !== undefined ? [] : null
      if (options.follow !== undefined) {
        unfollow = options.follow((d) => {
          if (live !== null) live.push(d)
          else if (ws.readyState === ws.OPEN) ws.send(d)
        })
      }
      let sent = 0
      playback = new Playback(items, options.speed, (item) => {
        served++
        sent++
        if (ws.readyState === ws.OPEN) ws.send(item.data)
        if (sent === items.length && live !== null) flushLive()
        if (sent === items.length) startKeepAlive()
      })
      const startKeepAlive = () => {
        if (options.keepAliveMs === undefined || keepAlive !== undefined) return
        keepAlive = setInterval(() => {
          const ti = formatZapTime(Date.now())
          if (ws.readyState === ws.OPEN) ws.send(`\x15${TIME_TOPIC}\x01U|IN;TI=${ti};UF=55;|`)
        }, options.keepAliveMs)
      }
      const flushLive = () => {
        const pending = live ?? []
        live = null
        for (const d of pending) if (ws.readyState === ws.OPEN) ws.send(d)
      }
      playback.start()
      if (items.length === 0) flushLive()
    })
  })
  const port = (wss.address() as AddressInfo).port
  const url = `ws://127.0.0.1:${port}/zap/`
  options.logger.info({ url }, 'zap replay server listening')
  return {
    url,
    progress: () => ({ served, total }),
    close: async () => {
      for (const c of [...cleanups]) c()
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

function startBet365Replay(
  frames: readonly RecordedFrame[],
  speed: ReplaySpeed,
  logger: Logger,
): Promise<ReplayServer> {
  const pushes = bet365Pushes(frames)
  return startZapBridge({ frames: () => pushes, speed, keepAliveMs: 5000, logger })
}

// ---- Socket.IO servers (Winamax, Kwiff) --------------------------------------------------

async function startSocketIo(
  path: string,
  logger: Logger,
  what: string,
): Promise<{ io: Server; url: string; close: () => Promise<void> }> {
  const http = createServer()
  const io = new Server(http, { path, allowEIO3: true, serveClient: false })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(0, '127.0.0.1', () => {
      http.off('error', reject)
      resolve()
    })
  })
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}${path}`
  logger.info({ url }, `${what} replay server listening`)
  return {
    io,
    url,
    close: async () => {
      const done = io.close()
      http.closeAllConnections()
      await done
    },
  }
}

/** A recorded `m` payload (its recorded time) and the route of its `requestId`, if any. */
interface MPush {
  t: number
  payload: Record<string, unknown>
}

/** How long a Winamax replay waits for the client to ask every recorded route (ms). */
const START_WAIT_MS = 2000

/**
 * A Winamax Socket.IO server: on the client's `m` subscriptions, plays `pushes()`; a
 * snapshot's `requestId` is rewritten to the client's request of the same route (a recorded
 * `requestId` names its route through `routeOf`); a snapshot of a route the client did not ask
 * for is skipped. `follow` as for {@link startZapBridge}.
 *
 * A second snapshot of a route already answered on this connection starts a new session of
 * the recording (the recorded client reconnected and subscribed again): the bridge then
 * disconnects the client, which reconnects, subscribes and rebuilds its store from that
 * snapshot on, as the live feed did (its `diffEntities` resync removes what vanished while it
 * was away); a merge of the new snapshot into the old store would keep ghosts.
 */
export async function startWinamaxBridge(options: {
  pushes: () => readonly MPush[]
  routeOf: (requestId: string) => string | undefined
  /** The routes whose snapshots are to be played: playback waits for the client to ask them all. */
  routes?: () => readonly string[]
  /**
   * A snapshot of a route the client did not ask goes to a request of the client not
   * answered yet (the tap: the page's routes need not be the feed's); otherwise it is skipped.
   */
  anyRoute?: boolean
  speed: ReplaySpeed
  follow?: (listener: (push: MPush) => void) => () => void
  logger: Logger
}): Promise<ReplayServer> {
  const server = await startSocketIo('/socket.io/', options.logger, 'winamax')
  let served = 0
  let total = 0
  /** Where a new connection starts: the first push of the latest session reached. */
  let resumeAt = 0
  server.io.on('connection', (socket) => {
    const requests = new Map<string, string>()
    const answered = new Set<string>()
    let playback: Playback<MPush> | undefined
    let unfollow: (() => void) | undefined
    let live: MPush[] | null = options.follow !== undefined ? [] : null
    let waited: NodeJS.Timeout | undefined
    socket.on('disconnect', () => {
      clearTimeout(waited)
      playback?.stop()
      unfollow?.()
    })
    /** The client's requests not answered by a snapshot yet. */
    const unanswered = new Set<string>()
    let resynced = false
    const send = (push: MPush, index: () => number) => {
      if (resynced) return
      const recorded = push.payload.requestId
      if (typeof recorded === 'string') {
        const route = options.routeOf(recorded)
        let to = route === undefined ? undefined : requests.get(route)
        if (to !== undefined && answered.has(to)) {
          // A new session of the recording: the client resyncs from here.
          resumeAt = index()
          resynced = true
          playback?.stop()
          unfollow?.()
          options.logger.info({ at: resumeAt }, 'winamax bridge: a new session; client resyncs')
          socket.disconnect(true)
          return
        }
        if (to === undefined && (options.anyRoute === true || route === undefined))
          to = unanswered.values().next().value
        if (to === undefined) return
        unanswered.delete(to)
        answered.add(to)
        socket.emit('m', { ...push.payload, requestId: to })
        return
      }
      socket.emit('m', push.payload)
    }
    const indexOf = (p: MPush) => () => options.pushes().lastIndexOf(p)
    const flushLive = () => {
      const pending = live ?? []
      live = null
      for (const p of pending) send(p, indexOf(p))
    }
    socket.on('m', (request: unknown) => {
      const r = request as { route?: unknown; requestId?: unknown }
      if (typeof r?.route !== 'string' || typeof r.requestId !== 'string') return
      requests.set(r.route, r.requestId)
      unanswered.add(r.requestId)
      if (playback !== undefined) return
      // The feed asks every route at once, but a request may travel in a later polling POST
      // or after the websocket upgrade: start once every recorded route is asked for (a
      // snapshot of a route not asked yet would be dropped), or after START_WAIT_MS.
      const wanted = options.routes?.() ?? []
      if (wanted.some((route) => !requests.has(route))) {
        waited ??= setTimeout(() => begin(), START_WAIT_MS)
        return
      }
      begin()
    })
    const begin = () => {
      clearTimeout(waited)
      if (playback !== undefined || socket.disconnected) return
      const items = options.pushes()
      total = items.length
      const from = Math.min(resumeAt, items.length)
      playback = new Playback(
        items,
        options.speed,
        (p, i) => {
          served++
          send(p, () => i)
          if (i === items.length - 1) flushLive()
        },
        from,
      )
      if (options.follow !== undefined) {
        unfollow = options.follow((p) => {
          if (live !== null) live.push(p)
          else send(p, indexOf(p))
        })
      }
      playback.start()
      if (from >= items.length) flushLive()
    }
  })
  return { url: server.url, close: server.close, progress: () => ({ served, total }) }
}

function startWinamaxReplay(
  frames: readonly RecordedFrame[],
  speed: ReplaySpeed,
  logger: Logger,
): Promise<ReplayServer> {
  const routes = new Map<string, string>()
  const pushes: MPush[] = []
  for (const p of socketIoPackets(frames)) {
    let packet
    try {
      packet = decodeSocketIoPacket(p.text, Infinity)
    } catch {
      continue
    }
    if (packet.type !== 'event' || packet.name !== 'm') continue
    const arg = packet.args[0] as Record<string, unknown> | undefined
    if (arg === null || typeof arg !== 'object') continue
    if (p.dir === 'out') {
      if (typeof arg.route === 'string' && typeof arg.requestId === 'string')
        routes.set(arg.requestId, arg.route)
    } else {
      pushes.push({ t: p.t, payload: arg })
    }
  }
  if (pushes.length === 0) throw new Error('winamax recording: no m payload to replay')
  return startWinamaxBridge({
    pushes: () => pushes,
    routeOf: (id) => routes.get(id),
    routes: () => [...new Set(routes.values())],
    // A tapped page's routes need not be the feed's.
    anyRoute: true,
    speed,
    logger,
  })
}

// ---- Kwiff -------------------------------------------------------------------------------

/** The key of a command: its `message` and its payload, keys sorted (timestamps left out). */
export function commandKey(message: unknown, payload: unknown): string {
  const sorted = (v: unknown): unknown =>
    v === null || typeof v !== 'object'
      ? v
      : Array.isArray(v)
        ? v.map(sorted)
        : Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
  return JSON.stringify([message, sorted(payload)])
}

/**
 * The ack timeout of the proxy's Kwiff feed (its default, `KwiffFeedOptions.ackTimeoutMs`):
 * a recorded ack later than this was not seen by the feed, which had given up on it.
 */
export const KWIFF_ACK_TIMEOUT_MS = 5000

/** One recorded command's outcome: its ack's arguments, or `timeout` (no ack in time). */
interface KwiffAnswer {
  t: number
  args: unknown[] | 'timeout'
}

async function startKwiffReplay(
  frames: readonly RecordedFrame[],
  speed: ReplaySpeed,
  logger: Logger,
): Promise<ReplayServer> {
  const asked = new Map<number, { answer: KwiffAnswer }>()
  /** Per command key, the outcomes in the order the commands were sent. */
  const answers = new Map<string, KwiffAnswer[]>()
  let response: unknown[] | undefined
  for (const p of socketIoPackets(frames)) {
    let packet
    try {
      packet = decodeSocketIoPacket(p.text, Infinity)
    } catch {
      continue
    }
    if (p.dir === 'out' && packet.type === 'event' && packet.name === 'command') {
      const c = packet.args[0] as { message?: unknown; payload?: unknown } | undefined
      if (packet.id === undefined || typeof c?.message !== 'string') continue
      const answer: KwiffAnswer = { t: p.t, args: 'timeout' }
      const key = commandKey(c.message, c.payload)
      answers.set(key, [...(answers.get(key) ?? []), answer])
      asked.set(packet.id, { answer })
    } else if (p.dir === 'in' && packet.type === 'ack') {
      const q = asked.get(packet.id)
      if (q === undefined) continue
      asked.delete(packet.id)
      if (p.t - q.answer.t <= KWIFF_ACK_TIMEOUT_MS) q.answer.args = packet.args
    } else if (p.dir === 'in' && packet.type === 'event' && packet.name === 'response') {
      response ??= packet.args
    }
  }
  if (answers.size === 0) throw new Error('kwiff recording: no command to replay')
  const server = await startSocketIo('/socket.io/', logger, 'kwiff')
  const total = [...answers.values()].reduce((n, l) => n + l.length, 0)
  const first = Math.min(...[...answers.values()].map((l) => l[0]!.t))
  const cursor = new Map<string, number>()
  let served = 0
  let startedAt: number | undefined
  const timers = new Set<NodeJS.Timeout>()
  server.io.on('connection', (socket) => {
    if (response !== undefined) socket.emit('response', ...response)
    socket.on('command', (command: unknown, ack?: (...args: unknown[]) => void) => {
      if (typeof ack !== 'function') return
      const c = command as { message?: unknown; payload?: unknown }
      const key = commandKey(c?.message, c?.payload)
      const list = answers.get(key)
      if (list === undefined) {
        ack({
          timestamp: Date.now(),
          error: { code: 'NOT_FOUND', message: 'not in the recording' },
        })
        return
      }
      const i = cursor.get(key) ?? 0
      let answer: KwiffAnswer
      if (i < list.length) {
        answer = list[i]!
        cursor.set(key, i + 1)
        served++
      } else {
        // The recording is over: the last good answer stands (the picture stays put).
        answer =
          [...list]
            .reverse()
            .find((a) => a.args !== 'timeout' && replyError('', a.args) === undefined) ??
          list[list.length - 1]!
      }
      // A recorded timeout is answered at once with an error reply: the feed handles both
      // the same way (retry, then the refresh fails and the last good picture stays).
      const args =
        answer.args === 'timeout'
          ? [
              {
                timestamp: Date.now(),
                error: { code: 'REPLAY_TIMEOUT', message: 'no answer in time in the recording' },
              },
            ]
          : answer.args
      startedAt ??= Date.now()
      const wait =
        speed === 'max' || i >= list.length
          ? 0
          : startedAt + (answer.t - first) / speed - Date.now()
      if (wait <= 0) {
        ack(...args)
        return
      }
      const timer = setTimeout(() => {
        timers.delete(timer)
        ack(...args)
      }, wait)
      timers.add(timer)
    })
  })
  return {
    url: server.url,
    close: async () => {
      for (const t of timers) clearTimeout(t)
      await server.close()
    },
    progress: () => ({ served, total }),
  }
}
