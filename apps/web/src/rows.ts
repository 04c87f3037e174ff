import {
  MARKET_OUTCOMES,
  isEventStale,
  outcomeLabel,
  type Competition,
  type EntityState,
  type Event,
  type FeedState,
  type Market,
  type MarketType,
  type Outcome,
  type PricePoint,
  type Selection,
  type Source,
  type SportKey,
} from '@oddsboard/model'
import type { ConnectionState } from './sync/relayClient'

/**
 * Derived rows of the views, as pure functions of the normalized state. Rows hold ids and
 * slow-moving facts (names, status); prices are read by the cells themselves, so an odds
 * tick re-renders only the cells it touches, and row order does not move with prices.
 */

/** An event's main market (`Market.main`) and all its selection ids. */
export interface MainMarket {
  market: Market
  /** Every selection id of the market, by `order` (the margin is computed over all of them). */
  selectionIds: string[]
  /** The market's selections by `order` (as they were when the index was built; names, outcomes). */
  selections: Selection[]
}

/**
 * Each event's main market: the one its book's normalizer flagged `main` (exactly one per
 * event that has markets, `@oddsboard/model` Market.main). Nothing is guessed from names: an
 * event with no main market has no entry. Rebuild only when markets or the `structure` of
 * selections change (prices are read by the cells).
 */
export function mainMarkets(entities: EntityState): Map<string, MainMarket> {
  const byEvent = new Map<string, Market>()
  for (const m of entities.market.values()) if (m.main) byEvent.set(m.eventId, m)
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
    out.set(eventId, { market, selectionIds: list.map((s) => s.id), selections: list })
  }
  return out
}

/** The three price columns of event views: home / 1 / over, draw / X / no goal, away / 2 / under. */
export type PriceSlot = 'home' | 'draw' | 'away'

/** The price column each canonical outcome goes to (an over/under's two prices sit left and right). */
export const OUTCOME_SLOT: Readonly<Record<Outcome, PriceSlot>> = {
  home: 'home',
  over: 'home',
  draw: 'draw',
  none: 'draw',
  away: 'away',
  under: 'away',
}

/** One price cell of an event row: the selection and what it stands for. */
export interface PriceCell {
  selectionId: string
  /** The outcome's label from `outcomeLabel` ("1", "Over 2.5", "Player 1", "No goal", or the name). */
  label: string
}

/** One event row of the Live matches, Tennis and Markets views. */
export interface EventRow {
  /** The event id (also the row id). */
  id: string
  source: Source
  event: Event
  competition: string
  /** The book's own sport name (e.g. "Soccer"). */
  sport: string
  /** Canonical sport (`Sport.key`); `other` when the sport is unknown. */
  sportKey: SportKey
  marketId: string | null
  marketName: string
  /** The main market's canonical type; null when the event has no main market. */
  marketType: MarketType | null
  /** Over/under or handicap line of the main market. */
  marketLine?: number
  /** Every selection id of the main market (margin, last change). */
  selectionIds: readonly string[]
  /** The price columns, placed by `Selection.outcome` (null = no such outcome, e.g. no draw). */
  home: PriceCell | null
  draw: PriceCell | null
  away: PriceCell | null
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

/**
 * Places a main market's selections in the three price columns by their canonical
 * `outcome` (home/over left, draw/no goal middle, away/under right), each with its label.
 * A market without outcomes (`other`) of two or three selections is laid out by `order`,
 * labelled with the selections' names; a larger one (and an `outright`) gets no columns:
 * a few of its runners under 1 / X / 2 would read as a match result.
 */
export function priceCells(
  main: MainMarket | undefined,
  sport: SportKey,
): Pick<EventRow, 'home' | 'draw' | 'away'> {
  const out: Pick<EventRow, 'home' | 'draw' | 'away'> = { home: null, draw: null, away: null }
  if (main === undefined) return out
  const { market, selections } = main
  const cell = (s: Selection): PriceCell => ({
    selectionId: s.id,
    label: outcomeLabel(market, s.outcome, sport, s.name),
  })
  if (MARKET_OUTCOMES[market.type].length > 0) {
    for (const s of selections) {
      if (s.outcome === undefined) continue
      const slot = OUTCOME_SLOT[s.outcome]
      if (out[slot] === null) out[slot] = cell(s)
    }
    return out
  }
  if (market.type === 'outright' || selections.length > 3 || selections.length < 2) return out
  out.home = cell(selections[0]!)
  if (selections.length === 3) out.draw = cell(selections[1]!)
  out.away = cell(selections[selections.length - 1]!)
  return out
}

/** True when an event's main market is an outright: such an event is not a match row. */
export function isOutright(main: MainMarket | undefined): boolean {
  return main?.market.type === 'outright'
}

/**
 * The event rows passing `include`, in state order (the table sorts them). Events whose main
 * market is an `outright` (e.g. Winamax "Coupe du Monde 2026") are left out: they are not
 * matches. `cache` keeps unchanged rows identical across calls; pass the same map every
 * time for one view.
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
    const main = mains.get(e.id)
    if (isOutright(main)) continue
    const comp: Competition | undefined = entities.competition.get(e.competitionId)
    const sport = entities.sport.get(e.sportId)
    seen.add(e.id)
    rows.push(
      cached(cache, e.id, [e, comp, sport, main], () => {
        const key = sport?.key ?? 'other'
        return {
          id: e.id,
          source: e.source,
          event: e,
          competition: comp?.name ?? '',
          sport: sport?.name ?? '',
          sportKey: key,
          marketId: main?.market.id ?? null,
          marketName: main?.market.name ?? '',
          marketType: main?.market.type ?? null,
          ...(main?.market.line !== undefined ? { marketLine: main.market.line } : {}),
          selectionIds: main?.selectionIds ?? [],
          ...priceCells(main, key),
        }
      }),
    )
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id)
  return rows
}

/**
 * Tennis view: events whose sport is tennis (`Sport.key`), from every book, not ended.
 * A tennis event without a tennis score (e.g. Kwiff) is still one.
 */
export function isTennisEvent(e: Event, entities: Pick<EntityState, 'sport'>): boolean {
  if (e.status === 'ended') return false
  return entities.sport.get(e.sportId)?.key === 'tennis'
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

/**
 * A match as every view writes it: "Home v Away" from the event's participants (a book's own
 * name may say "Home - Away"); an event with no opponent is its first participant, or its name.
 */
export function matchName(e: Pick<Event, 'name' | 'participants'>): string {
  const [a, b] = e.participants
  if (a === '' || a === undefined) return e.name
  return b === '' || b === undefined ? a : `${a} v ${b}`
}

/** Selections that carry `hotUsers` (Winamax), for events passing `include`; matches written "A v B". */
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
      cached(cache, s.id, [s.name, s.hotUsers, e.name, e.participants, m?.name], () => ({
        id: s.id,
        source: s.source,
        eventId: e.id,
        selection: s.name,
        match: matchName(e),
        market: m?.name ?? '',
        hotUsers: s.hotUsers ?? 0,
      })),
    )
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id)
  return rows
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
 * point inside it. Unchanged selections are left out, and those `include` refuses (it sees
 * the move); at most `limit` are returned.
 */
export function biggestMovers(
  history: ReadonlyMap<string, readonly PricePoint[]>,
  now: number,
  windowMs: number,
  limit = 50,
  include: (selectionId: string, mover: Mover) => boolean = () => true,
): Mover[] {
  const start = now - windowMs
  const out: Mover[] = []
  for (const [id, points] of history) {
    if (points.length < 2) continue
    const m = moverFigures(points, start)
    if (m === null || m.change === 0) continue
    const mover = { selectionId: id, ...m }
    if (!include(id, mover)) continue
    out.push(mover)
  }
  out.sort(
    (a, b) => Math.abs(b.change) - Math.abs(a.change) || a.selectionId.localeCompare(b.selectionId),
  )
  return out.slice(0, limit)
}

/** A move's figures from one price history: both prices and the change come from the same points. */
export interface MoverFigures {
  /** Decimal odds at `start`: the last point at or before it, else the first point after it. */
  from: number
  /** Decimal odds of the history's last point (the price now, or the last price before a suspension). */
  to: number
  /** Epoch ms of that last point. */
  toTs: number
  /** Relative change (to − from) / from, e.g. 4.50 → 3.50 is −0.2222. */
  change: number
}

/**
 * The move of one selection since `start` (epoch ms), read from its price history
 * (`[epoch ms, decimal odds]`, oldest first). Null when the history is empty, ends before
 * `start` (nothing moved in the window) or starts from a non-positive price. The Movers
 * view renders From, Now and Change from this one result, so the three always agree.
 */
export function moverFigures(
  points: readonly PricePoint[] | undefined,
  start: number,
): MoverFigures | null {
  if (points === undefined || points.length === 0) return null
  const last = points[points.length - 1]!
  if (last[0] < start) return null
  let from: number | null = null
  for (const [ts, odds] of points) {
    if (ts <= start) from = odds
    else {
      from ??= odds
      break
    }
  }
  if (from === null || from <= 0) return null
  return { from, to: last[1], toTs: last[0], change: (last[1] - from) / from }
}

/**
 * Decimal odds above which a price says the match is as good as decided (tennis books quote
 * a beaten player at 101.00 in the last games): a move to or from such a price is not a
 * market move a trader wants ranked, and it would fill the list with finishing matches.
 */
export const MOVER_PRICE_CEILING = 50

/** Why a selection is left out of Movers, or null when it is ranked. */
export type MoverLeftOut = 'ceiling' | 'suspended' | 'settled' | null

/**
 * The Movers rule: a move is ranked only while it is a market move. Left out: a price above
 * {@link MOVER_PRICE_CEILING} at either end (`ceiling`), a suspended selection, market or
 * event (`suspended`: there is no current price to compare), an ended event (`settled`).
 */
export function moverLeftOut(
  m: Pick<Mover, 'from' | 'to'>,
  sel: Pick<Selection, 'suspended'> | undefined,
  market: Pick<Market, 'suspended'> | undefined,
  event: Pick<Event, 'status'> | undefined,
): MoverLeftOut {
  if (event === undefined || event.status === 'ended') return 'settled'
  if (sel?.suspended || market?.suspended || event.status === 'suspended') return 'suspended'
  if (m.from > MOVER_PRICE_CEILING || m.to > MOVER_PRICE_CEILING) return 'ceiling'
  return null
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

/**
 * Epoch ms of the newest `updatedAt` among each event's selections (every market), by
 * event id. One pass over the selections.
 */
export function newestSelectionUpdates(
  selections: ReadonlyMap<string, Selection>,
): Map<string, number> {
  const out = new Map<string, number>()
  for (const s of selections.values()) {
    const cur = out.get(s.eventId)
    if (cur === undefined || s.updatedAt > cur) out.set(s.eventId, s.updatedAt)
  }
  return out
}

/**
 * How long a live event has gone without any upstream change at `now` (epoch ms), in ms,
 * when that is longer than its book's cadence (`isEventStale`, `EVENT_STALE_AFTER_MS`); null
 * while it is fresh, or when it is not live. `lastSelectionAt` is the newest `updatedAt` of
 * its selections.
 */
export function eventStaleFor(
  event: Event,
  now: number,
  lastSelectionAt: number | undefined,
): number | null {
  if (!isEventStale(event, now, lastSelectionAt)) return null
  return now - Math.max(event.updatedAt, lastSelectionAt ?? 0)
}

/** The badge text of a stale event: "no update 3m" (whole minutes, at least 1; short enough for the Changed column). */
export function staleLabel(ms: number): string {
  return `no update ${Math.max(1, Math.floor(ms / 60_000))}m`
}
