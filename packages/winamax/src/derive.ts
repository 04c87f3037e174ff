/**
 * Derivation: the normalized entities of a {@link RawState}, kept up to date from what each
 * merge touched, and the ops of what actually changed. Pure: time comes in as an argument.
 *
 * Rebuilds run parents first (sport, competition, event, market, selection); an event that
 * appears or vanishes takes its markets with it, a market that changes its selections
 * (their outcome and suspension follow it). An entity rebuilt equal to the one held, apart
 * from `updatedAt`, is kept as it was (same object, same `updatedAt`, no op): `updatedAt`
 * is the receive time of the last change a view can see. Every change to the held entities
 * is recorded in the apply's journal.
 */
import type { Entity, BookEntityKind, EntityOf, Market, Op, Selection } from '@oddsboard/model'
import type { EntityCollection, RawEntity } from './codec'
import { buildCompetition, buildEvent, buildMarket, buildSelection, buildSport } from './build'
import type { BetKind } from './markets'
import { classifyBet } from './markets'
import type { MaybeJournal, RawState, Touched } from './raw'
import { key, setMap } from './raw'

/** Entities per kind, keyed by Winamax id (not the entity id). */
export type Emitted = { [K in BookEntityKind]: Map<string, EntityOf<K>> }

/** Empty entity maps, one per kind. */
export function newEmitted(): Emitted {
  return {
    sport: new Map(),
    competition: new Map(),
    event: new Map(),
    market: new Map(),
    selection: new Map(),
  }
}

const KINDS: readonly BookEntityKind[] = ['sport', 'competition', 'event', 'market', 'selection']
const COLLECTION_OF = {
  sport: 'sports',
  competition: 'tournaments',
  event: 'matches',
  market: 'bets',
  selection: 'outcomes',
} as const satisfies Record<BookEntityKind, EntityCollection>
const REMOVE_ORDER: readonly BookEntityKind[] = [
  'selection',
  'market',
  'event',
  'competition',
  'sport',
]

/**
 * Same fields with the same values, `updatedAt` aside; objects and arrays (participants,
 * score, clock) compared one level down.
 */
export function sameEntity(a: Entity, b: Entity): boolean {
  const ra = a as unknown as Record<string, unknown>
  const rb = b as unknown as Record<string, unknown>
  let n = 0
  for (const k in ra) {
    n++
    if (k === 'updatedAt') continue
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

/** The bet of the last outcome built, and where in its `outcomes` the next one should be. */
interface LastBet {
  betId: unknown
  market: Market | undefined
  bet: RawEntity | undefined
  list: readonly unknown[]
  next: number
}

const NO_OUTCOMES: readonly unknown[] = []

function newLastBet(): LastBet {
  return { betId: undefined, market: undefined, bet: undefined, list: NO_OUTCOMES, next: 0 }
}

/** Ids are numeric strings: compare as numbers without parsing (shorter is smaller). */
function byId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

/** The normalized entities of one raw state; see the module comment. */
export class Derivation {
  private readonly maps: Emitted = newEmitted()
  /**
   * Selections a first payload built, not yet in `maps.selection`: nothing looks a
   * selection up while a snapshot is derived, so its 2,843 are indexed on first use instead.
   */
  private pending: { ids: string[]; entities: Entity[] } | null = null
  /** Per derive: match → its main bet id (or undefined when it has no bet). */
  private mainOf = new Map<string, string | undefined>()
  /** Per derive: bet → its type and line. */
  private kindOf = new Map<string, BetKind>()
  /** Per selection pass: the bet last looked up (see `builders.selection`). */
  private lastBet: LastBet = newLastBet()

  /**
   * @param raw the state entities are derived from.
   * @param previous the entities of the store this one replaces (a reconnect's fresh
   *   snapshot): an entity rebuilt equal to its predecessor is taken over as it was, so its
   *   `updatedAt` survives the reconnect.
   */
  constructor(
    private readonly raw: RawState,
    private readonly previous?: Emitted,
  ) {}

  /** The entities per kind, keyed by Winamax id. */
  get emitted(): Emitted {
    const p = this.pending
    if (p !== null) {
      this.pending = null
      const m = this.maps.selection
      for (let i = 0; i < p.ids.length; i++) m.set(p.ids[i]!, p.entities[i] as Selection)
    }
    return this.maps
  }

  /**
   * Rebuilds every touched entity and returns the ops: upserts parents first, then removes
   * children first. `now` (epoch ms) is the `updatedAt` of what changed.
   */
  derive(t: Touched, now: number, j: MaybeJournal): Op[] {
    const maps = this.emitted
    this.raw.expand(t)
    this.mainOf.clear()
    this.kindOf.clear()
    const ops: Op[] = []
    const removes: Op[][] = [[], [], [], [], []]
    for (let k = 0; k < KINDS.length; k++) {
      const kind = KINDS[k]!
      const emitted = maps[kind] as Map<string, Entity>
      const earlier = this.previous?.[kind] as Map<string, Entity> | undefined
      const build = this.builders[kind]
      this.lastBet = newLastBet()
      const dict = this.raw.colls[COLLECTION_OF[kind]]
      if (t.all && earlier === undefined) {
        // The first payload of a store with no predecessor: everything is new, nothing to
        // compare (the snapshot's hot loop), over the ids and entities the decoder
        // enumerated (the adopted collection's own), so no id is looked up.
        const ids: readonly string[] = t.ids[COLLECTION_OF[kind]] ?? []
        const raws: readonly (RawEntity | null)[] = t.values[COLLECTION_OF[kind]] ?? []
        // Selections are listed, not indexed (see {@link Derivation.pending}); others go
        // straight into their map.
        let into: Map<string, Entity> | { ids: string[]; entities: Entity[] } = emitted
        if (kind === 'selection') into = this.pending = { ids: [], entities: [] }
        this.firstBuild(build, ids, raws, dict, now, ops, into)
        continue
      }
      const ids = t.all ? Object.keys(dict) : t[kind]
      for (const id of ids) {
        const e = dict[id]
        if (t.all && e === null) {
          delete dict[id] // removed in the first payload itself (see RawState.merge)
          continue
        }
        const entity = build(id, e ?? undefined, now)
        const prev = emitted.get(id)
        if (entity === null) {
          if (prev === undefined) continue
          setMap(emitted, id, undefined, j)
          removes[REMOVE_ORDER.indexOf(kind)]!.push({ op: 'remove', kind, id: prev.id })
          this.cascade(kind, id, t)
          continue
        }
        const base = prev ?? earlier?.get(id)
        const kept = base !== undefined && base.id === entity.id && sameEntity(base, entity)
        if (kept && prev !== undefined) continue
        const next = kept ? base : entity
        setMap(emitted, id, next, j)
        ops.push({ op: 'upsert', entity: next })
        // Markets pass their changes on to their selections; events only appearing.
        if (!t.all && (prev === undefined || kind === 'market')) this.cascade(kind, id, t)
      }
    }
    for (const list of removes) for (const op of list) ops.push(op)
    return ops
  }

  /**
   * Builds the first payload's entities of one kind, over the ids and raw entities the
   * decoder enumerated, into a map or (the snapshot's selections) two parallel lists.
   */
  private firstBuild(
    build: (id: string, raw: RawEntity | undefined, now: number) => Entity | null,
    ids: readonly string[],
    raws: readonly (RawEntity | null)[],
    dict: Record<string, RawEntity>,
    now: number,
    ops: Op[],
    into: Map<string, Entity> | { ids: string[]; entities: Entity[] },
  ): void {
    const map = into instanceof Map ? into : null
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!
      const e = raws[i] as RawEntity | null
      if (e === null) {
        delete dict[id] // removed in the first payload itself (see RawState.merge)
        continue
      }
      const entity = build(id, e, now)
      if (entity === null) continue
      if (map !== null) map.set(id, entity)
      else {
        const list = into as { ids: string[]; entities: Entity[] }
        list.ids.push(id)
        list.entities.push(entity)
      }
      ops.push({ op: 'upsert', entity })
    }
  }

  /** Marks the children of a changed entity: an event's markets, a market's selections. */
  private cascade(kind: BookEntityKind, id: string, t: Touched): void {
    if (kind === 'event') for (const b of this.raw.betsOf(id)) t.market.add(b)
    else if (kind === 'market') for (const o of this.raw.outcomesOf(id)) t.selection.add(o)
  }

  /**
   * One builder per kind (chosen once per pass, not per entity), given the id and the raw
   * entity of that id (undefined when there is none).
   */
  private readonly builders: Record<
    BookEntityKind,
    (id: string, raw: RawEntity | undefined, now: number) => Entity | null
  > = {
    sport: (id, s) => buildSport(id, s),
    competition: (id, tournament) => {
      const raw = this.raw
      const category = raw.categoryOfTournament.get(id)
      const sportId =
        (category !== undefined ? raw.sportOfCategory.get(category) : undefined) ??
        raw.sportOfTournament.get(id)
      const region =
        category !== undefined ? raw.colls.categories[category]?.categoryName : undefined
      return buildCompetition(id, tournament, sportId, region)
    },
    event: (id, m, now) => buildEvent(id, m, this.raw.clocks.get(id)?.at, now),
    market: (id, b) => {
      const matchId = b === undefined ? undefined : key(b.matchId)
      const event = matchId === undefined ? undefined : this.maps.event.get(matchId)
      if (b === undefined || event === undefined) return null
      const m = this.raw.colls.matches[matchId!]
      return buildMarket(id, b, event.id, this.kind(id, b, m), this.main(matchId!, m, id, b) === id)
    },
    selection: (id, o, now) => {
      const raw = this.raw
      if (o === undefined) return null
      // Outcomes of one bet come in a row: look the bet up once per run.
      const last = this.lastBet
      if (last.betId !== o.betId || o.betId === undefined) {
        const betId = key(o.betId)
        last.betId = o.betId
        last.market = betId === undefined ? undefined : this.maps.market.get(betId)
        last.bet = betId === undefined ? undefined : (raw.colls.bets[betId] ?? undefined)
        last.list = Array.isArray(last.bet?.outcomes) ? last.bet.outcomes : NO_OUTCOMES
        last.next = 0
      }
      if (last.market === undefined || last.bet === undefined) return null
      // Its position in the bet's `outcomes`: usually the one after the previous outcome's
      // (a run follows the list), so a 67-runner outright is not searched 67 times.
      const n = Number(id)
      let order = last.next
      if (last.list[order] !== n) order = last.list.indexOf(n)
      last.next = order + 1
      return buildSelection(id, o, last.market, last.bet, raw.price(id), now, order)
    },
  }

  /**
   * The type and line of bet `id` (memoized for one derive); `bet` and `match` are its raw
   * entity and its match's when the caller has them.
   */
  private kind(id: string, bet?: RawEntity, match?: RawEntity): BetKind {
    let k = this.kindOf.get(id)
    if (k === undefined) {
      const b = bet ?? this.raw.colls.bets[id]!
      k = classifyBet(b, match ?? this.raw.colls.matches[String(b.matchId)])
      this.kindOf.set(id, k)
    }
    return k
  }

  /**
   * The main bet of a match: its `mainBetId` when that bet is one of its bets; otherwise
   * its first (lowest id) `1x2` or `winner` bet, else its first bet. So an event with
   * markets has exactly one main market. `match` is the match's raw entity; `betId` and
   * `bet` a bet of it the caller holds (saves looking up the usual declared one).
   */
  private main(
    matchId: string,
    match: RawEntity | undefined,
    betId: string,
    bet: RawEntity,
  ): string | undefined {
    if (this.mainOf.has(matchId)) return this.mainOf.get(matchId)
    const declared = key(match?.mainBetId)
    let main: string | undefined
    // The declared bet is one of the match's bets when its matchId says so (no index needed).
    const declaredBet =
      declared === undefined ? undefined : declared === betId ? bet : this.raw.colls.bets[declared]
    if (declaredBet != null && (declaredBet === bet || key(declaredBet.matchId) === matchId)) {
      main = declared
    } else {
      const bets = this.raw.betsOf(matchId)
      let first: string | undefined
      let firstResult: string | undefined
      for (const b of bets) {
        if (first === undefined || byId(b, first) < 0) first = b
        const type = this.kind(b).type
        if (
          (type === '1x2' || type === 'winner') &&
          (firstResult === undefined || byId(b, firstResult) < 0)
        )
          firstResult = b
      }
      main = firstResult ?? first
    }
    this.mainOf.set(matchId, main)
    return main
  }
}
