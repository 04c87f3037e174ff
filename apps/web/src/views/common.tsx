import type { EntityState, Event, Source } from '@oddsboard/model'
import { impliedProbability } from '@oddsboard/model'
import { memo, useMemo, useRef } from 'react'
import { DEFAULT_URL_STATE, eventFilter } from '../filters'
import { formatPercent, formatStart } from '../format'
import { eventRows, mainMarkets, marketOverround, type EventRow, type RowCache } from '../rows'
import { lastChange } from '../store/board'
import { boardStore, useBoard } from '../store/store'
import { Age, BookTag, LastChange, OddsCell, OverroundCell, PinButton } from '../ui/cells'
import type { Column } from '../ui/DataTable'
import { SelectionSummary } from '../ui/Sparkline'
import { useUi } from '../ui/uiStore'

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
  const sports = useUi((s) => s.url.sports)
  const comps = useUi((s) => s.url.comps)
  const books = useUi((s) => s.url.books)
  const q = useUi((s) => s.url.q)
  const liveOnly = useUi((s) => s.url.liveOnly)
  const cache = useRef<RowCache<EventRow>>(new Map()).current
  return useMemo(() => {
    const entities: EntityState = {
      sport,
      competition,
      event,
      market,
      selection: boardStore.getState().board.entities.selection,
    }
    const match = eventFilter({ ...DEFAULT_URL_STATE, sports, comps, books, q, liveOnly }, entities)
    return eventRows(entities, mains, (e) => match(e) && include(e, entities), cache)
  }, [sport, competition, event, market, mains, sports, comps, books, q, liveOnly, include, cache])
}

/** Match status as a cell: LIVE + clock, start time, suspended or ended. */
export const StatusCell = memo(function StatusCell({ event }: { event: Event }) {
  if (event.status === 'live')
    return (
      <span className="status status-live">
        <span className="live-dot">LIVE</span>
        {event.clock ? <span className="clock num">{event.clock}</span> : null}
      </span>
    )
  if (event.status === 'suspended') return <span className="status status-susp">SUSP</span>
  if (event.status === 'ended') return <span className="status status-ended">ended</span>
  return <span className="status status-pre num">{formatStart(event.startTime, Date.now())}</span>
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
    width: '58px',
    sortValue: (r) => r.source,
    cell: (r) => <BookTag source={r.source} />,
  }
}

/** One outcome of the main market (1 / X / 2) as a price column. */
function outcomeCol(
  slot: 'home' | 'draw' | 'away',
  header: string,
  title: string,
): Column<EventRow> {
  return {
    id: slot,
    header,
    width: '100px',
    align: 'right',
    price: true,
    title,
    sortValue: (r) => priceOf(r[slot]),
    cell: (r) => <OddsCell id={r[slot]} />,
  }
}

/** Columns shared by event views. */
export const eventCols = {
  pin: pinCol<EventRow>((r) => r.id),
  book: bookCol<EventRow>(),
  competition: {
    id: 'competition',
    header: 'Competition',
    width: 'minmax(140px, var(--w-text-1, 1.3fr))',
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
    width: 'minmax(200px, var(--w-text-2, 2fr))',
    sortValue: (r) => r.event.name,
    cell: (r) => (
      <span className="match ellipsis" title={r.event.name} data-testid="match-name">
        {r.event.participants[1] === '' ? (
          // An outright (e.g. Winamax "Coupe du Monde 2026") has no opponent: just its name.
          <span className="team">{r.event.participants[0]}</span>
        ) : (
          <>
            <span className="team">{r.event.participants[0]}</span>
            <span className="vs"> v </span>
            <span className="team">{r.event.participants[1]}</span>
          </>
        )}
      </span>
    ),
  },
  status: {
    id: 'status',
    header: 'Status',
    width: '104px',
    sortValue: (r) => statusSortValue(r.event),
    cell: (r) => <StatusCell event={r.event} />,
  },
  home: outcomeCol('home', '1', 'Home / first outcome (decimal or fractional odds)'),
  draw: outcomeCol('draw', 'X', 'Draw'),
  away: outcomeCol('away', '2', 'Away / second outcome'),
  margin: {
    id: 'margin',
    header: 'Margin',
    width: '72px',
    align: 'right',
    title: 'Overround of the main market: Σ 1/odds − 1',
    price: true,
    sortValue: (r) =>
      marketOverround(boardStore.getState().board.entities.selection, [r.home, r.draw, r.away]) ??
      undefined,
    cell: (r) => <OverroundCell ids={[r.home, r.draw, r.away]} />,
  },
  updated: {
    id: 'updated',
    header: 'Changed',
    width: '78px',
    align: 'right',
    title: 'Age of the latest price change in the row',
    price: true,
    descFirst: true,
    sortValue: (r) => lastMoveTs([r.home, r.draw, r.away]),
    cell: (r) => <LastChange ids={[r.home, r.draw, r.away]} />,
  },
} satisfies Record<string, Column<EventRow>>

/** The expanded row of an event: each outcome with implied probability, last change and price chart. */
export function EventDetail({ row }: { row: EventRow }) {
  const ids = [row.home, row.draw, row.away].filter((x): x is string => x !== null)
  return (
    <div className="detail" data-testid="event-detail">
      <div className="detail-title">
        <span className="ellipsis">{row.marketName || 'Main market'}</span>
        <span className="muted">
          margin <OverroundCell ids={ids} />
        </span>
      </div>
      <div className="detail-sels">
        {ids.length === 0 ? <span className="muted">No main market priced.</span> : null}
        {ids.map((id) => (
          <SelectionSummary key={id} selectionId={id} chartWidth={240} chartHeight={86} />
        ))}
      </div>
    </div>
  )
}

/** Detail renderer for event tables (stable identity for memoized rows). */
export const renderEventDetail = (r: EventRow) => <EventDetail row={r} />

/** Event id of an event row (stable identity). */
export const eventIdOf = (r: EventRow) => r.id

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
      width: 'minmax(140px, var(--w-text-1, 1.3fr))',
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
      width: 'minmax(180px, var(--w-text-2, 2fr))',
      sortValue: (r) => r.match,
      cell: (r) => (
        <span className="ellipsis" title={`${r.match} · ${r.market}`} data-testid="match-name">
          {r.match}
        </span>
      ),
    },
    price: (id, header) => ({
      id,
      header,
      width: '100px',
      align: 'right',
      price: true,
      sortValue: (r) => priceOf(r.id),
      cell: (r) => <OddsCell id={r.id} />,
    }),
    updated: {
      id: 'updated',
      header: 'Changed',
      width: '78px',
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
    </div>
  </div>
)

/** The event a selection row belongs to (for pins). */
export const selectionEventOf = (r: SelectionRowBase) => r.eventId
