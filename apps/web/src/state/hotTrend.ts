import type { Selection } from '@oddsboard/model'
import { useStore } from 'zustand'
import { createStore } from 'zustand/vanilla'
import { boardStore } from '../sync/store'
import { serverNow } from './ticker'

/**
 * The trend of Winamax `hotUsers` (users holding an outcome in their bet slips) as this
 * browser has seen it: samples of each selection's count, taken from the relay's deltas
 * (the proxy keeps a price history, not a `hotUsers` one), so a trend needs the page to have
 * been open for its window; before that it is unknown ("–"), never guessed.
 */

/** One sample: [epoch ms (hub time), hotUsers]. */
export type HotSample = readonly [number, number]

/** How long samples are kept: the longest trend window (5 min) plus one minute. */
export const HOT_SAMPLE_KEEP_MS = 6 * 60_000

/**
 * Appends `value` at `ts` to `samples` when it differs from the last one (a count that did
 * not change needs no point: it holds until it changes), dropping samples older than
 * `keepMs` before `ts` except the newest of them (the value at the window's start).
 * Returns the same array when nothing changed. Pure.
 */
export function appendHotSample(
  samples: readonly HotSample[] | undefined,
  ts: number,
  value: number,
  keepMs = HOT_SAMPLE_KEEP_MS,
): readonly HotSample[] {
  if (samples === undefined || samples.length === 0) return [[ts, value]]
  if (samples[samples.length - 1]![1] === value) return samples
  let first = 0
  while (first + 1 < samples.length && samples[first + 1]![0] <= ts - keepMs) first++
  return [...samples.slice(first), [ts, value]]
}

/**
 * Change of `hotUsers` over the last `windowMs` at `now`: the last value minus the value at
 * `now − windowMs` (the last sample at or before it). Null when this browser has not been
 * watching the selection that long (its first sample is after the window's start), so a
 * trend is never made up from a partial window. Pure.
 */
export function hotTrend(
  samples: readonly HotSample[] | undefined,
  now: number,
  windowMs: number,
): number | null {
  if (samples === undefined || samples.length === 0) return null
  const start = now - windowMs
  if (samples[0]![0] > start) return null
  let then = samples[0]![1]
  for (const [ts, v] of samples) {
    if (ts <= start) then = v
    else break
  }
  return samples[samples.length - 1]![1] - then
}

interface TrendState {
  /** Samples per selection id; replaced (never mutated) per selection on change. */
  samples: Map<string, readonly HotSample[]>
  /** Bumped at each scan, so cells re-read their trend (the window start moves with time). */
  version: number
}

/** Store of the samples; cells select a trend from it. */
export const hotTrendStore = createStore<TrendState>(() => ({ samples: new Map(), version: 0 }))

const SCAN_EVERY_MS = 1000

/**
 * Samples every selection's `hotUsers` from the board store: at most once a second of hub
 * time, on a state change (so it follows the deltas; a background tab still records them),
 * with the hub's time (`serverNow`). Returns a stop function.
 */
export function startHotTrend(): () => void {
  let lastScan = -Infinity
  let lastSelections: ReadonlyMap<string, Selection> | null = null
  return boardStore.subscribe((s) => {
    const selections = s.board.entities.selection
    if (selections === lastSelections) return
    const now = serverNow()
    if (now - lastScan < SCAN_EVERY_MS) return
    lastScan = now
    lastSelections = selections
    const { samples } = hotTrendStore.getState()
    for (const sel of selections.values()) {
      if (sel.hotUsers === undefined || sel.hotUsers === null) continue
      const cur = samples.get(sel.id)
      const next = appendHotSample(cur, now, sel.hotUsers)
      if (next !== cur) samples.set(sel.id, next)
    }
    for (const id of samples.keys()) if (!selections.has(id)) samples.delete(id)
    hotTrendStore.setState((t) => ({ samples, version: t.version + 1 }))
  })
}

/** The `hotUsers` change of one selection over `windowMs`, or null while unknown. */
export function useHotTrend(selectionId: string, windowMs: number): number | null {
  return useStore(hotTrendStore, (t) => hotTrend(t.samples.get(selectionId), serverNow(), windowMs))
}
