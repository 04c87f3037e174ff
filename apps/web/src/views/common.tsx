import {
  clockSeconds,
  formatClock,
  impliedProbability,
  marketMargin,
  type EntityState,
  type Event,
  type MarketType,
  type MatchClock,
  type Selection,
  type Source,
} from '@oddsboard/model'
import { memo, useLayoutEffect, useMemo, useRef } from 'react'
import { formatPercent, formatStart, kickoffPassed, zoneLabel } from '../format'
import { eventRows, mainMarkets, type EventRow, type PriceSlot, type RowCache } from '../rows'
import { subscribeTicker, serverNow, useNow } from '../state/ticker'
import { useUi } from '../state/uiStore'
import { useEventFilter } from '../state/useEventFilter'
import { RowTools } from '../export/RowTools'
import { lastChange } from '../sync/board'
import { boardStore, useBoard } from '../sync/store'
import type { Column } from '../table/DataTable'
import {
  Age,
  BookTag,
  LastChange,
  MarginCell,
  OddsCell,
  PinButton,
  PriceCellView,
} from '../ui/cells'
import { CompareLink, LinkPanel } from '../ui/CompareLink'
import { SelectionSummary } from '../ui/Sparkline'

/**
 * Filtered event rows for a view; `include` adds the view's own condition (e.g. tennis
 * only). Subscribes to every kind except selections: prices are read by the cells, and the
 * main-market index is rebuilt only when markets or the set of selections change.
 */
export function useEventRows(include: (e: Event, entities: EntityState) => boolean): EventRow[] {
  const sport = useBoard((s) => s.board.entities.sport)
  const competition = useBoard((s) => s.board.entities.competition)
  const event = useBoard((s) => s.board.entities.event)
  const market = useBoard((s) => s.board.entities.market)
  const structure = useBoard((s) => s.board.structure)
  const mains = useMemo(
    () => mainMarkets(boardStore.getState().board.entities),
    // `structure` changes when selections are added, removed or moved between markets.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [market, structure],
  )
  const match = useEventFilter()
  const cache = useRef<RowCache<EventRow>>(new Map()).current
  return useMemo(() => {
    const entities: EntityState = {
      sport,
      competition,
      event,
      market,
      selection: boardStore.getState().board.entities.selection,
      canonical: boardStore.getState().board.entities.canonical,
    }
    return eventRows(entities, mains, (e) => match(e) && include(e, entities), cache)
  }, [sport, competition, event, market, mains, match, include, cache])
}

/* Match clocks: one ticker listener repaints every mounted clock's text; React is not involved
   (the bench has thousands of running clocks, and a re-render each per second is not free). */

const clockSpans = new Map<HTMLElement, MatchClock>()
let stopClocks: (() => void) | null = null

function paintClock(el: HTMLElement, clock: MatchClock, now: number): void {
  const text = formatClock(clockSeconds(clock, now))
  if (el.textContent !== text) el.textContent = text
}

function paintClocks(): void {
  const now = serverNow()
  for (const [el, clock] of clockSpans) paintClock(el, clock, now)
}

/** A match clock, `mm:ss` from `clockSeconds`, ticking on the shared ticker while it runs. */
export const ClockText = memo(function ClockText({ clock }: { clock: MatchClock }) {
  const ref = useRef<HTMLSpanElement>(null)
  useLayoutEffect(() => {
    const el = ref.current
    if (el === null) return
    paintClock(el, clock, serverNow())
    if (!clock.running) return
    clockSpans.set(el, clock)
    stopClocks ??= subscribeTicker(paintClocks)
    return () => {
      clockSpans.delete(el)
      if (clockSpans.size === 0 && stopClocks !== null) {
        stopClocks()
        stopClocks = null
      }
    }
  }, [clock])
  return (
    <span
      ref={ref}
      className="clock num"
      data-testid="clock"
      data-running={clock.running ? '1' : '0'}
      title={clock.running ? 'Match clock (running)' : 'Match clock (stopped)'}
    />
  )
})

/**
 * Match status as a cell: LIVE with the ticking clock and the period where known (tennis:
 * its period only, the score says the rest), start time, suspended or ended.
 */
export const StatusCell = memo(function StatusCell({
  event,
  tennis,
}: {
  event: Event
  tennis: boolean
}) {
  if (event.status === 'live') {
    const period = event.clock?.period ?? event.period
    return (
      <span className="status status-live">
        <span className="live-dot">LIVE</span>
        {event.clock && !tennis ? <ClockText clock={event.clock} /> : null}
        {period ? (
          <span className="period ellipsis muted" data-testid="period" title={period}>
            {period}
          </span>
        ) : null}
      </span>
    )
  }
  if (event.status === 'suspended') return <span className="status status-susp">SUSP</span>
  if (event.status === 'ended') return <span className="status status-ended">ended</span>
  return <StartTime ts={event.startTime} />
})

/**
 * A not-yet-live event's kick-off, 24-hour in the chosen zone (URL `tz`): "18:45", or once
 * the time has passed (the book has not marked it live) "was 18:45", muted, so a passed
 * kick-off never reads as upcoming. The zone is named on hover and in the column header.
 */
export const StartTime = memo(function StartTime({ ts }: { ts: number | undefined }) {
  const tz = useUi((s) => s.url.tz)
  const passed = useNow((now) => kickoffPassed(ts, now))
  const text = formatStart(ts, serverNow(), tz)
  if (ts === undefined) return <span className="status status-pre muted">–</span>
  return (
    <span
      className={`status status-pre num${passed ? ' status-passed muted' : ''}`}
      data-testid="start-time"
      data-passed={passed ? '1' : undefined}
      title={
        passed
          ? `Kick-off ${text} (${zoneLabel(tz)}) has passed; the book has not marked the match live`
          : `Kick-off ${text} (${zoneLabel(tz)})`
      }
    >
      {passed ? `was ${text}` : text}
    </span>
  )
})

/** Implied probability (1 / decimal odds) of one selection. */
export const ImpliedCell = memo(function ImpliedCell({ id }: { id: string }) {
  const odds = useBoard((s) => s.board.entities.selection.get(id)?.odds ?? null)
  return (
    <span className="num" data-testid="implied" title="Implied probability = 1 / decimal odds">
      {odds === null ? '–' : formatPercent(impliedProbability(odds))}
    </span>
  )
})

/** Sort value of a price column: the selection's current decimal odds. */
export function priceOf(id: string | null): number | undefined {
  if (id === null) return undefined
  return boardStore.getState().board.entities.selection.get(id)?.odds ?? undefined
}

/** Epoch ms of the latest price move among `ids` (seen live or in the history), for sorting by "Changed". */
export function lastMoveTs(ids: readonly (string | null)[]): number | undefined {
  const { moves, history } = boardStore.getState().board
  let max: number | undefined
  for (const id of ids) {
    const t = id === null ? undefined : lastChange(moves.get(id), history.get(id))?.ts
    if (t !== undefined && (max === undefined || t > max)) max = t
  }
  return max
}

const statusRank = { live: 0, suspended: 1, prematch: 2, ended: 3 } as const

/** Sort value that puts live first, then by start time. */
export function statusSortValue(e: Event): number {
  return statusRank[e.status] * 1e13 + (e.startTime ?? 9e12)
}

/** The ☆ column: pins the row's event (`eventOf`) on top. */
function pinCol<R>(eventOf: (r: R) => string): Column<R> {
  return {
    id: 'pin',
    header: '★',
    width: '34px',
    align: 'center',
    title: 'Pinned favourites sit on top (f)',
    cell: (r) => <PinButton eventId={eventOf(r)} />,
  }
}

/** The book (source) tag column. */
function bookCol<R extends { source: Source }>(): Column<R> {
  return {
    id: 'book',
    header: 'Book',
    width: 'var(--w-book, 58px)',
    sortValue: (r) => r.source,
    cell: (r) => <BookTag source={r.source} />,
  }
}

/**
 * Short name of a row's main market for the Market column: its canonical type
 * ("Over/Under 2.5", "Next goal"), or for an `other` market the book's own name (e.g.
 * "Correct score"), since its type says nothing more.
 */
export function marketTypeText(
  r: Pick<EventRow, 'marketType' | 'marketLine' | 'marketName'>,
): string {
  const line = r.marketLine
  const signed = line === undefined ? '' : ` ${line > 0 ? '+' : ''}${line}`
  switch (r.marketType) {
    case '1x2':
      return '1X2'
    case 'winner':
      return 'Winner'
    case 'next-goal':
      return 'Next goal'
    case 'over-under':
      return line === undefined ? 'Over/Under' : `Over/Under ${line}`
    case 'handicap':
      return `Handicap${signed}`
    case 'outright':
      return 'Outright'
    case 'other':
      return r.marketName || 'Other'
    default:
      return '–'
  }
}

/** Sort value of a price column: the current decimal odds of the selection in that slot. */
function slotPrice(r: EventRow, slot: PriceSlot): number | undefined {
  return priceOf(r[slot]?.selectionId ?? null)
}

/**
 * One price column of event views, holding the selection whose `outcome` belongs to `slot`
 * (home/over, draw/no goal, away/under). Rows whose main market type is in `plain` show the
 * bare price (the header names it); every other row shows the outcome's label beside its
 * price, so an over/under price never reads as a "1".
 */
export function outcomeCol(
  slot: PriceSlot,
  header: string,
  title: string,
  plain: ReadonlySet<MarketType>,
): Column<EventRow> {
  return {
    id: slot,
    header,
    // 128 px from 1400 px wide, 112 px below (styles.css): room for "Under 2.5" and its price.
    width: 'var(--w-price, 112px)',
    align: 'right',
    price: true,
    title,
    sortValue: (r) => slotPrice(r, slot),
    cell: (r) => (
      <PriceCellView cell={r[slot]} showLabel={r.marketType === null || !plain.has(r.marketType)} />
    ),
  }
}

/** Margin of the whole main market at this moment, for sorting. */
function marginNow(r: EventRow): number | undefined {
  if (r.marketId === null) return undefined
  const { market, selection } = boardStore.getState().board.entities
  const m = market.get(r.marketId)
  if (m === undefined) return undefined
  const sels: Selection[] = []
  for (const id of r.selectionIds) {
    const sel = selection.get(id)
    if (sel !== undefined) sels.push(sel)
  }
  return marketMargin(m, sels) ?? undefined
}

const MATCH_RESULT: ReadonlySet<MarketType> = new Set(['1x2'])

/** Columns shared by event views. */
export const eventCols = {
  pin: pinCol<EventRow>((r) => r.id),
  book: bookCol<EventRow>(),
  competition: {
    id: 'competition',
    header: 'Competition',
    width: 'minmax(var(--w-comp-min, 104px), var(--w-text-1, 1.3fr))',
    sortValue: (r) => r.competition,
    cell: (r) => (
      <span className="ellipsis" title={`${r.sport} · ${r.competition}`}>
        {r.competition}
      </span>
    ),
  },
  match: {
    id: 'match',
    header: 'Match',
    width: 'minmax(var(--w-match-min, 180px), var(--w-text-2, 2fr))',
    sortValue: (r) => r.event.name,
    cell: (r) => (
      <span className="match-cell">
        <span className="match ellipsis" title={r.event.name} data-testid="match-name">
          {r.event.participants[1] === '' ? (
            // An event with no opponent: just its name.
            <span className="team">{r.event.participants[0]}</span>
          ) : (
            <>
              <span className="team">{r.event.participants[0]}</span>
              <span className="vs"> v </span>
              <span className="team">{r.event.participants[1]}</span>
            </>
          )}
        </span>
        <CompareLink eventId={r.id} />
      </span>
    ),
  },
  status: {
    id: 'status',
    header: 'Status',
    // Wider from 1400 px (styles.css), so the period ("2nd half") fits beside the clock.
    width: 'var(--w-status, 120px)',
    sortValue: (r) => statusSortValue(r.event),
    cell: (r) => <StatusCell event={r.event} tennis={r.sportKey === 'tennis'} />,
  },
  market: {
    id: 'market',
    header: 'Market',
    width: 'var(--w-market, 92px)',
    title: "Type of the main market the prices belong to (the book's own name on hover)",
    sortValue: (r) => marketTypeText(r),
    cell: (r) => (
      <span
        className={`market-type ellipsis${r.marketType === '1x2' ? ' muted' : ''}`}
        data-testid="market-type"
        data-type={r.marketType ?? undefined}
        title={r.marketName}
      >
        {marketTypeText(r)}
      </span>
    ),
  },
  home: outcomeCol(
    'home',
    'Home · 1',
    'Home (1), or Over for an over/under market; other outcomes are labelled in the cell',
    MATCH_RESULT,
  ),
  draw: outcomeCol(
    'draw',
    'Draw · X',
    'Draw (X), or No goal for a next-goal market; other outcomes are labelled in the cell',
    MATCH_RESULT,
  ),
  away: outcomeCol(
    'away',
    'Away · 2',
    'Away (2), or Under for an over/under market; other outcomes are labelled in the cell',
    MATCH_RESULT,
  ),
  margin: {
    id: 'margin',
    header: 'Margin',
    width: 'var(--w-margin, 64px)',
    align: 'right',
    title: 'Margin (overround) of the whole main market: Σ 1/odds − 1 over all its outcomes',
    price: true,
    sortValue: marginNow,
    cell: (r) => <MarginCell marketId={r.marketId} ids={r.selectionIds} />,
  },
  updated: {
    id: 'updated',
    header: 'Changed',
    width: 'var(--w-changed, 78px)',
    align: 'right',
    title: 'Age of the latest price change in the row',
    price: true,
    descFirst: true,
    sortValue: (r) => lastMoveTs(r.selectionIds),
    cell: (r) => <LastChange ids={r.selectionIds} />,
  },
} satisfies Record<string, Column<EventRow>>

/** The expanded row of an event: each outcome with implied probability, last change and price chart. */
export function EventDetail({ row }: { row: EventRow }) {
  const ids = [row.home, row.draw, row.away].filter((c) => c !== null).map((c) => c.selectionId)
  return (
    <div className="detail" data-testid="event-detail">
      <div className="detail-title">
        <span className="ellipsis">
          {row.marketName || 'Main market'}
          <span className="muted"> · {marketTypeText(row)}</span>
        </span>
        <span className="muted">
          margin <MarginCell marketId={row.marketId} ids={row.selectionIds} />
        </span>
      </div>
      <div className="detail-sels">
        {ids.length === 0 ? <span className="muted">No main market priced.</span> : null}
        {ids.map((id) => (
          <SelectionSummary key={id} selectionId={id} chartWidth={240} chartHeight={86} />
        ))}
        <LinkPanel event={row.event} />
        <RowTools eventId={row.id} selectionIds={ids} />
      </div>
    </div>
  )
}

/** Detail renderer for event tables (stable identity for memoized rows). */
export const renderEventDetail = (r: EventRow) => <EventDetail row={r} />

/** Event id of an event row (stable identity). */
export const eventIdOf = (r: EventRow) => r.id

/** The event of an event row, for per-row freshness (stable identity). */
export const eventOfRow = (r: EventRow) => r.event

/** What every row about one selection carries (Hot outcomes, Movers). */
export interface SelectionRowBase {
  /** The selection id. */
  id: string
  source: Source
  eventId: string
  selection: string
  match: string
  market: string
}

/** Age of a selection's last price change. */
function MoveAge({ id }: { id: string }) {
  const ts = useBoard((s) => lastChange(s.board.moves.get(id), s.board.history.get(id))?.ts ?? null)
  return <Age ts={ts} />
}

/** Columns shared by selection views, typed for the view's own row `R`. */
export function selectionCols<R extends SelectionRowBase>(): {
  pin: Column<R>
  book: Column<R>
  selection: Column<R>
  match: Column<R>
  /** The current price; `header` names it ("Odds", "Now"). */
  price: (id: string, header: string) => Column<R>
  updated: Column<R>
} {
  return {
    pin: pinCol<R>((r) => r.eventId),
    book: bookCol<R>(),
    selection: {
      id: 'selection',
      header: 'Selection',
      width: 'minmax(var(--w-sel-min, 140px), var(--w-text-1, 1.3fr))',
      sortValue: (r) => r.selection,
      cell: (r) => (
        <span className="ellipsis strong" title={r.selection}>
          {r.selection}
        </span>
      ),
    },
    match: {
      id: 'match',
      header: 'Match',
      width: 'minmax(var(--w-match-min, 180px), var(--w-text-2, 2fr))',
      sortValue: (r) => r.match,
      cell: (r) => (
        <span className="match-cell">
          <span className="ellipsis" title={`${r.match} · ${r.market}`} data-testid="match-name">
            {r.match}
          </span>
          <CompareLink eventId={r.eventId} />
        </span>
      ),
    },
    price: (id, header) => ({
      id,
      header,
      width: 'var(--w-odds, 100px)',
      align: 'right',
      price: true,
      sortValue: (r) => priceOf(r.id),
      cell: (r) => <OddsCell id={r.id} />,
    }),
    updated: {
      id: 'updated',
      header: 'Changed',
      width: 'var(--w-changed, 78px)',
      align: 'right',
      title: 'Age of the latest price change',
      price: true,
      descFirst: true,
      sortValue: (r) => lastMoveTs([r.id]),
      cell: (r) => <MoveAge id={r.id} />,
    },
  }
}

/** The expanded row of a selection: its summary and a larger price chart. */
export const renderSelectionDetail = (r: SelectionRowBase) => (
  <div className="detail" data-testid="event-detail">
    <div className="detail-sels">
      <SelectionSummary selectionId={r.id} chartWidth={360} chartHeight={96} />
      <RowTools eventId={r.eventId} selectionIds={[r.id]} selectionId={r.id} />
    </div>
  </div>
)

/** The event a selection row belongs to (for pins). */
export const selectionEventOf = (r: SelectionRowBase) => r.eventId
