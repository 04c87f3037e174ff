import {
  isTennisScore,
  type EntityState,
  type Event,
  type MarketType,
  type TennisScore,
} from '@oddsboard/model'
import { useMemo } from 'react'
import { isTennisEvent, type EventRow } from '../rows'
import { CompareLink } from '../ui/CompareLink'
import { DataTable, type Column } from '../table/DataTable'
import {
  eventCols,
  eventIdOf,
  eventOfRow,
  outcomeCol,
  renderEventDetail,
  useEventRows,
} from './common'

const MATCH_WINNER: ReadonlySet<MarketType> = new Set(['winner'])

const include = (e: Event, entities: EntityState) => isTennisEvent(e, entities)

function scoreOf(r: EventRow): TennisScore | null {
  return isTennisScore(r.event.score) ? r.event.score : null
}

/** Two players, one per line, with ● on the server. */
function Players({ row }: { row: EventRow }) {
  const score = scoreOf(row)
  return (
    <div className="players" data-testid="players">
      {[0, 1].map((i) => (
        <div key={i} className="player-line">
          <span
            className={`serve${score?.server === i ? ' serving' : ''}`}
            data-testid={score?.server === i ? 'serving' : undefined}
            title={score?.server === i ? 'Serving' : undefined}
            aria-label={score?.server === i ? 'serving' : undefined}
          >
            {score?.server === i ? '●' : ''}
          </span>
          <span className="ellipsis player" title={row.event.participants[i]}>
            {row.event.participants[i]}
          </span>
          {i === 0 ? <CompareLink eventId={row.id} /> : null}
        </div>
      ))}
    </div>
  )
}

/** Games of set `n` for both players; the current (last) set is highlighted. */
function SetCell({ row, n }: { row: EventRow; n: number }) {
  const score = scoreOf(row)
  const set = score?.sets[n]
  if (set === undefined) return <div className="pair muted" />
  const current = n === (score?.sets.length ?? 0) - 1
  // A completed tiebreak set: the loser's tiebreak points beside its games ("6⁵" under "7").
  const tb = score?.tiebreaks?.[n] ?? null
  const side = (i: 0 | 1) => {
    const won = set[i] > set[1 - i]! && !current
    return (
      <span className={won ? 'won' : ''}>
        {set[i]}
        {tb !== null && !won && !current ? (
          <sup className="tiebreak" data-testid="tiebreak" title={`Tiebreak lost ${tb} points`}>
            {tb}
          </sup>
        ) : null}
      </span>
    )
  }
  return (
    <div
      className={`pair num${current ? ' current-set' : ''}`}
      data-testid={`set-${n + 1}`}
      title={tb !== null ? `Set ${n + 1}: ${set[0]}-${set[1]}(${tb})` : undefined}
    >
      {side(0)}
      {side(1)}
    </div>
  )
}

/** Points of the current game for both players (`0/15/30/40/A`, or tiebreak digits). */
function PointsCell({ row }: { row: EventRow }) {
  const score = scoreOf(row)
  if (score === null) return <div className="pair muted" />
  return (
    <div className="pair num points" data-testid="points">
      <span>{score.points[0]}</span>
      <span>{score.points[1]}</span>
    </div>
  )
}

/**
 * The view's columns with `sets` set columns (S1…Sn). Prices are the main market's, placed by
 * outcome: a match-winner market shows bare prices under Player 1 / Player 2; any other
 * type (e.g. a set handicap) carries its label in the cell.
 */
function columnsFor(sets: number): Column<EventRow>[] {
  const setCols: Column<EventRow>[] = Array.from({ length: sets }, (_, n) => ({
    id: `s${n + 1}`,
    header: `S${n + 1}`,
    width: '40px',
    align: 'right' as const,
    title: `Games in set ${n + 1}`,
    cell: (r: EventRow) => <SetCell row={r} n={n} />,
  }))
  return [
    eventCols.pin,
    eventCols.book,
    {
      id: 'players',
      header: 'Players',
      // Capped from 1800 px (styles.css): the set scores stay beside the names.
      width: 'minmax(220px, var(--w-players, 2fr))',
      sortValue: (r) => r.event.participants[0],
      cell: (r) => <Players row={r} />,
    },
    { ...eventCols.status, width: '104px' },
    ...setCols,
    {
      id: 'points',
      header: 'Pts',
      width: '46px',
      align: 'right',
      title: 'Points in the current game',
      cell: (r) => <PointsCell row={r} />,
    },
    outcomeCol('home', 'Player 1', 'Match winner: first player', MATCH_WINNER),
    outcomeCol('away', 'Player 2', 'Match winner: second player', MATCH_WINNER),
    eventCols.margin,
    eventCols.updated,
  ]
}

const groupOf = (r: EventRow) => r.competition || 'Other'

/**
 * Tennis from every book (`Sport.key` = tennis): one row per match, grouped by tournament;
 * scoreboards where the book sends a score (Bet365), names and prices otherwise; ended
 * matches leave.
 */
export function TennisView() {
  const rows = useEventRows(include)
  const sets = useMemo(() => {
    let max = 3
    for (const r of rows) max = Math.max(max, Math.min(5, scoreOf(r)?.sets.length ?? 0))
    return max
  }, [rows])
  const columns = useMemo(() => columnsFor(sets), [sets])
  return (
    <section className="view" data-testid="view-tennis">
      <DataTable
        view="tennis"
        rows={rows}
        columns={columns}
        defaultSort={null}
        eventOf={eventIdOf}
        eventOfRow={eventOfRow}
        groupOf={groupOf}
        detail={renderEventDetail}
        rowHeight={48}
        empty="No live tennis matches match the filters."
      />
    </section>
  )
}
