import type { FeedState, Source } from '@oddsboard/model'
import { impliedProbability } from '@oddsboard/model'
import { memo, useCallback, useLayoutEffect, useRef } from 'react'
import { formatAge, formatOdds, formatPercent } from '../format'
import { marketOverround, rowIsStale } from '../rows'
import { lastChange } from '../store/board'
import { useBoard } from '../store/store'
import { togglePin, uiStore, useUi } from './uiStore'

/* ---------- ages: one timer updates every mounted label's text, React is not involved ---------- */

const ageSpans = new Map<HTMLElement, number | null>()
let ageTimer: ReturnType<typeof setInterval> | null = null

function paintAge(el: HTMLElement, ts: number | null, now: number): void {
  const text = formatAge(ts, now)
  if (el.textContent !== text) el.textContent = text
}

function ensureAgeTimer(): void {
  if (ageTimer !== null) return
  ageTimer = setInterval(() => {
    const now = Date.now()
    for (const [el, ts] of ageSpans) paintAge(el, ts, now)
  }, 1000)
}

/** "12s ago" for `ts` (epoch ms), kept current by one shared 1 s timer. */
export const Age = memo(function Age({ ts, testId }: { ts: number | null; testId?: string }) {
  const ref = useRef<HTMLSpanElement>(null)
  useLayoutEffect(() => {
    const el = ref.current
    if (el === null) return
    ageSpans.set(el, ts)
    paintAge(el, ts, Date.now())
    ensureAgeTimer()
    return () => {
      ageSpans.delete(el)
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
export const OddsCell = memo(function OddsCell({ id }: { id: string | null }) {
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
  const text = formatOdds(sel.odds, sel.oddsText, fractional)
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
      {move !== undefined && (
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

/** A market's overround (margin) from its selections' current prices. */
export const OverroundCell = memo(function OverroundCell({
  ids,
}: {
  ids: readonly (string | null)[]
}) {
  const value = useBoard((s) => marketOverround(s.board.entities.selection, ids))
  return (
    <span
      className="overround"
      data-testid="overround"
      title="Overround: Σ 1/odds − 1 (bookmaker margin)"
    >
      {formatPercent(value)}
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
