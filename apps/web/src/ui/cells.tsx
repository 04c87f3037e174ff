import type { FeedState, Selection, Source } from '@oddsboard/model'
import { impliedProbability, marketMargin } from '@oddsboard/model'
import { memo, useCallback, useLayoutEffect, useRef } from 'react'
import { formatAge, formatOdds, formatPercent } from '../format'
import { rowIsStale, type PriceCell } from '../rows'
import { subscribeTicker, serverNow } from '../state/ticker'
import { togglePin, uiStore, useUi } from '../state/uiStore'
import { lastChange } from '../sync/board'
import { useBoard } from '../sync/store'

/* ---------- ages: one ticker listener repaints every mounted label's text, React is not involved ---------- */

const ageSpans = new Map<HTMLElement, number | null>()
let stopAges: (() => void) | null = null

function paintAge(el: HTMLElement, ts: number | null, now: number): void {
  const text = formatAge(ts, now)
  if (el.textContent !== text) el.textContent = text
}

function paintAges(): void {
  const now = serverNow()
  for (const [el, ts] of ageSpans) paintAge(el, ts, now)
}

/** "12s ago" for `ts` (epoch ms), kept current by the shared ticker (state/ticker.ts). */
export const Age = memo(function Age({ ts, testId }: { ts: number | null; testId?: string }) {
  const ref = useRef<HTMLSpanElement>(null)
  useLayoutEffect(() => {
    const el = ref.current
    if (el === null) return
    ageSpans.set(el, ts)
    paintAge(el, ts, serverNow())
    stopAges ??= subscribeTicker(paintAges)
    return () => {
      ageSpans.delete(el)
      if (ageSpans.size === 0 && stopAges !== null) {
        stopAges()
        stopAges = null
      }
    }
  }, [ts])
  return <span ref={ref} className="age" data-testid={testId} />
})

/* ---------- odds ---------- */

/** True when a book's rows must be marked stale. */
export function isStaleState(state: FeedState | undefined): boolean {
  return state === 'stale' || state === 'down' || state === 'reconnecting'
}

/** Whether rows of `source` are stale (its feed is not live, or the page lost the proxy). */
export function useStale(source: Source): boolean {
  return useBoard((s) => rowIsStale(s.board.feeds[source]?.state, s.connection))
}

let hoverTimer: ReturnType<typeof setTimeout> | null = null

/**
 * One price: decimal or fractional, with a flash and ▲/▼ arrow when it changed (colour is
 * not the only cue), and on hover (after 250 ms) the price-history chart.
 * Re-renders only when this selection, its last move, or the odds format changes.
 */
export const OddsCell = memo(function OddsCell({
  id,
  precise = false,
}: {
  id: string | null
  /** Three decimals whenever two would round (prices of several books side by side). */
  precise?: boolean
}) {
  const sel = useBoard((s) => (id === null ? undefined : s.board.entities.selection.get(id)))
  const move = useBoard((s) => (id === null ? undefined : s.board.moves.get(id)))
  const fractional = useUi((s) => s.url.fractional)
  const showProb = useUi((s) => s.showProb)
  const onEnter = useCallback(
    (ev: React.MouseEvent<HTMLElement>) => {
      if (id === null) return
      const rect = ev.currentTarget.getBoundingClientRect()
      if (hoverTimer !== null) clearTimeout(hoverTimer)
      hoverTimer = setTimeout(
        () => uiStore.setState({ hover: { selectionId: id, x: rect.left, y: rect.bottom } }),
        250,
      )
    },
    [id],
  )
  const onLeave = useCallback(() => {
    if (hoverTimer !== null) clearTimeout(hoverTimer)
    hoverTimer = null
    if (uiStore.getState().hover !== null) uiStore.setState({ hover: null })
  }, [])
  if (id === null || sel === undefined) return <span className="odds odds-none">–</span>
  const text = formatOdds(sel.odds, sel.oddsText, fractional, precise)
  const dir = move === undefined ? 0 : move.dir
  const title =
    `${sel.name}: ${text}` +
    (move !== undefined ? ` (was ${formatOdds(move.prev, undefined, fractional)})` : '') +
    (sel.odds !== null ? ` · implied ${formatPercent(impliedProbability(sel.odds))}` : '')
  return (
    <span
      className={`odds${sel.suspended ? ' odds-suspended' : ''}`}
      data-testid="odds"
      data-selection={id}
      data-dir={dir === 1 ? 'up' : dir === -1 ? 'down' : 'none'}
      title={title}
      onMouseEnter={onEnter}
      onMouseLeave={onLeave}
    >
      {/* A suspended price does not flash: SUSP is not a move. */}
      {move !== undefined && !sel.suspended && (
        <span
          key={move.ts}
          className={`flash ${dir === 1 ? 'flash-up' : 'flash-down'}`}
          aria-hidden
        />
      )}
      {/* A suspended price has no current move to point at: no arrow beside SUSP. */}
      {move !== undefined && !sel.suspended && (
        <span
          key={`a${move.ts}`}
          className={`arrow ${dir === 1 ? 'up' : 'down'}`}
          aria-label={dir === 1 ? 'up' : 'down'}
        >
          {dir === 1 ? '▲' : '▼'}
        </span>
      )}
      <span className="odds-value">{sel.suspended ? 'SUSP' : text}</span>
      {showProb && sel.odds !== null && !sel.suspended && (
        <span className="prob" data-testid="implied">
          {formatPercent(impliedProbability(sel.odds), 0)}
        </span>
      )}
    </span>
  )
})

/** Age of the latest price change among `ids` (seen live, or in the price history). */
export const LastChange = memo(function LastChange({ ids }: { ids: readonly (string | null)[] }) {
  const ts = useBoard((s) => {
    let max: number | null = null
    for (const id of ids) {
      if (id === null) continue
      const m = lastChange(s.board.moves.get(id), s.board.history.get(id))
      if (m !== undefined && (max === null || m.ts > max)) max = m.ts
    }
    return max
  })
  return <Age ts={ts} />
})

/**
 * A market's margin (overround) over **all** its selections (`marketMargin`): "–" for an
 * outright or other market, or while part of it is suspended or unpriced.
 */
export const MarginCell = memo(function MarginCell({
  marketId,
  ids,
}: {
  marketId: string | null
  ids: readonly string[]
}) {
  const value = useBoard((s) => {
    const market = marketId === null ? undefined : s.board.entities.market.get(marketId)
    if (market === undefined) return null
    const sels: Selection[] = []
    for (const id of ids) {
      const sel = s.board.entities.selection.get(id)
      if (sel !== undefined) sels.push(sel)
    }
    return marketMargin(market, sels)
  })
  return (
    <span
      className="overround"
      data-testid="overround"
      data-value={value === null ? undefined : value.toFixed(6)}
      title="Margin (overround) of the whole market: Σ 1/odds − 1 over all its outcomes"
    >
      {formatPercent(value)}
    </span>
  )
})

/**
 * One price of an event row with what it stands for: the outcome label chip ("Over 2.5",
 * "Player 1", "No goal") before the price when the column header does not say it.
 */
export const PriceCellView = memo(function PriceCellView({
  cell,
  showLabel,
}: {
  cell: PriceCell | null
  showLabel: boolean
}) {
  if (cell === null) return <OddsCell id={null} />
  return (
    <span className="price-cell">
      {showLabel ? (
        <span className="outcome-label ellipsis" data-testid="outcome-label" title={cell.label}>
          {cell.label}
        </span>
      ) : null}
      <OddsCell id={cell.selectionId} />
    </span>
  )
})

/** The ☆/★ favourite toggle of an event. */
export const PinButton = memo(function PinButton({ eventId }: { eventId: string }) {
  const pinned = useUi((s) => s.pins.has(eventId))
  return (
    <button
      type="button"
      className={`pin${pinned ? ' pinned' : ''}`}
      data-testid="pin"
      aria-pressed={pinned}
      title={pinned ? 'Unpin (f)' : 'Pin on top (f)'}
      onClick={(e) => {
        e.stopPropagation()
        togglePin(eventId)
      }}
    >
      {pinned ? '★' : '☆'}
    </button>
  )
})

/** Book label with its short colour tag. */
export function BookTag({ source }: { source: Source }) {
  const label = source === 'winamax' ? 'WMX' : source === 'bet365' ? 'B365' : 'KWF'
  return (
    <span className={`book book-${source}`} title={source}>
      {label}
    </span>
  )
}
