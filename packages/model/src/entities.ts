/**
 * The normalized model every feed emits and every view reads (shared/DESIGN.md, "Normalized model").
 *
 * Ids are namespaced strings `${source}:${nativeId}` so two books never collide, e.g.
 * `bet365:190321250`. Times are epoch milliseconds. Odds are decimal (European) numbers;
 * the book's own text (e.g. fractional `9/2`) is kept beside them in `oddsText`.
 */

import type { MarketType, MatchClock, Outcome, SportKey } from './canonical'

/** The sportsbooks oddsboard speaks to. */
export type Source = 'winamax' | 'bet365' | 'kwiff'

/** Every source, in display order. */
export const SOURCES: readonly Source[] = ['winamax', 'bet365', 'kwiff']

/**
 * A sport as one book names it (e.g. `winamax:5` "Tennis"), with its canonical `key`
 * (`tennis`) set by the book's normalizer; `name` keeps the book's own name.
 */
export interface Sport {
  kind: 'sport'
  id: string
  source: Source
  /** Canonical sport; `other` when the book's sport is not in {@link SportKey}'s list. */
  key: SportKey
  name: string
}

/** A competition (tournament, league) inside a sport; `region` is the book's category/country. */
export interface Competition {
  kind: 'competition'
  id: string
  source: Source
  sportId: string
  name: string
  region?: string
}

/**
 * A tennis score. `sets` holds games per set as `[home, away]`, the current set last;
 * `points` are the current game's points as shown ('0' | '15' | '30' | '40' | 'A', or
 * tiebreak digits such as '5'); `server` is 0 (home), 1 (away) or null when unknown.
 */
export interface TennisScore {
  sets: [number, number][]
  points: [string, string]
  server: 0 | 1 | null
  /**
   * Per set (same index as `sets`), the tiebreak points of the set's loser when the set was
   * won 7-6 in a tiebreak whose score the book let the normalizer see (Bet365: the last `XP`
   * of the tiebreak before `SS` closed the set), shown "7-6(5)"; null or absent otherwise.
   * Optional and additive: books that send no tiebreak score leave it out.
   */
  tiebreaks?: (number | null)[]
}

/** A score in goals or points for sports that are not tennis. */
export interface SimpleScore {
  home: number
  away: number
}

/** Lifecycle of an event as the dashboard shows it. */
export type EventStatus = 'prematch' | 'live' | 'suspended' | 'ended'

/** A match. `participants` are [home, away] (or [player 1, player 2] in tennis). */
export interface Event {
  kind: 'event'
  id: string
  source: Source
  sportId: string
  competitionId: string
  name: string
  participants: [string, string]
  /** Scheduled start, epoch ms. */
  startTime?: number
  status: EventStatus
  /** Match clock, for sports that have one (not tennis); absent when the book sends none. */
  clock?: MatchClock
  /** Phase as the book names it when there is no clock (e.g. tennis "Set 3"); optional. */
  period?: string
  score?: TennisScore | SimpleScore
  /**
   * Epoch ms of the last upstream change to this event's own fields (status, score, clock,
   * names), as received by the proxy. Not bumped by a normalizer that rebuilds an unchanged
   * event (a refresh that brings nothing new keeps the old value).
   */
  updatedAt: number
}

/** A market (bet type) on one event, e.g. "Match Winner", with its canonical `type`. */
export interface Market {
  kind: 'market'
  id: string
  source: Source
  eventId: string
  /** The book's own name, e.g. "Nombre de buts", "8th Goal". */
  name: string
  /** Canonical market type, set by the book's normalizer. */
  type: MarketType
  /** The line of an `over-under` (e.g. 2.5) or `handicap` (home side, e.g. -1.5) market. */
  line?: number
  suspended: boolean
  /**
   * True for the event's main market (the one list views show); exactly one market per event
   * is main when the event has markets. From the book's own flag where it has one
   * (Winamax `mainBetId`, Bet365 market ids per the seed's table, Kwiff's first offer).
   */
  main: boolean
}

/** One selection (outcome) of a market, with its current price. */
export interface Selection {
  kind: 'selection'
  id: string
  source: Source
  eventId: string
  marketId: string
  name: string
  /** Position inside its market (0 = home / first). */
  order: number
  /** What this selection stands for in a typed market (home / draw / away / over / under / none). */
  outcome?: Outcome
  /** Decimal odds; null while unpriced. */
  odds: number | null
  /** The price as the book shows it, e.g. "9/2". */
  oddsText?: string
  suspended: boolean
  /** Winamax: how many users hold this outcome in their bet slips ("hot" outcomes). */
  hotUsers?: number
  /**
   * Epoch ms of the last upstream change to this selection (price, suspension, `hotUsers`),
   * as received by the proxy; kept when a rebuild brings nothing new.
   */
  updatedAt: number
}

/**
 * One book's listing inside a {@link CanonicalEvent}.
 *
 * `swapped` is true when this book lists the canonical away side first (its `home` outcome
 * is the canonical `away`, and the other way round); the canonical side order is the first
 * member's (books in {@link SOURCES} order).
 */
export interface CanonicalMember {
  /** The book's event id, e.g. `bet365:190321250`. */
  eventId: string
  source: Source
  swapped: boolean
  /**
   * How alike this member is to the group (the matcher's score, 0..1, against the member it
   * was matched with); 1 for a link a user made.
   */
  score: number
  /** The matcher's reasons (`names 0.93/1.00`, `start 0 min apart`), or `['linked by user']`. */
  reasons: string[]
  /** Who put it in the group: the proxy's matcher or a user's link decision. */
  by: 'matcher' | 'user'
}

/**
 * A canonical event: one real match as listed by two or more books (issue 9). Set by the
 * proxy's linker (apps/proxy/src/links.ts) from the matcher (`@oddsboard/matcher`) and the
 * user's link/unlink decisions, relayed as ops like every other entity, so snapshots and
 * resumes carry it. At most one member per book; members ordered as {@link SOURCES}.
 * Its `id` is `canonical:<n>`, stable for the life of a proxy process (not across restarts:
 * link to an event by a member's event id instead).
 */
export interface CanonicalEvent {
  kind: 'canonical'
  id: string
  /** The members' canonical sport (they all share it). */
  sport: SportKey
  /**
   * Display name in the dashboard's form `Home v Away`, in the canonical side order, named by
   * the first member of an English-writing book (Bet365, then Kwiff, then Winamax).
   */
  name: string
  /** Canonical [home, away] in the first member's side order, named as `name` is. */
  participants: [string, string]
  /** The competition's name as the member that names the event (see `name`) writes it. */
  competition?: string
  /** Earliest known start of the members, epoch ms. */
  startTime?: number
  members: CanonicalMember[]
  /** Epoch ms when the membership last changed. */
  updatedAt: number
}

/**
 * Books whose listing names a {@link CanonicalEvent} (and stands for it where one row shows
 * the match), in order of preference: those writing English first (Winamax writes French:
 * "Allemagne", "Naples").
 */
export const CANONICAL_NAME_ORDER: readonly Source[] = ['bet365', 'kwiff', 'winamax']

/** Any normalized entity. */
export type Entity = Sport | Competition | Event | Market | Selection | CanonicalEvent

/** The entity kinds, in parent-before-child order. */
export type EntityKind = Entity['kind']

/** What a book's feed emits: every entity but the proxy's own canonical events. */
export type BookEntity = Exclude<Entity, CanonicalEvent>

/** The kinds a book's feed emits (`sport` … `selection`). */
export type BookEntityKind = BookEntity['kind']

/** The kinds a book's feed emits, parents first. */
export const BOOK_ENTITY_KINDS: readonly BookEntityKind[] = [
  'sport',
  'competition',
  'event',
  'market',
  'selection',
]

/** Every kind, parents first (a snapshot lists entities in this order; canonical events last). */
export const ENTITY_KINDS: readonly EntityKind[] = [
  'sport',
  'competition',
  'event',
  'market',
  'selection',
  'canonical',
]

/** The entity type of one kind, e.g. `EntityOf<'event'>` is `Event`. */
export type EntityOf<K extends EntityKind> = Extract<Entity, { kind: K }>

/**
 * Builds a namespaced id, e.g. `entityId('bet365', 190321250)` → `"bet365:190321250"`.
 * Callers that need ids of several kinds from one native namespace add their own prefix
 * inside `nativeId` (e.g. `m123`), since ids must be unique across all kinds of one source.
 */
export function entityId(source: Source, nativeId: string | number): string {
  return `${source}:${nativeId}`
}

/** True when `score` is a tennis score (has `sets`). */
export function isTennisScore(score: Event['score']): score is TennisScore {
  return score !== undefined && 'sets' in score
}
