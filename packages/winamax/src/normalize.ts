/**
 * Winamax `m` payloads → normalized model ops. Pure: no sockets, timers or clock.
 *
 * {@link WinamaxStore} holds the raw Winamax state (what the server has sent so far) and
 * merges each payload the way the site does (captures/winamax/winamax-2025-11-04.ndjson):
 * an entity set to `null` is removed (line 28: `"1000131614":null`), an entity object is
 * merged field by field into the one held (line 6: `{"hotUsers":1916}`), nested objects
 * merge the same way and arrays replace (line 7: `filters`). Each payload then yields the
 * ops for the normalized entities it actually changed, and nothing for the rest.
 *
 * Mapping (shared/DESIGN.md, "Normalized model"):
 * - `sports[id]` → Sport `winamax:s<id>` (`sportName`);
 * - `tournaments[id]` → Competition `winamax:t<id>` (`tournamentName`); its sport and region
 *   come from the parents that list it: `categories[c].tournaments` (region =
 *   `categoryName`) and `sports[s].categories`; failing that, from a match of it;
 * - `matches[id]` → Event `winamax:m<id>` (competitor names, `status`, `matchtimeExtended`,
 *   `score` "h:a", `matchStart` in epoch seconds);
 * - `bets[id]` → Market `winamax:b<id>` (`betTitle`; main when it is the match's `mainBetId`);
 * - `outcomes[id]` + `odds[id]` → Selection `winamax:o<id>` (`label`, decimal odds, `hotUsers`).
 * Winamax ids of different kinds can collide, hence the one-letter kind prefix.
 * A child is emitted only while its parent is: removing a match removes its markets and
 * selections (and they come back if the match does).
 */
import type {
  Competition,
  Entity,
  EntityKind,
  Event,
  EventStatus,
  Market,
  Op,
  Selection,
  SimpleScore,
  Sport,
} from '@oddsboard/model'
import { entityId } from '@oddsboard/model'
import type { EntityCollection, RawEntity, WinamaxPayload } from './codec'
import { checkEntities, checkEntity, decodeMPayload, ENTITY_COLLECTIONS } from './codec'

/** Normalized ids of Winamax entities (kind-prefixed native ids, see the module comment). */
export const winamaxId = {
  sport: (id: string | number): string => entityId('winamax', `s${id}`),
  competition: (tournamentId: string | number): string => entityId('winamax', `t${tournamentId}`),
  event: (matchId: string | number): string => entityId('winamax', `m${matchId}`),
  market: (betId: string | number): string => entityId('winamax', `b${betId}`),
  selection: (outcomeId: string | number): string => entityId('winamax', `o${outcomeId}`),
}

// The same ids built in one concatenation, for the snapshot's hot loop (equal to winamaxId's).
const SPORT = 'winamax:s'
const TOURNAMENT = 'winamax:t'
const MATCH = 'winamax:m'
const BET = 'winamax:b'
const OUTCOME = 'winamax:o'

/** What {@link WinamaxStore.apply} returns for one payload. */
export interface ApplyResult {
  /** Upserts parents first, then removes children first. Empty when nothing visible changed. */
  ops: Op[]
  /** Odds values of this payload that were rejected (not a finite number above 1, nor 1) and skipped. */
  rejectedOdds: number
}

/**
 * Winamax's price for a selection that is not on offer (it pays nothing back; the capture's
 * snapshot has two, e.g. outcome 1659943496 "Danemark"); normalized to unpriced (null) and
 * not counted as bad input.
 */
export const NOT_OFFERED = 1

/**
 * Whether `v` is usable decimal odds as Winamax sends them in `odds[outcomeId]`
 * (shared/DESIGN.md "Winamax"): a finite number above 1. Anything else (a string, NaN,
 * 0.5) is rejected and the selection keeps its last good price; exactly 1 is
 * {@link NOT_OFFERED}, handled by the caller.
 */
export function isValidDecimalOdds(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 1
}

/**
 * Event status from a match's fields. `status` is `PREMATCH` or `LIVE` in the capture
 * (line 5; `63369817` turns `LIVE` at line 28); `period` `cancelled` and ended-like statuses
 * map to ended; an unavailable match (`available: false`) that is not over is suspended.
 */
export function matchStatus(m: RawEntity): EventStatus {
  const status = typeof m.status === 'string' ? m.status.toUpperCase() : ''
  const period = typeof m.period === 'string' ? m.period.toLowerCase() : ''
  if (ENDED_STATUSES.has(status) || ENDED_PERIODS.has(period)) return 'ended'
  if (m.available === false) return 'suspended'
  return status === 'LIVE' ? 'live' : 'prematch'
}

const ENDED_STATUSES = new Set(['ENDED', 'FINISHED', 'CLOSED', 'CANCELLED', 'ABANDONED', 'OVER'])
const ENDED_PERIODS = new Set(['ended', 'cancelled', 'abandoned', 'finished', 'interrupted'])

const SCORE = /^\s*(\d+)\s*[:-]\s*(\d+)\s*$/

/** Parses Winamax's `score` text, e.g. `"1:0"` → `{home: 1, away: 0}`; undefined otherwise. */
export function parseScore(v: unknown): SimpleScore | undefined {
  if (typeof v !== 'string') return undefined
  const m = SCORE.exec(v)
  return m === null ? undefined : { home: Number(m[1]), away: Number(m[2]) }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Merges `delta` into `target` in place: nested objects field by field, everything else replaces. */
function mergeInto(target: RawEntity, delta: RawEntity): void {
  for (const k in delta) {
    if (k === '__proto__') continue
    const v = delta[k]
    const cur = target[k]
    if (isPlainObject(v) && isPlainObject(cur)) mergeInto(cur, v)
    else target[k] = v
  }
}

function key(v: unknown): string | undefined {
  return typeof v === 'number' || (typeof v === 'string' && v !== '') ? String(v) : undefined
}

/** A one-to-many index (parent id → child ids); child lists are short, so arrays. */
type Index = Map<string, string[]>

function addToIndex(index: Index, parent: string, child: string): void {
  const list = index.get(parent)
  if (list === undefined) index.set(parent, [child])
  else if (!list.includes(child)) list.push(child)
}

function removeFromIndex(index: Index, parent: string, child: string): void {
  const list = index.get(parent)
  if (list === undefined) return
  const i = list.indexOf(child)
  if (i >= 0) list.splice(i, 1)
  if (list.length === 0) index.delete(parent)
}

/** Same fields with the same values; arrays and objects (participants, score) compared one level down. */
function sameEntity(a: Entity, b: Entity): boolean {
  const ra = a as unknown as Record<string, unknown>
  const rb = b as unknown as Record<string, unknown>
  let n = 0
  for (const k in ra) {
    n++
    const x = ra[k]
    const y = rb[k]
    if (x === y) continue
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false
    const ox = x as Record<string, unknown>
    const oy = y as Record<string, unknown>
    let m = 0
    for (const j in ox) {
      m++
      if (ox[j] !== oy[j]) return false
    }
    for (const _ in oy) m--
    if (m !== 0) return false
  }
  for (const _ in rb) n--
  return n === 0
}

const REMOVE_ORDER: readonly EntityKind[] = ['selection', 'market', 'event', 'competition', 'sport']

/** A collection of raw entities keyed by Winamax id; null prototype, so any id is safe. */
type Dict = Record<string, RawEntity>

function newDict<T = RawEntity>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

/** Entities of one kind to rebuild: these ids, or every one of the collection (`all`). */
interface DirtyKind {
  ids: Set<string>
  all: boolean
}
type Dirty = Record<EntityKind, DirtyKind>

function newDirty(all: boolean): Dirty {
  return {
    sport: { ids: new Set(), all },
    competition: { ids: new Set(), all },
    event: { ids: new Set(), all },
    market: { ids: new Set(), all },
    selection: { ids: new Set(), all },
  }
}

/**
 * The raw Winamax state of one connection plus the normalized entities derived from it.
 *
 * `apply` takes ownership of the payload's objects: they are kept and later merged into,
 * never copied. The first payload into an empty store (the snapshot) is adopted whole and
 * checked entity by entity while it is normalized, so a 1.5 MB snapshot is walked once.
 * Do not reuse a payload object for another store.
 */
export class WinamaxStore {
  private raws!: Record<EntityCollection, Dict>
  /** Decimal odds per outcome id. Values adopted from a snapshot are checked when read. */
  private prices!: Record<string, unknown>
  /** Top-level keys other than the collections (`mainMatchCount`, `settings`, …), merged. */
  private metaFields!: Record<string, unknown>
  /** Normalized entities per kind, keyed by the Winamax id (not the entity id). */
  private emitted!: { [K in EntityKind]: Map<string, Entity> }
  /** match → bets and bet → outcomes; null while stale (after a snapshot), rebuilt on demand. */
  private betsIndex!: Index | null
  private outcomesIndex!: Index | null
  private categoryOfTournament!: Map<string, string>
  private sportOfCategory!: Map<string, string>
  /**
   * tournament → sport as seen on its matches, for a tournament no category lists; null
   * while stale (after a snapshot), rebuilt on demand.
   */
  private hintsIndex!: Map<string, string> | null
  private pristine!: boolean
  private rejected = 0
  /** Odds rejected while the current payload is applied. */
  private rejectedNow = 0
  /** The last bet looked up by buildSelection (outcomes of one bet come in a row). */
  private betCache: { betId: unknown; market: Market | undefined; bet: RawEntity | undefined } = {
    betId: undefined,
    market: undefined,
    bet: undefined,
  }

  constructor() {
    this.clear()
  }

  /** Back to the empty store. */
  private clear(): void {
    this.raws = {
      sports: newDict(),
      categories: newDict(),
      tournaments: newDict(),
      matches: newDict(),
      bets: newDict(),
      outcomes: newDict(),
    }
    this.prices = newDict<unknown>()
    this.metaFields = newDict<unknown>()
    this.emitted = {
      sport: new Map(),
      competition: new Map(),
      event: new Map(),
      market: new Map(),
      selection: new Map(),
    }
    this.betsIndex = new Map()
    this.outcomesIndex = new Map()
    this.categoryOfTournament = new Map()
    this.sportOfCategory = new Map()
    this.hintsIndex = new Map()
    this.pristine = true
  }

  /** Odds values rejected since the store was created. */
  get rejectedOdds(): number {
    return this.rejected
  }

  /** How many normalized entities of each kind are derived now. */
  counts(): Record<EntityKind, number> {
    const e = this.emitted
    return {
      sport: e.sport.size,
      competition: e.competition.size,
      event: e.event.size,
      market: e.market.size,
      selection: e.selection.size,
    }
  }

  /** One derived entity by kind and normalized id (e.g. `winamax:o1659938405`). */
  entity(kind: EntityKind, id: string): Entity | undefined {
    const e = this.emitted[kind].get(id.slice('winamax:'.length + 1))
    return e !== undefined && e.id === id ? e : undefined
  }

  /**
   * Every derived entity keyed by its normalized id (ids never collide across kinds),
   * parents first. Built on each call (O(n)): for whole-picture diffs, not per message.
   */
  entities(): Map<string, Entity> {
    const out = new Map<string, Entity>()
    for (const kind of ['sport', 'competition', 'event', 'market', 'selection'] as const)
      for (const e of this.emitted[kind].values()) out.set(e.id, e)
    return out
  }

  /** The raw entities of one collection as merged so far (read only: do not mutate). */
  raw(collection: EntityCollection): Readonly<Record<string, Readonly<RawEntity>>> {
    return this.raws[collection]
  }

  /** The current decimal odds of an outcome, if it has a valid one. */
  price(outcomeId: string): number | undefined {
    const v = this.prices[outcomeId]
    return isValidDecimalOdds(v) ? v : undefined
  }

  /** Top-level fields other than the collections (`mainMatchCount`, `liveMatchCount`, …). */
  meta(): Readonly<Record<string, unknown>> {
    return this.metaFields
  }

  /**
   * Merges one `m` payload (snapshot or delta) and returns the ops of what changed.
   * Atomic: a payload with a bad shape (see `decodeMPayload`, `checkEntities`) throws and
   * leaves the store as it was. Bad odds values are not a bad payload: each is skipped,
   * counted in `rejectedOdds`, and its outcome keeps its last good price. (Odds of a
   * snapshot are checked as their selections are built, so a bad value for an outcome that
   * is never shown is dropped without being counted.)
   * @throws WinamaxPayloadError when the payload is not a valid `m` payload.
   */
  apply(payload: WinamaxPayload): ApplyResult {
    decodeMPayload(payload)
    this.rejectedNow = 0
    let ops: Op[]
    if (this.pristine) {
      try {
        ops = this.adoptSnapshot(payload)
      } catch (err) {
        this.clear()
        throw err
      }
    } else {
      ops = this.merge(payload, checkEntities(payload))
    }
    this.pristine = false
    this.rejected += this.rejectedNow
    return { ops, rejectedOdds: this.rejectedNow }
  }

  private mergeMeta(payload: WinamaxPayload): void {
    for (const k in payload) {
      if (k === 'odds' || k === 'requestId' || k === '__proto__') continue
      if ((ENTITY_COLLECTIONS as readonly string[]).includes(k)) continue
      const v = payload[k]
      const cur = this.metaFields[k]
      if (isPlainObject(v) && isPlainObject(cur)) mergeInto(cur, v)
      else this.metaFields[k] = v
    }
  }

  /**
   * The first payload of an empty store: its collections become the store's (no copy) and
   * every entity is checked as it is linked or normalized. Throws on a bad entity; the
   * caller then clears the store.
   */
  private adoptSnapshot(payload: WinamaxPayload): Op[] {
    this.mergeMeta(payload)
    for (const name of ENTITY_COLLECTIONS) {
      const coll = payload[name]
      if (coll === undefined) continue
      Object.setPrototypeOf(coll, null)
      this.raws[name] = coll as Dict
    }
    if (payload.odds !== undefined) {
      Object.setPrototypeOf(payload.odds, null)
      this.prices = payload.odds
    }
    this.betsIndex = null
    this.outcomesIndex = null
    this.hintsIndex = null
    // Categories are no entity of their own, only parents: checked and linked here.
    const sports = this.raws.sports
    for (const id of Object.keys(sports)) {
      const e = this.checked('sports', sports, id)
      if (e !== undefined) this.linkCategories(id, e.categories, true, null)
    }
    const categories = this.raws.categories
    for (const id of Object.keys(categories)) {
      const e = this.checked('categories', categories, id)
      if (e !== undefined) this.linkTournaments(id, e.tournaments, true, null)
    }
    return this.derive(newDirty(true), true)
  }

  /** `dict[id]` checked (see checkEntity); a `null` entity is deleted and reads as undefined. */
  private checked(name: EntityCollection, dict: Dict, id: string): RawEntity | undefined {
    const e = dict[id]
    if (e === null) {
      delete dict[id]
      return undefined
    }
    checkEntity(name, id, e)
    return e
  }

  /** tournament id → sport id from the matches (rebuilt from the raw matches when stale). */
  private get sportOfTournamentHint(): Map<string, string> {
    if (this.hintsIndex === null) {
      const index = new Map<string, string>()
      const matches = this.raws.matches
      for (const id in matches) {
        const m = matches[id]
        if (typeof m !== 'object' || m === null) continue // checked later in the same pass
        const tid = key(m.tournamentId)
        const sid = key(m.sportId)
        if (tid !== undefined && sid !== undefined) index.set(tid, sid)
      }
      this.hintsIndex = index
    }
    return this.hintsIndex
  }

  /** match id → ids of its bets (rebuilt from the raw bets when stale). */
  private get betsOfMatch(): Index {
    if (this.betsIndex === null) {
      const index: Index = new Map()
      const bets = this.raws.bets
      for (const id in bets) {
        const m = key(bets[id]!.matchId)
        if (m !== undefined) addToIndex(index, m, id)
      }
      this.betsIndex = index
    }
    return this.betsIndex
  }

  /** bet id → ids of its outcomes (rebuilt from the raw outcomes when stale). */
  private get outcomesOfBet(): Index {
    if (this.outcomesIndex === null) {
      const index: Index = new Map()
      const outcomes = this.raws.outcomes
      for (const id in outcomes) {
        const b = key(outcomes[id]!.betId)
        if (b !== undefined) addToIndex(index, b, id)
      }
      this.outcomesIndex = index
    }
    return this.outcomesIndex
  }

  /** A payload into a store that holds state: entities already checked, merged one by one. */
  private merge(payload: WinamaxPayload, ids: ReturnType<typeof checkEntities>): Op[] {
    const dirty = newDirty(false)
    this.mergeMeta(payload)
    if (payload.sports !== undefined) this.mergeSports(payload.sports, ids.sports!, dirty)
    if (payload.categories !== undefined)
      this.mergeCategories(payload.categories, ids.categories!, dirty)
    if (payload.tournaments !== undefined)
      this.mergeTournaments(payload.tournaments, ids.tournaments!, dirty)
    if (payload.matches !== undefined) this.mergeMatches(payload.matches, ids.matches!, dirty)
    if (payload.bets !== undefined) this.mergeBets(payload.bets, ids.bets!, dirty)
    if (payload.outcomes !== undefined) this.mergeOutcomes(payload.outcomes, ids.outcomes!, dirty)
    if (payload.odds !== undefined) this.mergeOdds(payload.odds, ids.odds!, dirty)
    return this.derive(dirty, false)
  }

  private tournamentsOfCategory(categoryId: string, into: Set<string> | null): void {
    if (into === null) return
    const list = this.raws.categories[categoryId]?.tournaments
    if (Array.isArray(list)) for (const t of list) into.add(String(t))
  }

  private linkCategories(sportId: string, list: unknown, link: boolean, dirty: Set<string> | null) {
    if (!Array.isArray(list)) return
    for (const c of list) {
      const cid = String(c)
      if (link) this.sportOfCategory.set(cid, sportId)
      else if (this.sportOfCategory.get(cid) === sportId) this.sportOfCategory.delete(cid)
      this.tournamentsOfCategory(cid, dirty)
    }
  }

  private linkTournaments(
    categoryId: string,
    list: unknown,
    link: boolean,
    dirty: Set<string> | null,
  ) {
    if (!Array.isArray(list)) return
    for (const t of list) {
      const tid = String(t)
      if (link) this.categoryOfTournament.set(tid, categoryId)
      else if (this.categoryOfTournament.get(tid) === categoryId)
        this.categoryOfTournament.delete(tid)
      dirty?.add(tid)
    }
  }

  private hintSport(m: RawEntity, dirty: Set<string>): void {
    const tid = key(m.tournamentId)
    const sid = key(m.sportId)
    if (tid === undefined || sid === undefined) return
    const hints = this.hintsIndex
    if (hints === null) dirty.add(tid)
    else if (hints.get(tid) !== sid) {
      hints.set(tid, sid)
      dirty.add(tid)
    }
  }

  private mergeSports(coll: Record<string, RawEntity | null>, ids: string[], dirty: Dirty): void {
    const dict = this.raws.sports
    for (const id of ids) {
      const e = coll[id]!
      const old = dict[id]
      dirty.sport.ids.add(id)
      const relink = e === null || old === undefined || 'categories' in e
      if (relink && old !== undefined)
        this.linkCategories(id, old.categories, false, dirty.competition.ids)
      if (e === null) delete dict[id]
      else if (old !== undefined) mergeInto(old, e)
      else dict[id] = e
      if (relink && e !== null)
        this.linkCategories(id, dict[id]!.categories, true, dirty.competition.ids)
    }
  }

  private mergeCategories(coll: Record<string, RawEntity | null>, ids: string[], dirty: Dirty) {
    const dict = this.raws.categories
    for (const id of ids) {
      const e = coll[id]!
      const old = dict[id]
      const relink = e === null || old === undefined || 'tournaments' in e || 'categoryName' in e
      if (!relink) {
        mergeInto(old, e)
        continue
      }
      if (old !== undefined) this.linkTournaments(id, old.tournaments, false, dirty.competition.ids)
      if (e === null) delete dict[id]
      else if (old !== undefined) mergeInto(old, e)
      else dict[id] = e
      if (e !== null) this.linkTournaments(id, dict[id]!.tournaments, true, dirty.competition.ids)
    }
  }

  private mergeTournaments(coll: Record<string, RawEntity | null>, ids: string[], dirty: Dirty) {
    const dict = this.raws.tournaments
    for (const id of ids) {
      const e = coll[id]!
      const old = dict[id]
      if (e === null) delete dict[id]
      else if (old !== undefined) mergeInto(old, e)
      else dict[id] = e
      dirty.competition.ids.add(id)
    }
  }

  private mergeMatches(coll: Record<string, RawEntity | null>, ids: string[], dirty: Dirty) {
    const dict = this.raws.matches
    for (const id of ids) {
      const e = coll[id]!
      const old = dict[id]
      dirty.event.ids.add(id)
      if (e === null || old === undefined) {
        // Appearing or vanishing: every market of the match follows it.
        const bets = this.betsOfMatch.get(id)
        if (bets !== undefined) for (const b of bets) dirty.market.ids.add(b)
      }
      if (e === null) {
        if (old !== undefined) delete dict[id]
        continue
      }
      if (old !== undefined) {
        if ('mainBetId' in e) {
          const prev = key(old.mainBetId)
          if (prev !== undefined) dirty.market.ids.add(prev)
        }
        mergeInto(old, e)
      } else {
        dict[id] = e
      }
      const main = key(e.mainBetId)
      if (main !== undefined) dirty.market.ids.add(main)
      this.hintSport(dict[id]!, dirty.competition.ids)
    }
  }

  private mergeBets(coll: Record<string, RawEntity | null>, ids: string[], dirty: Dirty): void {
    const dict = this.raws.bets
    for (const id of ids) {
      const e = coll[id]!
      const old = dict[id]
      dirty.market.ids.add(id)
      const relink = e === null || old === undefined || 'matchId' in e
      if (relink && old !== undefined) {
        const m = key(old.matchId)
        if (m !== undefined) removeFromIndex(this.betsOfMatch, m, id)
      }
      if (relink || 'available' in e! || 'outcomes' in e!) {
        const outs = this.outcomesOfBet.get(id)
        if (outs !== undefined) for (const o of outs) dirty.selection.ids.add(o)
      }
      if (e === null) {
        delete dict[id]
        continue
      }
      if (old !== undefined) mergeInto(old, e)
      else dict[id] = e
      if (relink) {
        const m = key(dict[id]!.matchId)
        if (m !== undefined) addToIndex(this.betsOfMatch, m, id)
      }
    }
  }

  private mergeOutcomes(coll: Record<string, RawEntity | null>, ids: string[], dirty: Dirty) {
    const dict = this.raws.outcomes
    for (const id of ids) {
      const e = coll[id]!
      const old = dict[id]
      dirty.selection.ids.add(id)
      const relink = e === null || old === undefined || 'betId' in e
      if (relink && old !== undefined) {
        const b = key(old.betId)
        if (b !== undefined) removeFromIndex(this.outcomesOfBet, b, id)
      }
      if (e === null) {
        delete dict[id]
        continue
      }
      if (old !== undefined) mergeInto(old, e)
      else dict[id] = e
      if (relink) {
        const b = key(dict[id]!.betId)
        if (b !== undefined) addToIndex(this.outcomesOfBet, b, id)
      }
    }
  }

  /** Merges `odds` (outcome id → decimal odds, `null` = no price); counts rejected values. */
  private mergeOdds(odds: Record<string, unknown>, ids: string[], dirty: Dirty): void {
    const prices = this.prices
    for (const id of ids) {
      const v = odds[id]
      if (v === null || v === NOT_OFFERED) {
        if (prices[id] !== undefined) {
          delete prices[id]
          dirty.selection.ids.add(id)
        }
      } else if (isValidDecimalOdds(v)) {
        if (prices[id] !== v) {
          prices[id] = v
          dirty.selection.ids.add(id)
        }
      } else {
        this.rejectedNow++
      }
    }
  }

  /**
   * Rebuilds every dirty entity, parents first, and turns the differences into ops.
   * `checking`: the raw entities come from an adopted snapshot and are checked as read.
   */
  private derive(dirty: Dirty, checking: boolean): Op[] {
    const ops: Op[] = []
    const removes: Record<EntityKind, Op[]> = {
      sport: [],
      competition: [],
      event: [],
      market: [],
      selection: [],
    }
    const pass = (
      kind: EntityKind,
      collection: EntityCollection,
      build: (this: WinamaxStore, id: string, raw: RawEntity | undefined) => Entity | null,
    ): void => {
      const d = dirty[kind]
      const emitted = this.emitted[kind]
      const dict = this.raws[collection]
      if (d.all && checking && emitted.size === 0) {
        // A snapshot into an empty store: everything is new, no comparisons.
        const ids = Object.keys(dict)
        if (kind === 'selection') {
          // The bulk of a snapshot: a direct call the engine can inline.
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i]!
            const entity = this.buildSelection(id, this.checked(collection, dict, id))
            if (entity !== null) {
              emitted.set(id, entity)
              ops.push({ op: 'upsert', entity })
            }
          }
          return
        }
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!
          const entity = build.call(this, id, this.checked(collection, dict, id))
          if (entity !== null) {
            emitted.set(id, entity)
            ops.push({ op: 'upsert', entity })
          }
        }
        return
      }
      // An event or market that appears or vanishes takes its children with it.
      const children =
        kind === 'event'
          ? (id: string) => this.betsOfMatch.get(id)?.forEach((b) => dirty.market.ids.add(b))
          : kind === 'market'
            ? (id: string) => this.outcomesOfBet.get(id)?.forEach((o) => dirty.selection.ids.add(o))
            : undefined
      const visit = (id: string, raw: RawEntity | undefined): void => {
        const entity = build.call(this, id, raw)
        const prev = emitted.get(id)
        if (entity === null) {
          if (prev !== undefined) {
            emitted.delete(id)
            removes[kind].push({ op: 'remove', kind, id: prev.id })
            children?.(id)
          }
        } else if (prev === undefined || !sameEntity(prev, entity)) {
          emitted.set(id, entity)
          ops.push({ op: 'upsert', entity })
          if (prev === undefined) children?.(id)
        }
      }
      if (d.all) {
        for (const id of Object.keys(dict))
          visit(id, checking ? this.checked(collection, dict, id) : dict[id])
        // Entities emitted before but no longer in the collection.
        for (const id of emitted.keys()) if (dict[id] === undefined) visit(id, undefined)
      }
      for (const id of d.ids) visit(id, dict[id])
    }
    pass('sport', 'sports', this.buildSport)
    pass('competition', 'tournaments', this.buildCompetition)
    pass('event', 'matches', this.buildEvent)
    pass('market', 'bets', this.buildMarket)
    this.betCache = { betId: undefined, market: undefined, bet: undefined }
    pass('selection', 'outcomes', this.buildSelection)
    for (const kind of REMOVE_ORDER) for (const op of removes[kind]) ops.push(op)
    return ops
  }

  private buildSport(id: string, s: RawEntity | undefined): Sport | null {
    if (s === undefined || typeof s.sportName !== 'string') return null
    return { kind: 'sport', id: SPORT + id, source: 'winamax', name: s.sportName }
  }

  private buildCompetition(id: string, t: RawEntity | undefined): Competition | null {
    if (t === undefined || typeof t.tournamentName !== 'string') return null
    const categoryId = this.categoryOfTournament.get(id)
    const sportId =
      (categoryId !== undefined ? this.sportOfCategory.get(categoryId) : undefined) ??
      this.sportOfTournamentHint.get(id)
    if (sportId === undefined) return null
    const c: Competition = {
      kind: 'competition',
      id: TOURNAMENT + id,
      source: 'winamax',
      sportId: SPORT + sportId,
      name: t.tournamentName,
    }
    const region =
      categoryId !== undefined ? this.raws.categories[categoryId]?.categoryName : undefined
    if (typeof region === 'string') c.region = region
    return c
  }

  private buildEvent(id: string, m: RawEntity | undefined): Event | null {
    if (m === undefined) return null
    const sportId = key(m.sportId)
    const tournamentId = key(m.tournamentId)
    if (sportId === undefined || tournamentId === undefined) return null
    const title = typeof m.title === 'string' ? m.title : ''
    let home = typeof m.competitor1Name === 'string' ? m.competitor1Name : undefined
    let away = typeof m.competitor2Name === 'string' ? m.competitor2Name : undefined
    if (home === undefined || away === undefined) {
      // Outrights ("MultiFoot Ligue des Champions") have no competitors: fall back to the title.
      const sep = title.indexOf(' - ')
      home ??= sep >= 0 ? title.slice(0, sep) : title
      away ??= sep >= 0 ? title.slice(sep + 3) : ''
    }
    const status = matchStatus(m)
    const e: Event = {
      kind: 'event',
      id: MATCH + id,
      source: 'winamax',
      sportId: SPORT + sportId,
      competitionId: TOURNAMENT + tournamentId,
      name: title !== '' ? title : `${home} - ${away}`,
      participants: [home, away],
      status,
    }
    // matchStart is epoch seconds (capture line 5: 1763235900 = 2025-11-15).
    if (typeof m.matchStart === 'number' && Number.isFinite(m.matchStart))
      e.startTime = m.matchStart * 1000
    if (status === 'live' && typeof m.matchtimeExtended === 'string' && m.matchtimeExtended !== '')
      e.clock = m.matchtimeExtended
    if (m.score !== undefined) {
      const score = parseScore(m.score)
      if (score !== undefined) e.score = score
    }
    return e
  }

  private buildMarket(id: string, b: RawEntity | undefined): Market | null {
    if (b === undefined) return null
    const matchId = key(b.matchId)
    if (matchId === undefined) return null
    const event = this.emitted.event.get(matchId)
    if (event === undefined) return null
    const name =
      typeof b.betTitle === 'string'
        ? b.betTitle
        : typeof b.betTypeName === 'string'
          ? b.betTypeName
          : ''
    const market: Market = {
      kind: 'market',
      id: BET + id,
      source: 'winamax',
      eventId: event.id,
      name,
      suspended: b.available === false,
    }
    if (key(this.raws.matches[matchId]!.mainBetId) === id) market.main = true
    return market
  }

  /** The valid decimal odds of an outcome, or null; a bad value adopted from a snapshot is rejected now. */
  private readPrice(id: string): number | null {
    const v = this.prices[id]
    if (v === undefined) return null
    if (isValidDecimalOdds(v)) return v
    if (v !== null && v !== NOT_OFFERED) this.rejectedNow++
    delete this.prices[id]
    return null
  }

  private buildSelection(id: string, o: RawEntity | undefined): Selection | null {
    if (o === undefined) return null
    const cache = this.betCache
    if (cache.betId !== o.betId || o.betId === undefined) {
      const betId = key(o.betId)
      cache.betId = o.betId
      cache.market = betId === undefined ? undefined : (this.emitted.market.get(betId) as Market)
      cache.bet = betId === undefined ? undefined : this.raws.bets[betId]
    }
    const market = cache.market
    const b = cache.bet
    if (market === undefined || b === undefined) return null
    const order = Array.isArray(b.outcomes) ? b.outcomes.indexOf(Number(id)) : -1
    const s: Selection = {
      kind: 'selection',
      id: OUTCOME + id,
      source: 'winamax',
      eventId: market.eventId,
      marketId: market.id,
      name: typeof o.label === 'string' ? o.label : '',
      order: order >= 0 ? order : 999,
      odds: this.readPrice(id),
      suspended: o.available === false || b.available === false,
    }
    if (typeof o.hotUsers === 'number' && Number.isFinite(o.hotUsers)) s.hotUsers = o.hotUsers
    return s
  }
}
