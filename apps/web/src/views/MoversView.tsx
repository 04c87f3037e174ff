import type { Event, PricePoint } from '@oddsboard/model'
import { memo, useEffect, useRef, useState } from 'react'
import { formatChange, formatOdds, formatTime, zoneLabel } from '../format'
import {
  biggestMovers,
  matchName,
  moverFigures,
  moverLeftOut,
  MOVER_PRICE_CEILING,
  type MoverFigures,
} from '../rows'
import { serverNow } from '../state/ticker'
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
  /**
   * Start of the window when the ranking was made, epoch ms (hub time). From, Now and Change
   * are all read from the selection's price history against this same instant.
   */
  start: number
}

const EMPTY: readonly PricePoint[] = []

/** The row's figures from its current price history (one history, one instant: they agree). */
function useFigures(r: MoverRow): { figures: MoverFigures | null; suspended: boolean } {
  const points = useBoard((s) => s.board.history.get(r.id) ?? EMPTY)
  const suspended = useBoard((s) => {
    const sel = s.board.entities.selection.get(r.id)
    const m = sel && s.board.entities.market.get(sel.marketId)
    const e = sel && s.board.entities.event.get(sel.eventId)
    return (
      sel === undefined ||
      sel.suspended ||
      m?.suspended === true ||
      (e?.status !== 'live' && e?.status !== 'prematch')
    )
  })
  return { figures: moverFigures(points, r.start), suspended }
}

function figuresNow(r: MoverRow): MoverFigures | null {
  return moverFigures(boardStore.getState().board.history.get(r.id), r.start)
}

const FromOdds = memo(function FromOdds({ row }: { row: MoverRow }) {
  const fractional = useUi((s) => s.url.fractional)
  const { figures } = useFigures(row)
  return (
    <span className="num muted" data-testid="mover-from" data-value={figures?.from}>
      {figures === null ? '–' : formatOdds(figures.from, undefined, fractional, true)}
    </span>
  )
})

/**
 * The price now, from the same history point the change is computed to: ▲ green when the
 * change over the window is up, ▼ red when down (the sign of the change, not of the last
 * tick). A suspended price shows SUSP and its last price greyed.
 */
const NowOdds = memo(function NowOdds({ row }: { row: MoverRow }) {
  const fractional = useUi((s) => s.url.fractional)
  const { figures, suspended } = useFigures(row)
  if (figures === null) return <span className="odds odds-none">–</span>
  const text = formatOdds(figures.to, undefined, fractional, true)
  if (suspended)
    return (
      <span
        className="odds odds-suspended"
        data-testid="mover-now"
        data-value={figures.to}
        data-dir="none"
        data-suspended="1"
        title={`Suspended; last price ${text}`}
      >
        <span className="odds-value">SUSP</span> <span className="muted num">{text}</span>
      </span>
    )
  const dir = figures.change > 0 ? 'up' : 'down'
  return (
    <span
      className={`odds mover-now ${dir}`}
      data-testid="mover-now"
      data-value={figures.to}
      data-dir={dir}
      title={`${text}, from ${formatOdds(figures.from, undefined, fractional, true)}`}
    >
      <span className={`arrow ${dir}`} aria-label={dir}>
        {dir === 'up' ? '▲' : '▼'}
      </span>
      <span className="odds-value">{text}</span>
    </span>
  )
})

/** The change from From to Now, signed; greyed while the price is suspended. */
const ChangeCell = memo(function ChangeCell({ row }: { row: MoverRow }) {
  const { figures, suspended } = useFigures(row)
  if (figures === null) return <span className="muted">–</span>
  const dir = figures.change > 0 ? 'up' : 'down'
  return (
    <span
      className={`num change ${suspended ? 'muted' : dir}`}
      data-testid="mover-change"
      data-value={figures.change.toFixed(6)}
      data-suspended={suspended ? '1' : undefined}
      title={suspended ? 'Suspended: the change to its last price' : undefined}
    >
      {suspended ? '' : dir === 'up' ? '▲ ' : '▼ '}
      {formatChange(figures.change)}
    </span>
  )
})

const cols = selectionCols<MoverRow>()

const columns: Column<MoverRow>[] = [
  cols.pin,
  cols.book,
  cols.selection,
  cols.match,
  {
    id: 'from',
    header: 'From',
    width: '68px',
    align: 'right',
    title: "Price at the window's start",
    sortValue: (r) => figuresNow(r)?.from,
    cell: (r) => <FromOdds row={r} />,
  },
  {
    id: 'now',
    header: 'Now',
    width: '100px',
    align: 'right',
    price: true,
    title: 'Price now (its arrow and colour follow the change over the window)',
    sortValue: (r) => figuresNow(r)?.to,
    cell: (r) => <NowOdds row={r} />,
  },
  {
    id: 'change',
    header: 'Change',
    width: '88px',
    align: 'right',
    descFirst: true,
    price: true,
    title: '(Now − From) / From',
    sortValue: (r) => {
      const f = figuresNow(r)
      return f === null ? undefined : Math.abs(f.change)
    },
    cell: (r) => <ChangeCell row={r} />,
  },
  {
    id: 'chart',
    header: 'History',
    width: '136px',
    cell: (r) => <Sparkline selectionId={r.id} width={128} height={26} />,
  },
  cols.updated,
]

interface Ranking {
  rows: MoverRow[]
  /** Moves left out by the rule (ceiling, suspended, settled), for the note on screen. */
  leftOut: number
  /** Hub time of the ranking, epoch ms. */
  at: number
}

/** Ranks selections by relative price change over the window, leaving out what the rule says. */
function computeMovers(windowMin: number, match: (e: Event) => boolean): Ranking {
  const { board } = boardStore.getState()
  const entities = board.entities
  const now = serverNow()
  const start = now - windowMin * 60_000
  let leftOut = 0
  const movers = biggestMovers(board.history, now, windowMin * 60_000, 50, (id, m) => {
    const s = entities.selection.get(id)
    const e = s && entities.event.get(s.eventId)
    if (e === undefined || !match(e)) return false
    if (moverLeftOut(m, s, entities.market.get(s!.marketId), e) !== null) {
      leftOut++
      return false
    }
    return true
  })
  const rows = movers.map((m) => {
    const s = entities.selection.get(m.selectionId)!
    const e = entities.event.get(s.eventId)
    return {
      id: m.selectionId,
      source: s.source,
      eventId: s.eventId,
      selection: s.name,
      match: e === undefined ? '' : matchName(e),
      market: entities.market.get(s.marketId)?.name ?? '',
      start,
    }
  })
  return { rows, leftOut, at: now }
}

/** Biggest movers over 1 / 5 / 15 minutes. */
export function MoversView() {
  const windowMin = useUi((s) => s.url.window)
  const tz = useUi((s) => s.url.tz)
  const match = useEventFilter()
  const snapshots = useBoard((s) => s.board.snapshots)
  const [ranking, setRanking] = useState<Ranking>(() => computeMovers(windowMin, match))
  const rankingRef = useRef(ranking)
  rankingRef.current = ranking
  // The ranking is not refreshed while the pointer is on the list: rows never jump under it.
  const [paused, setPaused] = useState(false)
  const pausedRef = useRef(false)
  pausedRef.current = paused
  useEffect(() => {
    setRanking(computeMovers(windowMin, match))
    const t = setInterval(() => {
      if (!pausedRef.current) setRanking(computeMovers(windowMin, match))
    }, 2000)
    // While the list is empty (page just opened: the snapshot, then the proxy's history
    // arrive), rank again on every store change, once per frame, so moves the proxy already
    // holds show at once instead of after the next 2 s refresh.
    let frame = 0
    const unsub = boardStore.subscribe((s, prev) => {
      if (s.board === prev.board || rankingRef.current.rows.length > 0 || frame !== 0) return
      frame = requestAnimationFrame(() => {
        frame = 0
        if (rankingRef.current.rows.length === 0) setRanking(computeMovers(windowMin, match))
      })
    })
    return () => {
      clearInterval(t)
      unsub()
      if (frame !== 0) cancelAnimationFrame(frame)
    }
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
        <span className="muted" style={{ whiteSpace: 'nowrap' }}>
          Biggest price moves over the last
        </span>
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
        <span className="muted" data-testid="movers-note">
          · % change from the price at the window's start (
          {formatTime(ranking.rows[0]?.start ?? ranking.at - windowMin * 60_000, tz)}{' '}
          {zoneLabel(tz)}) · left out: prices above {MOVER_PRICE_CEILING.toFixed(2)} (a decided
          match), suspended or ended
          {ranking.leftOut > 0 ? ` (${ranking.leftOut} now)` : ''} ·{' '}
          {paused
            ? 'ranking paused while the pointer is on the list'
            : 'ranking refreshed every 2 s'}
        </span>
      </div>
      <DataTable
        view="movers"
        rows={ranking.rows}
        columns={columns}
        defaultSort={null}
        eventOf={selectionEventOf}
        detail={renderSelectionDetail}
        empty="No price has moved in this window yet."
      />
    </section>
  )
}
