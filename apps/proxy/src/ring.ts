/**
 * The bounded ring of the last published deltas that a resume is served from, shared by the
 * Hub (one process, or the cluster's ingest) and an edge's ReplicaHub: each delta's JSON
 * (`payload`) and its WebSocket frame, kept by seq modulo the ring's length.
 */
export class DeltaRing {
  private readonly slots: ({ frame: Buffer; payload: Buffer } | undefined)[]
  private count = 0

  /** @param size deltas kept (at least 1) */
  constructor(size: number) {
    this.slots = new Array<{ frame: Buffer; payload: Buffer } | undefined>(Math.max(1, size))
  }

  /** Keeps the delta of `seq` (the seq after the last one kept, or the first after a clear). */
  add(seq: number, delta: { frame: Buffer; payload: Buffer }): void {
    this.slots[seq % this.slots.length] = { frame: delta.frame, payload: delta.payload }
    this.count = Math.min(this.slots.length, this.count + 1)
  }

  /** Forgets every delta (a new snapshot: a resume from before it gets the snapshot). */
  clear(): void {
    this.slots.fill(undefined)
    this.count = 0
  }

  /**
   * The `part` of every delta after `seq` up to `current` (the last seq added), oldest first:
   * `[]` when `seq` is current; null when they are no longer (or never were) in the ring, or
   * `seq` is not a position at all.
   */
  since(seq: number, current: number, part: 'frame' | 'payload'): Buffer[] | null {
    if (!Number.isInteger(seq) || seq > current || seq < 0) return null
    const oldest = current - this.count + 1
    if (seq + 1 < oldest) return null
    const out: Buffer[] = []
    for (let s = seq + 1; s <= current; s++) out.push(this.slots[s % this.slots.length]![part])
    return out
  }
}
