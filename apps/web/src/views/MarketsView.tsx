import type { Event, MarketType } from '@oddsboard/model'
import { memo } from 'react'
import type { EventRow } from '../rows'
import { useBoard } from '../sync/store'
import { DataTable, type Column } from '../table/DataTable'
import {
  eventCols,
  eventIdOf,
  eventOfRow,
  outcomeCol,
  renderEventDetail,
  useEventRows,
} from './common'

/** Types whose outcomes the Home / Draw / Away headers name without a label. */
const HOME_DRAW_AWAY: ReadonlySet<MarketType> = new Set(['1x2', 'winner'])

const include = (e: Event) => e.source === 'kwiff' && e.status !== 'ended'

/**
 * Betting status of an event: Suspended when the event or its main market is suspended
 * (Kwiff `bettingStatus` 2, see @oddsboard/kwiff normalize), Open when its main market takes
 * bets, "–" when it has no main market.
 */
const BettingStatus = memo(function BettingStatus({ row }: { row: EventRow }) {
  const marketSuspended = useBoard((s) =>
    row.marketId === null ? null : (s.board.entities.market.get(row.marketId)?.suspended ?? null),
  )
  const suspended = row.event.status === 'suspended' || marketSuspended === true
  if (!suspended && marketSuspended === null) return <span className="muted">–</span>
  return (
    <span
      className={suspended ? 'betting susp' : 'betting open'}
      data-testid="betting-status"
      data-state={suspended ? 'suspended' : 'open'}
    >
      {suspended ? 'Suspended' : 'Open'}
    </span>
  )
})

const columns: Column<EventRow>[] = [
  eventCols.pin,
  { ...eventCols.status, header: 'Start', width: '110px' },
  eventCols.match,
  eventCols.market,
  outcomeCol('home', 'Home', 'Home / first player (or Over)', HOME_DRAW_AWAY),
  outcomeCol('draw', 'Draw', 'Draw (or No goal)', HOME_DRAW_AWAY),
  outcomeCol('away', 'Away', 'Away / second player (or Under)', HOME_DRAW_AWAY),
  eventCols.margin,
  { id: 'betting', header: 'Betting', width: '96px', cell: (r) => <BettingStatus row={r} /> },
  eventCols.updated,
]

const groupOf = (r: EventRow) => `${r.sport ? `${r.sport} · ` : ''}${r.competition || 'Other'}`

/** Kwiff markets: events grouped by competition, main market outcomes as columns. */
export function MarketsView() {
  const rows = useEventRows(include)
  return (
    <section className="view" data-testid="view-markets">
      <DataTable
        view="markets"
        rows={rows}
        columns={columns}
        defaultSort={{ id: 'status', desc: false }}
        eventOf={eventIdOf}
        eventOfRow={eventOfRow}
        groupOf={groupOf}
        detail={renderEventDetail}
        empty="No Kwiff markets match the filters."
      />
    </section>
  )
}
