import {
  diffEntities,
  entityId,
  fractionalToDecimal,
  OddsError,
  type Competition,
  type Entity,
  type Event,
  type Market,
  type Op,
  type Selection,
  type SimpleScore,
  type Sport,
  type TennisScore,
} from '@oddsboard/model'
import { parseTennisScore } from './tennis'
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
 * Native ids carry a per-kind prefix so kinds never collide: sport `cl<ID>`, competition
 * `ct<sport>:<name>`, event `ev<event number>`, market `ma<fixture>-<market id>`,
 * selection `pa<ID>`.
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

/** Sport names by `CL` id, for events whose load has no CL record (bet365 seed, "Sport Category IDs"). */
const SPORT_NAMES: Record<string, string> = {
  '1': 'Soccer',
  '13': 'Tennis',
  '16': 'Baseball',
  '17': 'Ice Hockey',
  '18': 'Basketball',
}

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
  for (const sep of SEPARATORS) {
    const i = name.indexOf(sep)
    if (i > 0 && i + sep.length < name.length) {
      return [name.slice(0, i).trim(), name.slice(i + sep.length).trim()]
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
  sportNative: string
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

/**
 * Projects the whole tree onto the model. Events whose name has no two participants
 * (coupon pseudo-events such as "In-Play Coupon") are left out with their markets.
 * Never throws: a bad tennis score or price becomes an issue and the entity is kept
 * without it (no score, `odds: null`).
 */
export function projectTree(tree: TopicTree, memo?: ProjectionMemo): Projection {
  const entities = new Map<string, Entity>()
  const issues: NormalizeIssue[] = []
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
    const entity = make(own)
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

  const sportFor = (node: TopicNode): { id: string; native: string } | null => {
    const cl = ancestor(node, 'CL')
    const native = cl?.fields.ID ?? cl?.fields.CL ?? node.fields.CL
    if (native === undefined || native === '') return null
    const id = entityId(src, `cl${native}`)
    if (!entities.has(id)) {
      const name = SPORT_NAMES[native] ?? native
      entities.set(
        id,
        shared(id, (): Sport => ({ kind: 'sport', id, source: src, name })),
      )
    }
    return { id, native }
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
          name: node.fields.NA || SPORT_NAMES[native] || native,
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
        const participants = splitParticipants(name)
        if (participants === null) break
        const sport = sportFor(node)
        if (sport === null) break
        const ctName = ancestor(node, 'CT')?.fields.NA || node.fields.CT || 'Other'
        const competitionId = competitionFor(sport.id, sport.native, ctName)
        const id = entityId(src, eventNative(node))
        const event = build(node, [node.rev, sport.id, competitionId], (own) => {
          const e: Event = {
            kind: 'event',
            id,
            source: src,
            sportId: sport.id,
            competitionId,
            name,
            participants,
            status: node.fields.FS === '0' ? 'prematch' : 'live',
          }
          const score = eventScore(node, sport.native, id, own)
          if (score !== undefined) e.score = score
          const clock = eventClock(node, sport.native)
          if (clock !== undefined) e.clock = clock
          return e
        })
        entities.set(id, event)
        const ctx = { event, sportNative: sport.native }
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
        const market = build(node, [node.rev, id, ctx.event.id], () => {
          const m: Market = {
            kind: 'market',
            id,
            source: src,
            eventId: ctx.event.id,
            name:
              node.fields.NA || MARKET_NAMES[node.fields.MA ?? marketNo] || `Market ${marketNo}`,
            suspended: node.fields.SU === '1',
          }
          if (node.fields.OR === '0') m.main = true
          return m
        })
        entities.set(id, market)
        marketsByNode.set(node, market)
        break
      }
      case 'PA': {
        const maNode = ancestor(node, 'MA')
        const market = maNode === null ? undefined : marketsByNode.get(maNode)
        if (market === undefined) break
        const ctx = linkedEvent(node, eventsByFixture, eventsByNode)
        const order = Number(node.fields.OR ?? '0')
        const id = entityId(src, `pa${node.fields.ID || node.it}`)
        const participant = ctx?.event.participants[order === 1 ? 1 : 0]
        const deps = [node.rev, market.id, market.eventId, participant]
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
          }
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
  if (memo !== undefined) {
    for (const id of memo.shared.keys()) if (!entities.has(id)) memo.shared.delete(id)
  }
  return { entities, issues }
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
  sportNative: string,
  id: string,
  issues: NormalizeIssue[],
): TennisScore | SimpleScore | undefined {
  const ss = node.fields.SS
  if (ss === undefined || ss === '') return undefined
  if (sportNative === TENNIS_CL) {
    const parsed = parseTennisScore(ss, node.fields.XP, node.fields.PI)
    if (parsed.ok) return parsed.score
    issues.push({ kind: 'score', entityId: id, message: parsed.error })
    return undefined
  }
  const m = /^(\d+)-(\d+)$/.exec(ss)
  return m === null ? undefined : { home: Number(m[1]), away: Number(m[2]) }
}

function eventClock(node: TopicNode, sportNative: string): string | undefined {
  if (sportNative === TENNIS_CL) return undefined
  const tm = node.fields.TM
  const ts = node.fields.TS
  if (tm === undefined || tm === '' || !/^\d+$/.test(tm)) return undefined
  if (tm === '0' && (ts === undefined || ts === '0' || ts === '')) return undefined
  const secs = ts !== undefined && /^\d+$/.test(ts) ? ts.padStart(2, '0') : '00'
  return `${tm}:${secs}`
}

/**
 * Keeps the last projection and turns each new tree state into the ops that change it:
 * upserts for entities that are new or differ, removes (children first) for entities that
 * vanished. After a reconnect the new `F` load replaces the tree, so anything missing from
 * it is removed: no ghosts. Issues are reported once, when they first appear. Entities of
 * unchanged nodes are reused ({@link ProjectionMemo}), so a point costs a walk of the tree,
 * not a rebuild and deep comparison of every entity.
 */
export class Bet365Normalizer {
  private current = new Map<string, Entity>()
  private knownIssues = new Set<string>()
  private readonly memo = new ProjectionMemo()

  /** Ops that bring the previous projection to `tree`'s; only what changed. */
  sync(tree: TopicTree): { ops: Op[]; issues: NormalizeIssue[] } {
    const next = projectTree(tree, this.memo)
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
