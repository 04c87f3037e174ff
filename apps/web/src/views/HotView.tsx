import { memo, useMemo, useRef } from 'react'
import { hotRows, type HotRow, type RowCache } from '../rows'
import { useHotTrend } from '../state/hotTrend'
import { useEventFilter } from '../state/useEventFilter'
import { useBoard } from '../sync/store'
import { DataTable, type Column } from '../table/DataTable'
import {
  ImpliedCell,
  priceOf,
  renderSelectionDetail,
  selectionCols,
  selectionEventOf,
  StatusCell,
  statusSortValue,
} from './common'
import { boardStore } from '../sync/store'

const cols = selectionCols<HotRow>()

/** Kick-off time or live status (with the match clock) of the row's event. */
const HotStatus = memo(function HotStatus({ eventId }: { eventId: string }) {
  const event = useBoard((s) => s.board.entities.event.get(eventId))
  const tennis = useBoard((s) => {
    const e = s.board.entities.event.get(eventId)
    return e !== undefined && s.board.entities.sport.get(e.sportId)?.key === 'tennis'
  })
  if (event === undefined) return null
  return <StatusCell event={event} tennis={tennis} />
})

/** The change of `hotUsers` over the last `minutes`, ▲/▼ with its sign; "–" while not yet known. */
const HotTrendCell = memo(function HotTrendCell({ id, minutes }: { id: string; minutes: 1 | 5 }) {
  const d = useHotTrend(id, minutes * 60_000)
  if (d === null)
    return (
      <span
        className="num muted"
        data-testid={`hot-trend-${minutes}`}
        title={`Not known yet: this page has watched this outcome for less than ${minutes} min`}
      >
        –
      </span>
    )
  const cls = d > 0 ? 'up' : d < 0 ? 'down' : 'muted'
  return (
    <span
      className={`num hot-trend ${cls}`}
      data-testid={`hot-trend-${minutes}`}
      data-value={d}
      title={`Users holding it now minus ${minutes} min ago`}
    >
      {d > 0
        ? `▲ +${d.toLocaleString('en-GB')}`
        : d < 0
          ? `▼ −${(-d).toLocaleString('en-GB')}`
          : '0'}
    </span>
  )
})

const columns: Column<HotRow>[] = [
  cols.pin,
  cols.book,
  {
    id: 'status',
    header: 'Start',
    width: 'var(--w-status, 120px)',
    title: 'Kick-off time, or live with the match clock',
    sortValue: (r) => {
      const e = boardStore.getState().board.entities.event.get(r.eventId)
      return e === undefined ? undefined : statusSortValue(e)
    },
    cell: (r) => <HotStatus eventId={r.eventId} />,
  },
  cols.selection,
  cols.match,
  {
    id: 'market',
    header: 'Market',
    width: 'minmax(var(--w-mkt-min, 100px), var(--w-text-3, 1fr))',
    sortValue: (r) => r.market,
    cell: (r) => (
      <span className="ellipsis muted" title={r.market}>
        {r.market}
      </span>
    ),
  },
  cols.price('odds', 'Odds'),
  {
    id: 'implied',
    header: 'Implied',
    width: 'var(--w-implied, 68px)',
    align: 'right',
    price: true,
    title: 'Implied probability = 1 / decimal odds',
    sortValue: (r) => {
      const p = priceOf(r.id)
      return p === undefined ? undefined : 1 / p
    },
    cell: (r) => <ImpliedCell id={r.id} />,
  },
  {
    id: 'hot',
    header: 'Hot users',
    width: 'var(--w-hot, 84px)',
    align: 'right',
    descFirst: true,
    title: 'Winamax users holding this outcome in their bet slips',
    sortValue: (r) => r.hotUsers,
    cell: (r) => (
      <span className="num hot" data-testid="hot-users">
        {r.hotUsers.toLocaleString('en-GB')}
      </span>
    ),
  },
  {
    id: 'trend1',
    header: '1 min',
    width: 'var(--w-trend, 72px)',
    align: 'right',
    title: 'Change of hot users over the last minute (seen by this page)',
    cell: (r) => <HotTrendCell id={r.id} minutes={1} />,
  },
  {
    id: 'trend5',
    header: '5 min',
    width: 'var(--w-trend, 72px)',
    align: 'right',
    title: 'Change of hot users over the last 5 minutes (seen by this page)',
    cell: (r) => <HotTrendCell id={r.id} minutes={5} />,
  },
  cols.updated,
]

/** Hot outcomes (Winamax `hotUsers`): most-backed selections first, with their trend. */
export function HotView() {
  const entities = useBoard((s) => s.board.entities)
  const selection = entities.selection
  const match = useEventFilter()
  const cache = useRef<RowCache<HotRow>>(new Map()).current
  const rows = useMemo(
    () => hotRows(entities, match, cache),
    // Rows change with hotUsers (selections) and names; prices are read by the cells.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [selection, entities.event, entities.market, match, cache],
  )
  return (
    <section className="view" data-testid="view-hot">
      <div className="view-toolbar">
        <span className="muted">
          Winamax outcomes most held in bet slips · trend = change of hot users over 1 and 5
          minutes, from the updates this page has received since it opened (– until it has watched
          that long)
        </span>
      </div>
      <DataTable
        view="hot"
        rows={rows}
        columns={columns}
        defaultSort={{ id: 'hot', desc: true }}
        eventOf={selectionEventOf}
        detail={renderSelectionDetail}
        empty="No hot outcomes (Winamax) match the filters."
      />
    </section>
  )
}
