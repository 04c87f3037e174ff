import { useMemo, useRef } from 'react'
import { hotRows, type HotRow, type RowCache } from '../rows'
import { useEventFilter } from '../state/useEventFilter'
import { useBoard } from '../sync/store'
import { DataTable, type Column } from '../table/DataTable'
import {
  ImpliedCell,
  priceOf,
  renderSelectionDetail,
  selectionCols,
  selectionEventOf,
} from './common'

const cols = selectionCols<HotRow>()

const columns: Column<HotRow>[] = [
  cols.pin,
  cols.book,
  cols.selection,
  cols.match,
  {
    id: 'market',
    header: 'Market',
    width: 'minmax(120px, var(--w-text-3, 1fr))',
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
    width: '76px',
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
    width: '96px',
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
  cols.updated,
]

/** Hot outcomes (Winamax `hotUsers`): most-backed selections first. */
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
