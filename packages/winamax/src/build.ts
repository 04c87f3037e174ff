/**
 * Pure builders: one raw Winamax entity (plus what its parents say) → one normalized
 * entity, or null when it cannot be shown. No state, no clock: `now` (epoch ms) is only
 * the `updatedAt` a new event or selection would get; the derivation keeps the previous
 * value when nothing else changed.
 *
 * Mapping (shared/DESIGN.md, "Normalized model"):
 * - `sports[id]` → Sport `winamax:s<id>` (`sportName`; `key` from sports.ts);
 * - `tournaments[id]` → Competition `winamax:t<id>` (`tournamentName`; region = its
 *   category's `categoryName`);
 * - `matches[id]` → Event `winamax:m<id>` (competitor names, `status`, clock and period
 *   from clock.ts, `score` "h:a", `matchStart` in epoch seconds);
 * - `bets[id]` → Market `winamax:b<id>` (`betTitle`; type and line from markets.ts);
 * - `outcomes[id]` + `odds[id]` → Selection `winamax:o<id>` (`label`, decimal odds, `hotUsers`).
 * Winamax ids of different kinds can collide, hence the one-letter kind prefix.
 */
import type {
  Competition,
  Event,
  EventStatus,
  Market,
  Selection,
  SimpleScore,
  Sport,
} from '@oddsboard/model'
import { entityId } from '@oddsboard/model'
import type { RawEntity } from './codec'
import { matchClock, periodName } from './clock'
import type { BetKind } from './markets'
import { selectionOutcome } from './markets'
import { key } from './raw'
import { winamaxSportKey } from './sports'

/** Normalized ids of Winamax entities (kind-prefixed native ids, see the module comment). */
export const winamaxId = {
  sport: (id: string | number): string => entityId('winamax', `s${id}`),
  competition: (tournamentId: string | number): string => entityId('winamax', `t${tournamentId}`),
  event: (matchId: string | number): string => entityId('winamax', `m${matchId}`),
  market: (betId: string | number): string => entityId('winamax', `b${betId}`),
  selection: (outcomeId: string | number): string => entityId('winamax', `o${outcomeId}`),
}

// The same ids built in one concatenation, for the snapshot's hot loop (equal to winamaxId's).
const SPORT = 'winamax:s'
const TOURNAMENT = 'winamax:t'
const MATCH = 'winamax:m'
const BET = 'winamax:b'
const OUTCOME = 'winamax:o'

/**
 * Event status from a match's fields. `status` is `PREMATCH` or `LIVE` in the capture
 * (line 5; `63369817` turns `LIVE` at line 28); `period` `cancelled` and ended-like statuses
 * map to ended; an unavailable match (`available: false`) that is not over is suspended.
 */
export function matchStatus(m: RawEntity): EventStatus {
  const status = typeof m.status === 'string' ? m.status.toUpperCase() : ''
  const period = typeof m.period === 'string' ? m.period.toLowerCase() : ''
  if (ENDED_STATUSES.has(status) || ENDED_PERIODS.has(period)) return 'ended'
  if (m.available === false) return 'suspended'
  return status === 'LIVE' ? 'live' : 'prematch'
}

const ENDED_STATUSES = new Set(['ENDED', 'FINISHED', 'CLOSED', 'CANCELLED', 'ABANDONED', 'OVER'])
const ENDED_PERIODS = new Set(['ended', 'cancelled', 'abandoned', 'finished', 'interrupted'])

const SCORE = /^\s*(\d+)\s*[:-]\s*(\d+)\s*$/

/** Parses Winamax's `score` text, e.g. `"1:0"` → `{home: 1, away: 0}`; undefined otherwise. */
export function parseScore(v: unknown): SimpleScore | undefined {
  if (typeof v !== 'string') return undefined
  const m = SCORE.exec(v)
  return m === null ? undefined : { home: Number(m[1]), away: Number(m[2]) }
}

/** Sport `id` from `sports[id]`; null without a `sportName`. */
export function buildSport(id: string, s: RawEntity | undefined): Sport | null {
  if (s === undefined || typeof s.sportName !== 'string') return null
  return {
    kind: 'sport',
    id: SPORT + id,
    source: 'winamax',
    key: winamaxSportKey(id),
    name: s.sportName,
  }
}

/**
 * Competition `id` from `tournaments[id]` in sport `sportId` (from the category listing it,
 * or its matches), region = the listing category's name; null without a name or sport.
 */
export function buildCompetition(
  id: string,
  t: RawEntity | undefined,
  sportId: string | undefined,
  region: unknown,
): Competition | null {
  if (t === undefined || typeof t.tournamentName !== 'string' || sportId === undefined) return null
  const c: Competition = {
    kind: 'competition',
    id: TOURNAMENT + id,
    source: 'winamax',
    sportId: SPORT + sportId,
    name: t.tournamentName,
  }
  if (typeof region === 'string') c.region = region
  return c
}

/**
 * Event `id` from `matches[id]`; null without a sport or tournament. `clockAt` is when the
 * match's current clock reading was received (epoch ms; see RawState.clocks).
 */
export function buildEvent(
  id: string,
  m: RawEntity | undefined,
  clockAt: number | undefined,
  now: number,
): Event | null {
  if (m === undefined) return null
  const sportId = key(m.sportId)
  const tournamentId = key(m.tournamentId)
  if (sportId === undefined || tournamentId === undefined) return null
  const title = typeof m.title === 'string' ? m.title : ''
  let home = typeof m.competitor1Name === 'string' ? m.competitor1Name : undefined
  let away = typeof m.competitor2Name === 'string' ? m.competitor2Name : undefined
  if (home === undefined || away === undefined) {
    // Outrights ("MultiFoot Ligue des Champions") have no competitors: fall back to the title.
    const sep = title.indexOf(' - ')
    home ??= sep >= 0 ? title.slice(0, sep) : title
    away ??= sep >= 0 ? title.slice(sep + 3) : ''
  }
  const status = matchStatus(m)
  const e: Event = {
    kind: 'event',
    id: MATCH + id,
    source: 'winamax',
    sportId: SPORT + sportId,
    competitionId: TOURNAMENT + tournamentId,
    name: title !== '' ? title : `${home} - ${away}`,
    participants: [home, away],
    status,
    updatedAt: now,
  }
  // matchStart is epoch seconds (capture line 5: 1763235900 = 2025-11-15).
  if (typeof m.matchStart === 'number' && Number.isFinite(m.matchStart))
    e.startTime = m.matchStart * 1000
  if (status === 'live' || status === 'suspended') {
    const clock = matchClock(m, clockAt ?? now)
    if (clock !== undefined) e.clock = clock
    const period = periodName(m)
    if (period !== undefined) e.period = period
  }
  if (m.score !== undefined) {
    const score = parseScore(m.score)
    if (score !== undefined) e.score = score
  }
  return e
}

/** Market `id` from `bets[id]` on event `eventId`, of kind `kind`, main or not. */
export function buildMarket(
  id: string,
  b: RawEntity,
  eventId: string,
  kind: BetKind,
  main: boolean,
): Market {
  const name =
    typeof b.betTitle === 'string'
      ? b.betTitle
      : typeof b.betTypeName === 'string'
        ? b.betTypeName
        : ''
  const market: Market = {
    kind: 'market',
    id: BET + id,
    source: 'winamax',
    eventId,
    name,
    type: kind.type,
    suspended: b.available === false,
    main,
  }
  if (kind.line !== undefined) market.line = kind.line
  return market
}

/**
 * Selection `id` from `outcomes[id]` in `market` (built from bet `b`), priced `odds`
 * (decimal, or null when unpriced). `position` is the outcome's index in the bet's
 * `outcomes` list (-1 when absent) when the caller knows it; it is searched for otherwise.
 */
export function buildSelection(
  id: string,
  o: RawEntity,
  market: Market,
  b: RawEntity,
  odds: number | null,
  now: number,
  position?: number,
): Selection {
  const list = Array.isArray(b.outcomes) ? b.outcomes : []
  const order = position ?? list.indexOf(Number(id))
  const s: Selection = {
    kind: 'selection',
    id: OUTCOME + id,
    source: 'winamax',
    eventId: market.eventId,
    marketId: market.id,
    name: typeof o.label === 'string' ? o.label : '',
    order: order >= 0 ? order : 999,
    odds,
    suspended: o.available === false || b.available === false,
    updatedAt: now,
  }
  const outcome = selectionOutcome(market.type, o, order, list.length)
  if (outcome !== undefined) s.outcome = outcome
  if (typeof o.hotUsers === 'number' && Number.isFinite(o.hotUsers)) s.hotUsers = o.hotUsers
  return s
}
