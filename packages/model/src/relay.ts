import type { Entity, Source } from './entities'
import type { Op } from './ops'

/**
 * Messages of the relay protocol between the proxy and browsers, JSON over `ws://HOST:PORT/ws`
 * (shared/DESIGN.md, "Relay protocol"; modelled on Centrifugo's epoch + offset streams;
 * apps/proxy/README.md, "Relay protocol", is the reference for version 4).
 */

/**
 * Version of the relay protocol this code speaks. The first message of every connection
 * (`snapshot` or `resumed`) carries it in `protocol`; a client that gets another value (or
 * none: version 1 had no such field) must stop and say so rather than guess.
 *
 * Version 4 (this one): version 3 plus a third op in deltas, `patch` (`PatchOp`: the changed
 * fields of an existing entity; an entity the proxy already had is never sent whole again),
 * applied with the delta's `ts`, which is the `updatedAt` of every patched event, selection
 * or canonical event whose patch does not set it. Snapshots are unchanged (whole entities).
 * A version-3 client would refuse the unknown op and ask for snapshots forever.
 * Version 3: version 2 plus a new entity kind, `canonical` (one real match across
 * books, `CanonicalEvent`), in snapshots (after selections) and in delta ops (upserts and
 * removes like any entity); a version-2 client would not know what to do with it.
 * Version 2: one resume path, the position in the URL (`/ws?epoch=E&seq=N`); a resumed
 * connection opens with a `resumed` message; the only client message is
 * `{"type":"snapshot"}`. Version 1 also took a `{"type":"resume"}` message.
 */
export const RELAY_PROTOCOL = 4

/** Connection state of one upstream feed. */
export type FeedState = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'down'

/** What the proxy reports of one feed. */
export interface FeedStatus {
  source: Source
  state: FeedState
  /** Last upstream message (data or heartbeat), epoch ms; null before the first. */
  lastMessageAt: number | null
  /** Reconnects since the proxy started. */
  reconnects: number
  /** Upstream messages per second over the last few seconds. */
  messagesPerSec: number
  /** Upstream messages received since start. */
  messages: number
  /** Malformed upstream frames counted and skipped since start. */
  badFrames: number
  /** The latest error, human readable; never contains secrets. */
  error?: string
  /**
   * Where the feed's frames come from (issue 11; absent from older proxies): a simulator, the
   * live site, another URL, a recording played back (`replaySpeed`), or a browser tap.
   */
  mode?: FeedMode
  /** The replay's speed factor (`max`: as fast as possible); only with mode `replay`. */
  replaySpeed?: number | 'max'
}

/** Where a feed's frames come from; see {@link FeedStatus.mode}. */
export type FeedMode = 'sim' | 'live' | 'url' | 'replay' | 'tap'

/**
 * The whole state at `seq`: the first message of a connection that did not resume (or could
 * not: unknown epoch, position no longer buffered), and the answer to a snapshot request.
 */
export interface SnapshotMessage {
  type: 'snapshot'
  /** {@link RELAY_PROTOCOL} of the proxy that sent it. */
  protocol: number
  /** Changes whenever the proxy restarts or rebuilds its state. */
  epoch: string
  seq: number
  /**
   * The proxy's clock when it built this message, epoch ms: the browser takes its offset to
   * the proxy's clock from it (ages and freshness are read on the proxy's clock), so it need
   * not wait for the first delta. Optional: a peer that omits it is read from the first delta.
   */
  ts?: number
  /** Parents first: sports, competitions, events, markets, selections, then canonical events. */
  entities: Entity[]
  feeds: FeedStatus[]
}

/**
 * The first message of a connection opened at a position (`/ws?epoch=E&seq=N`) that the
 * proxy can resume: `epoch` and `seq` echo that position; the deltas after `seq` follow at
 * once (none when it is current), then live deltas as usual.
 */
export interface ResumedMessage {
  type: 'resumed'
  /** {@link RELAY_PROTOCOL} of the proxy that sent it. */
  protocol: number
  epoch: string
  /** The position resumed from: the next delta has `seq + 1`. */
  seq: number
  /** The proxy's clock when it sent this message, epoch ms (as {@link SnapshotMessage.ts}). */
  ts?: number
}

/**
 * Ops coalesced over a short window (≤ 50 ms); `seq` is the previous seq + 1. At most one op
 * per entity: an upsert for an entity new to the receiver, a patch for a changed one, a
 * remove. Apply with `applyOps(state, ops, ts)`.
 */
export interface DeltaMessage {
  type: 'delta'
  epoch: string
  seq: number
  /**
   * When the hub published it, epoch ms; also the time of the price points it makes and the
   * `updatedAt` of the entities it patches (unless a patch sets another).
   */
  ts: number
  ops: Op[]
}

/** Sent whenever a feed changes state (and periodically, for ages and rates). */
export interface FeedsMessage {
  type: 'feeds'
  feeds: FeedStatus[]
}

/** Every message the proxy sends. */
export type ServerMessage = SnapshotMessage | ResumedMessage | DeltaMessage | FeedsMessage

/** A client that saw a gap asks for a fresh snapshot. */
export interface SnapshotRequestMessage {
  type: 'snapshot'
}

/** Every message a browser may send (resuming is done by the URL, never by a message). */
export type ClientMessage = SnapshotRequestMessage

/** Close code for a client whose socket buffer went over the limit; it should resume. */
export const CLOSE_TOO_SLOW = 4008

/** One point of a selection's price history: [epoch ms, decimal odds]. */
export type PricePoint = [ts: number, odds: number]

/**
 * The one bound of price history, in points per selection, shared by the proxy's history
 * projection (`GET /api/history`) and the browser's copy of it, so both hold the same points.
 * 240 covers the Movers view's longest window (15 min) for a price that moves every few
 * seconds; a quiet price keeps its older points, so its last change stays known.
 */
export const PRICE_HISTORY_POINTS = 240

/**
 * A selection's history after its price became `point[1]` (decimal odds) at `point[0]`
 * (epoch ms): `points` itself when that is already its last price (no point for a change of
 * another field), else a new array with the point appended, dropping the oldest beyond
 * `limit`. `points` is never mutated, so a caller can hand it out as is.
 */
export function appendPricePoint(
  points: readonly PricePoint[] | undefined,
  point: PricePoint,
  limit: number = PRICE_HISTORY_POINTS,
): readonly PricePoint[] {
  if (points === undefined || points.length === 0) return [point]
  if (points[points.length - 1]![1] === point[1]) return points
  const next = points.length >= limit ? points.slice(points.length - limit + 1) : points.slice()
  next.push(point)
  return next
}

/**
 * Merges a selection's history as the proxy serves it (`theirs`, authoritative for its own
 * time range) with what this side recorded (`mine`): `mine`'s points older than `theirs`'
 * first, then `theirs`, then `mine`'s points newer than `theirs`' last; bounded to the last
 * `limit`. All times are the hub's (delta `ts`), so both sides' points are comparable.
 * Returns `mine` itself when `theirs` is empty.
 */
export function mergePriceHistory(
  mine: readonly PricePoint[],
  theirs: readonly PricePoint[],
  limit: number = PRICE_HISTORY_POINTS,
): readonly PricePoint[] {
  if (theirs.length === 0) return mine
  const first = theirs[0]![0]
  const last = theirs[theirs.length - 1]![0]
  const merged = [
    ...mine.filter((p) => p[0] < first),
    ...theirs,
    ...mine.filter((p) => p[0] > last),
  ]
  return merged.length > limit ? merged.slice(merged.length - limit) : merged
}
