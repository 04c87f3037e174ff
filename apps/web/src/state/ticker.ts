import { useSyncExternalStore } from 'react'

/**
 * The dashboard's one clock: a single 1 s interval shared by everything that changes with
 * time on screen (match clocks, "12s ago" ages, per-row freshness), never a timer per row.
 * It runs only while something listens. Components read it through {@link useNow} with a
 * selector, so a tick re-renders only those whose selected text or flag changed.
 */

let now = Date.now()
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | null = null

function tick(): void {
  now = Date.now()
  for (const l of listeners) l()
}

/** Adds a listener called on every tick (about once a second); returns the unsubscribe function. */
export function subscribeTicker(listener: () => void): () => void {
  listeners.add(listener)
  if (timer === null) {
    now = Date.now()
    timer = setInterval(tick, 1000)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer)
      timer = null
    }
  }
}

/** Epoch ms of the last tick (or of the ticker's start). */
export function tickerNow(): number {
  return now
}

/**
 * Subscribes a component to the ticker through `select(now)` (now in epoch ms); the
 * component re-renders only when the selected value changes (compare with `Object.is`, so
 * select a string, number, boolean or null).
 */
export function useNow<T>(select: (now: number) => T): T {
  return useSyncExternalStore(subscribeTicker, () => select(now))
}
