import type { Event } from '@oddsboard/model'
import { useMemo } from 'react'
import { eventFilter } from '../filters'
import { useBoard } from '../sync/store'
import { DEFAULT_URL_STATE } from './url'
import { useUi } from './uiStore'

/**
 * The one event filter of the dashboard: the URL's sport, competition, book, text and
 * live-only filters as a predicate over events, rebuilt only when one of those filters or
 * the set of sports changes (not on price ticks). Every view filters its rows with it.
 */
export function useEventFilter(): (e: Event) => boolean {
  const sports = useUi((s) => s.url.sports)
  const comps = useUi((s) => s.url.comps)
  const books = useUi((s) => s.url.books)
  const q = useUi((s) => s.url.q)
  const liveOnly = useUi((s) => s.url.liveOnly)
  const sport = useBoard((s) => s.board.entities.sport)
  return useMemo(() => {
    return eventFilter({ ...DEFAULT_URL_STATE, sports, comps, books, q, liveOnly }, { sport })
  }, [sport, sports, comps, books, q, liveOnly])
}
