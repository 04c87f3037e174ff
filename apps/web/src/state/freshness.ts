import type { Event } from '@oddsboard/model'
import { eventStaleFor, newestSelectionUpdates, staleLabel } from '../rows'
import { boardStore } from '../sync/store'
import { useNow } from './ticker'

/**
 * Per-row freshness: whether a live event has had no upstream change (its own `updatedAt`
 * or any of its selections') for longer than its book's cadence. Read on the shared ticker;
 * the index of newest selection changes is rebuilt at most once per change of the selection
 * map, lazily, when a row asks (about once a second), not on every price tick.
 */

let indexedFrom: unknown = null
let index = new Map<string, number>()

function newestSelectionAt(eventId: string): number | undefined {
  const selections = boardStore.getState().board.entities.selection
  if (selections !== indexedFrom) {
    index = newestSelectionUpdates(selections)
    indexedFrom = selections
  }
  return index.get(eventId)
}

/**
 * The stale badge text of a live event ("no update 3m"), or null while it is fresh (or
 * when there is no event).
 * Re-renders its component only when that text changes.
 */
export function useEventStale(event: Event | undefined): string | null {
  return useNow((now) => {
    if (event === undefined) return null
    const ms = eventStaleFor(event, now, newestSelectionAt(event.id))
    return ms === null ? null : staleLabel(ms)
  })
}
