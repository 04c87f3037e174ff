import { isTennisScore, type EntityState, type Event, type TennisScore } from '@oddsboard/model'
import { useMemo } from 'react'
import { isTennisEvent, type EventRow } from '../rows'
import { DataTable, type Column } from '../ui/DataTable'
import { eventCols, eventIdOf, priceOf, renderEventDetail, useEventRows } from './common'

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
  return (
    <div className={`pair num${current ? ' current-set' : ''}`} data-testid={`set-${n + 1}`}>
      <span className={set[0] > set[1] && !current ? 'won' : ''}>{set[0]}</span>
      <span className={set[1] > set[0] && !current ? 'won' : ''}>{set[1]}</span>
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

/** The view's columns with `sets` set columns (S1…Sn); prices are match-winner (money line) odds. */
function columnsFor(sets: number): Column<EventRow>[] {
  const setCols: Column<EventRow>[] = Array.from({ length: sets }, (_, n) => ({
    id: `s${n + 1}`,
    header: `S${n + 1}`,
    width: '38px',
    align: 'right' as const,
    title: `Games in set ${n + 1}`,
    cell: (r: EventRow) => <SetCell row={r} n={n} />,
  }))
  return [
    eventCols.pin,
    {
      id: 'players',
      header: 'Players',
      width: 'minmax(220px, 2fr)',
      sortValue: (r) => r.event.participants[0],
      cell: (r) => <Players row={r} />,
    },
    { ...eventCols.status, width: '96px' },
    ...setCols,
    {
      id: 'points',
      header: 'Pts',
      width: '46px',
      align: 'right',
      title: 'Points in the current game',
      cell: (r) => <PointsCell row={r} />,
    },
    {
      ...eventCols.home,
      header: 'Player 1',
      title: 'Match winner: first player',
      sortValue: (r) => priceOf(r.home),
    },
    { ...eventCols.away, header: 'Player 2', title: 'Match winner: second player' },
    eventCols.margin,
    eventCols.updated,
  ]
}

const groupOf = (r: EventRow) => r.competition || 'Other'

/** Tennis scoreboards (Bet365): one row per match, grouped by tournament; ended matches leave. */
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
        groupOf={groupOf}
        detail={renderEventDetail}
        rowHeight={48}
        empty="No live tennis matches match the filters."
      />
    </section>
  )
}
