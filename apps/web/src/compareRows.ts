import {
  canonicalMatchState,
  comparePrices,
  compareLayout,
  type CanonicalEvent,
  type CanonicalMatchState,
  type CompareLayout,
  type EntityState,
  type Event,
  type EventComparison,
  type MarketIndex,
  type Source,
  type SportKey,
} from '@oddsboard/model'
import type { RowCache } from './rows'

/**
 * Rows of the Compare view, as pure functions of the normalized state: one row per canonical
 * event (one real match listed by two or more books). The comparison itself (which market,
 * best prices, margin, surebet) is the model's `compareLayout` / `comparePrices`; this file
 * only gathers what a row shows and keeps row objects stable while nothing they hold changes.
 */

/** One row of the Compare view. */
export interface CompareRow {
  /** The canonical event id (also the row id). */
  id: string
  /** The first member's book (the row is never dimmed as a whole: each price is, by its book). */
  source: Source
  canonical: CanonicalEvent
  sportKey: SportKey
  /** The member events present in the state, in the layout's member order. */
  events: Event[]
  /** The first member's competition name (each book's own on hover). */
  competition: string
  /** Every member's competition name, in member order. */
  competitions: string[]
  /** The compared market and each member's selections per canonical outcome. */
  layout: CompareLayout
  /** Status, clock and score from the members (`canonicalMatchState`). */
  match: CanonicalMatchState
}

const layoutCache = new WeakMap<CanonicalEvent, { key: string; layout: CompareLayout }>()

/**
 * The canonical events with at least two members in the state that pass `include` (true
 * when any member event passes the view's filter), as rows. `index` is `indexMarkets` of
 * the same state. `cache` keeps unchanged rows identical across calls.
 */
export function compareRows(
  entities: EntityState,
  index: MarketIndex,
  include: (e: Event) => boolean,
  cache: RowCache<CompareRow>,
): CompareRow[] {
  const rows: CompareRow[] = []
  const seen = new Set<string>()
  for (const c of entities.canonical.values()) {
    const events: Event[] = []
    let passes = false
    for (const m of c.members) {
      const e = entities.event.get(m.eventId)
      if (e === undefined) continue
      events.push(e)
      if (!passes && include(e)) passes = true
    }
    if (events.length < 2 || !passes) continue
    const fresh = compareLayout(entities, c, index)
    // Keep the same layout object while its content is the same, so rows stay identical.
    const key = JSON.stringify(fresh)
    const old = layoutCache.get(c)
    const layout = old !== undefined && old.key === key ? old.layout : fresh
    if (layout === fresh) layoutCache.set(c, { key, layout })
    const comps = events.map((e) => entities.competition.get(e.competitionId)?.name ?? '')
    seen.add(c.id)
    rows.push(
      cachedRow(cache, c.id, [c, layout, ...events, ...comps], () => ({
        id: c.id,
        source: c.members[0]?.source ?? events[0]!.source,
        canonical: c,
        sportKey: c.sport,
        events,
        competition: c.competition ?? comps[0] ?? '',
        competitions: comps,
        layout,
        match: canonicalMatchState(
          layout.members.map((m, i) => ({ event: events[i]!, swapped: m.swapped })),
        ),
      })),
    )
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id)
  return rows
}

function cachedRow<R>(cache: RowCache<R>, id: string, deps: unknown[], build: () => R): R {
  const hit = cache.get(id)
  if (
    hit !== undefined &&
    hit.deps.length === deps.length &&
    hit.deps.every((d, i) => d === deps[i])
  )
    return hit.row
  const row = build()
  cache.set(id, { deps, row })
  return row
}

const priceCache = new WeakMap<CompareLayout, { deps: unknown[]; value: EventComparison }>()

/**
 * The comparison of a row's layout at the state's current prices (`comparePrices`), with
 * the books in `exclude` (stale feeds) never counted as best. Memoized per layout on the
 * objects it reads (the row's selections, markets and events, and `excludeKey`), so a
 * selector may call it on every store change and get the same object back while nothing it
 * reads changed.
 */
export function rowComparison(
  layout: CompareLayout,
  entities: Pick<EntityState, 'event' | 'market' | 'selection'>,
  exclude: ReadonlySet<Source>,
  excludeKey: string,
): EventComparison {
  const deps: unknown[] = [excludeKey]
  for (const m of layout.members) {
    deps.push(entities.event.get(m.eventId))
    if (m.marketId !== null) deps.push(entities.market.get(m.marketId))
    for (const o of layout.outcomes) {
      const id = m.selections[o]
      if (id !== undefined) deps.push(entities.selection.get(id))
    }
  }
  const hit = priceCache.get(layout)
  if (
    hit !== undefined &&
    hit.deps.length === deps.length &&
    hit.deps.every((d, i) => d === deps[i])
  )
    return hit.value
  const value = comparePrices(layout, entities, { exclude })
  priceCache.set(layout, { deps, value })
  return value
}
