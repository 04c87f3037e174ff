import { randomBytes } from 'node:crypto'
import type {
  DeltaMessage,
  Entity,
  EntityKind,
  EntityState,
  FeedStatus,
  Op,
  SnapshotMessage,
} from '@oddsboard/model'
import type { Feed, Logger } from '@oddsboard/feedkit'
import {
  applyOps,
  changeOp,
  emptyState,
  patchEntity,
  RELAY_PROTOCOL,
  stateEntities,
} from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { textFrame } from './frame'
import { DeltaRing } from './ring'
import { SnapshotJsonCache, stateSizes } from './snapshotJson'

/** Options of a {@link Hub}; every field has a default. */
export interface HubOptions {
  /** Coalescing window: at most one delta per this many ms (default 3, at most 50). */
  coalesceMs?: number
  /** Deltas kept for resume (default 2,000). */
  ringSize?: number
  logger?: Logger
  /** Clock, epoch ms (injectable for tests). */
  now?: () => number
}

/** A published delta: the message, its JSON and its WebSocket frame, each made once for every client. */
export interface PublishedDelta {
  message: DeltaMessage
  /** UTF-8 JSON of `message` (a view into `frame`). */
  payload: Buffer
  /** The whole unmasked WebSocket text frame carrying `payload`: write it as is to every client. */
  frame: Buffer
}

/**
 * Serializes a delta once: its JSON and the WebSocket text frame around it (see
 * {@link textFrame}). Used by the hub for every delta it publishes, and by anything that
 * relays deltas it did not make (an edge's replica), so every client gets the same bytes.
 */
export function encodeDelta(message: DeltaMessage): PublishedDelta {
  const { frame, payload } = textFrame(Buffer.from(JSON.stringify(message)))
  return { message, payload, frame }
}

/** Counters the hub keeps for `/metrics`. */
export interface HubCounters {
  /** Ops applied (after coalescing into deltas). */
  opsApplied: number
  /** Batches that `applyOps` refused; each is dropped whole. */
  badBatches: number
  /** Deltas published. */
  deltas: number
}

/** The entity an op is about. */
const targetOf = (op: Op): { kind: EntityKind; id: string } => (op.op === 'upsert' ? op.entity : op)

/**
 * The ops of one delta: what turns `before` into `after` for every entity the window's
 * `applied` ops touched, one op per entity, in the order of each entity's last touch: a
 * remove for one that is gone, the whole entity for one that is new, else the patch of
 * the fields that changed ({@link changeOp}: `updatedAt` follows from `ts`); nothing for
 * one that ends as it began. Feeds keep sending whole entities; the wire gets patches.
 *
 * So that the hub holds exactly what a receiver makes of the delta
 * (`applyOps(before, ops, ts)`), each patched entity of `after` is replaced by
 * `patchEntity(before's, patch, ts)` (the same field order, `updatedAt` = `ts`). That
 * writes into `after`'s maps, which are this window's own copies (copy-on-write: a kind
 * with a patch changed, so `after` does not share its map with `before` or any reader).
 */
function deltaOps(
  before: EntityState,
  after: EntityState,
  applied: readonly Op[],
  ts: number,
): Op[] {
  const last = new Map<string, { kind: EntityKind; id: string }>()
  for (const op of applied) {
    const t = targetOf(op)
    const key = `${t.kind}\u0000${t.id}`
    last.delete(key)
    last.set(key, { kind: t.kind, id: t.id })
  }
  const out: Op[] = []
  for (const { kind, id } of last.values()) {
    const was = (before[kind] as ReadonlyMap<string, Entity>).get(id)
    const now = (after[kind] as ReadonlyMap<string, Entity>).get(id)
    if (now === undefined) {
      if (was !== undefined) out.push({ op: 'remove', kind, id })
    } else if (was === undefined) {
      out.push({ op: 'upsert', entity: now })
    } else if (was !== now) {
      const op = changeOp(was, now, ts)
      if (op === null) {
        // rebuilt the same: keep the object receivers hold
        ;(after[kind] as Map<string, Entity>).set(id, was)
        continue
      }
      out.push(op)
      if (op.op === 'patch') (after[kind] as Map<string, Entity>).set(id, patchEntity(was, op, ts))
    }
  }
  return out
}

/**
 * The one authoritative normalized state of the proxy (shared/DESIGN.md, "Data flow").
 *
 * Feeds hand it batches of ops; the hub queues them and, at most once per coalescing
 * window (leading edge: an idle hub publishes on the next turn of the event loop), applies
 * each queued batch with `applyOps` and publishes ONE delta with `seq` = previous + 1 and
 * one op per entity that changed: the whole entity when it is new, a `patch` of the changed
 * fields when the hub had it (relay protocol 4; feeds send whole entities, the hub turns
 * them into patches), a remove when it is gone. Its state after the flush is exactly
 * `applyOps(stateBefore, delta.ops, delta.ts)`, what every client computes. A batch that `applyOps` refuses is counted, logged and dropped
 * whole; the others of the window still apply. Recent deltas sit in a bounded ring buffer
 * for resume. That is its one job: projections of the stream (price history, metrics)
 * listen to {@link Hub.onDelta}. Holds one timer while ops are pending; {@link Hub.close}
 * clears it.
 */
export class Hub {
  /** Changes whenever the process starts or the state is rebuilt. */
  readonly epoch: string = randomBytes(6).toString('base64url')
  private seqValue = 0
  private stateValue: EntityState = emptyState()
  private pending: Op[][] = []
  /** The pending flush: an immediate when the window has passed, else a timeout. */
  private timer: { cancel(): void } | null = null
  private lastFlushAt = -Infinity
  /** The last deltas' frames ({@link PublishedDelta.frame}), by seq modulo the ring's length. */
  private readonly ring: DeltaRing
  private readonly feedList: Feed[] = []
  private readonly unsubscribers: (() => void)[] = []
  private readonly deltaListeners = new Set<(d: PublishedDelta) => void>()
  private readonly feedsListeners = new Set<(feeds: FeedStatus[]) => void>()
  private readonly snapshotText = new SnapshotJsonCache()
  private readonly coalesceMs: number
  private readonly logger: Logger
  private readonly now: () => number
  readonly counters: HubCounters = { opsApplied: 0, badBatches: 0, deltas: 0 }

  constructor(options: HubOptions = {}) {
    this.coalesceMs = Math.min(50, Math.max(0, options.coalesceMs ?? 3))
    this.ring = new DeltaRing(options.ringSize ?? 2000)
    this.logger = options.logger ?? silentLogger
    this.now = options.now ?? Date.now
  }

  /** The seq of the latest delta (0 before the first). */
  get seq(): number {
    return this.seqValue
  }

  /** The current state (immutable; replaced on every change). */
  get state(): EntityState {
    return this.stateValue
  }

  /** Subscribes to a feed's ops and status; the feed is not started here. */
  addFeed(feed: Feed): void {
    this.feedList.push(feed)
    this.unsubscribers.push(
      feed.onOps((ops) => this.push(ops, feed.source)),
      feed.onStatus(() => this.emitFeeds()),
    )
  }

  /** The feeds' current statuses, in the order they were added. */
  feeds(): FeedStatus[] {
    return this.feedList.map((f) => f.status())
  }

  /** Queues one batch of ops (applied as a unit at the next flush). */
  push(ops: Op[], source?: string): void {
    if (!Array.isArray(ops)) {
      this.counters.badBatches++
      this.logger.warn({ source }, 'dropped a batch that is not an array of ops')
      return
    }
    if (ops.length === 0) return
    this.pending.push(ops)
    this.schedule()
  }

  /**
   * Applies every queued batch now and publishes one delta; returns it, or null when
   * nothing changed (no delta, seq unchanged).
   */
  flush(): PublishedDelta | null {
    if (this.timer !== null) {
      this.timer.cancel()
      this.timer = null
    }
    const batches = this.pending
    this.pending = []
    if (batches.length === 0) return null
    this.lastFlushAt = this.now()
    const ts = this.now()
    const before = this.stateValue
    const applied = this.applyBatches(batches, ts)
    if (applied.length === 0) return null
    const ops = deltaOps(before, this.stateValue, applied, ts)
    if (ops.length === 0) {
      // every change was undone within the window, or rebuilt the same entities
      this.stateValue = before
      return null
    }
    const message: DeltaMessage = {
      type: 'delta',
      epoch: this.epoch,
      seq: ++this.seqValue,
      ts,
      ops,
    }
    const published = encodeDelta(message)
    this.ring.add(this.seqValue, published)
    this.counters.opsApplied += ops.length
    this.counters.deltas++
    for (const l of this.deltaListeners) l(published)
    return published
  }

  /**
   * The serialized deltas (UTF-8 JSON) after `seq` up to the current one, oldest first;
   * `[]` when `seq` is current; null when they are no longer (or never were) in the ring.
   */
  deltasSince(seq: number): Buffer[] | null {
    return this.ringSince(seq, 'payload')
  }

  /**
   * The same deltas as {@link Hub.deltasSince}, as the WebSocket frames they were
   * broadcast in ({@link PublishedDelta.frame}): a resume writes them as is.
   */
  framesSince(seq: number): Buffer[] | null {
    return this.ringSince(seq, 'frame')
  }

  private ringSince(seq: number, part: 'frame' | 'payload'): Buffer[] | null {
    return this.ring.since(seq, this.seqValue, part)
  }

  /** The snapshot message: the state at the current seq and the feeds' statuses now. */
  snapshot(): SnapshotMessage {
    return { ...this.snapshotHead(), entities: stateEntities(this.stateValue) }
  }

  /** The snapshot message but its entities (see {@link SnapshotJsonCache}). */
  private snapshotHead(): Omit<SnapshotMessage, 'entities'> {
    return {
      type: 'snapshot',
      protocol: RELAY_PROTOCOL,
      epoch: this.epoch,
      seq: this.seqValue,
      ts: Date.now(),
      feeds: this.feeds(),
    }
  }

  /**
   * {@link Hub.snapshot} as JSON text. The entities' JSON (megabytes) is cached per state, so
   * a burst of connections serializes them once; the rest of the message is serialized on
   * each call (feed statuses move) and the cached entities are spliced in.
   */
  snapshotJson(): string {
    return this.snapshotText.text(this.snapshotHead(), this.stateValue)
  }

  /** Entities per kind in the current state. */
  sizes(): Record<EntityKind, number> {
    return stateSizes(this.stateValue)
  }

  /** Listens for published deltas; returns the unsubscribe function. */
  onDelta(listener: (d: PublishedDelta) => void): () => void {
    this.deltaListeners.add(listener)
    return () => this.deltaListeners.delete(listener)
  }

  /** Listens for feed state changes; returns the unsubscribe function. */
  onFeeds(listener: (feeds: FeedStatus[]) => void): () => void {
    this.feedsListeners.add(listener)
    return () => this.feedsListeners.delete(listener)
  }

  /** Clears the timer, drops pending ops and unsubscribes from the feeds (feeds keep running). */
  close(): void {
    this.timer?.cancel()
    this.timer = null
    this.pending = []
    for (const u of this.unsubscribers.splice(0)) u()
    this.deltaListeners.clear()
    this.feedsListeners.clear()
  }

  /**
   * Applies the window's batches; returns the ops that changed the state. The common case
   * (every batch well formed) is one `applyOps` call, so each changed kind is copied once
   * per window, not once per batch; when that throws, each batch is applied on its own and
   * the bad ones are dropped whole.
   */
  private applyBatches(batches: Op[][], ts: number): Op[] {
    const before = this.stateValue
    const all = batches.length === 1 ? batches[0]! : batches.flat()
    try {
      const after = applyOps(before, all, ts)
      if (after === before) return []
      this.stateValue = after
      return all
    } catch {
      // at least one bad batch: find it below
    }
    const applied: Op[] = []
    for (const batch of batches) {
      const prior = this.stateValue
      let after: EntityState
      try {
        after = applyOps(prior, batch, ts)
      } catch (err) {
        this.counters.badBatches++
        this.logger.warn(
          { err: (err as Error).message, ops: batch.length },
          'dropped a batch of ops that does not apply',
        )
        continue
      }
      if (after === prior) continue
      this.stateValue = after
      for (const op of batch) applied.push(op)
    }
    return applied
  }

  /**
   * Flushes once the window since the last flush has passed: on the next turn of the event
   * loop (`setImmediate`, so ops pushed in the same turn join; a 0 ms timeout would wait
   * about 1 ms) when it already has, else by a timeout at its end.
   */
  private schedule(): void {
    if (this.timer !== null) return
    const wait = this.lastFlushAt + this.coalesceMs - this.now()
    const run = () => {
      this.timer = null
      this.flush()
    }
    if (wait <= 0) {
      const immediate = setImmediate(run)
      this.timer = { cancel: () => clearImmediate(immediate) }
    } else {
      const timeout = setTimeout(run, wait)
      this.timer = { cancel: () => clearTimeout(timeout) }
    }
  }

  private emitFeeds(): void {
    if (this.feedsListeners.size === 0) return
    const feeds = this.feeds()
    for (const l of this.feedsListeners) l(feeds)
  }
}
