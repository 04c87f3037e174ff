/**
 * The raw Winamax state of one connection (what the server has sent so far), its indexes,
 * and the ONE merge of an `m` payload into them, driven by {@link COLLECTIONS}. Pure: time
 * comes in as an argument.
 *
 * Merge rules (captures/winamax/winamax-2025-11-04.ndjson): an entity set to `null` is
 * removed (line 28: `"1000131614":null`); an entity object is merged field by field into the
 * one held (line 6: `{"hotUsers":1916}`); nested objects merge the same way and arrays
 * replace (line 7: `filters`). Merging never writes into an object the state already holds:
 * a changed entity is a new object (copy on write), so every change is one slot of a
 * dictionary or index, and each is recorded in a {@link Journal} that can undo it.
 */
import type { BookEntityKind } from '@oddsboard/model'
import type { DecodedPayload, EntityCollection, RawEntity } from './codec'
import { checkPayloadBounds, ENTITY_COLLECTIONS, PAYLOAD_INDEX } from './codec'
import type { PayloadIds, PayloadValues } from './codec'
import { clockReading } from './clock'

/**
 * Undo log of one apply: every mutation of the state records its inverse first, and
 * {@link Journal.undo} replays them newest first, so a throw part-way leaves nothing behind.
 */
export class Journal {
  private readonly undos: (() => void)[] = []

  /** Records how to undo the mutation about to be made. */
  record(undo: () => void): void {
    this.undos.push(undo)
  }

  /** Undoes every recorded mutation, newest first, and empties the log. */
  undo(): void {
    for (let i = this.undos.length - 1; i >= 0; i--) this.undos[i]!()
    this.undos.length = 0
  }
}

/** A journal, or null when there is nothing to undo to (the first payload of an empty store). */
export type MaybeJournal = Journal | null

/** A dictionary keyed by Winamax id; null prototype, so any id (even `__proto__`) is a plain key. */
export type Dict<T = RawEntity> = Record<string, T>

/** An empty {@link Dict}. */
export function newDict<T = RawEntity>(): Dict<T> {
  return Object.create(null) as Dict<T>
}

/** Sets (or deletes, for `undefined`) `dict[k]`, journaled. */
export function setIn<T>(dict: Dict<T>, k: string, v: T | undefined, j: MaybeJournal): void {
  if (j !== null) {
    const had = k in dict
    const old = dict[k]
    j.record(had ? () => void (dict[k] = old as T) : () => void delete dict[k])
  }
  if (v === undefined) delete dict[k]
  else dict[k] = v
}

/** Sets (or deletes, for `undefined`) `map[k]`, journaled. */
export function setMap<K, V>(map: Map<K, V>, k: K, v: V | undefined, j: MaybeJournal): void {
  if (j !== null) {
    const had = map.has(k)
    const old = map.get(k)
    j.record(had ? () => void map.set(k, old as V) : () => void map.delete(k))
  }
  if (v === undefined) map.delete(k)
  else map.set(k, v)
}

const NONE: readonly string[] = []

function isEmpty(dict: object): boolean {
  for (const _ in dict) return false
  return true
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * `delta` merged into a copy of `base`: nested objects field by field (into copies too),
 * everything else replaces. Neither argument is modified; the result may share unchanged
 * values with both. Its recursion follows `delta`, whose nesting {@link RawState.merge} bounds
 * up front (PAYLOAD_LIMITS.maxDepth) before merging it.
 */
export function mergedCopy(base: RawEntity, delta: RawEntity): RawEntity {
  const out: RawEntity = { ...base }
  for (const k in delta) {
    if (k === '__proto__') continue
    const v = delta[k]
    const cur = base[k]
    out[k] = isPlainObject(v) && isPlainObject(cur) ? mergedCopy(cur, v) : v
  }
  return out
}

/** A Winamax id from a field (number or non-empty string), as a string key. */
export function key(v: unknown): string | undefined {
  return typeof v === 'number' || (typeof v === 'string' && v !== '') ? String(v) : undefined
}

/** The decimal odds Winamax sends for a selection that is not on offer (it pays nothing back). */
export const NOT_OFFERED = 1

/**
 * Whether `v` is usable decimal odds as Winamax sends them in `odds[outcomeId]`
 * (shared/DESIGN.md "Winamax"): a finite number above 1. Anything else (a string, NaN,
 * 0.5) is rejected and the selection keeps its last good price; exactly 1 is
 * {@link NOT_OFFERED}, read as unpriced.
 */
export function isValidDecimalOdds(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 1
}

/**
 * Raw ids whose normalized entity must be rebuilt after a merge, by entity kind, plus the
 * groups whose members are only known once the merge is done (expanded by
 * {@link RawState.expand}): every tournament of some categories, every bet of some matches,
 * every outcome of some bets.
 */
export interface Touched {
  /** Everything: the first payload of an empty store (the sets below are then left empty). */
  all: boolean
  /** The payload's ids per collection, as the decoder enumerated them. */
  ids: PayloadIds
  /** The payload's entities (and odds values) at the same positions as {@link Touched.ids}. */
  values: PayloadValues
  sport: Set<string>
  competition: Set<string>
  event: Set<string>
  market: Set<string>
  selection: Set<string>
  categories: Set<string>
  matchBets: Set<string>
  betOutcomes: Set<string>
}

function newTouched(all: boolean, ids: PayloadIds, values: PayloadValues): Touched {
  return {
    all,
    ids,
    values,
    sport: new Set(),
    competition: new Set(),
    event: new Set(),
    market: new Set(),
    selection: new Set(),
    categories: new Set(),
    matchBets: new Set(),
    betOutcomes: new Set(),
  }
}

/** When the clock reading of a match (`matchtimeExtended`) last changed, and to what. */
export interface ClockStamp {
  reading: string
  /** Receive time, epoch ms. */
  at: number
}

/** Match fields a market's type or main flag depend on (see markets.ts, derive.ts). */
const MATCH_FIELDS_OF_MARKETS = [
  'mainBetId',
  'isOutright',
  'competitor1Name',
  'competitor2Name',
] as const

/** Bet fields its type, or its siblings' main flag, depend on. */
const BET_FIELDS_OF_TYPE = [
  'template',
  'specialBetValue',
  'betTitle',
  'betTypeName',
  'outcomes',
] as const

/** One index link of a collection: the field that names related ids, and what a change touches. */
type Link =
  | {
      /** The field names one parent (`bets[id].matchId`): index parent → children. */
      shape: 'parent'
      field: string
      index: 'betsOfMatch' | 'outcomesOfBet'
      /** Marks what a (un)link with this parent touches. */
      touch: (t: Touched, parent: string) => void
    }
  | {
      /** The field lists children (`sports[id].categories`): index child → this parent. */
      shape: 'children'
      field: string
      index: 'sportOfCategory' | 'categoryOfTournament'
      touch: (t: Touched, child: string) => void
    }

/** How one collection merges: the entity kind its ids derive, its links, what else a change touches. */
interface CollectionSpec {
  kind: BookEntityKind | null
  links: readonly Link[]
  /**
   * Marks what a change to entity `id` touches besides itself (`old`/`next` undefined when
   * it appears/vanishes; `delta` null when removed).
   */
  touches?: (
    t: Touched,
    id: string,
    delta: RawEntity | null,
    appearsOrVanishes: boolean,
    e: RawEntity,
  ) => void
}

const has = (delta: RawEntity | null, fields: readonly string[]) =>
  delta === null || fields.some((f) => f in delta)

/**
 * The merge table, one row per collection, in parent-before-child order (what each field
 * means: module comment of normalize.ts).
 */
const COLLECTIONS: Readonly<Record<EntityCollection, CollectionSpec>> = {
  sports: {
    kind: 'sport',
    links: [
      {
        shape: 'children',
        field: 'categories',
        index: 'sportOfCategory',
        touch: (t, c) => t.categories.add(c),
      },
    ],
  },
  categories: {
    kind: null,
    links: [
      {
        shape: 'children',
        field: 'tournaments',
        index: 'categoryOfTournament',
        touch: (t, tid) => t.competition.add(tid),
      },
    ],
    // A competition shows its category's name as region.
    touches: (t, id, delta) => {
      if (has(delta, ['categoryName'])) t.categories.add(id)
    },
  },
  tournaments: { kind: 'competition', links: [] },
  matches: {
    kind: 'event',
    links: [],
    touches: (t, id, delta, appearsOrVanishes) => {
      if (appearsOrVanishes || has(delta, MATCH_FIELDS_OF_MARKETS)) t.matchBets.add(id)
    },
  },
  bets: {
    kind: 'market',
    links: [
      {
        shape: 'parent',
        field: 'matchId',
        index: 'betsOfMatch',
        // A bet that joins or leaves a match can change which of its bets is main.
        touch: (t, m) => t.matchBets.add(m),
      },
    ],
    touches: (t, id, delta, appearsOrVanishes, e) => {
      if (appearsOrVanishes || has(delta, ['outcomes'])) t.betOutcomes.add(id)
      // Its type can change which bet of its match is main (when the match names none).
      const m = key(e.matchId)
      if (m !== undefined && has(delta, BET_FIELDS_OF_TYPE)) t.matchBets.add(m)
    },
  },
  outcomes: {
    kind: 'selection',
    links: [{ shape: 'parent', field: 'betId', index: 'outcomesOfBet', touch: () => {} }],
  },
}

/** The raw state of one connection and its indexes; see the module comment. */
export class RawState {
  colls: Record<EntityCollection, Dict> = {
    sports: newDict(),
    categories: newDict(),
    tournaments: newDict(),
    matches: newDict(),
    bets: newDict(),
    outcomes: newDict(),
  }
  /**
   * Odds per outcome id. Values merged from a delta are valid decimal odds; those of an
   * adopted first payload are as sent until read: read them through {@link RawState.price}.
   */
  prices: Dict<unknown> = newDict<unknown>()
  /** While the first payload's adopted odds are read for the first time: rejects are counted. */
  private countOnRead = false
  private rejectedOnRead = 0
  /** Top-level keys other than the collections (`mainMatchCount`, `settings`, …), merged. */
  readonly meta: Dict<unknown> = newDict<unknown>()
  /**
   * match → bet ids, bet → outcome ids (arrays replaced, never modified, once journaled).
   * Not built while the first payload is adopted (a snapshot's 2,843 outcomes would cost
   * more than the rest of the merge); built from the raw state on first use, and always
   * before a journaled merge starts (see {@link RawState.betsOf}).
   */
  private betsOfMatch = new Map<string, readonly string[]>()
  private outcomesOfBet = new Map<string, readonly string[]>()
  private parentIndexes = true
  /** category → sport listing it; tournament → category listing it. */
  readonly sportOfCategory = new Map<string, string>()
  readonly categoryOfTournament = new Map<string, string>()
  /** tournament → sport as seen on its matches, for a tournament no category lists. */
  readonly sportOfTournament = new Map<string, string>()
  /** match → its clock reading and when it was received. */
  readonly clocks = new Map<string, ClockStamp>()

  /**
   * @param previousClocks the clock stamps of the state this one replaces (a reconnect's
   *   fresh snapshot): a match whose reading has not changed keeps its receive time.
   */
  constructor(private readonly previousClocks?: ReadonlyMap<string, ClockStamp>) {}

  /**
   * Merges one payload at receive time `now` (epoch ms) and returns what it touched and how
   * many odds values it rejected. Every mutation is recorded in `j` (when given).
   *
   * With a journal (a store that holds something), the payload's nesting and size are
   * checked first, before anything changes (`checkPayloadBounds`): only then can a merge
   * recurse into it. Without one (the first payload of an empty store), the payload is
   * adopted as sent: nothing recurses into it, then or later (a later delta's merge into it
   * follows the delta, bounded by that check).
   * @throws WinamaxPayloadError from that check, the state untouched.
   */
  merge(
    payload: DecodedPayload,
    now: number,
    j: MaybeJournal,
  ): { touched: Touched; rejectedOdds: number } {
    const { ids, values } = payload[PAYLOAD_INDEX]
    if (j !== null) checkPayloadBounds(payload)
    const touched = newTouched(j === null, ids, values)
    if (touched.all) this.parentIndexes = false
    else this.buildParentIndexes()
    this.mergeMeta(payload, j)
    for (const name of ENTITY_COLLECTIONS) {
      const coll = payload[name]
      if (coll !== undefined)
        this.mergeCollection(name, coll, ids[name]!, values[name]!, now, touched, j)
    }
    const odds = payload.odds
    const rejectedOdds = odds !== undefined ? this.mergeOdds(odds, touched, j) : 0
    return { touched, rejectedOdds }
  }

  private mergeMeta(payload: DecodedPayload, j: MaybeJournal): void {
    for (const k in payload) {
      if (k === 'odds' || k === 'requestId' || k === '__proto__') continue
      if ((ENTITY_COLLECTIONS as readonly string[]).includes(k)) continue
      const v = payload[k]
      const cur = this.meta[k]
      setIn(this.meta, k, isPlainObject(v) && isPlainObject(cur) ? mergedCopy(cur, v) : v, j)
    }
  }

  /** The one merge of a collection, driven by its row of {@link COLLECTIONS}. */
  private mergeCollection(
    name: EntityCollection,
    coll: Record<string, RawEntity | null>,
    ids: readonly string[],
    entities: readonly (RawEntity | null)[],
    now: number,
    touched: Touched,
    j: MaybeJournal,
  ): void {
    const spec = COLLECTIONS[name]
    let dict = this.colls[name]
    // The first payload of an empty store (the snapshot): its collection becomes the state's
    // dictionary as it is (thousands of ids; no copy), its nulls dropped here or, for
    // collections with nothing to link, by the derivation's first pass.
    const adopt = j === null && isEmpty(dict)
    if (adopt) {
      Object.setPrototypeOf(coll, null)
      dict = this.colls[name] = coll as Dict
      // Nothing to link or stamp: the derivation's first pass drops its nulls as it goes.
      if (touched.all && !spec.links.some((l) => l.shape === 'children') && name !== 'matches')
        return
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!
      const delta = entities[i]!
      const old = adopt ? undefined : dict[id]
      if (delta === null) {
        if (adopt) delete dict[id]
        if (old === undefined) continue
      }
      const next = delta === null ? undefined : old === undefined ? delta : mergedCopy(old, delta)
      const appearsOrVanishes = old === undefined || next === undefined
      for (const link of spec.links) {
        if (!this.parentIndexes && link.shape === 'parent') continue
        if (!appearsOrVanishes && !(link.field in delta!)) continue
        if (old !== undefined) this.link(link, id, old, false, touched, j)
        if (next !== undefined) this.link(link, id, next, true, touched, j)
      }
      if (name === 'matches') this.matchMerged(id, next, now, touched, j)
      if (touched.all) continue
      if (!adopt) setIn(dict, id, next, j)
      if (spec.kind !== null) touched[spec.kind].add(id)
      spec.touches?.(touched, id, delta, appearsOrVanishes, (next ?? old)!)
    }
  }

  /** A match changed: its tournament's sport hint and its clock stamp. */
  private matchMerged(
    id: string,
    m: RawEntity | undefined,
    now: number,
    touched: Touched,
    j: MaybeJournal,
  ): void {
    if (m === undefined) {
      if (this.clocks.has(id)) setMap(this.clocks, id, undefined, j)
      return
    }
    const tid = key(m.tournamentId)
    const sid = key(m.sportId)
    if (tid !== undefined && sid !== undefined && this.sportOfTournament.get(tid) !== sid) {
      setMap(this.sportOfTournament, tid, sid, j)
      if (!touched.all) touched.competition.add(tid)
    }
    const reading = clockReading(m)
    const stamp = this.clocks.get(id)
    if (reading === undefined) {
      if (stamp !== undefined) setMap(this.clocks, id, undefined, j)
    } else if (stamp?.reading !== reading) {
      const before = stamp === undefined ? this.previousClocks?.get(id) : undefined
      const at = before !== undefined && before.reading === reading ? before.at : now
      setMap(this.clocks, id, { reading, at }, j)
    }
  }

  /** Links (`on`) or unlinks entity `id` (as `e`) in one index, marking what that touches. */
  private link(
    link: Link,
    id: string,
    e: RawEntity,
    on: boolean,
    t: Touched,
    j: MaybeJournal,
  ): void {
    if (link.shape === 'parent') {
      const parent = key(e[link.field])
      if (parent === undefined) return
      const index = this[link.index]
      const list = index.get(parent)
      if (on) {
        if (list?.includes(id) === true) return
        if (j === null && list !== undefined) (list as string[]).push(id)
        else setMap(index, parent, list === undefined ? [id] : [...list, id], j)
      } else {
        if (list === undefined || !list.includes(id)) return
        const rest = list.filter((x) => x !== id)
        setMap(index, parent, rest.length > 0 ? rest : undefined, j)
      }
      if (!t.all) link.touch(t, parent)
      return
    }
    const list = e[link.field]
    if (!Array.isArray(list)) return
    const index = this[link.index]
    for (const c of list) {
      const child = String(c)
      if (on) {
        if (index.get(child) !== id) setMap(index, child, id, j)
      } else if (index.get(child) === id) {
        setMap(index, child, undefined, j)
      }
      // A first payload derives everything: what a link touches need not be noted.
      if (!t.all) link.touch(t, child)
    }
  }

  /**
   * Merges `odds` (outcome id → decimal odds; `null` or 1 = no price); returns the rejected
   * count. The first payload's odds are adopted as they are, not enumerated (a snapshot's
   * 2,843 numeric keys): their values are checked as they are read ({@link RawState.price}),
   * and those the first derivation reads and rejects are counted then
   * ({@link RawState.endFirstRead}).
   */
  private mergeOdds(odds: Record<string, unknown>, touched: Touched, j: MaybeJournal): number {
    let rejected = 0
    if (j === null && isEmpty(this.prices)) {
      Object.setPrototypeOf(odds, null)
      this.prices = odds
      this.countOnRead = true
      return 0
    }
    const prices = this.prices
    for (const id of Object.keys(odds)) {
      const v = odds[id]
      if (v === null || v === NOT_OFFERED) {
        if (id in prices) {
          setIn(prices, id, undefined, j)
          touched.selection.add(id)
        }
      } else if (isValidDecimalOdds(v)) {
        if (prices[id] !== v) {
          setIn(prices, id, v, j)
          touched.selection.add(id)
        }
      } else {
        rejected++
      }
    }
    return rejected
  }

  /**
   * The decimal odds of an outcome, or null when it has none or its value is not valid
   * (see isValidDecimalOdds; exactly 1 is "not offered"). While the first payload is derived,
   * each rejected value read is counted (the derivation reads each outcome's once).
   */
  price(id: string): number | null {
    const v = this.prices[id]
    if (isValidDecimalOdds(v)) return v
    if (this.countOnRead && v !== undefined && v !== null && v !== NOT_OFFERED)
      this.rejectedOnRead++
    return null
  }

  /** Ends the first derivation's reading of adopted odds; returns the rejects it counted. */
  endFirstRead(): number {
    const n = this.rejectedOnRead
    this.countOnRead = false
    this.rejectedOnRead = 0
    return n
  }

  /** Adds the members of `touched`'s groups (as they are after the merge) to the entity sets. */
  expand(t: Touched): void {
    if (t.all) return
    for (const c of t.categories) {
      const list = this.colls.categories[c]?.tournaments
      if (Array.isArray(list)) for (const tid of list) t.competition.add(String(tid))
    }
    for (const m of t.matchBets) for (const b of this.betsOf(m)) t.market.add(b)
    for (const b of t.betOutcomes) for (const o of this.outcomesOf(b)) t.selection.add(o)
  }

  /** The ids of the bets of a match (empty when none). */
  betsOf(matchId: string): readonly string[] {
    this.buildParentIndexes()
    return this.betsOfMatch.get(matchId) ?? NONE
  }

  /** The ids of the outcomes of a bet (empty when none). */
  outcomesOf(betId: string): readonly string[] {
    this.buildParentIndexes()
    return this.outcomesOfBet.get(betId) ?? NONE
  }

  /** Builds match → bets and bet → outcomes from the raw bets and outcomes, once. */
  private buildParentIndexes(): void {
    if (this.parentIndexes) return
    this.parentIndexes = true
    for (const link of [...COLLECTIONS.bets.links, ...COLLECTIONS.outcomes.links]) {
      if (link.shape !== 'parent') continue
      const dict = this.colls[link.index === 'betsOfMatch' ? 'bets' : 'outcomes']
      const index = this[link.index]
      for (const id in dict) {
        const e = dict[id]
        if (e == null) continue // a null not yet dropped (first payload)
        const parent = key(e[link.field])
        if (parent === undefined) continue
        const list = index.get(parent) as string[] | undefined
        if (list === undefined) index.set(parent, [id])
        else list.push(id)
      }
    }
  }
}
