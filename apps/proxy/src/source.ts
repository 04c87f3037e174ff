import type { EntityKind, EntityState, FeedStatus, SnapshotMessage } from '@oddsboard/model'
import type { HubCounters, PublishedDelta } from './hub'

/**
 * What the `/ws` relay, the HTTP app and the metrics read: the state, its position
 * (epoch, seq), the recent deltas for resume and the feeds' statuses. The single process's
 * {@link import('./hub').Hub} satisfies it, and so does an edge's replica of the ingest's
 * hub ({@link import('./cluster/replica').ReplicaHub}, issue 10).
 */
export interface StateSource {
  /** The current epoch: a new one whenever the state is rebuilt from nothing. */
  readonly epoch: string
  /** The seq of the latest delta (0 before the first). */
  readonly seq: number
  /** The current state (immutable; replaced on every change). */
  readonly state: EntityState
  readonly counters: HubCounters
  /** The feeds' current statuses. */
  feeds(): FeedStatus[]
  /** The snapshot message at the current seq. */
  snapshot(): SnapshotMessage
  /** {@link StateSource.snapshot} as JSON text. */
  snapshotJson(): string
  /** Serialized deltas after `seq` (oldest first), `[]` when current, null when not buffered. */
  deltasSince(seq: number): Buffer[] | null
  /** Entities per kind in the current state. */
  sizes(): Record<EntityKind, number>
  /** Listens for published deltas; returns the unsubscribe function. */
  onDelta(listener: (d: PublishedDelta) => void): () => void
  /** Listens for feed state changes; returns the unsubscribe function. */
  onFeeds(listener: (feeds: FeedStatus[]) => void): () => void
  /**
   * Listens for a reset: the state was replaced by a snapshot (another epoch, or a gap the
   * source could not fill), so every client needs the new snapshot. A Hub never resets
   * (it has no such method); an edge's replica does.
   */
  onReset?(listener: () => void): () => void
}
