import { formatScore, formatSets } from '../format'
import type { EventRow } from '../rows'
import { DataTable, type Column } from '../table/DataTable'
import { eventCols, eventIdOf, eventOfRow, renderEventDetail, useEventRows } from './common'

const columns: Column<EventRow>[] = [
  eventCols.pin,
  eventCols.book,
  eventCols.competition,
  eventCols.match,
  eventCols.status,
  {
    id: 'score',
    header: 'Score',
    // Room for three tennis sets a line ("6-4 6-7 3-2"); a fourth and fifth wrap below.
    width: 'var(--w-score, 84px)',
    align: 'right',
    descFirst: true,
    sortValue: (r) => {
      const sc = r.event.score
      if (sc === undefined) return undefined
      return 'sets' in sc ? sc.sets.length : sc.home + sc.away
    },
    cell: (r) => <ScoreText row={r} />,
  },
  eventCols.market,
  eventCols.home,
  eventCols.draw,
  eventCols.away,
  eventCols.margin,
  eventCols.updated,
]

function ScoreText({ row }: { row: EventRow }) {
  const s = row.event.score
  if (s === undefined) return null
  if ('sets' in s) {
    const text = formatScore(s)
    return (
      <span
        className={`num score score-sets${s.sets.length > 3 ? ' score-long' : ''}`}
        data-testid="score"
        title={`Games per set: ${text}`}
      >
        {formatSets(s).map((set, i) => (
          <span key={i} className="set">
            {set}
          </span>
        ))}
      </span>
    )
  }
  return (
    <span className="num score" data-testid="score">
      {s.home}–{s.away}
    </span>
  )
}

const all = () => true

/**
 * Live matches: every match (any book; outrights are not matches), live first, with its main
 * market: its type, and its prices placed by outcome (1 / X / 2 bare for a match result,
 * labelled "Over 2.5", "Player 1", "No goal"… otherwise), the margin over the whole market.
 */
export function LiveView() {
  const rows = useEventRows(all)
  return (
    <section className="view" data-testid="view-live">
      <DataTable
        view="live"
        rows={rows}
        columns={columns}
        defaultSort={{ id: 'status', desc: false }}
        eventOf={eventIdOf}
        eventOfRow={eventOfRow}
        detail={renderEventDetail}
        empty="No matches yet (waiting for the feeds), or nothing matches the filters."
      />
    </section>
  )
}
