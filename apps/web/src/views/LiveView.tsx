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
    width: '56px',
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
  if ('sets' in s)
    return (
      <span className="num score" title="Games per set">
        {s.sets.map(([a, b]) => `${a}-${b}`).join(' ')}
      </span>
    )
  return (
    <span className="num score">
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
