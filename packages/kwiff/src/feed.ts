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
import type { Entity, FeedStatus, Op } from '@oddsboard/model'
import type { Feed, Logger } from '@oddsboard/feedkit'
import { diffEntities } from '@oddsboard/model'
import { backoffDelay, FeedTracker, silentLogger } from '@oddsboard/feedkit'
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
 * applies nothing: the last good state stays, the status goes `stale` with the error, and the
 * next good refresh brings it back to `live`.
 */
export function createKwiffFeed(options: KwiffFeedOptions): KwiffFeed {
  const logger = options.logger ?? silentLogger
  const sports = options.sports ?? [
    KWIFF_SPORTS.football,
    KWIFF_SPORTS.basketball,
    KWIFF_SPORTS.tennis,
  ]
  const countries = options.countries ?? ['GB']
  const refreshMs = options.refreshMs ?? 3000
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000
  const retries = Math.max(0, options.retries ?? 2)
  const tracker = new FeedTracker('kwiff', logger)
  const unknown = new Map<string, number>()
  const timers = new Set<NodeJS.Timeout>()
  const wakers = new Set<() => void>()

  /** The last good picture, and the entities of each event in it (to carry invalid ones forward). */
  let picture = new Map<string, Entity>()
  let client: SocketIoClient | undefined
  let started = false
  let stopped = false
  /** Bumped on every connection, so a refresh of an old connection never applies. */
  let generation = 0
  let responseSeen = false
  let connected = false
  let loopGeneration = -1
  let refreshTimer: NodeJS.Timeout | undefined
  let responseTimer: NodeJS.Timeout | undefined
  let running: Promise<boolean> = Promise.resolve(true)

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t)
        timers.delete(t)
        wakers.delete(wake)
        resolve()
      }
      const t = setTimeout(wake, ms)
      timers.add(t)
      wakers.add(wake)
    })

  async function command(message: string, payload: Record<string, unknown>): Promise<unknown[]> {
    let last: Error = new Error('not attempted')
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (stopped) throw new NotConnectedError('feed stopped')
      if (attempt > 0) await delay(backoffDelay(attempt - 1, 200, 2000))
      const c = client
      if (c === undefined || stopped) {
        throw new NotConnectedError(stopped ? 'feed stopped' : 'feed not started')
      }
      try {
        const args = await c.emitWithAck(
          'command',
          [buildCommand(message, payload, Date.now())],
          ackTimeoutMs,
        )
        const err = replyError(message, args)
        if (err === undefined) return args
        // NOT_FOUND is an answer, not a hiccup: asking again cannot change it.
        if (err.code === 'NOT_FOUND') throw err
        last = err
      } catch (e) {
        if (!(e instanceof AckTimeoutError)) throw e
        last = new AckTimeoutError(message, ackTimeoutMs)
      }
      // A failed attempt that will be retried is routine (the real API sheds load this way);
      // only a command that fails for good is worth a warning.
      const final = attempt === retries
      logger[final ? 'warn' : 'debug'](
        { command: message, attempt: attempt + 1, of: retries + 1, reason: last.message },
        final ? 'kwiff command failed for good' : 'kwiff command failed, retrying',
      )
    }
    throw new KwiffCommandFailedError(message, retries + 1, last)
  }

  /** Parses a reply, counting a bad one as a bad frame before rethrowing. */
  function parsed<T>(args: unknown, parse: (a: unknown) => T): T {
    try {
      return parse(args)
    } catch (e) {
      if (e instanceof KwiffReplyError) tracker.badFrame(sample(args), e.message)
      throw e
    }
  }

  /** The previous entities of one event (sport and competition included), to carry forward. */
  function previousEntities(eventNativeId: number): Entity[] {
    const id = eventEntityId(eventNativeId)
    const ev = picture.get(id)
    if (ev === undefined || ev.kind !== 'event') return []
    const out: Entity[] = [ev]
    for (const parent of [ev.sportId, ev.competitionId]) {
      const p = picture.get(parent)
      if (p !== undefined) out.push(p)
    }
    for (const e of picture.values()) {
      if ((e.kind === 'market' || e.kind === 'selection') && e.eventId === id) out.push(e)
    }
    return out
  }

  async function refresh(gen: number): Promise<boolean> {
    if (stopped || gen !== generation || !connected) return false
    try {
      const events: KwiffEvent[] = []
      const carried: number[] = []
      for (const sportId of sports) {
        for (const country of countries) {
          const args = await command('event:list', eventListPayload(sportId, country))
          const reply = parsed(args, parseEventListReply)
          for (const bad of reply.invalid) {
            tracker.badFrame(`event:list event ${bad.id ?? '?'}`, bad.reason)
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
            return parsed(await command('event:get', eventGetPayload(e.id)), parseEventGetReply)
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
      if (stopped || gen !== generation) return false
      // Receive time of the refresh's last reply; unchanged entities keep their updatedAt.
      const next = buildPicture(
        events.filter((e) => !vanished.has(e.id)).map((e) => fresh.get(e.id) ?? e),
        { receivedAt: Date.now(), previous: picture },
        offers,
      )
      for (const id of carried) {
        if (next.has(eventEntityId(id))) continue
        for (const e of previousEntities(id)) if (!next.has(e.id)) next.set(e.id, e)
      }
      const ops: Op[] = diffEntities(picture, next)
      picture = next
      tracker.emitOps(ops)
      tracker.setState('live')
      return true
    } catch (e) {
      if (stopped || gen !== generation) return false
      const err = e instanceof Error ? e : new Error(String(e))
      if (err instanceof NotConnectedError) {
        logger.info({ reason: err.message }, 'kwiff refresh interrupted by a disconnect')
        return false
      }
      const known =
        err instanceof KwiffCommandFailedError ||
        err instanceof KwiffReplyError ||
        err instanceof KwiffCommandError
      if (!known) logger.error({ err }, 'kwiff refresh failed unexpectedly')
      else logger.warn({ reason: err.message }, 'kwiff refresh failed; last good state kept')
      tracker.setState('stale', err.message)
      return false
    }
  }

  /** Runs refreshes one at a time. */
  function serial(gen: number): Promise<boolean> {
    const next = running.then(() => refresh(gen))
    running = next.catch(() => false)
    return next
  }

  function loop(gen: number): void {
    refreshTimer = undefined
    void serial(gen).then(() => {
      if (stopped || gen !== generation) return
      refreshTimer = setTimeout(() => loop(gen), refreshMs)
    })
  }

  /** Both `40` and the `response` push arrived (or the push is late): start refreshing. */
  function ready(): void {
    if (!connected || loopGeneration === generation || stopped) return
    clearTimeout(responseTimer)
    loopGeneration = generation
    loop(generation)
  }

  function onState(state: ClientState, error?: string): void {
    if (stopped) return
    if (state === 'connecting') tracker.setState('connecting')
    else if (state === 'reconnecting') tracker.setState('reconnecting', error)
    else if (state === 'closed') tracker.setState('down', error)
  }

  function onDisconnect(reason: string): void {
    connected = false
    responseSeen = false
    generation++
    clearTimeout(refreshTimer)
    clearTimeout(responseTimer)
    logger.info({ reason }, 'kwiff disconnected')
  }

  function onEvent(name: string, args: unknown[]): void {
    if (name === 'response') {
      try {
        parseUserDetails(args)
      } catch (e) {
        tracker.badFrame(sample(args), (e as Error).message)
      }
      responseSeen = true
      ready()
      return
    }
    const n = (unknown.get(name) ?? 0) + 1
    unknown.set(name, n)
    if (n === 1) {
      logger.warn(
        { event: name, sample: sample(args) },
        'kwiff pushed an unknown event (logged once per name, counted)',
      )
    }
  }

  function onConnect(): void {
    connected = true
    generation++
    if (responseSeen) {
      ready()
      return
    }
    // The `response` push normally precedes `40`; wait a little for it, then go on without it.
    responseTimer = setTimeout(
      () => {
        if (!responseSeen)
          logger.warn({}, "kwiff sent no 'response' user details; refreshing anyway")
        ready()
      },
      Math.min(ackTimeoutMs, 2000),
    )
  }

  return {
    source: 'kwiff',
    start() {
      if (started || stopped) return
      started = true
      tracker.setState('connecting')
      const c = new SocketIoClient({
        url: options.url,
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
          responseSeen = false
          return { query: { identifier }, headers: { Cookie: `uuid=${identifier}` } }
        },
        reconnect: options.reconnect ?? {},
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        logger,
      })
      client = c
      c.on('state', onState)
      c.on('connect', onConnect)
      c.on('disconnect', onDisconnect)
      c.on('event', onEvent)
      c.on('packet', () => tracker.message())
      c.on('badPacket', (raw, reason) => tracker.badFrame(raw, reason))
      c.connect()
    },
    async stop() {
      if (stopped) return
      stopped = true
      generation++
      clearTimeout(refreshTimer)
      clearTimeout(responseTimer)
      for (const wake of [...wakers]) wake()
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const c = client
      client = undefined
      if (c !== undefined) await c.close()
      await running
      tracker.setState('down')
    },
    status: (): FeedStatus => tracker.status(),
    onOps: (listener) => tracker.onOps(listener),
    onStatus: (listener) => tracker.onStatus(listener),
    refreshNow: () => serial(generation),
    unknownEvents: () => Object.fromEntries(unknown),
    command,
  }
}
