import { useMemo, useRef } from 'react'
import { DEFAULT_URL_STATE, eventFilter } from '../filters'
import { hotRows, type HotRow, type RowCache } from '../rows'
import { useBoard } from '../store/store'
import { Age, BookTag, OddsCell, PinButton } from '../ui/cells'
import { DataTable, type Column } from '../ui/DataTable'
import { SelectionSummary } from '../ui/Sparkline'
import { useUi } from '../ui/uiStore'
import { ImpliedCell, priceOf } from './common'

function MoveAge({ id }: { id: string }) {
  const ts = useBoard((s) => s.board.moves.get(id)?.ts ?? null)
  return <Age ts={ts} />
}

const columns: Column<HotRow>[] = [
  {
    id: 'pin',
    header: '★',
    width: '34px',
    align: 'center',
    cell: (r) => <PinButton eventId={r.eventId} />,
  },
  {
    id: 'book',
    header: 'Book',
    width: '58px',
    sortValue: (r) => r.source,
    cell: (r) => <BookTag source={r.source} />,
  },
  {
    id: 'selection',
    header: 'Selection',
    width: 'minmax(150px, 1.4fr)',
    sortValue: (r) => r.selection,
    cell: (r) => (
      <span className="ellipsis strong" title={r.selection}>
        {r.selection}
      </span>
    ),
  },
  {
    id: 'match',
    header: 'Match',
    width: 'minmax(190px, 2fr)',
    sortValue: (r) => r.match,
    cell: (r) => (
      <span className="ellipsis" title={r.match} data-testid="match-name">
        {r.match}
      </span>
    ),
  },
  {
    id: 'market',
    header: 'Market',
    width: 'minmax(120px, 1fr)',
    sortValue: (r) => r.market,
    cell: (r) => (
      <span className="ellipsis muted" title={r.market}>
        {r.market}
      </span>
    ),
  },
  {
    id: 'odds',
    header: 'Odds',
    width: '100px',
    align: 'right',
    price: true,
    sortValue: (r) => priceOf(r.id),
    cell: (r) => <OddsCell id={r.id} />,
  },
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
  {
    id: 'updated',
    header: 'Changed',
    width: '78px',
    align: 'right',
    cell: (r) => <MoveAge id={r.id} />,
  },
]

const eventOf = (r: HotRow) => r.eventId
const detail = (r: HotRow) => (
  <div className="detail" data-testid="event-detail">
    <div className="detail-sels">
      <SelectionSummary selectionId={r.id} chartWidth={360} chartHeight={96} />
    </div>
  </div>
)

/** Hot outcomes (Winamax `hotUsers`): most-backed selections first. */
export function HotView() {
  const entities = useBoard((s) => s.board.entities)
  const selection = entities.selection
  const sports = useUi((s) => s.url.sports)
  const comps = useUi((s) => s.url.comps)
  const books = useUi((s) => s.url.books)
  const q = useUi((s) => s.url.q)
  const liveOnly = useUi((s) => s.url.liveOnly)
  const cache = useRef<RowCache<HotRow>>(new Map()).current
  const rows = useMemo(() => {
    const match = eventFilter({ ...DEFAULT_URL_STATE, sports, comps, books, q, liveOnly }, entities)
    return hotRows(entities, match, cache)
    // Rows change with hotUsers (selections) and names; prices are read by the cells.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selection, entities.event, entities.market, sports, comps, books, q, liveOnly, cache])
  return (
    <section className="view" data-testid="view-hot">
      <DataTable
        view="hot"
        rows={rows}
        columns={columns}
        defaultSort={{ id: 'hot', desc: true }}
        eventOf={eventOf}
        detail={detail}
        empty="No hot outcomes (Winamax) match the filters."
      />
    </section>
  )
}
