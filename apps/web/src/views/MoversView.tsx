import type { Event } from '@oddsboard/model'
import { serverNow } from '../state/ticker'
import { useEffect, useRef, useState } from 'react'
import { formatChange, formatOdds } from '../format'
import { biggestMovers } from '../rows'
import { setUrl, useUi } from '../state/uiStore'
import { MOVER_WINDOWS } from '../state/url'
import { useEventFilter } from '../state/useEventFilter'
import { boardStore, useBoard } from '../sync/store'
import { DataTable, type Column } from '../table/DataTable'
import { Sparkline } from '../ui/Sparkline'
import {
  renderSelectionDetail,
  selectionCols,
  selectionEventOf,
  type SelectionRowBase,
} from './common'

interface MoverRow extends SelectionRowBase {
  /** Price at the window's start, decimal odds. */
  from: number
  change: number
}

function FromOdds({ value }: { value: number }) {
  const fractional = useUi((s) => s.url.fractional)
  return <span className="num muted">{formatOdds(value, undefined, fractional)}</span>
}

const cols = selectionCols<MoverRow>()

const columns: Column<MoverRow>[] = [
  cols.pin,
  cols.book,
  cols.selection,
  cols.match,
  {
    id: 'from',
    header: 'From',
    width: '76px',
    align: 'right',
    sortValue: (r) => r.from,
    cell: (r) => <FromOdds value={r.from} />,
  },
  cols.price('now', 'Now'),
  {
    id: 'change',
    header: 'Change',
    width: '92px',
    align: 'right',
    descFirst: true,
    sortValue: (r) => Math.abs(r.change),
    cell: (r) => (
      <span className={`num change ${r.change > 0 ? 'up' : 'down'}`} data-testid="mover-change">
        {r.change > 0 ? '▲' : '▼'} {formatChange(r.change)}
      </span>
    ),
  },
  {
    id: 'chart',
    header: 'History',
    width: '136px',
    cell: (r) => <Sparkline selectionId={r.id} width={128} height={26} />,
  },
  cols.updated,
]

/** Ranks selections by relative price change over the window; refreshed every 2 s (not per tick). */
function computeMovers(windowMin: number, match: (e: Event) => boolean): MoverRow[] {
  const { board } = boardStore.getState()
  const entities = board.entities
  const movers = biggestMovers(board.history, serverNow(), windowMin * 60_000, 50, (id) => {
    const s = entities.selection.get(id)
    const e = s && entities.event.get(s.eventId)
    return e !== undefined && match(e)
  })
  return movers.map((m) => {
    const s = entities.selection.get(m.selectionId)!
    const e = entities.event.get(s.eventId)
    return {
      id: m.selectionId,
      source: s.source,
      eventId: s.eventId,
      selection: s.name,
      match: e?.name ?? '',
      market: entities.market.get(s.marketId)?.name ?? '',
      from: m.from,
      change: m.change,
    }
  })
}

/** Biggest movers over 1 / 5 / 15 minutes. */
export function MoversView() {
  const windowMin = useUi((s) => s.url.window)
  const match = useEventFilter()
  const snapshots = useBoard((s) => s.board.snapshots)
  const [rows, setRows] = useState<MoverRow[]>(() => computeMovers(windowMin, match))
  // The ranking is not refreshed while the pointer is on the list: rows never jump under it.
  const [paused, setPaused] = useState(false)
  const pausedRef = useRef(false)
  pausedRef.current = paused
  useEffect(() => {
    setRows(computeMovers(windowMin, match))
    const t = setInterval(() => {
      if (!pausedRef.current) setRows(computeMovers(windowMin, match))
    }, 2000)
    return () => clearInterval(t)
  }, [windowMin, match, snapshots])
  return (
    <section
      className="view"
      data-testid="view-movers"
      data-paused={paused ? '1' : undefined}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
    >
      <div className="view-toolbar">
        <span className="muted">Biggest price moves over the last</span>
        <div className="seg" role="group" aria-label="Window">
          {MOVER_WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              className={w === windowMin ? 'active' : ''}
              aria-pressed={w === windowMin}
              data-testid={`movers-window-${w}`}
              onClick={() => setUrl((u) => ({ ...u, window: w }))}
            >
              {w} min
            </button>
          ))}
        </div>
        <span className="muted">
          · % change from the price at the window's start ·{' '}
          {paused ? 'ranking paused while the pointer is on the list' : 'refreshed every 2 s'}
        </span>
      </div>
      <DataTable
        view="movers"
        rows={rows}
        columns={columns}
        defaultSort={null}
        eventOf={selectionEventOf}
        detail={renderSelectionDetail}
        empty="No price has moved in this window yet."
      />
    </section>
  )
}
