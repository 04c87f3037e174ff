import {
  RELAY_PROTOCOL,
  type Entity,
  type FeedState,
  type FeedStatus,
  type Op,
  type Outcome,
  type Selection,
} from '@oddsboard/model'
import { dispatchMessage } from './sync/store'

/**
 * The in-page benchmark feed (`/?bench=10000&virtual=1`): builds N synthetic football
 * events (one 1X2 main market each) and applies `rate` odds changes per second through the
 * same store path as relay deltas (one delta every 50 ms, like the relay's coalescing).
 * No proxy is needed. Counters are exposed on `window.__oddsboardBench`. URL parameters:
 * `bench` (rows), `rate` (changes/s, default 1000), `virtual=0` (all rows in the DOM),
 * `stale=1` (the bench book reports `stale`).
 */

const OUTCOMES: readonly Outcome[] = ['home', 'draw', 'away']

/** Synthetic entities: one sport, 60 competitions, `rows` events with 3 priced selections each. */
export function benchEntities(rows: number, random: () => number = Math.random): Entity[] {
  const out: Entity[] = [
    { kind: 'sport', id: 'winamax:bench', source: 'winamax', key: 'football', name: 'Football' },
  ]
  const comps = 60
  for (let c = 0; c < comps; c++)
    out.push({
      kind: 'competition',
      id: `winamax:bc${c}`,
      source: 'winamax',
      sportId: 'winamax:bench',
      name: `Bench League ${c + 1}`,
    })
  const now = Date.now()
  for (let i = 0; i < rows; i++) {
    const eventId = `winamax:be${i}`
    const live = i % 3 === 0
    out.push({
      kind: 'event',
      id: eventId,
      source: 'winamax',
      sportId: 'winamax:bench',
      competitionId: `winamax:bc${i % comps}`,
      name: `Home ${i} - Away ${i}`,
      participants: [`Home ${i}`, `Away ${i}`],
      startTime: now + (i % 500) * 60_000,
      status: live ? 'live' : 'prematch',
      updatedAt: now,
      ...(live
        ? {
            clock: { running: true, seconds: (i % 90) * 60, at: now, period: '2nd half' },
            score: { home: i % 4, away: i % 3 },
          }
        : {}),
    })
    out.push({
      kind: 'market',
      id: `winamax:bm${i}`,
      source: 'winamax',
      eventId,
      name: 'Match result',
      type: '1x2',
      suspended: false,
      main: true,
    })
    for (let o = 0; o < 3; o++)
      out.push({
        kind: 'selection',
        id: `winamax:bs${i}_${o}`,
        source: 'winamax',
        eventId,
        marketId: `winamax:bm${i}`,
        name: o === 0 ? `Home ${i}` : o === 1 ? 'Draw' : `Away ${i}`,
        order: o,
        outcome: OUTCOMES[o]!,
        updatedAt: now,
        odds: Math.round((1.3 + random() * 6) * 100) / 100,
        suspended: false,
      })
  }
  return out
}

/** Nudges a price by up to ±4 %, kept above 1.01, rounded to 2 decimals. */
export function nudge(odds: number, random: () => number = Math.random): number {
  const next = Math.round(odds * (1 + (random() - 0.5) * 0.08) * 100) / 100
  return next === odds ? Math.round((odds + 0.01) * 100) / 100 : Math.max(1.01, next)
}

declare global {
  interface Window {
    __oddsboardBench?: { rows: number; rate: number; changes: number; deltas: number }
  }
}

/** The bench book's feed status: live, or `stale` to show how stale rows look (`&stale=1`). */
function benchFeed(state: FeedState, rate: number): FeedStatus {
  return {
    source: 'winamax',
    state,
    lastMessageAt: Date.now(),
    reconnects: 0,
    messagesPerSec: rate / 20,
    messages: 0,
    badFrames: 0,
  }
}

/** Starts the generator; returns a stop function. `stale` marks the bench book stale (rows dimmed). */
export function startBench(rows: number, rate: number, stale = false): () => void {
  const entities = benchEntities(rows)
  const selections = entities.filter((e): e is Selection => e.kind === 'selection')
  const state: FeedState = stale ? 'stale' : 'live'
  let seq = 1
  dispatchMessage({
    type: 'snapshot',
    protocol: RELAY_PROTOCOL,
    epoch: 'bench',
    seq,
    entities,
    feeds: [benchFeed(state, rate)],
  })
  const feedTimer = setInterval(
    () => dispatchMessage({ type: 'feeds', feeds: [benchFeed(state, rate)] }),
    1000,
  )
  const stats = { rows, rate, changes: 0, deltas: 0 }
  window.__oddsboardBench = stats
  const tickMs = 50
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000))
  const timer = setInterval(() => {
    const ops: Op[] = []
    const ts = Date.now()
    for (let i = 0; i < perTick; i++) {
      const k = Math.floor(Math.random() * selections.length)
      const s = selections[k]!
      const next: Selection = { ...s, odds: nudge(s.odds ?? 2), updatedAt: ts }
      selections[k] = next
      // as the proxy sends a price change (relay protocol 4): a patch, updatedAt = the delta's ts
      ops.push({ op: 'patch', kind: 'selection', id: s.id, set: { odds: next.odds } })
    }
    seq++
    dispatchMessage({ type: 'delta', epoch: 'bench', seq, ts, ops })
    stats.changes += ops.length
    stats.deltas++
  }, tickMs)
  return () => {
    clearInterval(timer)
    clearInterval(feedTimer)
  }
}
