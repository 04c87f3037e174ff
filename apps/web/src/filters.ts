import {
  SPORT_LABELS,
  type EntityState,
  type Event,
  type SportKey,
  type Source,
} from '@oddsboard/model'
import type { UrlState } from './state/url'

/**
 * Event filters from the URL state, as pure functions of the normalized state. Sports are
 * matched by their canonical `Sport.key`, set by each book's normalizer (never by name).
 */

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
  entities: Pick<EntityState, 'sport'>,
  parts: FilterParts = {},
): (e: Event) => boolean {
  const sports = new Set<string>(s.sports)
  const comps = new Set(s.comps)
  const books = new Set<string>(s.books)
  const words = fold(s.q)
    .split(/\s+/)
    .filter((w) => w !== '')
  const sportKeys = new Map<string, SportKey>()
  for (const sp of entities.sport.values()) sportKeys.set(sp.id, sp.key)
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

/** One entry of the sport select. */
export interface SportOption {
  /** Canonical sport key (`Sport.key`). */
  key: SportKey
  /** Display name from {@link SPORT_LABELS}. */
  name: string
  /** Events matching the other filters (the sport filter left out). */
  count: number
}

/**
 * The canonical sports with their event counts under every filter but the sport filter,
 * most events first; selected sports are always listed (count may be 0).
 */
export function sportOptions(s: UrlState, entities: EntityState): SportOption[] {
  const match = eventFilter({ ...s, sports: [] }, entities)
  const counts = new Map<SportKey, number>()
  for (const e of entities.event.values()) {
    if (!match(e)) continue
    const k = entities.sport.get(e.sportId)?.key
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  for (const k of s.sports) if (!counts.has(k)) counts.set(k, 0)
  return [...counts]
    .map(([key, count]) => ({ key, name: SPORT_LABELS[key], count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
}
