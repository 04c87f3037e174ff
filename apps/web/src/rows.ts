import {
  isTennisScore,
  overround,
  type Competition,
  type EntityState,
  type Event,
  type FeedState,
  type Market,
  type PricePoint,
  type Selection,
  type Source,
} from '@oddsboard/model'
import { sportKey } from './filters'
import type { ConnectionState } from './store/relayClient'

/**
 * Derived rows of the views, as pure functions of the normalized state. Rows hold ids and
 * slow-moving facts (names, status); prices are read by the cells themselves, so an odds
 * tick re-renders only the cells it touches, and row order does not move with prices.
 */

/** An event's main market and its selection ids by `order`. */
export interface MainMarket {
  market: Market
  /** Selection ids ordered by `order` (home/first first). */
  selectionIds: string[]
}

/**
 * Picks each event's main market: the one flagged `main`, else one whose name reads as a
 * match result (1X2, match winner, full time result), else the first by id.
 * Rebuild only when markets or the `structure` of selections change.
 */
export function mainMarkets(entities: EntityState): Map<string, MainMarket> {
  const byEvent = new Map<string, Market>()
  const resultLike =
    /(match winner|full time result|match result|résultat|1x2|winner|money ?line|^1 ?x ?2$)/i
  const score = (m: Market) => (m.main ? 3 : resultLike.test(m.name) ? 2 : 1)
  for (const m of entities.market.values()) {
    const cur = byEvent.get(m.eventId)
    if (cur === undefined || score(m) > score(cur) || (score(m) === score(cur) && m.id < cur.id))
      byEvent.set(m.eventId, m)
  }
  const sels = new Map<string, Selection[]>()
  for (const s of entities.selection.values()) {
    const main = byEvent.get(s.eventId)
    if (main === undefined || main.id !== s.marketId) continue
    let list = sels.get(s.marketId)
    if (list === undefined) sels.set(s.marketId, (list = []))
    list.push(s)
  }
  const out = new Map<string, MainMarket>()
  for (const [eventId, market] of byEvent) {
    const list = (sels.get(market.id) ?? []).sort((a, b) => a.order - b.order)
    out.set(eventId, { market, selectionIds: list.map((s) => s.id) })
  }
  return out
}

/** One event row of the Live matches, Tennis and Markets views. */
export interface EventRow {
  /** The event id (also the row id). */
  id: string
  source: Source
  event: Event
  competition: string
  sport: string
  marketId: string | null
  marketName: string
  /** Selection ids shown as the 1 / X / 2 columns (null = no such outcome, e.g. no draw). */
  home: string | null
  draw: string | null
  away: string | null
}

/** Row cache: keeps a row object while its inputs are the same objects, so memoized rows skip rendering. */
export type RowCache<R> = Map<string, { deps: unknown[]; row: R }>

function cached<R>(cache: RowCache<R>, id: string, deps: unknown[], build: () => R): R {
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

/** Splits a main market's selections into 1 / X / 2: three outcomes are home/draw/away; two are home/away. */
export function outcomeColumns(ids: readonly string[]): Pick<EventRow, 'home' | 'draw' | 'away'> {
  if (ids.length >= 3) return { home: ids[0]!, draw: ids[1]!, away: ids[2]! }
  return { home: ids[0] ?? null, draw: null, away: ids[1] ?? null }
}

/**
 * The event rows passing `include`, in state order (the table sorts them). `cache` keeps
 * unchanged rows identical across calls; pass the same map every time for one view.
 */
export function eventRows(
  entities: EntityState,
  mains: ReadonlyMap<string, MainMarket>,
  include: (e: Event) => boolean,
  cache: RowCache<EventRow>,
): EventRow[] {
  const rows: EventRow[] = []
  const seen = new Set<string>()
  for (const e of entities.event.values()) {
    if (!include(e)) continue
    const comp: Competition | undefined = entities.competition.get(e.competitionId)
    const sport = entities.sport.get(e.sportId)
    const main = mains.get(e.id)
    seen.add(e.id)
    rows.push(
      cached(cache, e.id, [e, comp, sport, main], () => ({
        id: e.id,
        source: e.source,
        event: e,
        competition: comp?.name ?? '',
        sport: sport?.name ?? '',
        marketId: main?.market.id ?? null,
        marketName: main?.market.name ?? '',
        ...outcomeColumns(main?.selectionIds ?? []),
      })),
    )
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id)
  return rows
}

/** Tennis view: events with a tennis score (Bet365 scoreboards) or of a tennis sport, not ended. */
export function isTennisEvent(e: Event, entities: EntityState): boolean {
  if (e.status === 'ended') return false
  if (isTennisScore(e.score)) return true
  const sport = entities.sport.get(e.sportId)
  return e.source === 'bet365' && sport !== undefined && sportKey(sport.name) === 'tennis'
}

/** One row of Hot outcomes. */
export interface HotRow {
  /** The selection id. */
  id: string
  source: Source
  eventId: string
  selection: string
  match: string
  market: string
  hotUsers: number
}

/** Selections that carry `hotUsers` (Winamax), for events passing `include`. */
export function hotRows(
  entities: EntityState,
  include: (e: Event) => boolean,
  cache: RowCache<HotRow>,
): HotRow[] {
  const rows: HotRow[] = []
  const seen = new Set<string>()
  for (const s of entities.selection.values()) {
    if (s.hotUsers === undefined || s.hotUsers === null) continue
    const e = entities.event.get(s.eventId)
    if (e === undefined || !include(e)) continue
    const m = entities.market.get(s.marketId)
    seen.add(s.id)
    rows.push(
      cached(cache, s.id, [s.name, s.hotUsers, e.name, m?.name], () => ({
        id: s.id,
        source: s.source,
        eventId: e.id,
        selection: s.name,
        match: e.name,
        market: m?.name ?? '',
        hotUsers: s.hotUsers ?? 0,
      })),
    )
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id)
  return rows
}

/** Overround of a market from its selections' current decimal odds (null when partly unpriced). */
export function marketOverround(
  selections: ReadonlyMap<string, Selection>,
  ids: readonly (string | null)[],
): number | null {
  const odds: (number | null)[] = []
  for (const id of ids) {
    if (id === null) continue
    const s = selections.get(id)
    odds.push(s === undefined || s.suspended ? null : s.odds)
  }
  try {
    return overround(odds)
  } catch {
    return null
  }
}

/** One entry of the movers panel. */
export interface Mover {
  selectionId: string
  /** Decimal odds at the window's start (or the first point seen inside it). */
  from: number
  /** Current decimal odds. */
  to: number
  /** Relative change (to − from) / from, e.g. 0.1 = +10 %. */
  change: number
}

/**
 * Ranks selections by the size of their relative price change over the last `windowMs`:
 * the price at the window's start is the last point at or before it, or else the first
 * point inside it. Unchanged selections are left out; at most `limit` are returned.
 */
export function biggestMovers(
  history: ReadonlyMap<string, readonly PricePoint[]>,
  now: number,
  windowMs: number,
  limit = 50,
  include: (selectionId: string) => boolean = () => true,
): Mover[] {
  const start = now - windowMs
  const out: Mover[] = []
  for (const [id, points] of history) {
    if (points.length < 2) continue
    const last = points[points.length - 1]!
    if (last[0] < start) continue
    let from: number | null = null
    for (const [ts, odds] of points) {
      if (ts <= start) from = odds
      else {
        from ??= odds
        break
      }
    }
    if (from === null || from === last[1] || from <= 0) continue
    if (!include(id)) continue
    out.push({ selectionId: id, from, to: last[1], change: (last[1] - from) / from })
  }
  out.sort(
    (a, b) => Math.abs(b.change) - Math.abs(a.change) || a.selectionId.localeCompare(b.selectionId),
  )
  return out.slice(0, limit)
}

/**
 * Whether a book's rows must be marked stale: its feed is stale, reconnecting or down, or
 * this page has lost its connection to the proxy (reconnecting or closed), in which case
 * nothing on screen is current whatever the last feed status said. `connecting` (before the
 * first snapshot, or the in-page bench feed) is not stale.
 */
export function rowIsStale(feed: FeedState | undefined, connection: ConnectionState): boolean {
  return (
    feed === 'stale' ||
    feed === 'reconnecting' ||
    feed === 'down' ||
    connection === 'reconnecting' ||
    connection === 'closed'
  )
}
