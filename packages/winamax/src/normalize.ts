/**
 * Winamax `m` payloads → normalized model ops. Pure: no sockets, timers or clock (the
 * receive time comes in as an argument).
 *
 * {@link WinamaxStore} composes the three layers, each in its own module:
 * - raw.ts: the raw Winamax state and its indexes, with the one table-driven merge
 *   (null removes, objects merge field by field, arrays replace) and the undo journal;
 * - build.ts (with sports.ts, markets.ts, clock.ts): pure entity builders, and the
 *   canonical sport key, market type and line, selection outcome, match clock and period;
 * - derive.ts: which entities a merge touched → rebuilt entities → the ops of what changed.
 * A child is emitted only while its parent is: removing a match removes its markets and
 * selections (and they come back if the match does).
 */
import type { BookEntity, BookEntityKind, Entity, Op } from '@oddsboard/model'
import type { DecodedPayload, EntityCollection, RawEntity } from './codec'
import type { Emitted } from './derive'
import { Derivation } from './derive'
import type { ClockStamp } from './raw'
import { Journal, RawState } from './raw'

export { buildCompetition, buildEvent, buildMarket, buildSelection, buildSport } from './build'
export { matchStatus, parseScore, winamaxId } from './build'
export { matchClock, matchSeconds, periodName, WINAMAX_PERIODS } from './clock'
export type { BetKind } from './markets'
export { classifyBet, parseHandicap, parseSpecifiers, selectionOutcome, specifier } from './markets'
export { isValidDecimalOdds, NOT_OFFERED } from './raw'
export { WINAMAX_SPORT_KEYS, winamaxSportKey } from './sports'

/** What {@link WinamaxStore.apply} returns for one payload. */
export interface ApplyResult {
  /** Upserts parents first, then removes children first. Empty when nothing visible changed. */
  ops: Op[]
  /** Odds values of this payload that were rejected (not a finite number above 1, nor 1) and skipped. */
  rejectedOdds: number
}

/** Options of {@link WinamaxStore}. */
export interface WinamaxStoreOptions {
  /**
   * The store this one replaces (after a reconnect the feed rebuilds from fresh snapshots):
   * entities that come back unchanged keep their `updatedAt`, and clocks whose reading has
   * not changed keep their `at`, so a reconnect does not make every row look fresh.
   */
  previous?: WinamaxStore
}

/**
 * The raw Winamax state of one connection plus the normalized entities derived from it.
 *
 * `apply` takes ownership of the payload's objects: new entities are kept as sent (never
 * modified afterwards: later changes are merged into copies). Do not reuse a payload object
 * for another store.
 */
export class WinamaxStore {
  private state: RawState
  private derivation: Derivation
  private readonly previous:
    { emitted: Emitted; clocks: ReadonlyMap<string, ClockStamp> } | undefined
  private pristine = true
  private rejected = 0

  constructor(options: WinamaxStoreOptions = {}) {
    const p = options.previous
    // Only the previous store's maps are kept, not the store (no chain of old stores).
    this.previous =
      p === undefined ? undefined : { emitted: p.derivation.emitted, clocks: p.state.clocks }
    this.state = new RawState(this.previous?.clocks)
    this.derivation = new Derivation(this.state, this.previous?.emitted)
  }

  /** Back to the empty store. */
  private clear(): void {
    this.state = new RawState(this.previous?.clocks)
    this.derivation = new Derivation(this.state, this.previous?.emitted)
    this.pristine = true
  }

  /** Odds values rejected since the store was created. */
  get rejectedOdds(): number {
    return this.rejected
  }

  /** How many normalized entities of each kind are derived now. */
  counts(): Record<BookEntityKind, number> {
    const e = this.derivation.emitted
    return {
      sport: e.sport.size,
      competition: e.competition.size,
      event: e.event.size,
      market: e.market.size,
      selection: e.selection.size,
    }
  }

  /** One derived entity by kind and normalized id (e.g. `winamax:o1659938405`). */
  entity(kind: BookEntityKind, id: string): Entity | undefined {
    const e = this.derivation.emitted[kind].get(id.slice('winamax:'.length + 1))
    return e !== undefined && e.id === id ? e : undefined
  }

  /**
   * Every derived entity keyed by its normalized id (ids never collide across kinds),
   * parents first. Built on each call (O(n)): for whole-picture diffs, not per message.
   */
  entities(): Map<string, BookEntity> {
    const out = new Map<string, BookEntity>()
    const e = this.derivation.emitted
    for (const kind of ['sport', 'competition', 'event', 'market', 'selection'] as const)
      for (const entity of e[kind].values()) out.set(entity.id, entity)
    return out
  }

  /** The raw entities of one collection as merged so far (read only: do not mutate). */
  raw(collection: EntityCollection): Readonly<Record<string, Readonly<RawEntity>>> {
    return this.state.colls[collection]
  }

  /** The current decimal odds of an outcome, if it has a valid one. */
  price(outcomeId: string): number | undefined {
    return this.state.price(outcomeId) ?? undefined
  }

  /** Top-level fields other than the collections (`mainMatchCount`, `liveMatchCount`, …). */
  meta(): Readonly<Record<string, unknown>> {
    return this.state.meta
  }

  /**
   * Merges one decoded `m` payload (snapshot or delta), received at `now` (epoch ms), and
   * returns the ops of what changed; new or changed events and selections get
   * `updatedAt = now`, unchanged ones keep theirs.
   *
   * Whole or not at all: `decodeMPayload` checked the payload's shape; a store that holds
   * something checks its nesting and size (`checkPayloadBounds`) before changing anything,
   * while the first payload of an empty store is adopted as sent (nothing ever recurses
   * into it: README, "A frame applies whole or not at all"); and every change to the raw
   * state, its indexes and the derived entities is journaled, so if anything throws
   * part-way the store is restored exactly as it was and the error is rethrown. Bad odds
   * values are not a bad payload: each is skipped, counted in `rejectedOdds`, and its
   * outcome keeps its last good price (a first payload's odds are checked as read: only
   * those of outcomes it derives are counted).
   * @throws WinamaxPayloadError when the payload nests or weighs beyond PAYLOAD_LIMITS, and
   *   whatever the merge or derivation throws (none is expected), leaving the store unchanged.
   */
  apply(payload: DecodedPayload, now: number): ApplyResult {
    // Nothing to undo to in an empty store: a failure simply empties it again.
    const journal = this.pristine ? null : new Journal()
    try {
      const merged = this.state.merge(payload, now, journal)
      const ops = this.derivation.derive(merged.touched, now, journal)
      const rejectedOdds = merged.rejectedOdds + this.state.endFirstRead()
      this.pristine = false
      this.rejected += rejectedOdds
      return { ops, rejectedOdds }
    } catch (err) {
      if (journal !== null) journal.undo()
      else this.clear()
      throw err
    }
  }
}
