import { SOURCES, isSportKey, type Source, type SportKey } from '@oddsboard/model'

/**
 * The URL part of the UI state: view, filters and display settings, so a view can be
 * bookmarked or shared. Pure: parse and format only (the store that holds it is `uiStore`).
 */

/** The dashboard's views, in keyboard order (keys 1–6). */
export const VIEWS = ['live', 'hot', 'tennis', 'markets', 'movers', 'compare'] as const
export type ViewId = (typeof VIEWS)[number]

/** Windows of the movers panel, minutes. */
export const MOVER_WINDOWS = [1, 5, 15] as const
export type MoverWindow = (typeof MOVER_WINDOWS)[number]

/** A sort on one column of the current view. */
export interface SortSpec {
  id: string
  desc: boolean
}

/**
 * Everything that is kept in the URL, so a view can be bookmarked or shared.
 * URL parameters: `view`, `sport` (comma list of sport keys), `comp` (comma list of
 * competition ids), `book` (comma list of sources), `q` (free text), `live=1`,
 * `odds=frac`, `window` (movers minutes), `sort` (`column:asc|desc`), `tz` (time zone); Compare
 * view: `event` (an event id whose row is scrolled to and highlighted), `stake` and `step`.
 */
export interface UrlState {
  view: ViewId
  /** Canonical sport keys (`Sport.key`, e.g. `football`); empty = all. */
  sports: SportKey[]
  /** Competition ids; empty = all. */
  comps: string[]
  books: Source[]
  /** Free text matched against team/player and event names. */
  q: string
  liveOnly: boolean
  /** Show fractional odds instead of decimal. */
  fractional: boolean
  window: MoverWindow
  /** Null = the view's default order. */
  sort: SortSpec | null
  /** Compare view: the event (any member's id) whose row is scrolled to and highlighted; null = none. */
  event: string | null
  /** Compare view: total stake to split over the outcomes, in currency units (> 0). */
  stake: number
  /** Compare view: each stake is rounded to a multiple of this, in currency units (whole cents, > 0). */
  step: number
  /**
   * Time zone every time on screen is shown in: an IANA name accepted by `Intl`
   * (`UTC`, `Europe/London`, …), or null for the browser's own zone (URL `tz`).
   */
  tz: string | null
}

/** Steps offered for rounding stakes (currency units). */
export const STAKE_STEPS = [0.01, 0.1, 0.5, 1, 5, 10] as const

/** Largest total stake accepted in the URL (currency units). */
export const MAX_STAKE = 1_000_000

/** The defaults: Live matches, no filters, decimal odds, 5-minute movers. */
export const DEFAULT_URL_STATE: UrlState = {
  view: 'live',
  sports: [],
  comps: [],
  books: [],
  q: '',
  liveOnly: false,
  fractional: false,
  window: 5,
  sort: null,
  event: null,
  stake: 100,
  step: 1,
  tz: null,
}

const list = (v: string | null): string[] =>
  v === null
    ? []
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')

/** Reads the URL state from a query string (`location.search`); unknown values fall back to defaults. */
export function parseUrlState(search: string): UrlState {
  const p = new URLSearchParams(search)
  const view = p.get('view')
  const window = Number(p.get('window'))
  const sortRaw = p.get('sort')
  let sort: SortSpec | null = null
  if (sortRaw !== null) {
    const m = /^([\w-]+):(asc|desc)$/.exec(sortRaw)
    if (m !== null) sort = { id: m[1]!, desc: m[2] === 'desc' }
  }
  return {
    view: (VIEWS as readonly string[]).includes(view ?? '') ? (view as ViewId) : 'live',
    // Only canonical keys: an old or mistyped key would otherwise filter everything out.
    sports: list(p.get('sport')).filter(isSportKey),
    comps: list(p.get('comp')),
    books: list(p.get('book')).filter((b): b is Source =>
      (SOURCES as readonly string[]).includes(b),
    ),
    q: (p.get('q') ?? '').slice(0, 100),
    liveOnly: p.get('live') === '1',
    fractional: p.get('odds') === 'frac',
    window: (MOVER_WINDOWS as readonly number[]).includes(window) ? (window as MoverWindow) : 5,
    sort,
    event: p.get('event')?.slice(0, 200) || null,
    stake: parseStake(p.get('stake')) ?? DEFAULT_URL_STATE.stake,
    step: parseStep(p.get('step')) ?? DEFAULT_URL_STATE.step,
    tz: parseZone(p.get('tz')),
  }
}

/** A time zone from the URL: an IANA name `Intl` knows (e.g. `Europe/Paris`, `UTC`), else null (local). */
export function parseZone(text: string | null): string | null {
  if (text === null || text === '' || text.length > 64) return null
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: text }).resolvedOptions().timeZone
  } catch {
    return null
  }
}

/** A total stake typed by the user (`"250"`, `"12.5"`): a positive number of at most {@link MAX_STAKE}, to the cent; else null. */
export function parseStake(text: string | null): number | null {
  if (text === null) return null
  const t = text.trim().replace(',', '.')
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null
  const v = Number(t)
  return v > 0 && v <= MAX_STAKE ? v : null
}

/** A rounding step: a positive whole number of cents, at most 1,000; else null. */
export function parseStep(text: string | null): number | null {
  if (text === null) return null
  const t = text.trim().replace(',', '.')
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null
  const v = Number(t)
  return v > 0 && v <= 1000 ? v : null
}

/**
 * Writes the URL state as a query string (without `?`), leaving out defaults so a plain
 * dashboard has a plain URL. Parameters other than ours (e.g. `bench`) are kept from `keep`.
 */
export function formatUrlState(s: UrlState, keep = ''): string {
  const p = new URLSearchParams(keep)
  for (const k of [
    'view',
    'sport',
    'comp',
    'book',
    'q',
    'live',
    'odds',
    'window',
    'sort',
    'event',
    'stake',
    'step',
    'tz',
  ])
    p.delete(k)
  if (s.view !== 'live') p.set('view', s.view)
  if (s.sports.length > 0) p.set('sport', s.sports.join(','))
  if (s.comps.length > 0) p.set('comp', s.comps.join(','))
  if (s.books.length > 0) p.set('book', s.books.join(','))
  if (s.q !== '') p.set('q', s.q)
  if (s.liveOnly) p.set('live', '1')
  if (s.fractional) p.set('odds', 'frac')
  if (s.window !== 5) p.set('window', String(s.window))
  if (s.sort !== null) p.set('sort', `${s.sort.id}:${s.sort.desc ? 'desc' : 'asc'}`)
  if (s.event !== null) p.set('event', s.event)
  if (s.stake !== DEFAULT_URL_STATE.stake) p.set('stake', String(s.stake))
  if (s.step !== DEFAULT_URL_STATE.step) p.set('step', String(s.step))
  if (s.tz !== null) p.set('tz', s.tz)
  return p.toString()
}

/** True when any filter (not view, odds format, window or sort) is set. */
export function hasFilters(s: UrlState): boolean {
  return s.sports.length > 0 || s.comps.length > 0 || s.books.length > 0 || s.q !== '' || s.liveOnly
}

/** The URL state with every filter cleared (view and display settings kept). */
export function clearFilters(s: UrlState): UrlState {
  return { ...s, sports: [], comps: [], books: [], q: '', liveOnly: false }
}
