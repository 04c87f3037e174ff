import type { PricePoint } from '@oddsboard/model'
import { serverNow } from '../state/ticker'
import { impliedProbability } from '@oddsboard/model'
import { memo, useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { formatOdds, formatPercent, formatTime, priceAxisWidth, zoneLabel } from '../format'
import { lastChange } from '../sync/board'
import { useBoard } from '../sync/store'
import { Age } from './cells'
import { useUi } from '../state/uiStore'

const EMPTY: readonly PricePoint[] = []

function toData(points: readonly PricePoint[]): uPlot.AlignedData {
  const xs = new Array<number>(points.length)
  const ys = new Array<number>(points.length)
  for (let i = 0; i < points.length; i++) {
    xs[i] = points[i]![0] / 1000
    ys[i] = points[i]![1]
  }
  // The current price holds until now: extend the last step to the present.
  const last = points[points.length - 1]
  const now = serverNow()
  if (last !== undefined && now > last[0]) {
    xs.push(now / 1000)
    ys.push(last[1])
  }
  return [xs, ys]
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim()
  return v === '' ? fallback : v
}

/**
 * A small price chart (uPlot) of one selection's recent history: decimal odds over time,
 * stepped (a price holds until it changes). `axes` adds time and price axes for the
 * expanded row.
 */
export const Sparkline = memo(function Sparkline({
  selectionId,
  width,
  height,
  axes = false,
}: {
  selectionId: string
  width: number
  height: number
  axes?: boolean
}) {
  const points = useBoard((s) => s.board.history.get(selectionId) ?? EMPTY)
  const el = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const theme = useUi((s) => s.effectiveTheme)
  const tz = useUi((s) => s.url.tz)
  const tzRef = useRef(tz)
  tzRef.current = tz

  useEffect(() => {
    if (el.current === null) return
    const stroke = cssVar('--chart-line', '#4dabf7')
    const grid = cssVar('--border', '#333')
    const text = cssVar('--muted', '#999')
    const axis = {
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      size: 36,
    }
    const u = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: axes, x: axes, y: false, points: { show: false } },
        scales: { x: { time: true } },
        axes: axes
          ? [
              {
                ...axis,
                size: 24,
                font: '10px system-ui',
                // 24-hour times in the chosen zone, as in the tables (uPlot's default is am/pm).
                values: (_u, vals) => vals.map((v) => formatTime(v * 1000, tzRef.current)),
              },
              {
                ...axis,
                font: '10px system-ui',
                values: (_u, vals) => vals.map((v) => v.toFixed(2)),
                // Sized to its labels: a fixed width clipped "11.00" to "1.00".
                size: (_u, values) => priceAxisWidth(values),
              },
            ]
          : [{ show: false }, { show: false }],
        series: [
          {},
          {
            stroke,
            width: 1.5,
            paths: uPlot.paths.stepped?.({ align: 1 }),
            points: { show: false },
          },
        ],
        padding: axes ? [6, 6, 0, 0] : [2, 2, 2, 2],
      },
      toData(EMPTY),
      el.current,
    )
    plot.current = u
    return () => {
      u.destroy()
      plot.current = null
    }
  }, [width, height, axes, theme, tz])

  useEffect(() => {
    plot.current?.setData(toData(points))
  }, [points, width, height, axes, theme, tz])

  return (
    <div
      className="sparkline"
      data-testid="sparkline"
      data-points={points.length}
      title={axes ? `Times in ${zoneLabel(tz)}` : undefined}
    >
      <div ref={el} />
    </div>
  )
})

/** Selection name, price, implied probability, last change and chart: the hover card and detail rows use it. */
export const SelectionSummary = memo(function SelectionSummary({
  selectionId,
  chartWidth,
  chartHeight,
}: {
  selectionId: string
  chartWidth: number
  chartHeight: number
}) {
  const sel = useBoard((s) => s.board.entities.selection.get(selectionId))
  const live = useBoard((s) => s.board.moves.get(selectionId))
  const points = useBoard((s) => s.board.history.get(selectionId))
  const move = lastChange(live, points)
  const fractional = useUi((s) => s.url.fractional)
  if (sel === undefined) return null
  return (
    <div className="sel-summary">
      <div className="sel-head">
        <span className="sel-name">{sel.name}</span>
        <span className="sel-odds num">{formatOdds(sel.odds, sel.oddsText, fractional)}</span>
      </div>
      <div className="sel-meta">
        <span data-testid="implied-probability" title="Implied probability = 1 / decimal odds">
          implied {sel.odds === null ? '–' : formatPercent(impliedProbability(sel.odds))}
        </span>
        {move !== undefined ? (
          <span className={move.dir === 1 ? 'up' : 'down'}>
            {move.dir === 1 ? '▲' : '▼'} from {formatOdds(move.prev, undefined, fractional)} ·{' '}
            <Age ts={move.ts} />
          </span>
        ) : (
          <span className="muted">no change seen</span>
        )}
      </div>
      <Sparkline selectionId={selectionId} width={chartWidth} height={chartHeight} axes />
    </div>
  )
})

/** The floating price card shown while the pointer rests on a price. */
export function HoverCard() {
  const hover = useUi((s) => s.hover)
  if (hover === null) return null
  const left = Math.min(hover.x, window.innerWidth - 300)
  const top = hover.y + 180 > window.innerHeight ? hover.y - 200 : hover.y + 6
  return (
    <div className="hover-card" style={{ left, top }} data-testid="hover-card">
      <SelectionSummary selectionId={hover.selectionId} chartWidth={260} chartHeight={110} />
    </div>
  )
}
