import { useSyncExternalStore } from 'react'

/**
 * The dashboard's one clock: a single 1 s interval shared by everything that changes with
 * time on screen (match clocks, "12s ago" ages, per-row freshness), never a timer per row.
 * It runs only while something listens. Components read it through {@link useNow} with a
 * selector, so a tick re-renders only those whose selected text or flag changed.
 */

/**
 * The proxy's clock minus this browser's, in ms. Every time on the wire (`updatedAt`, a
 * clock's `at`, a delta's `ts`) is the proxy's, so ages, running clocks and freshness are
 * computed on the proxy's clock: a browser whose own clock is minutes off still shows the
 * right ages and never marks every live row as not updated.
 */
let serverOffset = 0
let offsetKnown = false

/**
 * Takes the proxy's clock from the first delta of a connection: `ts` is when the proxy
 * published it (epoch ms, proxy clock), received at `receivedAt` (browser clock), so the
 * estimate is off by the delivery latency only (a few ms on a working connection). Fixed for
 * the connection's life, so a pause in the tab or a slow delta does not move it.
 */
export function observeServerTime(ts: number, receivedAt: number = Date.now()): void {
  if (offsetKnown || !Number.isFinite(ts)) return
  serverOffset = ts - receivedAt
  offsetKnown = true
}

/** Forgets the estimate: a new connection (snapshot or resume) measures it again. */
export function resetServerTime(): void {
  offsetKnown = false
}

/** Now on the proxy's clock, epoch ms (this browser's clock until a delta has been seen). */
export function serverNow(): number {
  return Date.now() + serverOffset
}

let now = serverNow()
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | null = null

function tick(): void {
  now = serverNow()
  for (const l of listeners) l()
}

/** Adds a listener called on every tick (about once a second); returns the unsubscribe function. */
export function subscribeTicker(listener: () => void): () => void {
  listeners.add(listener)
  if (timer === null) {
    now = serverNow()
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
