import { randomBytes } from 'node:crypto'
import type {
  DeltaMessage,
  EntityKind,
  EntityState,
  FeedStatus,
  SnapshotMessage,
} from '@oddsboard/model'
import type { Logger } from '@oddsboard/feedkit'
import {
  applyOps,
  emptyState,
  RELAY_PROTOCOL,
  stateEntities,
  stateFromEntities,
} from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { textFrame } from '../frame'
import { DeltaRing } from '../ring'
import { SnapshotJsonCache, stateSizes } from '../snapshotJson'
import type { HubCounters, PublishedDelta } from '../hub'
import type { StateSource } from '../source'
import type { StoredSnapshot } from './redis'

/** Options of a {@link ReplicaHub}. */
export interface ReplicaHubOptions {
  /** Deltas kept for resume (default 2,000). */
  ringSize?: number
  logger?: Logger
}

/**
 * An edge's copy of the ingest's hub (issue 10): the same {@link StateSource} the relay and
 * the HTTP app read, fed from Redis instead of feeds. {@link ReplicaHub.load} replaces the
 * state with a stored snapshot (and tells the reset listeners, so every client gets it);
 * {@link ReplicaHub.apply} applies the next delta, exactly the bytes the ingest's hub
 * published, with the same `applyOps`, keeps it in its own ring for resume and passes it
 * to the delta listeners. Before the first snapshot it holds an empty state under an epoch
 * of its own that no client can resume into.
 */
export class ReplicaHub implements StateSource {
  private epochValue = `none-${randomBytes(4).toString('base64url')}`
  private seqValue = 0
  private stateValue: EntityState = emptyState()
  private feedList: FeedStatus[] = []
  private feedsJson = '[]'
  /** The last deltas (JSON and WebSocket frame), by seq modulo the ring's length. */
  private readonly ring: DeltaRing
  private readonly snapshotText = new SnapshotJsonCache()
  private readonly deltaListeners = new Set<(d: PublishedDelta) => void>()
  private readonly feedsListeners = new Set<(feeds: FeedStatus[]) => void>()
  private readonly resetListeners = new Set<() => void>()
  private readonly logger: Logger
  readonly counters: HubCounters = { opsApplied: 0, badBatches: 0, deltas: 0 }
  /** Snapshots loaded (the first one, epoch changes, gaps). */
  resets = 0

  constructor(options: ReplicaHubOptions = {}) {
    this.ring = new DeltaRing(options.ringSize ?? 2000)
    this.logger = options.logger ?? silentLogger
  }

  get epoch(): string {
    return this.epochValue
  }

  get seq(): number {
    return this.seqValue
  }

  get state(): EntityState {
    return this.stateValue
  }

  /** The ingest's feed statuses as last read from Redis. */
  feeds(): FeedStatus[] {
    return this.feedList
  }

  /** Replaces the feed statuses; tells the feeds listeners when they changed. */
  setFeeds(feeds: FeedStatus[]): void {
    const json = JSON.stringify(feeds)
    if (json === this.feedsJson) return
    this.feedsJson = json
    this.feedList = feeds
    for (const l of this.feedsListeners) l(feeds)
  }

  /**
   * Replaces the state with a stored snapshot: its epoch, seq and entities; the ring is
   * emptied (a resume from before it gets the snapshot). Tells the reset listeners.
   */
  load(snapshot: StoredSnapshot): void {
    this.stateValue = stateFromEntities(snapshot.entities)
    this.epochValue = snapshot.epoch
    this.seqValue = snapshot.seq
    this.ring.clear()
    this.resets++
    if (Array.isArray(snapshot.feeds)) this.setFeeds(snapshot.feeds)
    this.logger.info({ epoch: snapshot.epoch, seq: snapshot.seq }, 'edge loaded the snapshot')
    for (const l of this.resetListeners) l()
  }

  /**
   * Applies the next delta of the current epoch (`payload`: its JSON as the ingest published
   * it; its seq must be the current seq + 1) and publishes it to the delta listeners.
   * @throws Error when it is not the next delta of this epoch, or its ops do not apply
   *   (the caller reloads the snapshot; the state is untouched).
   */
  apply(payload: string): DeltaMessage {
    const message = JSON.parse(payload) as DeltaMessage
    if (message.epoch !== this.epochValue || message.seq !== this.seqValue + 1)
      throw new Error(`delta ${message.epoch}/${message.seq} does not follow ${this.position()}`)
    try {
      this.stateValue = applyOps(this.stateValue, message.ops, message.ts)
    } catch (err) {
      this.counters.badBatches++
      throw err
    }
    this.seqValue = message.seq
    const { frame, payload: bytes } = textFrame(Buffer.from(payload))
    this.ring.add(this.seqValue, { frame, payload: bytes })
    this.counters.opsApplied += message.ops.length
    this.counters.deltas++
    const published: PublishedDelta = { message, payload: bytes, frame }
    for (const l of this.deltaListeners) l(published)
    return message
  }

  /** `epoch/seq`, for messages. */
  position(): string {
    return `${this.epochValue}/${this.seqValue}`
  }

  /** Same contract as `Hub.deltasSince`, over this replica's ring. */
  deltasSince(seq: number): Buffer[] | null {
    return this.ringSince(seq, 'payload')
  }

  /** Same contract as `Hub.framesSince`: the deltas after `seq` as their WebSocket frames. */
  framesSince(seq: number): Buffer[] | null {
    return this.ringSince(seq, 'frame')
  }

  private ringSince(seq: number, part: 'frame' | 'payload'): Buffer[] | null {
    return this.ring.since(seq, this.seqValue, part)
  }

  snapshot(): SnapshotMessage {
    return { ...this.snapshotHead(), entities: stateEntities(this.stateValue) }
  }

  /** The snapshot message but its entities (see {@link SnapshotJsonCache}). */
  private snapshotHead(): Omit<SnapshotMessage, 'entities'> {
    return {
      type: 'snapshot',
      protocol: RELAY_PROTOCOL,
      epoch: this.epochValue,
      seq: this.seqValue,
      ts: Date.now(),
      feeds: this.feedList,
    }
  }

  /** {@link ReplicaHub.snapshot} as JSON, the entities' JSON cached per state (as the Hub does). */
  snapshotJson(): string {
    return this.snapshotText.text(this.snapshotHead(), this.stateValue)
  }

  sizes(): Record<EntityKind, number> {
    return stateSizes(this.stateValue)
  }

  onDelta(listener: (d: PublishedDelta) => void): () => void {
    this.deltaListeners.add(listener)
    return () => this.deltaListeners.delete(listener)
  }

  onFeeds(listener: (feeds: FeedStatus[]) => void): () => void {
    this.feedsListeners.add(listener)
    return () => this.feedsListeners.delete(listener)
  }

  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener)
    return () => this.resetListeners.delete(listener)
  }

  /** Drops every listener. */
  close(): void {
    this.deltaListeners.clear()
    this.feedsListeners.clear()
    this.resetListeners.clear()
  }
}
