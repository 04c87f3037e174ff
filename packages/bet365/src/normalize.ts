import {
  diffEntities,
  entityId,
  fractionalToDecimal,
  isTennisScore,
  OddsError,
  type Competition,
  type Entity,
  type Event,
  type Market,
  type MarketType,
  type Op,
  type Selection,
  type SimpleScore,
  type Sport,
  type SportKey,
  type TennisScore,
} from '@oddsboard/model'
import {
  BET365_SPORTS,
  clockOf,
  esportsName,
  MAIN_MARKET_IDS,
  marketTypeOf,
  outcomeOf,
  parseBet365Time,
  parseLine,
  periodOf,
  sportKeyOf,
} from './canonical'
import { carryTiebreaks, parseTennisScore } from './tennis'
import type { TopicNode, TopicTree } from './tree'

/**
 * Topic tree → normalized model. Pure: no sockets, timers or clock.
 *
 * Records (bet365 seed, "Data Hierarchy" and field tables; the real 2026 in-play load):
 * `CL` sport (`ID`, `NA`); `CT` competition (`NA`), or, when the load has no CT record (as
 * in the 2026 load), the event's own `CT` field; `EV` event (`NA` "P1 v P2" / "A @ B",
 * `FS=0` not started, tennis `SS`/`XP`/`PI`, other sports `SS` "1-0" and clock `TM`/`TS`);
 * `MA` market (`NA`, else the market id, `SU=1` suspended); `PA` selection (`OD` fractional,
 * `0/0` unpriced, `SU=1` suspended, `OR` position). EV, MA and PA are linked through the
 * fixture id: `OI` on the EV equals `FI` on its MA and PA records.
 *
 * Native ids carry a per-kind prefix so kinds never collide: sport `cl<ID>` (and `cl<ID>-e`
 * for the esports events Bet365 lists under a real sport, e.g. Esoccer under Soccer),
 * competition `ct<sport>:<name>`, event `ev<event number>`, market `ma<fixture>-<market id>`,
 * selection `pa<ID>`.
 *
 * Canonical fields (./canonical.ts has the tables and their sources): `Sport.key`,
 * `Market.type`/`line`/`main`, `Selection.outcome`, `Event.clock`/`period`. `updatedAt` on
 * events and selections is the receive time of the sync that last changed the entity: an
 * entity rebuilt identical (a reload, a `U` of a field the model does not show) keeps the
 * previous value, so a reload upserts nothing that did not change.
 */

/** Tennis's `CL` id (bet365 seed, "Item ID Structure"). */
export const TENNIS_CL = '13'

/** Names of market ids seen without an `NA` field (bet365 seed, "Known Tennis Market IDs"). */
const MARKET_NAMES: Record<string, string> = {
  '1763': 'Money Line',
  '130020': 'Current Set',
  '130468': 'Next Game',
  '130078': 'Current Game',
  '130170': 'Money Line',
  '130077': 'Point Betting',
  '1777': 'Fulltime Result',
  '120201': 'Handicap',
}

/** A sport's name by `CL` id, for events whose load has no CL record ({@link BET365_SPORTS}). */
const sportName = (native: string): string => BET365_SPORTS[native]?.name ?? native

/** Something in the tree that could not be normalized as is; the entity is kept without it. */
export interface NormalizeIssue {
  /** `score`: a tennis score that does not parse; `odds`: a price that is not fractional odds. */
  kind: 'score' | 'odds'
  entityId: string
  message: string
}

/** The whole normalized picture of a tree. */
export interface Projection {
  /** Parents before children (sports, competitions, events, markets, selections in tree order). */
  entities: Map<string, Entity>
  issues: NormalizeIssue[]
}

const SEPARATORS = [' v ', ' @ ', ' vs ']

/** Splits an event name into its two participants (`"A v B"`, `"A @ B"`, `"A vs B"`); null otherwise. */
export function splitParticipants(name: string): [string, string] | null {
  return sidesOf(name)?.named ?? null
}

/**
 * The two sides of an event name, as named and as [home, away]: `"A @ B"` is A at B's home
 * (the North American convention), so home is B; `"A v B"` and `"A vs B"` have A at home.
 */
export function sidesOf(
  name: string,
): { named: [string, string]; home: [string, string]; reversed: boolean } | null {
  for (const sep of SEPARATORS) {
    const i = name.indexOf(sep)
    if (i > 0 && i + sep.length < name.length) {
      const named: [string, string] = [name.slice(0, i).trim(), name.slice(i + sep.length).trim()]
      const reversed = sep === ' @ '
      return { named, home: reversed ? [named[1], named[0]] : named, reversed }
    }
  }
  return null
}

const src = 'bet365' as const

function ancestor(node: TopicNode, type: string): TopicNode | null {
  for (let p = node.parent; p !== null; p = p.parent) if (p.type === type) return p
  return null
}

function eventNative(node: TopicNode): string {
  const m = /^\d+/.exec(node.fields.ID ?? '')
  return `ev${m === null ? node.it : m[0]}`
}

/** Fixture id an EV's markets use: `OI`, else `C3` when set (2017 loads have no OI). */
function fixtureOf(ev: TopicNode): string | null {
  const oi = ev.fields.OI
  if (oi !== undefined && oi !== '' && oi !== '0') return oi
  const c3 = ev.fields.C3
  if (c3 !== undefined && c3 !== '' && c3 !== '0') return c3
  return null
}

interface EventCtx {
  event: Event
  /** Participants in the book's order (the first named is selection `OR=0`). */
  named: [string, string]
  reversed: boolean
}

interface SportInfo {
  id: string
  /** Native id inside the sport's ids (`1`, or `1-e` for Esoccer under Soccer). */
  native: string
  key: SportKey
}

/**
 * What {@link projectTree} may reuse from earlier projections: the entity built from each
 * node, with what it was built from. An unchanged node (same `rev`, same links) yields the
 * very same entity object, so diffing two projections skips it by reference.
 */
export class ProjectionMemo {
  readonly byNode = new WeakMap<
    TopicNode,
    { deps: readonly unknown[]; entity: Entity; issues: NormalizeIssue[] }
  >()
  /** Entities not tied to one node (competitions named by events, sports named by id). */
  readonly shared = new Map<string, Entity>()
}

const sameDeps = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** True when two entities differ at most in `updatedAt`. */
function sameButUpdatedAt(a: Entity, b: Entity): boolean {
  if (a.kind !== b.kind) return false
  const strip = (e: Entity): string => JSON.stringify({ ...e, updatedAt: 0 })
  return strip(a) === strip(b)
}

/** Options of {@link projectTree}. */
export interface ProjectOptions {
  /** Entities reused when unchanged (see {@link ProjectionMemo}). */
  memo?: ProjectionMemo
  /**
   * The previous projection's entities: an event or selection rebuilt identical to its
   * previous version (but for `updatedAt`) is that previous object, `updatedAt` included.
   */
  previous?: ReadonlyMap<string, Entity>
}

/** A market's type and line, derived from the MA record and its PA children. */
function marketInfo(
  node: TopicNode,
  name: string,
  reversed: boolean,
): { type: MarketType; line: number | undefined; count: number } {
  const pas = node.children.filter((c) => c.type === 'PA')
  const type = marketTypeOf(node.fields.MA || node.fields.ID || '', name, pas.length)
  let line: number | undefined
  if (type === 'over-under' || type === 'handicap') {
    for (const pa of pas) {
      const outcome = outcomeOf(
        type,
        { order: Number(pa.fields.OR ?? '-1'), name: pa.fields.NA ?? '', hd: pa.fields.HD },
        pas.length,
        reversed,
      )
      if (outcome !== (type === 'over-under' ? 'over' : 'home')) continue
      const value = parseLine(pa.fields.HA || pa.fields.HD || pa.fields.NA)
      if (value !== null) line = value
      break
    }
    if (line === undefined && type === 'over-under') line = parseLine(name) ?? undefined
  }
  return { type, line, count: pas.length }
}

/**
 * Projects the whole tree onto the model; `receivedAt` (epoch ms) is the receive time of the
 * upstream message(s) that brought the tree to this state, stamped as `updatedAt` on events
 * and selections that are new or changed (see {@link ProjectOptions.previous}). Events whose
 * name has no two participants (coupon pseudo-events such as "In-Play Coupon") are left out
 * with their markets. Exactly one market of each event that has markets is `main`: the one
 * the book orders first (`OR=0`), else the first of {@link MAIN_MARKET_IDS}, else the first.
 * Never throws: a bad tennis score or price becomes an issue and the entity is kept
 * without it (no score, `odds: null`).
 */
export function projectTree(
  tree: TopicTree,
  receivedAt: number,
  options: ProjectOptions = {},
): Projection {
  const { memo, previous } = options
  const entities = new Map<string, Entity>()
  const issues: NormalizeIssue[] = []
  /** Builds (or reuses) the entity of a node; an entity equal to its previous version is that version. */
  const build = <T extends Entity>(
    node: TopicNode,
    deps: unknown[],
    make: (own: NormalizeIssue[]) => T,
  ): T => {
    const hit = memo?.byNode.get(node)
    if (hit !== undefined && sameDeps(hit.deps, deps)) {
      issues.push(...hit.issues)
      return hit.entity as T
    }
    const own: NormalizeIssue[] = []
    let entity = make(own)
    const before = previous?.get(entity.id)
    if (before !== undefined && sameButUpdatedAt(before, entity)) entity = before as T
    issues.push(...own)
    memo?.byNode.set(node, { deps, entity, issues: own })
    return entity
  }
  const shared = <T extends Entity>(id: string, make: () => T): T => {
    const known = memo?.shared.get(id) as T | undefined
    const entity = known ?? make()
    if (known === undefined) memo?.shared.set(id, entity)
    return entity
  }
  const eventsByFixture = new Map<string, EventCtx>()
  const eventsByNode = new Map<TopicNode, EventCtx>()
  const marketsByNode = new Map<TopicNode, Market>()
  /** Markets per event in tree order, for the choice of the main one. */
  const marketsOfEvent = new Map<string, { node: TopicNode; market: Market }[]>()

  const sportFor = (node: TopicNode): SportInfo | null => {
    const cl = ancestor(node, 'CL')
    const native = cl?.fields.ID ?? cl?.fields.CL ?? node.fields.CL
    if (native === undefined || native === '') return null
    const id = entityId(src, `cl${native}`)
    const key = sportKeyOf(native, cl?.fields.NA)
    if (!entities.has(id)) {
      const name = sportName(native)
      entities.set(
        id,
        shared(id, (): Sport => ({ kind: 'sport', id, source: src, key, name })),
      )
    }
    return { id, native, key }
  }

  /** The esports sport standing beside a real one (Esoccer events under Soccer). */
  const esportsFor = (sport: SportInfo, name: string): SportInfo => {
    const native = `${sport.native}-e`
    const id = entityId(src, `cl${native}`)
    if (!entities.has(id)) {
      entities.set(
        id,
        shared(id, (): Sport => ({ kind: 'sport', id, source: src, key: 'esports', name })),
      )
    }
    return { id, native, key: 'esports' }
  }

  const competitionFor = (sportId: string, sportNative: string, name: string): string => {
    const id = entityId(src, `ct${sportNative}:${name}`)
    if (!entities.has(id)) {
      entities.set(
        id,
        shared(id, (): Competition => ({ kind: 'competition', id, source: src, sportId, name })),
      )
    }
    return id
  }

  for (const node of tree.nodes()) {
    switch (node.type) {
      case 'CL': {
        const native = node.fields.ID ?? node.fields.CL
        if (native === undefined || native === '') break
        const id = entityId(src, `cl${native}`)
        const sport = build(node, [node.rev], (): Sport => ({
          kind: 'sport',
          id,
          source: src,
          key: sportKeyOf(native, node.fields.NA),
          name: node.fields.NA || sportName(native),
        }))
        entities.set(id, sport)
        break
      }
      case 'CT': {
        const sport = sportFor(node)
        const name = node.fields.NA
        if (sport !== null && name) competitionFor(sport.id, sport.native, name)
        break
      }
      case 'EV': {
        const name = node.fields.NA ?? ''
        const sides = sidesOf(name)
        if (sides === null) break
        const base = sportFor(node)
        if (base === null) break
        const ctName = ancestor(node, 'CT')?.fields.NA || node.fields.CT || 'Other'
        const esports = base.key === 'esports' ? null : esportsName(ctName, node.fields.CK)
        const sport = esports === null ? base : esportsFor(base, esports)
        const competitionId = competitionFor(sport.id, sport.native, ctName)
        const id = entityId(src, eventNative(node))
        const before = previous?.get(id)
        const event = build(node, [node.rev, sport.id, competitionId], (own) => {
          const e: Event = {
            kind: 'event',
            id,
            source: src,
            sportId: sport.id,
            competitionId,
            name,
            participants: sides.home,
            status: node.fields.FS === '0' ? 'prematch' : 'live',
            updatedAt: receivedAt,
          }
          const score = eventScore(node, sport.key, id, sides.reversed, own)
          if (score !== undefined) e.score = score
          // Without a TU, a clock that reads as before keeps the time it was first seen at.
          const prevClock = before?.kind === 'event' ? before.clock : undefined
          const clock = clockOf(node.fields, sport.key, receivedAt)
          if (clock !== undefined) {
            if (
              parseBet365Time(node.fields.TU) === null &&
              prevClock !== undefined &&
              prevClock.running === clock.running &&
              prevClock.seconds === clock.seconds
            )
              clock.at = prevClock.at
            e.clock = clock
          }
          const sets = score !== undefined && 'sets' in score ? score.sets.length : undefined
          const period = periodOf(node.fields, sport.key === 'tennis' ? (sets ?? 0) : undefined)
          if (period !== undefined) e.period = period
          return e
        })
        entities.set(id, event)
        const ctx: EventCtx = { event, named: sides.named, reversed: sides.reversed }
        eventsByNode.set(node, ctx)
        const fixture = fixtureOf(node)
        if (fixture !== null) eventsByFixture.set(fixture, ctx)
        break
      }
      case 'MA': {
        const ctx = linkedEvent(node, eventsByFixture, eventsByNode)
        if (ctx === undefined) break
        const marketNo = node.fields.ID ?? node.fields.MA ?? node.it
        const fixture = node.fields.FI ?? fixtureOf(ancestor(node, 'EV') ?? node) ?? ''
        const id = entityId(src, `ma${fixture}-${marketNo}`)
        const name =
          node.fields.NA || MARKET_NAMES[node.fields.MA ?? marketNo] || `Market ${marketNo}`
        const info = marketInfo(node, name, ctx.reversed)
        const market = build(node, [node.rev, id, ctx.event.id, info.type, info.line], () => {
          const m: Market = {
            kind: 'market',
            id,
            source: src,
            eventId: ctx.event.id,
            name,
            type: info.type,
            suspended: node.fields.SU === '1',
            main: false,
          }
          if (info.line !== undefined) m.line = info.line
          return m
        })
        entities.set(id, market)
        marketsByNode.set(node, market)
        const list = marketsOfEvent.get(ctx.event.id) ?? []
        list.push({ node, market })
        marketsOfEvent.set(ctx.event.id, list)
        break
      }
      case 'PA': {
        const maNode = ancestor(node, 'MA')
        const market = maNode === null ? undefined : marketsByNode.get(maNode)
        if (market === undefined || maNode === null) break
        const ctx = linkedEvent(node, eventsByFixture, eventsByNode)
        const order = Number(node.fields.OR ?? '0')
        const id = entityId(src, `pa${node.fields.ID || node.it}`)
        const participant = ctx?.named[order === 1 ? 1 : 0]
        const count = maNode.children.filter((c) => c.type === 'PA').length
        const reversed = ctx?.reversed ?? false
        const deps = [
          node.rev,
          market.id,
          market.eventId,
          participant,
          market.type,
          count,
          reversed,
        ]
        const selection = build(node, deps, (own) => {
          let name =
            node.fields.NA || (order <= 1 ? participant : undefined) || `Selection ${order}`
          if (node.fields.HA) name = `${name} ${node.fields.HA}`
          const sel: Selection = {
            kind: 'selection',
            id,
            source: src,
            eventId: market.eventId,
            marketId: market.id,
            name,
            order: Number.isFinite(order) ? order : 0,
            odds: null,
            suspended: node.fields.SU === '1',
            updatedAt: receivedAt,
          }
          const outcome = outcomeOf(
            market.type,
            { order, name: node.fields.NA ?? '', hd: node.fields.HD },
            count,
            reversed,
          )
          if (outcome !== undefined) sel.outcome = outcome
          const od = node.fields.OD
          if (od !== undefined && od !== '') {
            sel.oddsText = od
            try {
              sel.odds = fractionalToDecimal(od)
            } catch (e) {
              if (!(e instanceof OddsError)) throw e
              own.push({ kind: 'odds', entityId: id, message: e.message })
            }
          }
          return sel
        })
        entities.set(id, selection)
        break
      }
    }
  }
  for (const list of marketsOfEvent.values()) {
    const main = mainOf(list.map((x) => x.node))
    for (const { node, market } of list) {
      const want = node === main
      if (market.main === want) continue
      let fixed: Market = { ...market, main: want }
      const before = previous?.get(fixed.id)
      if (before !== undefined && sameButUpdatedAt(before, fixed)) fixed = before as Market
      entities.set(fixed.id, fixed)
      const hit = memo?.byNode.get(node)
      if (hit !== undefined && hit.entity === market)
        memo?.byNode.set(node, { ...hit, entity: fixed })
    }
  }
  if (memo !== undefined) {
    for (const id of memo.shared.keys()) if (!entities.has(id)) memo.shared.delete(id)
  }
  return { entities, issues }
}

/** The main market among one event's MA nodes (tree order): `OR=0`, else by id, else the first. */
function mainOf(nodes: readonly TopicNode[]): TopicNode | undefined {
  const flagged = nodes.find((n) => n.fields.OR === '0')
  if (flagged !== undefined) return flagged
  for (const id of MAIN_MARKET_IDS) {
    const known = nodes.find((n) => (n.fields.MA || n.fields.ID) === id)
    if (known !== undefined) return known
  }
  return nodes[0]
}

function linkedEvent(
  node: TopicNode,
  byFixture: Map<string, EventCtx>,
  byNode: Map<TopicNode, EventCtx>,
): EventCtx | undefined {
  const fi = node.fields.FI
  const linked = fi === undefined ? undefined : byFixture.get(fi)
  if (linked !== undefined) return linked
  const ev = ancestor(node, 'EV')
  return ev === null ? undefined : byNode.get(ev)
}

function eventScore(
  node: TopicNode,
  sport: SportKey,
  id: string,
  reversed: boolean,
  issues: NormalizeIssue[],
): TennisScore | SimpleScore | undefined {
  const ss = node.fields.SS
  if (ss === undefined || ss === '') return undefined
  if (sport === 'tennis') {
    const parsed = parseTennisScore(ss, node.fields.XP, node.fields.PI)
    if (parsed.ok) return parsed.score
    issues.push({ kind: 'score', entityId: id, message: parsed.error })
    return undefined
  }
  // SS is in name order ("Munich Ravens @ Frankfurt Galaxy" 23-6: Munich 23).
  const m = /^(\d+)-(\d+)$/.exec(ss)
  if (m === null) return undefined
  const named = [Number(m[1]), Number(m[2])]
  return reversed ? { home: named[1]!, away: named[0]! } : { home: named[0]!, away: named[1]! }
}

/**
 * Gives each tennis event of `next` the tiebreak scores its previous projection saw
 * ({@link carryTiebreaks}), replacing the entity in `next` (projected entities may be
 * shared with the memo and are never mutated). Its `updatedAt` is unchanged: a tiebreak is
 * recorded only along with the set change that carries it.
 */
function keepTiebreaks(prev: ReadonlyMap<string, Entity>, next: Map<string, Entity>): void {
  for (const [id, e] of next) {
    if (e.kind !== 'event' || e.score === undefined || !isTennisScore(e.score)) continue
    const before = prev.get(id)
    const prevScore =
      before?.kind === 'event' && before.score !== undefined && isTennisScore(before.score)
        ? before.score
        : undefined
    const score = carryTiebreaks(prevScore, e.score)
    if (score !== e.score) next.set(id, { ...e, score })
  }
}

/**
 * Keeps the last projection and turns each new tree state into the ops that change it:
 * upserts for entities that are new or differ, removes (children first) for entities that
 * vanished. After a reconnect the new `F` load replaces the tree, so anything missing from
 * it is removed: no ghosts, and anything it brings unchanged is not upserted (its
 * `updatedAt` stays). Issues are reported once, when they first appear. Entities of
 * unchanged nodes are reused ({@link ProjectionMemo}), so a point costs a walk of the tree,
 * not a rebuild and deep comparison of every entity.
 */
export class Bet365Normalizer {
  private current = new Map<string, Entity>()
  private knownIssues = new Set<string>()
  private readonly memo = new ProjectionMemo()

  /**
   * Ops that bring the previous projection to `tree`'s; only what changed. `receivedAt` is
   * the receive time (epoch ms) of the frame that changed the tree, stamped as `updatedAt`
   * on the events and selections it changed.
   */
  sync(tree: TopicTree, receivedAt: number): { ops: Op[]; issues: NormalizeIssue[] } {
    const next = projectTree(tree, receivedAt, { memo: this.memo, previous: this.current })
    keepTiebreaks(this.current, next.entities)
    const ops = diffEntities(this.current, next.entities)
    this.current = next.entities
    const fresh: NormalizeIssue[] = []
    const keys = new Set<string>()
    for (const issue of next.issues) {
      const key = `${issue.entityId}|${issue.message}`
      keys.add(key)
      if (!this.knownIssues.has(key)) fresh.push(issue)
    }
    this.knownIssues = keys
    return { ops, issues: fresh }
  }

  /** The entities as of the last {@link sync}. */
  entities(): ReadonlyMap<string, Entity> {
    return this.current
  }
}
