/**
 * Canonical meaning shared by every book: which sport an event is, what kind of market a
 * market is, what each selection of a typed market stands for, how a match clock runs and
 * when an event is no longer fresh. Each book's normalizer sets these fields once, in its own
 * package; the browser only reads them (issue 8, "decided once, server-side").
 *
 * Pure: no Node or DOM types; time always comes in as an argument (epoch ms).
 */

import type { Event, Market, Selection, Source } from './entities'
import { overround } from './odds'

/**
 * The closed list of sports oddsboard knows. Each book maps its own ids or names to one of
 * these in its package (`winamax` sportId, Bet365 `CL` classification, Kwiff sport name);
 * anything it cannot place is `other`, and `Sport.name` keeps the book's own name.
 */
export const SPORT_KEYS = [
  'football',
  'tennis',
  'basketball',
  'ice-hockey',
  'volleyball',
  'handball',
  'rugby-union',
  'rugby-league',
  'american-football',
  'baseball',
  'cricket',
  'table-tennis',
  'badminton',
  'darts',
  'snooker',
  'golf',
  'boxing',
  'mma',
  'motorsport',
  'cycling',
  'futsal',
  'beach-volleyball',
  'esports',
  'other',
] as const

/** One canonical sport, e.g. `football`; see {@link SPORT_KEYS}. */
export type SportKey = (typeof SPORT_KEYS)[number]

/** Display names of the canonical sports (English), for filters and headings. */
export const SPORT_LABELS: Readonly<Record<SportKey, string>> = {
  football: 'Football',
  tennis: 'Tennis',
  basketball: 'Basketball',
  'ice-hockey': 'Ice hockey',
  volleyball: 'Volleyball',
  handball: 'Handball',
  'rugby-union': 'Rugby union',
  'rugby-league': 'Rugby league',
  'american-football': 'American football',
  baseball: 'Baseball',
  cricket: 'Cricket',
  'table-tennis': 'Table tennis',
  badminton: 'Badminton',
  darts: 'Darts',
  snooker: 'Snooker',
  golf: 'Golf',
  boxing: 'Boxing',
  mma: 'MMA',
  motorsport: 'Motorsport',
  cycling: 'Cycling',
  futsal: 'Futsal',
  'beach-volleyball': 'Beach volleyball',
  esports: 'Esports',
  other: 'Other',
}

/** True when `key` is one of {@link SPORT_KEYS}. */
export function isSportKey(key: unknown): key is SportKey {
  return typeof key === 'string' && (SPORT_KEYS as readonly string[]).includes(key)
}

/**
 * The closed list of market types:
 * - `1x2`: match result with a draw (home / draw / away);
 * - `winner`: two-way winner (tennis match winner, money line, to qualify): home / away;
 * - `next-goal`: next goal / Nth goal (Bet365 "8th Goal"): home / no goal / away;
 * - `over-under`: total over/under a `line` (goals, games, points): over / under;
 * - `handicap`: a `line` added to the home side (Asian or European): home / (draw) / away;
 * - `outright`: a competition winner or any market with many runners and no opponent;
 * - `other`: everything else (correct score, scorers, specials…).
 */
export const MARKET_TYPES = [
  '1x2',
  'winner',
  'next-goal',
  'over-under',
  'handicap',
  'outright',
  'other',
] as const

/** One canonical market type; see {@link MARKET_TYPES}. */
export type MarketType = (typeof MARKET_TYPES)[number]

/**
 * What one selection of a typed market stands for. Set by the normalizer for `1x2`, `winner`,
 * `next-goal`, `over-under` and `handicap` markets; absent on `outright` and `other`.
 * `none` is the "no goal" outcome of a next-goal market.
 */
export type Outcome = 'home' | 'draw' | 'away' | 'over' | 'under' | 'none'

/** The outcomes a market of each type is made of, in column order. */
export const MARKET_OUTCOMES: Readonly<Record<MarketType, readonly Outcome[]>> = {
  '1x2': ['home', 'draw', 'away'],
  winner: ['home', 'away'],
  'next-goal': ['home', 'none', 'away'],
  'over-under': ['over', 'under'],
  handicap: ['home', 'draw', 'away'],
  outright: [],
  other: [],
}

/**
 * A match clock the browser can tick: at epoch ms `at` the clock read `seconds` (elapsed
 * playing time, counting up); when `running`, it has been advancing one second per second
 * since. `period` is the phase as the book names it, normalized where known
 * (e.g. "1st half", "2nd half", "Half time", "Q3", "Set 2", "Extra time", "Penalties").
 */
export interface MatchClock {
  running: boolean
  /** Elapsed playing time in seconds at `at`. */
  seconds: number
  /** Epoch ms at which `seconds` was true. */
  at: number
  period?: string
}

/**
 * The clock's elapsed seconds at `now` (epoch ms): `seconds` plus the time since `at` when
 * running, whole seconds, never below `seconds`.
 */
export function clockSeconds(clock: MatchClock, now: number): number {
  if (!clock.running) return clock.seconds
  return clock.seconds + Math.max(0, Math.floor((now - clock.at) / 1000))
}

/** Formats elapsed seconds as `mm:ss` (minutes may pass 99, e.g. `120:00`). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const m = Math.floor(s / 60)
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/**
 * Per book, how long a live event may go without any upstream change (to the event itself
 * or one of its selections) before it is shown as not fresh, in ms. Chosen from each book's
 * cadence as seen in the captures: Winamax pushes odds and `hotUsers` of live matches every
 * few seconds; Bet365 pushes scores and prices of in-play events within tens of seconds and
 * a `__time` heartbeat every few seconds; Kwiff is refreshed by `event:list` every few
 * seconds. A live match with nothing new for two minutes is not being followed.
 */
export const EVENT_STALE_AFTER_MS: Readonly<Record<Source, number>> = {
  winamax: 120_000,
  bet365: 120_000,
  kwiff: 120_000,
}

/**
 * Whether a live event is no longer fresh at `now`: it is `live` and neither it nor any of
 * `lastChangeAt` (the newest `updatedAt` of its selections, when known) changed within
 * {@link EVENT_STALE_AFTER_MS} of its book. Prematch, suspended and ended events are
 * never stale by this rule (nothing is expected of them).
 */
export function isEventStale(event: Event, now: number, lastChangeAt?: number): boolean {
  if (event.status !== 'live') return false
  const newest = Math.max(event.updatedAt, lastChangeAt ?? 0)
  return now - newest > EVENT_STALE_AFTER_MS[event.source]
}

/** Market types whose overround means something (a closed set of outcomes, one winner). */
const MARGIN_TYPES: ReadonlySet<MarketType> = new Set([
  '1x2',
  'winner',
  'next-goal',
  'over-under',
  'handicap',
])

/**
 * Overround of a whole market as a fraction (0.05 = 5 %), over **all** its selections:
 * null for `outright` and `other` markets (an outright's margin over a few runners means
 * nothing), when the market is suspended, or when any selection is suspended or unpriced.
 * `selections` are the market's selections, in any order.
 */
export function marketMargin(market: Market, selections: readonly Selection[]): number | null {
  if (!MARGIN_TYPES.has(market.type) || market.suspended) return null
  if (selections.length < 2) return null
  const odds: (number | null)[] = []
  for (const s of selections) odds.push(s.suspended ? null : s.odds)
  try {
    return overround(odds)
  } catch {
    return null
  }
}

/**
 * A short label for one selection of a typed market, for column headers and cells:
 * `1` / `X` / `2` for 1X2; `Player 1` / `Player 2` (tennis) or `Home` / `Away` for a winner;
 * `Over 2.5` / `Under 2.5`; `Home -1.5`; `No goal`. Falls back to the selection's name.
 */
export function outcomeLabel(
  market: Pick<Market, 'type' | 'line'>,
  outcome: Outcome | undefined,
  sport: SportKey,
  name: string,
): string {
  const line = market.line
  switch (market.type) {
    case '1x2':
      return outcome === 'home' ? '1' : outcome === 'draw' ? 'X' : outcome === 'away' ? '2' : name
    case 'winner': {
      const players = sport === 'tennis' || sport === 'table-tennis' || sport === 'darts'
      if (outcome === 'home') return players ? 'Player 1' : 'Home'
      if (outcome === 'away') return players ? 'Player 2' : 'Away'
      return name
    }
    case 'next-goal':
      return outcome === 'home'
        ? 'Home'
        : outcome === 'none'
          ? 'No goal'
          : outcome === 'away'
            ? 'Away'
            : name
    case 'over-under':
      if (outcome === 'over') return line === undefined ? 'Over' : `Over ${line}`
      if (outcome === 'under') return line === undefined ? 'Under' : `Under ${line}`
      return name
    case 'handicap': {
      const signed = (v: number) => (line === undefined ? '' : ` ${v > 0 ? '+' : ''}${v}`)
      if (outcome === 'home') return `Home${signed(line ?? 0)}`
      if (outcome === 'draw') return `Draw${signed(line ?? 0)}`
      if (outcome === 'away') return `Away${signed(-(line ?? 0))}`
      return name
    }
    default:
      return name
  }
}
