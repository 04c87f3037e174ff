import { SOURCES, type EntityState, type Event, type Source } from '@oddsboard/model'

/** The dashboard's views, in keyboard order (keys 1–5). */
export const VIEWS = ['live', 'hot', 'tennis', 'markets', 'movers'] as const
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
 * `odds=frac`, `window` (movers minutes), `sort` (`column:asc|desc`).
 */
export interface UrlState {
  view: ViewId
  /** Sport keys (see {@link sportKey}); empty = all. */
  sports: string[]
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
}

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
    sports: list(p.get('sport')),
    comps: list(p.get('comp')),
    books: list(p.get('book')).filter((b): b is Source =>
      (SOURCES as readonly string[]).includes(b),
    ),
    q: (p.get('q') ?? '').slice(0, 100),
    liveOnly: p.get('live') === '1',
    fractional: p.get('odds') === 'frac',
    window: (MOVER_WINDOWS as readonly number[]).includes(window) ? (window as MoverWindow) : 5,
    sort,
  }
}

/**
 * Writes the URL state as a query string (without `?`), leaving out defaults so a plain
 * dashboard has a plain URL. Parameters other than ours (e.g. `bench`) are kept from `keep`.
 */
export function formatUrlState(s: UrlState, keep = ''): string {
  const p = new URLSearchParams(keep)
  for (const k of ['view', 'sport', 'comp', 'book', 'q', 'live', 'odds', 'window', 'sort'])
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

/**
 * A sport's key across books: its name lower-cased without accents, with the books'
 * synonyms folded ("Soccer" and "Football" are one sport).
 */
export function sportKey(name: string): string {
  const k = fold(name).trim()
  if (k === 'soccer') return 'football'
  return k
}

/** Lower case without diacritics, for matching typed text against upstream names. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
}

/** Which parts of the filter to apply (competition counts leave the competition filter out). */
export interface FilterParts {
  skipComps?: boolean
}

/**
 * Builds a predicate for events from the URL state: sport, competition, book, live-only
 * and free text (every word must occur in a participant's or the event's name, accents ignored).
 */
export function eventFilter(
  s: UrlState,
  entities: EntityState,
  parts: FilterParts = {},
): (e: Event) => boolean {
  const sports = new Set(s.sports)
  const comps = new Set(s.comps)
  const books = new Set<string>(s.books)
  const words = fold(s.q)
    .split(/\s+/)
    .filter((w) => w !== '')
  const sportKeys = new Map<string, string>()
  for (const sp of entities.sport.values()) sportKeys.set(sp.id, sportKey(sp.name))
  return (e) => {
    if (s.liveOnly && e.status !== 'live') return false
    if (books.size > 0 && !books.has(e.source)) return false
    if (sports.size > 0 && !sports.has(sportKeys.get(e.sportId) ?? '')) return false
    if (!parts.skipComps && comps.size > 0 && !comps.has(e.competitionId)) return false
    if (words.length > 0) {
      const hay = fold(`${e.participants[0]} ${e.participants[1]} ${e.name}`)
      for (const w of words) if (!hay.includes(w)) return false
    }
    return true
  }
}

/** One entry of the competition multi-select. */
export interface CompetitionOption {
  id: string
  name: string
  /** Country or region as the book names it (e.g. "Italie"), to tell same-named competitions apart. */
  region?: string
  source: Source
  /** Events matching the other filters. */
  count: number
}

/**
 * Competitions with the number of events that match every filter except the competition
 * filter, most events first; selected competitions are always listed (count may be 0).
 */
export function competitionOptions(s: UrlState, entities: EntityState): CompetitionOption[] {
  const match = eventFilter(s, entities, { skipComps: true })
  const counts = new Map<string, number>()
  for (const e of entities.event.values())
    if (match(e)) counts.set(e.competitionId, (counts.get(e.competitionId) ?? 0) + 1)
  for (const id of s.comps) if (!counts.has(id)) counts.set(id, 0)
  const out: CompetitionOption[] = []
  for (const [id, count] of counts) {
    const c = entities.competition.get(id)
    out.push({
      id,
      name: c?.name ?? id,
      ...(c?.region ? { region: c.region } : {}),
      source: c?.source ?? (id.split(':')[0] as Source),
      count,
    })
  }
  return out.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
}

/** One entry of the sport select: key, display name, event count (other filters applied, sport left out). */
export function sportOptions(
  s: UrlState,
  entities: EntityState,
): { key: string; name: string; count: number }[] {
  const match = eventFilter({ ...s, sports: [] }, entities)
  const names = new Map<string, string>()
  const bySport = new Map<string, string>()
  for (const sp of entities.sport.values()) {
    const k = sportKey(sp.name)
    bySport.set(sp.id, k)
    if (!names.has(k)) names.set(k, sp.name === 'Soccer' ? 'Football' : sp.name)
  }
  const counts = new Map<string, number>()
  for (const e of entities.event.values()) {
    if (!match(e)) continue
    const k = bySport.get(e.sportId)
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  for (const k of s.sports) if (!counts.has(k)) counts.set(k, 0)
  return [...counts]
    .map(([key, count]) => ({ key, name: names.get(key) ?? key, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
}
