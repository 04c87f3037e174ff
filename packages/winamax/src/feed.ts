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
import { FeedBase } from '@oddsboard/feedkit'
import type { Op } from '@oddsboard/model'
import type { Feed, FrameSink, Logger } from '@oddsboard/feedkit'
import { decodeMEvent, M_EVENT } from './codec'
import type { DecodedPayload, WinamaxSubscription } from './codec'
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

/**
 * Winamax's expected cadence, ms: the server pushes `m` deltas continuously while matches
 * are live, and the client pings every `pingInterval` (25 s, captures/README "winamax/",
 * seeds/000 "Keepalive") with a pong in reply, so even a quiet board hears a packet every
 * 25 s. Silence for 60 s (two ping rounds and a margin) means stale; the feed then waits for
 * the next packet (the Engine.IO client's own ping timeout reconnects a dead socket).
 */
export const WINAMAX_STALE_AFTER_MS = 60_000

/** Options of {@link createWinamaxFeed}. */
export interface WinamaxFeedOptions {
  /** Socket.IO endpoint with path, `http(s)://` or `ws(s)://`, e.g. {@link WINAMAX_LIVE_URL}. */
  url: string
  /** Routes to subscribe; default {@link DEFAULT_WINAMAX_ROUTES}. */
  routes?: string[]
  logger?: Logger
  /** Extra headers, merged over `Origin` and `User-Agent`. */
  headers?: Record<string, string>
  /** No packet for this long (ms) while live → `stale`; default {@link WINAMAX_STALE_AFTER_MS}. */
  staleAfterMs?: number
  /** How long to wait for every route's snapshot after a connect (ms); default 15 000. */
  snapshotTimeoutMs?: number
  /** Reconnect policy of the Socket.IO client (tests shorten it); default the client's. */
  reconnect?: SocketIoClientOptions['reconnect']
  /** Sees every raw frame in and out, polling payloads included (recording, issue 11). */
  frames?: FrameSink
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

class WinamaxFeed extends FeedBase {
  private readonly routes: readonly string[]
  private readonly snapshotTimeoutMs: number
  private client?: SocketIoClient
  private store = new WinamaxStore()
  private resync: Resync | null = null

  constructor(private readonly options: WinamaxFeedOptions) {
    super({
      source: 'winamax',
      logger: options.logger,
      staleAfterMs: options.staleAfterMs ?? WINAMAX_STALE_AFTER_MS,
    })
    new URL(options.url) // a TypeError now rather than on every attempt
    this.routes =
      options.routes && options.routes.length > 0 ? options.routes : DEFAULT_WINAMAX_ROUTES
    this.snapshotTimeoutMs = options.snapshotTimeoutMs ?? 15_000
  }

  protected onStart(): void {
    const client = new SocketIoClient({
      url: this.options.url,
      headers: {
        Origin: WINAMAX_ORIGIN,
        'User-Agent': BROWSER_USER_AGENT,
        ...this.options.headers,
      },
      transport: 'polling',
      // The store bounds an `m` payload's nesting (PAYLOAD_LIMITS) before it merges one, and
      // never follows a snapshot's: the client need not walk a 1.5 MB snapshot. Other
      // events are not read.
      maxDepth: Infinity,
      logger: this.logger,
      ...(this.options.reconnect !== undefined && { reconnect: this.options.reconnect }),
      ...(this.options.frames !== undefined && { onFrame: this.options.frames }),
    })
    this.client = client
    client.on('connect', () => this.guard('connect', () => this.subscribe()))
    client.on('event', (name, args) => this.guard('event', () => this.onEvent(name, args)))
    client.on('packet', () => this.guard('packet', () => this.onPacket()))
    client.on('disconnect', (reason) => this.guard('disconnect', () => this.onDisconnect(reason)))
    client.on('state', (state, error) =>
      this.guard('state', () => {
        if (state === 'reconnecting') this.setState('reconnecting', error)
      }),
    )
    client.on('badPacket', (raw, reason) => this.badFrame(raw, reason))
    client.connect()
  }

  protected async onStop(): Promise<void> {
    this.endResync()
    await this.client?.close()
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
      store: new WinamaxStore({ previous: this.store }),
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
    let payload: DecodedPayload
    try {
      payload = decodeMEvent(args)
    } catch (err) {
      this.badFrame(sampleOf(args), String((err as Error).message))
      return
    }
    const resync = this.resync
    const store = resync !== null ? resync.store : this.store
    let ops: Op[]
    try {
      const result = store.apply(payload, Date.now())
      ops = result.ops
      if (result.rejectedOdds > 0) {
        this.badFrame(sampleOf(args), `${result.rejectedOdds} odds value(s) rejected`)
      }
    } catch (err) {
      this.badFrame(sampleOf(args), String((err as Error).message))
      return
    }
    if (resync === null) {
      this.emitOps(ops)
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
    this.emitOps(ops)
    this.setState('live')
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
      this.setState(this.state, 'no snapshot from upstream')
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

  /** Every Engine.IO packet (data, ping, pong) is a Winamax message. */
  private onPacket(): void {
    this.message()
    if (this.state === 'stale' && this.resync === null) this.setState('live')
  }

  private onDisconnect(reason: string): void {
    this.endResync()
    if (!this.stopped) this.setState('reconnecting', reason)
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
