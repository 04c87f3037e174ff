import type { DeltaMessage, PricePoint } from '@oddsboard/model'
import { appendPricePoint, PRICE_HISTORY_POINTS } from '@oddsboard/model'

/** Options of a {@link PriceHistory}. */
export interface PriceHistoryOptions {
  /** Points kept per selection; default (and in the proxy always) the model's PRICE_HISTORY_POINTS. */
  limit?: number
}

/**
 * Price history as a projection of the hub's deltas: per selection, its `[epoch ms, decimal
 * odds]` points, oldest first, at most `limit` of them (the model's
 * {@link PRICE_HISTORY_POINTS}, the one bound the browser applies too).
 *
 * A point is added when a delta upserts a selection, or patches its `odds` (relay protocol
 * 4), and its decimal odds differ from its last point (a change of suspension, name or
 * `hotUsers` adds none; unpriced is no point), at the delta's `ts`; a delta that removes a
 * selection drops its history. The browser extends its
 * copy from the same deltas with the same rule ({@link appendPricePoint}), so the two agree.
 * Knows nothing of sockets or timers: feed it with {@link PriceHistory.apply}, e.g.
 * `hub.onDelta((d) => history.apply(d.message))`.
 */
export class PriceHistory {
  private readonly points = new Map<string, readonly PricePoint[]>()
  readonly limit: number

  constructor(options: PriceHistoryOptions = {}) {
    this.limit = Math.max(1, options.limit ?? PRICE_HISTORY_POINTS)
  }

  /** Selections with a history. */
  get size(): number {
    return this.points.size
  }

  /** Records the price changes of one published delta. */
  apply(delta: Pick<DeltaMessage, 'ts' | 'ops'>): void {
    for (const op of delta.ops) {
      if (op.op === 'remove') {
        if (op.kind === 'selection') this.points.delete(op.id)
        continue
      }
      let id: string
      let odds: unknown
      if (op.op === 'patch') {
        if (op.kind !== 'selection' || op.set?.odds === undefined) continue
        id = op.id
        odds = op.set.odds
      } else {
        if (op.entity.kind !== 'selection') continue
        id = op.entity.id
        odds = op.entity.odds
      }
      if (typeof odds !== 'number' || !Number.isFinite(odds)) continue
      const before = this.points.get(id)
      const after = appendPricePoint(before, [delta.ts, odds], this.limit)
      if (after !== before) this.points.set(id, after)
    }
  }

  /**
   * Histories of the given selection ids (unknown ids are left out), or of every selection
   * with a history when `ids` is omitted: `{ [selectionId]: [epochMs, decimalOdds][] }`,
   * oldest point first. The arrays are never mutated afterwards (a change replaces them).
   */
  get(ids?: readonly string[]): Record<string, readonly PricePoint[]> {
    const out: Record<string, readonly PricePoint[]> = {}
    if (ids === undefined) {
      for (const [id, points] of this.points) out[id] = points
    } else {
      for (const id of ids) {
        const points = this.points.get(id)
        if (points !== undefined) out[id] = points
      }
    }
    return out
  }
}
