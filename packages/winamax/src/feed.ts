/**
 * The Winamax feed: one Socket.IO connection (Engine.IO v3, polling handshake then
 * websocket upgrade, so the load balancer's cookies from the handshake are kept), one `m`
 * subscription per route, and the snapshot + deltas turned into model ops.
 *
 * Protocol (shared/DESIGN.md "Winamax"; seeds/000; captures/winamax): the client sends
 * `42["m",{"route":"sport:1","requestId":"<uuid>"}]`; the server answers with a snapshot
 * carrying the same `requestId` at its top level (capture line 5, last key), then keeps
 * pushing field-level deltas on the same event. Headers `Origin: https://www.winamax.fr`
 * and a browser User-Agent (seeds/000 "Security Headers").
 *
 * After every (re)connect the feed builds a fresh store from the new snapshots and emits
 * the difference to what it held (`diffEntities`), so entities that vanished while it was
 * away are removed: no ghosts.
 */
import { randomUUID } from 'node:crypto'
import { SocketIoClient } from '@oddsboard/engineio'
import type { SocketIoClientOptions } from '@oddsboard/engineio'
import { diffEntities } from '@oddsboard/model'
import { FeedTracker, silentLogger } from '@oddsboard/feedkit'
import type { FeedStatus, Op } from '@oddsboard/model'
import type { Feed, Logger } from '@oddsboard/feedkit'
import { decodeMEvent, M_EVENT } from './codec'
import type { WinamaxPayload, WinamaxSubscription } from './codec'
import { WinamaxStore } from './normalize'

/** The real endpoint (captures/winamax header line; EIO/transport are added by the client). */
export const WINAMAX_LIVE_URL =
  'https://sports-eu-west-3.winamax.fr/uof-sports-server/socket.io/?language=FR&version=3.27.0&embed=false'

/**
 * Default routes. The capture was taken on https://www.winamax.fr/paris-sportifs/sports/1,
 * whose subscription is `sport:1` (football: 689 matches with their main market, the two
 * live ones included); `hot:live` adds the "hot" outcomes (`hotUsers`) the dashboard shows.
 */
export const DEFAULT_WINAMAX_ROUTES: readonly string[] = ['sport:1', 'hot:live']

/** The site's origin, sent as `Origin` (seeds/000 "Request Headers"). */
export const WINAMAX_ORIGIN = 'https://www.winamax.fr'

/** A desktop browser User-Agent, as the site's own page sends. */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36'

/** Options of {@link createWinamaxFeed}. */
export interface WinamaxFeedOptions {
  /** Socket.IO endpoint with path, `http(s)://` or `ws(s)://`, e.g. {@link WINAMAX_LIVE_URL}. */
  url: string
  /** Routes to subscribe; default {@link DEFAULT_WINAMAX_ROUTES}. */
  routes?: string[]
  logger?: Logger
  /** Extra headers, merged over `Origin` and `User-Agent`. */
  headers?: Record<string, string>
  /** No packet for this long (ms) while live → `stale`; default 60 000 (about 2× pingInterval). */
  staleAfterMs?: number
  /** How long to wait for every route's snapshot after a connect (ms); default 15 000. */
  snapshotTimeoutMs?: number
  /** Reconnect policy of the Socket.IO client (tests shorten it); default the client's. */
  reconnect?: SocketIoClientOptions['reconnect']
}

/**
 * Creates the Winamax feed (not started). Emits one batch of ops per upstream `m` payload
 * (one per resync after a connect); status goes `connecting` → `live` (first snapshot
 * applied) → `stale` (no packet for `staleAfterMs`) → `reconnecting` (socket lost) → `live`
 * …, `down` once stopped. Malformed payloads are counted (`badFrames`), logged with a
 * sample and skipped; odds values that are not valid count as a bad frame too, while the
 * rest of their payload is applied.
 * @throws TypeError when `url` is not a URL.
 */
export function createWinamaxFeed(options: WinamaxFeedOptions): Feed {
  return new WinamaxFeed(options)
}

/** Requests awaited after a connect, and the store being rebuilt from their snapshots. */
interface Resync {
  pending: Map<string, string>
  /** Payloads received since the connect (snapshots and anything else). */
  received: number
  store: WinamaxStore
  timer: NodeJS.Timeout
}

class WinamaxFeed implements Feed {
  readonly source = 'winamax' as const
  private readonly tracker: FeedTracker
  private readonly logger: Logger
  private readonly routes: readonly string[]
  private readonly staleAfterMs: number
  private readonly snapshotTimeoutMs: number
  private client?: SocketIoClient
  private store = new WinamaxStore()
  private resync: Resync | null = null
  private staleTimer?: NodeJS.Timeout
  private lastPacketAt = 0
  private started = false
  private stopped = false

  constructor(private readonly options: WinamaxFeedOptions) {
    new URL(options.url) // a TypeError now rather than on every attempt
    this.logger = options.logger ?? silentLogger
    this.tracker = new FeedTracker('winamax', this.logger)
    this.routes =
      options.routes && options.routes.length > 0 ? options.routes : DEFAULT_WINAMAX_ROUTES
    this.staleAfterMs = options.staleAfterMs ?? 60_000
    this.snapshotTimeoutMs = options.snapshotTimeoutMs ?? 15_000
  }

  start(): void {
    if (this.started || this.stopped) return
    this.started = true
    const client = new SocketIoClient({
      url: this.options.url,
      headers: {
        Origin: WINAMAX_ORIGIN,
        'User-Agent': BROWSER_USER_AGENT,
        ...this.options.headers,
      },
      transport: 'polling',
      logger: this.logger,
      ...(this.options.reconnect !== undefined && { reconnect: this.options.reconnect }),
    })
    this.client = client
    client.on('connect', () => this.guard('connect', () => this.subscribe()))
    client.on('event', (name, args) => this.guard('event', () => this.onEvent(name, args)))
    client.on('packet', () => this.guard('packet', () => this.onPacket()))
    client.on('disconnect', (reason) => this.guard('disconnect', () => this.onDisconnect(reason)))
    client.on('state', (state, error) =>
      this.guard('state', () => {
        if (state === 'reconnecting') this.tracker.setState('reconnecting', error)
      }),
    )
    client.on('badPacket', (raw, reason) => this.tracker.badFrame(raw, reason))
    const every = Math.max(50, Math.min(5_000, Math.floor(this.staleAfterMs / 4)))
    this.staleTimer = setInterval(() => this.checkStale(), every)
    this.tracker.setState('connecting')
    client.connect()
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.staleTimer)
    this.endResync()
    await this.client?.close()
    this.tracker.setState('down')
  }

  status(): FeedStatus {
    return this.tracker.status()
  }

  onOps(listener: (ops: Op[]) => void): () => void {
    return this.tracker.onOps(listener)
  }

  onStatus(listener: (status: FeedStatus) => void): () => void {
    return this.tracker.onStatus(listener)
  }

  /** Runs a socket callback so that nothing it throws can take the feed down. */
  private guard(what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.logger.error({ source: this.source, err: String(err), in: what }, 'winamax feed error')
    }
  }

  /** On every connect: a fresh store, and one `m` request per route. */
  private subscribe(): void {
    const client = this.client
    if (client === undefined || this.stopped) return
    this.endResync()
    const resync: Resync = {
      pending: new Map(),
      received: 0,
      store: new WinamaxStore(),
      timer: setTimeout(() => this.resyncTimeout(), this.snapshotTimeoutMs),
    }
    this.resync = resync
    for (const route of this.routes) {
      const request: WinamaxSubscription = { route, requestId: randomUUID() }
      resync.pending.set(request.requestId, route)
      client.emit(M_EVENT, request)
    }
    this.logger.info({ source: this.source, routes: this.routes }, 'subscribed')
  }

  private onEvent(name: string, args: unknown[]): void {
    if (name !== M_EVENT) {
      this.logger.debug({ source: this.source, event: name }, 'ignored event')
      return
    }
    let payload: WinamaxPayload
    try {
      payload = decodeMEvent(args)
    } catch (err) {
      this.tracker.badFrame(sampleOf(args), String((err as Error).message))
      return
    }
    const resync = this.resync
    const store = resync !== null ? resync.store : this.store
    let ops: Op[]
    try {
      const result = store.apply(payload)
      ops = result.ops
      if (result.rejectedOdds > 0) {
        this.tracker.badFrame(sampleOf(args), `${result.rejectedOdds} odds value(s) rejected`)
      }
    } catch (err) {
      this.tracker.badFrame(sampleOf(args), String((err as Error).message))
      return
    }
    if (resync === null) {
      this.tracker.emitOps(ops)
      return
    }
    // While resyncing, everything goes into the new store; its ops are the diff at the end.
    resync.received++
    if (payload.requestId !== undefined && resync.pending.delete(payload.requestId)) {
      if (resync.pending.size === 0) this.finishResync()
    }
  }

  /** Swaps in the rebuilt store and emits what changed since the old one (removes included). */
  private finishResync(): void {
    const resync = this.resync
    if (resync === null) return
    this.endResync()
    const ops = diffEntities(this.store.entities(), resync.store.entities())
    this.store = resync.store
    this.tracker.emitOps(ops)
    this.tracker.setState('live')
    this.logger.info(
      { source: this.source, ops: ops.length, ...this.store.counts() },
      'snapshot applied',
    )
  }

  private resyncTimeout(): void {
    const resync = this.resync
    if (resync === null) return
    const missing = [...resync.pending.values()]
    if (resync.received === 0) {
      // Nothing arrived: keep the old picture rather than wipe it, and keep waiting.
      this.logger.warn({ source: this.source, routes: missing }, 'no snapshot yet')
      this.tracker.setState(this.tracker.status().state, 'no snapshot from upstream')
      resync.timer = setTimeout(() => this.resyncTimeout(), this.snapshotTimeoutMs)
      return
    }
    this.logger.warn({ source: this.source, routes: missing }, 'routes without snapshot')
    this.finishResync()
  }

  private endResync(): void {
    if (this.resync !== null) clearTimeout(this.resync.timer)
    this.resync = null
  }

  private onPacket(): void {
    this.tracker.message()
    this.lastPacketAt = Date.now()
    if (this.tracker.status().state === 'stale' && this.resync === null)
      this.tracker.setState('live')
  }

  private onDisconnect(reason: string): void {
    this.endResync()
    if (!this.stopped) this.tracker.setState('reconnecting', reason)
  }

  private checkStale(): void {
    if (this.tracker.status().state !== 'live') return
    const idle = Date.now() - this.lastPacketAt
    if (idle > this.staleAfterMs) {
      this.tracker.setState('stale', `no upstream packet for ${Math.round(idle / 1000)} s`)
    }
  }
}

/** A short text of an event's arguments for logs (never the whole of a large payload). */
function sampleOf(args: unknown[]): string {
  const first = args[0]
  if (typeof first === 'string') return first
  try {
    return JSON.stringify(first)?.slice(0, 200) ?? String(first)
  } catch {
    return String(first)
  }
}
