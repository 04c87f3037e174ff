/**
 * Kwiff feed: one Socket.IO (EIO=3, websocket) connection to Kwiff's web API, request/response
 * commands through acks, refreshed on an interval and turned into ops by diffing whole pictures
 * (no push updates are known: shared/DESIGN.md "Kwiff", captures/README "kwiff/").
 *
 * Connection (seed 002, "Connection URL" / "Authentication"): a fresh UUID per connection in the
 * `identifier` query and in `Cookie: uuid=<same>`, query `device=web-app&version=1.0.1`,
 * `Origin: https://kwiff.com` and a browser `User-Agent`. The server sends `0{…}`,
 * `42["response",{user}]`, `40` (either order of the last two is accepted); then the feed sends
 * `event:list` per sport and country and `event:get` per live event, every `refreshMs`.
 */
import { randomUUID } from 'node:crypto'
import type { Entity, Op } from '@oddsboard/model'
import type { Feed, FrameSink, Logger } from '@oddsboard/feedkit'
import { diffEntities } from '@oddsboard/model'
import { backoffDelay, FeedBase, registerSecret } from '@oddsboard/feedkit'
import { AckTimeoutError, NotConnectedError, SocketIoClient } from '@oddsboard/engineio'
import type { ClientState } from '@oddsboard/engineio'
import type { KwiffEvent, KwiffOffer } from './codec'
import {
  buildCommand,
  eventGetPayload,
  eventListPayload,
  eventOffers,
  KWIFF_SPORTS,
  KWIFF_USER_AGENT,
  KwiffCommandError,
  KwiffReplyError,
  parseEventGetReply,
  parseEventListReply,
  parseUserDetails,
  replyError,
} from './codec'
import { buildPicture, eventEntityId, eventStatus, KWIFF_STAGE } from './normalize'

/** Kwiff's real endpoint (seed 002, "Connection URL"). */
export const KWIFF_LIVE_URL = 'https://web-api.kwiff.com/socket.io/'

/** Options of {@link createKwiffFeed}. */
export interface KwiffFeedOptions {
  /** Socket.IO endpoint with path, without `EIO`/`transport`: {@link KWIFF_LIVE_URL} or a simulator's. */
  url: string
  /** Kwiff sport ids; default football, basketball, tennis ({@link KWIFF_SPORTS}). */
  sports?: number[]
  /** Countries for `event:list`; default `['GB']` (seed 002; `IE` possible). */
  countries?: string[]
  /** Pause between the end of one refresh and the next, ms; default 3000. */
  refreshMs?: number
  /** How long to wait for a command's ack, ms; default 5000. */
  ackTimeoutMs?: number
  /** Retries of a command that timed out or got an error reply; default 2. */
  retries?: number
  /** Where connection, retry and bad-frame lines go; default silent. The feed never logs the uuid. */
  logger?: Logger
  /** Reconnect backoff; default the client's (0.5 s doubling to 15 s). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number }
  /** Give up one connection attempt after this long, ms; default 10 000. */
  connectTimeoutMs?: number
  /**
   * No reply carrying data for this long (ms) → `stale`; default {@link kwiffStaleAfterMs}.
   * Kwiff pushes nothing (captures/README "kwiff/"), so its messages are the answers to the
   * feed's own `event:list`/`event:get` every `refreshMs` (and any push); Engine.IO pings say
   * nothing about the picture and do not count.
   */
  staleAfterMs?: number
  /** Sees every raw frame in and out (recording, issue 11). */
  frames?: FrameSink
}

/**
 * The default stale threshold, ms: two refresh intervals plus one refresh that fails for
 * good (every attempt timing out), so one failed refresh is a hiccup and two in a row mean
 * the picture is old. With the defaults (3 s; 3 attempts of 5 s) 21 s.
 */
export function kwiffStaleAfterMs(
  refreshMs: number,
  ackTimeoutMs: number,
  retries: number,
): number {
  return 2 * refreshMs + (retries + 1) * ackTimeoutMs
}

/** A command that still failed after its retries: names the command, the attempts and the last cause. */
export class KwiffCommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly attempts: number,
    override readonly cause: Error,
  ) {
    super(`kwiff '${command}' failed after ${attempts} attempt(s): ${cause.message}`)
    this.name = 'KwiffCommandFailedError'
  }
}

/** The Kwiff feed: a {@link Feed} plus what tests and the proxy's diagnostics use. */
export interface KwiffFeed extends Feed {
  /**
   * Runs one refresh now (after any refresh in progress) and resolves true when it produced a
   * new picture (ops emitted if anything changed), false when it failed or was not possible.
   */
  refreshNow(): Promise<boolean>
  /** Pushed events the feed does not know, with how often each arrived. */
  unknownEvents(): Record<string, number>
  /**
   * Sends `command(message, payload)` as an acked event and resolves with the ack's arguments;
   * retries ack timeouts and error replies up to `retries` times.
   * @throws KwiffCommandFailedError after the last attempt; NotConnectedError when not connected.
   */
  command(message: string, payload: Record<string, unknown>): Promise<unknown[]>
}

const SAMPLE_MAX = 200

function sample(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, SAMPLE_MAX)
  } catch {
    return String(value).slice(0, SAMPLE_MAX)
  }
}

/**
 * Creates the Kwiff feed; nothing connects until `start()`. Ops are whole-picture diffs
 * (`diffEntities`): nothing for what did not change, removes for events that vanished.
 * A refresh that fails (ack timeout after retries, error reply, reply of the wrong shape)
 * applies nothing: the last good state stays and the status carries the error until the next
 * good refresh clears it. The feed goes `stale` (feedkit's one meaning) when no reply carrying
 * data arrived for `staleAfterMs`, and `live` again with the next good refresh.
 */
export function createKwiffFeed(options: KwiffFeedOptions): KwiffFeed {
  return new KwiffFeedImpl(options)
}

class KwiffFeedImpl extends FeedBase implements KwiffFeed {
  private readonly sports: number[]
  private readonly countries: string[]
  private readonly refreshMs: number
  private readonly ackTimeoutMs: number
  private readonly retries: number
  private readonly unknown = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly wakers = new Set<() => void>()

  /** The last good picture, and the entities of each event in it (to carry invalid ones forward). */
  private picture = new Map<string, Entity>()
  private client: SocketIoClient | undefined
  /** Bumped on every connection, so a refresh of an old connection never applies. */
  private generation = 0
  private responseSeen = false
  private connected = false
  private loopGeneration = -1
  private refreshTimer: NodeJS.Timeout | undefined
  private responseTimer: NodeJS.Timeout | undefined
  private running: Promise<boolean> = Promise.resolve(true)

  constructor(private readonly options: KwiffFeedOptions) {
    const refreshMs = options.refreshMs ?? 3000
    const ackTimeoutMs = options.ackTimeoutMs ?? 5000
    const retries = Math.max(0, options.retries ?? 2)
    super({
      source: 'kwiff',
      logger: options.logger,
      staleAfterMs: options.staleAfterMs ?? kwiffStaleAfterMs(refreshMs, ackTimeoutMs, retries),
    })
    this.sports = options.sports ?? [
      KWIFF_SPORTS.football,
      KWIFF_SPORTS.basketball,
      KWIFF_SPORTS.tennis,
    ]
    this.countries = options.countries ?? ['GB']
    this.refreshMs = refreshMs
    this.ackTimeoutMs = ackTimeoutMs
    this.retries = retries
  }

  refreshNow(): Promise<boolean> {
    return this.serial(this.generation)
  }

  unknownEvents(): Record<string, number> {
    return Object.fromEntries(this.unknown)
  }

  protected onStart(): void {
    const c = new SocketIoClient({
      url: this.options.url,
      transport: 'websocket',
      query: { device: 'web-app', version: '1.0.1' },
      headers: {
        Origin: 'https://kwiff.com',
        'User-Agent': KWIFF_USER_AGENT,
        'Accept-Language': 'en-GB,en-US;q=0.9,en;q=0.8',
        Pragma: 'no-cache',
        'Cache-Control': 'no-cache',
      },
      prepare: () => {
        const identifier = randomUUID()
        // The uuid identifies the user's session: never in a log line or a status text.
        registerSecret(identifier, { ephemeral: true })
        this.responseSeen = false
        return { query: { identifier }, headers: { Cookie: `uuid=${identifier}` } }
      },
      reconnect: this.options.reconnect ?? {},
      connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
      logger: this.logger,
      ...(this.options.frames !== undefined && { onFrame: this.options.frames }),
    })
    this.client = c
    c.on('state', (state, error) => this.onClientState(state, error))
    c.on('connect', () => this.onConnect())
    c.on('disconnect', (reason) => this.onDisconnect(reason))
    c.on('event', (name, args) => this.onEvent(name, args))
    c.on('badPacket', (raw, reason) => this.badFrame(raw, reason))
    c.connect()
  }

  protected async onStop(): Promise<void> {
    this.generation++
    clearTimeout(this.refreshTimer)
    clearTimeout(this.responseTimer)
    for (const wake of [...this.wakers]) wake()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const c = this.client
    this.client = undefined
    if (c !== undefined) await c.close()
    await this.running
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t)
        this.timers.delete(t)
        this.wakers.delete(wake)
        resolve()
      }
      const t = setTimeout(wake, ms)
      this.timers.add(t)
      this.wakers.add(wake)
    })
  }

  async command(message: string, payload: Record<string, unknown>): Promise<unknown[]> {
    const retries = this.retries
    let last: Error = new Error('not attempted')
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (this.stopped) throw new NotConnectedError('feed stopped')
      if (attempt > 0) await this.delay(backoffDelay(attempt - 1, 200, 2000))
      const c = this.client
      if (c === undefined || this.stopped) {
        throw new NotConnectedError(this.stopped ? 'feed stopped' : 'feed not started')
      }
      try {
        const args = await c.emitWithAck(
          'command',
          [buildCommand(message, payload, Date.now())],
          this.ackTimeoutMs,
        )
        const err = replyError(message, args)
        // A reply carrying data (NOT_FOUND included: it is an answer) is a Kwiff message.
        if (err === undefined || err.code === 'NOT_FOUND') this.message()
        if (err === undefined) return args
        // NOT_FOUND is an answer, not a hiccup: asking again cannot change it.
        if (err.code === 'NOT_FOUND') throw err
        last = err
      } catch (e) {
        if (!(e instanceof AckTimeoutError)) throw e
        last = new AckTimeoutError(message, this.ackTimeoutMs)
      }
      // A failed attempt that will be retried is routine (the real API sheds load this way);
      // only a command that fails for good is worth a warning.
      const final = attempt === retries
      this.logger[final ? 'warn' : 'debug'](
        { command: message, attempt: attempt + 1, of: retries + 1, reason: last.message },
        final ? 'kwiff command failed for good' : 'kwiff command failed, retrying',
      )
    }
    throw new KwiffCommandFailedError(message, retries + 1, last)
  }

  /** Parses a reply, counting a bad one as a bad frame before rethrowing. */
  private parsed<T>(args: unknown, parse: (a: unknown) => T): T {
    try {
      return parse(args)
    } catch (e) {
      if (e instanceof KwiffReplyError) this.badFrame(sample(args), e.message)
      throw e
    }
  }

  /** The previous entities of one event (sport and competition included), to carry forward. */
  private previousEntities(eventNativeId: number): Entity[] {
    const id = eventEntityId(eventNativeId)
    const ev = this.picture.get(id)
    if (ev === undefined || ev.kind !== 'event') return []
    const out: Entity[] = [ev]
    for (const parent of [ev.sportId, ev.competitionId]) {
      const p = this.picture.get(parent)
      if (p !== undefined) out.push(p)
    }
    for (const e of this.picture.values()) {
      if ((e.kind === 'market' || e.kind === 'selection') && e.eventId === id) out.push(e)
    }
    return out
  }

  private async refresh(gen: number): Promise<boolean> {
    if (this.stopped || gen !== this.generation || !this.connected) return false
    try {
      const events: KwiffEvent[] = []
      const carried: number[] = []
      for (const sportId of this.sports) {
        for (const country of this.countries) {
          const args = await this.command('event:list', eventListPayload(sportId, country))
          const reply = this.parsed(args, parseEventListReply)
          for (const bad of reply.invalid) {
            this.badFrame(`event:list event ${bad.id ?? '?'}`, bad.reason)
            if (bad.id !== undefined) carried.push(bad.id)
          }
          events.push(...reply.events)
        }
      }
      // Live odds monitoring: the full markets of every in-play event.
      const live = [...new Map(events.map((e) => [e.id, e])).values()].filter(
        (e) => e.stage === KWIFF_STAGE.live && eventStatus(e) !== 'ended',
      )
      // A match can end between event:list and event:get; its NOT_FOUND means it is gone,
      // which is news for this picture, not a failed refresh.
      const vanished = new Set<number>()
      const details = await Promise.all(
        live.map(async (e) => {
          try {
            return this.parsed(
              await this.command('event:get', eventGetPayload(e.id)),
              parseEventGetReply,
            )
          } catch (err) {
            if (!(err instanceof KwiffCommandError && err.code === 'NOT_FOUND')) throw err
            vanished.add(e.id)
            return null
          }
        }),
      )
      const offers = new Map<number, KwiffOffer[]>()
      const fresh = new Map<number, KwiffEvent>()
      for (const d of details) {
        if (d === null) continue
        fresh.set(d.event.id, d.event)
        offers.set(d.event.id, eventOffers(d.event))
      }
      if (this.stopped || gen !== this.generation) return false
      // Receive time of the refresh's last reply; unchanged entities keep their updatedAt.
      const next = buildPicture(
        events.filter((e) => !vanished.has(e.id)).map((e) => fresh.get(e.id) ?? e),
        { receivedAt: this.now(), previous: this.picture },
        offers,
      )
      for (const id of carried) {
        if (next.has(eventEntityId(id))) continue
        for (const e of this.previousEntities(id)) if (!next.has(e.id)) next.set(e.id, e)
      }
      const ops: Op[] = diffEntities(this.picture, next)
      this.picture = next
      this.emitOps(ops)
      this.setState('live')
      return true
    } catch (e) {
      if (this.stopped || gen !== this.generation) return false
      const err = e instanceof Error ? e : new Error(String(e))
      if (err instanceof NotConnectedError) {
        this.logger.info({ reason: err.message }, 'kwiff refresh interrupted by a disconnect')
        return false
      }
      const known =
        err instanceof KwiffCommandFailedError ||
        err instanceof KwiffReplyError ||
        err instanceof KwiffCommandError
      if (!known) this.logger.error({ err }, 'kwiff refresh failed unexpectedly')
      else this.logger.warn({ reason: err.message }, 'kwiff refresh failed; last good state kept')
      // The state stays: `stale` is decided by silence alone (FeedBase); the error is news.
      this.setState(this.state, err.message)
      return false
    }
  }

  /** Runs refreshes one at a time. */
  private serial(gen: number): Promise<boolean> {
    const next = this.running.then(() => this.refresh(gen))
    this.running = next.catch(() => false)
    return next
  }

  private loop(gen: number): void {
    this.refreshTimer = undefined
    void this.serial(gen).then(() => {
      if (this.stopped || gen !== this.generation) return
      this.refreshTimer = setTimeout(() => this.loop(gen), this.refreshMs)
    })
  }

  /** Both `40` and the `response` push arrived (or the push is late): start refreshing. */
  private ready(): void {
    if (!this.connected || this.loopGeneration === this.generation || this.stopped) return
    clearTimeout(this.responseTimer)
    this.loopGeneration = this.generation
    this.loop(this.generation)
  }

  private onClientState(state: ClientState, error?: string): void {
    if (this.stopped) return
    if (state === 'connecting') this.setState('connecting')
    else if (state === 'reconnecting') this.setState('reconnecting', error)
    else if (state === 'closed') this.setState('down', error)
  }

  private onDisconnect(reason: string): void {
    this.connected = false
    this.responseSeen = false
    this.generation++
    clearTimeout(this.refreshTimer)
    clearTimeout(this.responseTimer)
    this.logger.info({ reason }, 'kwiff disconnected')
  }

  private onEvent(name: string, args: unknown[]): void {
    this.message()
    if (name === 'response') {
      try {
        parseUserDetails(args)
      } catch (e) {
        this.badFrame(sample(args), (e as Error).message)
      }
      this.responseSeen = true
      this.ready()
      return
    }
    const n = (this.unknown.get(name) ?? 0) + 1
    this.unknown.set(name, n)
    if (n === 1) {
      this.logger.warn(
        { event: name, sample: sample(args) },
        'kwiff pushed an unknown event (logged once per name, counted)',
      )
    }
  }

  private onConnect(): void {
    this.connected = true
    this.generation++
    if (this.responseSeen) {
      this.ready()
      return
    }
    // The `response` push normally precedes `40`; wait a little for it, then go on without it.
    this.responseTimer = setTimeout(
      () => {
        if (!this.responseSeen)
          this.logger.warn({}, "kwiff sent no 'response' user details; refreshing anyway")
        this.ready()
      },
      Math.min(this.ackTimeoutMs, 2000),
    )
  }
}
