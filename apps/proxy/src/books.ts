import type { BookAdapter } from '@oddsboard/feedkit'
import { bet365Adapter } from '@oddsboard/bet365'
import { kwiffAdapter } from '@oddsboard/kwiff'
import { winamaxAdapter } from '@oddsboard/winamax'

/**
 * Every book the proxy can run, in display order. Each package exports its own
 * `BookAdapter` (endpoint, settings schema, feed, simulator), so the proxy knows no book by
 * name: a fourth book is its package plus one line here (and its id in the model's `Source`).
 * Simulators are imported by their adapter only when started.
 */
export const BOOKS: readonly BookAdapter[] = [winamaxAdapter, bet365Adapter, kwiffAdapter]
