/**
 * A loopback Winamax: a real `socket.io` v4 server with `allowEIO3: true` (the Engine.IO v3
 * reference peer, shared/DESIGN.md) at Winamax's path, that answers `m` route
 * subscriptions with the recorded snapshot (carrying the request's `requestId`, like the
 * real one: capture line 5), replays the recorded deltas on their recorded timing, and then
 * keeps the board moving forever with generated deltas of the same shape: odds steps,
 * `hotUsers` counts, live clocks (`matchtime`, `matchtimeExtended`), goals, matches that
 * end and are removed (`null`) while others kick off. Deterministic for a given `seed`.
 *
 * The capture's kick-off times (`matchStart`) are moved by the time between the recording
 * and this run's start, so a match live when recorded reads as kicked off as long ago as it
 * was then, and prematch matches start over the coming days ({@link rebaseKickoffs}).
 *
 * Routes: `sport:1` gets the whole capture (it was recorded on the football page);
 * `hot:live` the capture's outcomes that carry `hotUsers`, with their bets, matches and
 * parents; `match:<id>` that match; any other route an empty snapshot. The delta stream
 * (replay, then generated) starts once per socket, at its first subscription.
 *
 * With a shared world (issue 9; `world` option), the matches the world lists for Winamax are
 * added to the routes that list them (`sport:1` football, `sport:5` tennis, `hot:live` all
 * of them, as their outcomes carry `hotUsers`, `match:<id>`), rendered as Winamax writes them (simWorld.ts), and each world change
 * reaches every socket that knows the match as a field-level delta. A capture match the
 * world takes over (`fixture.native.winamax`) is the world's alone: the replay's and the
 * generator's frames about it are dropped.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import type { Socket } from 'socket.io'
import { mulberry32, silentLogger } from '@oddsboard/feedkit'
import type { Logger, SharedWorld, SimServer } from '@oddsboard/feedkit'
import { CAPTURE_PATH, mFrames, readCapture } from './capture'
import { decodeEventFrame, decodeMPayload, M_EVENT } from './codec'
import type { RawEntity, WinamaxPayload } from './codec'
import { WinamaxStore } from './normalize'
import type { CaptureIndex, WorldUpdate } from './simWorld'
import { mergeInto, WinamaxWorldView } from './simWorld'

/** Winamax's Socket.IO path (captures/winamax header `url`). */
export const WINAMAX_SIM_PATH = '/uof-sports-server/socket.io/'

/** Options of {@link startWinamaxSim}; every field has a default. */
export interface WinamaxSimOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (an ephemeral port). */
  port?: number
  logger?: Logger
  /** Time scale: 2 replays twice as fast and ticks twice as often. Default 1. */
  speed?: number
  /** Seed of the generated deltas; default 1. */
  seed?: number
  /** Match time per generated tick, ms (one delta frame per tick, every tickMs / speed). Default 1 000. */
  tickMs?: number
  /** Capture to serve; default the package's fixture. */
  capturePath?: string
  /** The shared simulated world whose Winamax matches are served beside the capture's. */
  world?: SharedWorld
}

/**
 * One step of decimal odds on Winamax's ladder (0.01 under 2, 0.05 under 3, 0.1 under 5,
 * 0.25 under 10, 0.5 under 20, then 1), up or down one or two steps, rounded to 2 decimals,
 * never below 1.02.
 */
export function stepOdds(odds: number, random: () => number): number {
  const step =
    odds < 2 ? 0.01 : odds < 3 ? 0.05 : odds < 5 ? 0.1 : odds < 10 ? 0.25 : odds < 20 ? 0.5 : 1
  const k = (random() < 0.5 ? -1 : 1) * (random() < 0.8 ? 1 : 2)
  const next = Math.round((odds + k * step) * 100) / 100
  return next < 1.02 ? 1.02 : next
}

/** Formats match seconds as Winamax's `matchtimeExtended`, e.g. 4816 → "80:16". */
export function formatMatchtime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

interface LiveMatch {
  id: string
  seconds: number
  home: number
  away: number
  /** Match seconds at which it ends (90 minutes + stoppage). */
  endsAt: number
}

/** What the generator starts from: the state after the recorded deltas. */
interface GenTemplate {
  prices: Map<string, number>
  hot: Map<string, number>
  live: LiveMatch[]
  /** Prematch matches with priced outcomes, candidates to kick off. */
  prematch: string[]
  /** match → its outcome ids (for odds moves on live matches and for removals). */
  outcomesOfMatch: Map<string, string[]>
  betsOfMatch: Map<string, string[]>
}

interface SimData {
  /** When the capture was recorded (its header's `capturedAt`), epoch ms. */
  capturedAt: number
  template: WinamaxPayload
  deltas: { delay: number; payload: unknown }[]
  gen: GenTemplate
  index: CaptureIndex
}

const cache = new Map<string, SimData>()

function loadSimData(path: string): SimData {
  const hit = cache.get(path)
  if (hit !== undefined) return hit
  const capture = readCapture(path)
  const frames = mFrames(capture.frames)
  const capturedAt = Date.parse(String(capture.header.capturedAt))
  if (!Number.isFinite(capturedAt)) throw new Error(`no capturedAt in the header of ${path}`)
  const [first, ...rest] = frames
  if (first === undefined) throw new Error(`no m frame in ${path}`)
  const payloadOf = (text: string) => decodeEventFrame(text).args[0]
  const template = payloadOf(first.data) as WinamaxPayload
  const deltas = rest.map((f) => ({ delay: f.t - first.t, payload: payloadOf(f.data) }))
  // The generator's start: a store fed fresh copies of every frame (the template stays intact).
  const store = new WinamaxStore()
  for (const f of frames) store.apply(decodeMPayload(payloadOf(f.data)), f.t)
  const data: SimData = {
    capturedAt,
    template,
    deltas,
    gen: generatorTemplate(store),
    index: captureIndex(
      template,
      deltas.map((d) => d.payload as WinamaxPayload),
    ),
  }
  cache.set(path, data)
  return data
}

/** Which bets and outcomes belong to which capture match, over every frame. */
function captureIndex(template: WinamaxPayload, deltas: WinamaxPayload[]): CaptureIndex {
  const betsOfMatch = new Map<string, string[]>()
  const outcomesOfBet = new Map<string, string[]>()
  const matchOfBet = new Map<string, string>()
  const betOfOutcome = new Map<string, string>()
  for (const p of [template, ...deltas]) {
    for (const [id, b] of Object.entries(p.bets ?? {})) {
      if (b?.matchId === undefined || matchOfBet.has(id)) continue
      const m = String(b.matchId)
      matchOfBet.set(id, m)
      betsOfMatch.set(m, [...(betsOfMatch.get(m) ?? []), id])
    }
    for (const [id, o] of Object.entries(p.outcomes ?? {})) {
      if (o?.betId === undefined || betOfOutcome.has(id)) continue
      const b = String(o.betId)
      betOfOutcome.set(id, b)
      outcomesOfBet.set(b, [...(outcomesOfBet.get(b) ?? []), id])
    }
  }
  return { template, betsOfMatch, outcomesOfBet, matchOfBet, betOfOutcome }
}

function generatorTemplate(store: WinamaxStore): GenTemplate {
  const prices = new Map<string, number>()
  const hot = new Map<string, number>()
  const outcomesOfMatch = new Map<string, string[]>()
  const betsOfMatch = new Map<string, string[]>()
  const nativeOf = (id: string) => id.slice('winamax:'.length + 1)
  for (const e of store.entities().values()) {
    if (e.kind === 'market') {
      const m = nativeOf(e.eventId)
      betsOfMatch.set(m, [...(betsOfMatch.get(m) ?? []), nativeOf(e.id)])
    }
    if (e.kind !== 'selection') continue
    const o = nativeOf(e.id)
    const m = nativeOf(e.eventId)
    outcomesOfMatch.set(m, [...(outcomesOfMatch.get(m) ?? []), o])
    if (e.odds !== null) prices.set(o, e.odds)
    if (e.hotUsers !== undefined) hot.set(o, e.hotUsers)
  }
  const live: LiveMatch[] = []
  const prematch: string[] = []
  const matches = store.raw('matches')
  for (const id of Object.keys(matches)) {
    const m = matches[id]!
    const priced = (outcomesOfMatch.get(id) ?? []).some((o) => prices.has(o))
    // An outright that is live (a MultiFoot over matches being played) has no clock of its own.
    if (m.status === 'LIVE' && m.isOutright !== true) {
      const [mm, ss] = String(m.matchtimeExtended ?? '0:00').split(':')
      const [h, a] = String(m.score ?? '0:0').split(':')
      live.push({
        id,
        seconds: Number(mm) * 60 + Number(ss) || 0,
        home: Number(h) || 0,
        away: Number(a) || 0,
        endsAt: 92 * 60,
      })
    } else if (m.status === 'PREMATCH' && m.available !== false && priced && m.sportId === 1) {
      prematch.push(id)
    }
  }
  return { prices, hot, live, prematch, outcomesOfMatch, betsOfMatch }
}

/** The part of the capture snapshot about some matches (with their bets, outcomes, odds, parents). */
function subsetSnapshot(t: WinamaxPayload, matchIds: Set<string>): WinamaxPayload {
  const out = {
    sports: {} as Record<string, RawEntity | null>,
    categories: {} as Record<string, RawEntity | null>,
    tournaments: {} as Record<string, RawEntity | null>,
    matches: {} as Record<string, RawEntity | null>,
    bets: {} as Record<string, RawEntity | null>,
    outcomes: {} as Record<string, RawEntity | null>,
    odds: {} as Record<string, unknown>,
  }
  const betIds = new Set<string>()
  for (const id of matchIds) {
    const m = t.matches?.[id]
    if (m == null) continue
    out.matches[id] = m
    for (const [name, field] of [
      ['sports', 'sportId'],
      ['categories', 'categoryId'],
      ['tournaments', 'tournamentId'],
    ] as const) {
      const pid = String(m[field])
      const p = t[name]?.[pid]
      if (p != null) out[name][pid] = p
    }
  }
  for (const [id, b] of Object.entries(t.bets ?? {})) {
    if (b != null && matchIds.has(String(b.matchId))) {
      out.bets[id] = b
      betIds.add(id)
    }
  }
  for (const [id, o] of Object.entries(t.outcomes ?? {})) {
    if (o != null && betIds.has(String(o.betId))) {
      out.outcomes[id] = o
      if (t.odds?.[id] !== undefined) out.odds[id] = t.odds[id]
    }
  }
  return out
}

/**
 * The snapshot answering `route`: the capture's part (without what the world owns) and,
 * with a world, the world's matches the route lists.
 */
function snapshotFor(
  data: SimData,
  route: string,
  requestId: string,
  view: WinamaxWorldView | undefined,
  shiftSeconds: number,
): WinamaxPayload {
  const capture = rebaseKickoffs(captureSnapshot(data, route, requestId), shiftSeconds)
  if (view === undefined) return capture
  return mergeInto(view.withoutOwned(capture), view.snapshotPart(route))
}

/**
 * `payload` with every match's `matchStart` (epoch seconds) moved by `shiftSeconds`, so the
 * capture's matches kick off relative to now as they did relative to the recording (a match
 * 30 minutes in when recorded kicked off 30 minutes ago), not on the recording's date.
 * Copies only the matches it changes; `payload` is never mutated.
 */
export function rebaseKickoffs<P>(payload: P, shiftSeconds: number): P {
  const matches = (payload as { matches?: Record<string, unknown> } | null)?.matches
  if (shiftSeconds === 0 || matches == null || typeof matches !== 'object') return payload
  let copy: Record<string, unknown> | undefined
  for (const [id, m] of Object.entries(matches)) {
    const start = (m as { matchStart?: unknown } | null)?.matchStart
    if (typeof start !== 'number') continue
    copy ??= { ...matches }
    copy[id] = { ...(m as object), matchStart: start + shiftSeconds }
  }
  return copy === undefined ? payload : { ...payload, matches: copy }
}

function captureSnapshot(data: SimData, route: string, requestId: string): WinamaxPayload {
  const t = data.template
  const [kind, arg = ''] = route.split(':', 2)
  if (kind === 'sport' && t.sports?.[arg] != null && t.sports[arg].matches !== undefined) {
    return { ...t, requestId }
  }
  if (route === 'hot:live') {
    const matchIds = new Set<string>()
    for (const o of Object.values(t.outcomes ?? {})) {
      if (o == null || typeof o.hotUsers !== 'number') continue
      const b = t.bets?.[String(o.betId)]
      if (b != null) matchIds.add(String(b.matchId))
    }
    return { ...subsetSnapshot(t, matchIds), requestId }
  }
  if (kind === 'match') return { ...subsetSnapshot(t, new Set([arg])), requestId }
  return { requestId }
}

/** The generated part of one socket's stream. */
class Generator {
  private readonly prices: Map<string, number>
  private readonly hot: Map<string, number>
  private readonly live: LiveMatch[]
  private readonly prematch: string[]
  private readonly ended: { id: string; removeAtTick: number }[] = []
  private readonly priced: string[]
  private readonly hotIds: string[]
  private tick = 0

  constructor(
    private readonly t: GenTemplate,
    private readonly random: () => number,
    private readonly tickSeconds: number,
  ) {
    this.prices = new Map(t.prices)
    this.hot = new Map(t.hot)
    this.live = t.live.map((m) => ({ ...m }))
    this.prematch = [...t.prematch]
    this.priced = [...this.prices.keys()]
    this.hotIds = [...this.hot.keys()]
  }

  private pick<T>(xs: readonly T[]): T | undefined {
    return xs.length === 0 ? undefined : xs[Math.floor(this.random() * xs.length)]
  }

  /** The next delta payload, shaped like the recorded ones (captures/winamax lines 6…). */
  next(): WinamaxPayload {
    this.tick++
    const matches: Record<string, RawEntity | null> = {}
    const outcomes: Record<string, RawEntity | null> = {}
    const bets: Record<string, RawEntity | null> = {}
    const odds: Record<string, number | null> = {}

    for (const m of [...this.live]) {
      m.seconds += this.tickSeconds
      const fields: RawEntity = {}
      if (m.seconds >= 45 * 60 && m.seconds - this.tickSeconds < 45 * 60) {
        Object.assign(fields, { periodId: 7, period: '2p', periodName: '2de MT' })
      }
      if (this.random() < this.tickSeconds / 300) {
        if (this.random() < 0.5) m.home++
        else m.away++
        fields.score = `${m.home}:${m.away}`
      }
      if (m.seconds >= m.endsAt) {
        Object.assign(fields, { status: 'ENDED', period: 'ended', periodName: 'Terminé' })
        this.live.splice(this.live.indexOf(m), 1)
        this.ended.push({ id: m.id, removeAtTick: this.tick + 30 })
        this.kickOff(matches)
      }
      fields.matchtime = Math.floor(m.seconds / 60) + 1
      fields.matchtimeExtended = formatMatchtime(m.seconds)
      matches[m.id] = fields
    }

    while (this.ended.length > 0 && this.ended[0]!.removeAtTick <= this.tick) {
      const { id } = this.ended.shift()!
      matches[id] = null
      for (const b of this.t.betsOfMatch.get(id) ?? []) bets[b] = null
      for (const o of this.t.outcomesOfMatch.get(id) ?? []) {
        outcomes[o] = null
        odds[o] = null
        this.prices.delete(o)
        this.hot.delete(o)
      }
    }

    const moves = 1 + Math.floor(this.random() * 3)
    for (let i = 0; i < moves; i++) {
      // Half of the moves on live matches, where prices move most.
      const m = this.random() < 0.5 ? this.pick(this.live) : undefined
      const o =
        m !== undefined ? this.pick(this.t.outcomesOfMatch.get(m.id) ?? []) : this.pick(this.priced)
      const price = o !== undefined ? this.prices.get(o) : undefined
      if (o === undefined || price === undefined) continue
      const next = stepOdds(price, this.random)
      this.prices.set(o, next)
      odds[o] = next
    }

    const hotMoves = 1 + Math.floor(this.random() * 4)
    for (let i = 0; i < hotMoves; i++) {
      const o = this.pick(this.hotIds)
      const users = o !== undefined ? this.hot.get(o) : undefined
      if (o === undefined || users === undefined) continue
      const delta = Math.max(1, Math.round(users * 0.005 * this.random()))
      const next = Math.max(0, users + (this.random() < 0.6 ? delta : -delta))
      this.hot.set(o, next)
      outcomes[o] = { hotUsers: next }
    }

    const payload: WinamaxPayload = {}
    if (Object.keys(outcomes).length > 0) payload.outcomes = outcomes
    if (Object.keys(matches).length > 0) payload.matches = matches
    if (Object.keys(bets).length > 0) payload.bets = bets
    if (Object.keys(odds).length > 0) payload.odds = odds
    return payload
  }

  /** A prematch match goes live (fields as at captures/winamax frame of 63369817 kicking off). */
  private kickOff(matches: Record<string, RawEntity | null>): void {
    if (this.prematch.length === 0) return
    const i = Math.floor(this.random() * this.prematch.length)
    const id = this.prematch.splice(i, 1)[0]!
    matches[id] = {
      status: 'LIVE',
      periodId: 6,
      period: '1p',
      periodName: '1re MT',
      score: '0:0',
      setScores: '0:0',
    }
    this.live.push({
      id,
      seconds: 0,
      home: 0,
      away: 0,
      endsAt: (90 + Math.floor(this.random() * 6)) * 60,
    })
  }
}

/**
 * The first `count` generated delta payloads for `seed`, as a socket would receive them
 * after the replay (pure; for tests and tools). `tickMs` is the match time per delta.
 */
export function generatedDeltas(
  seed: number,
  count: number,
  tickMs = 1_000,
  capturePath: string = CAPTURE_PATH,
): WinamaxPayload[] {
  const gen = new Generator(loadSimData(capturePath).gen, mulberry32(seed), tickMs / 1000)
  return Array.from({ length: count }, () => gen.next())
}

/**
 * Starts the simulator; resolves once it listens. `url` is
 * `http://HOST:PORT/uof-sports-server/socket.io/` (a feed adds `EIO=3&transport=…`).
 * `close()` stops every timer, disconnects every socket and closes the server.
 * @throws Error when the capture cannot be read or the port cannot be bound.
 */
export async function startWinamaxSim(options: WinamaxSimOptions = {}): Promise<SimServer> {
  const host = options.host ?? '127.0.0.1'
  const logger = options.logger ?? silentLogger
  const speed = options.speed !== undefined && options.speed > 0 ? options.speed : 1
  const tickMs = options.tickMs ?? 1_000
  const seed = options.seed ?? 1
  const data = loadSimData(options.capturePath ?? CAPTURE_PATH)

  const httpServer = createServer()
  const io = new Server(httpServer, {
    path: WINAMAX_SIM_PATH,
    allowEIO3: true,
    serveClient: false,
    maxHttpBufferSize: 1e6,
  })
  const timers = new Set<NodeJS.Timeout>()
  let closed = false
  let connections = 0
  // Sockets that subscribed: their routes and the world matches they have been sent.
  const subscribers = new Map<Socket, { routes: Set<string>; known: Set<string> }>()
  const world = options.world
  const view =
    world !== undefined
      ? new WinamaxWorldView(world, data.index, mulberry32(seed ^ 0x3a3a), Date.now)
      : undefined
  // the capture's kick-offs, moved from the recording's date to this run's
  const shiftSeconds = Math.round((Date.now() - data.capturedAt) / 1000)
  const filtered = (payload: unknown): unknown =>
    rebaseKickoffs(
      view === undefined ? payload : view.withoutOwned(payload as WinamaxPayload),
      shiftSeconds,
    )
  /** Sends a world update to each socket that knows the match or subscribed to a route listing it. */
  const broadcast = (u: WorldUpdate): void => {
    for (const [socket, s] of subscribers) {
      if (!socket.connected) continue
      if (s.known.has(u.matchId)) {
        if (Object.keys(u.delta).length > 0) socket.emit(M_EVENT, u.delta)
        if (u.removed) s.known.delete(u.matchId)
      } else if (!u.removed && [...s.routes].some((r) => u.listedBy(r))) {
        socket.emit(M_EVENT, u.full)
        s.known.add(u.matchId)
      }
    }
  }
  let releaseWorld: (() => void) | undefined
  let unsubscribeWorld: (() => void) | undefined
  let worldTick: NodeJS.Timeout | undefined
  if (world !== undefined && view !== undefined) {
    releaseWorld = world.retain()
    unsubscribeWorld = world.onChange((c) => {
      if (closed) return
      const u = view.change(c)
      if (u !== undefined) broadcast(u)
    })
    worldTick = setInterval(() => {
      for (const u of view.tick()) broadcast(u)
    }, tickMs / speed)
    logger.info({ matches: view.matchIds().length }, 'winamax simulator: world matches')
  }

  const later = (ms: number, fn: () => void): void => {
    if (closed) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!closed) fn()
    }, ms)
    timers.add(timer)
  }

  const stream = (socket: Socket): void => {
    const send = (payload: unknown) => {
      if (socket.connected) socket.emit(M_EVENT, payload)
    }
    // Replay: one timer at a time, each frame at its recorded offset from the snapshot.
    const replay = (i: number) => {
      if (!socket.connected) return
      const frame = data.deltas[i]
      if (frame === undefined) {
        generate()
        return
      }
      const prev = i === 0 ? 0 : data.deltas[i - 1]!.delay
      later((frame.delay - prev) / speed, () => {
        send(filtered(frame.payload))
        replay(i + 1)
      })
    }
    const gen = new Generator(data.gen, mulberry32(seed), tickMs / 1000)
    const generate = () => {
      if (!socket.connected) return
      later(tickMs / speed, () => {
        send(filtered(gen.next()))
        generate()
      })
    }
    replay(0)
  }

  io.on('connection', (socket) => {
    connections++
    socket.on('disconnect', () => subscribers.delete(socket))
    let streaming = false
    socket.on(M_EVENT, (request: unknown) => {
      const r = request as { route?: unknown; requestId?: unknown } | null
      if (typeof r !== 'object' || r === null || typeof r.route !== 'string') {
        logger.warn({ request: String(request).slice(0, 100) }, 'sim: bad subscription')
        return
      }
      const requestId = typeof r.requestId === 'string' ? r.requestId : ''
      socket.emit(M_EVENT, snapshotFor(data, r.route, requestId, view, shiftSeconds))
      const s = subscribers.get(socket) ?? { routes: new Set<string>(), known: new Set<string>() }
      subscribers.set(socket, s)
      s.routes.add(r.route)
      for (const id of view?.listedIn(r.route) ?? []) s.known.add(id)
      logger.debug({ route: r.route, connection: connections }, 'sim: snapshot sent')
      if (!streaming) {
        streaming = true
        stream(socket)
      }
    })
  })

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(options.port ?? 0, host, () => {
        httpServer.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    if (worldTick !== undefined) clearInterval(worldTick)
    unsubscribeWorld?.()
    releaseWorld?.()
    throw err
  }
  const port = (httpServer.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${WINAMAX_SIM_PATH}`
  logger.info({ url }, 'winamax simulator listening')

  return {
    url,
    async close() {
      if (closed) return
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      if (worldTick !== undefined) clearInterval(worldTick)
      unsubscribeWorld?.()
      releaseWorld?.()
      const done = io.close()
      httpServer.closeAllConnections()
      await done
    },
  }
}
