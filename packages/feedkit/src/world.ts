import type { Source } from '@oddsboard/model'

/**
 * The contract between the shared simulated world (`@oddsboard/simworld`, issue 9 item 5) and
 * each book's simulator. One world runs per proxy in the default mode: it holds the real
 * matches taken from the captures (the Bet365 2026 load's tennis and football, the Winamax
 * capture's football, the Kwiff samples), plays them (clock, goals, points), and prices them
 * from one true probability per match; each simulator renders the matches its book lists in
 * its own wire format and names, with its own margin, noise and lag already applied by the
 * world. Simulators never invent a price or a score for a world match themselves.
 *
 * Pure data and callbacks: no sockets. Times are epoch ms; odds are decimal.
 */

/** Sports the shared world plays. */
export type WorldSport = 'football' | 'tennis'

/** A name as each book writes it (Winamax in French, Bet365 and Kwiff in English). */
export type BookNames = Readonly<Record<Source, string>>

/** One real match of the shared fixture list. */
export interface WorldFixture {
  /** Stable world id, e.g. `wf:psg-arsenal-2026-05-30`. Never shown to users. */
  readonly id: string
  readonly sport: WorldSport
  /** Competition as each book names it, e.g. Ligue des Champions / UEFA Champions League. */
  readonly competition: BookNames
  /** Country or region of the competition as each book names it, when it has one. */
  readonly region?: BookNames
  /**
   * Home side (player 1 in tennis) as each book writes it: a club ("Naples" / "Napoli"), a
   * player ("Cerundolo J.M." / "Juan Manuel Cerundolo") or a doubles pair.
   */
  readonly home: BookNames
  readonly away: BookNames
  /** Scheduled start, epoch ms. */
  readonly startTime: number
  /**
   * Per book, the match's id in that book's capture when the fixture was taken from it
   * (Bet365 `FI`/`ID`, Winamax `matchId`, Kwiff event id), so the book's simulator renders
   * the world's version of that match instead of its own replay of it. Absent for books
   * that did not list it in a capture (their simulator picks its own ids).
   */
  readonly native?: Readonly<Partial<Record<Source, string>>>
  /** The books that list this match (two or three for most, one for some). */
  readonly books: readonly Source[]
  /**
   * Per book, whether it lists the sides the other way round (tennis books disagree on who
   * is "home"); absent = same order as `home`/`away`.
   */
  readonly swapped?: Readonly<Partial<Record<Source, boolean>>>
}

/** A football match's play: clock and goals. */
export interface WorldFootballState {
  readonly sport: 'football'
  /** `prematch`, first half, half time, second half, full time. */
  readonly period: 'prematch' | '1H' | 'HT' | '2H' | 'FT'
  /** Match clock in seconds since kick-off (45:00 at the start of the second half). */
  readonly seconds: number
  /** True while the clock runs (1H and 2H). */
  readonly running: boolean
  /** Epoch ms at which `seconds` was read. */
  readonly clockAt: number
  /** Goals [home, away]. */
  readonly goals: readonly [number, number]
}

/** A tennis match's play: sets, games, points, server. */
export interface WorldTennisState {
  readonly sport: 'tennis'
  /** Games per set [home, away], the current set last; empty before the first point. */
  readonly sets: readonly (readonly [number, number])[]
  /** Points won in the current game [home, away] (tiebreak: tiebreak points). */
  readonly points: readonly [number, number]
  /** Who serves the current game: 0 home, 1 away. */
  readonly server: 0 | 1
  /** True during a tiebreak game. */
  readonly tiebreak: boolean
  /** Tiebreak scores of completed tiebreak sets, by set index, e.g. `{1: [5, 7]}`. */
  readonly tiebreaks: Readonly<Record<number, readonly [number, number]>>
  readonly bestOf: 3 | 5
}

/** Where a world match is in its life. */
export type WorldStatus = 'prematch' | 'live' | 'ended'

/** A world match as a simulator reads it. */
export interface WorldMatch {
  readonly fixture: WorldFixture
  readonly status: WorldStatus
  readonly state: WorldFootballState | WorldTennisState
}

/**
 * What one book currently shows for a match's main market: decimal odds per outcome
 * ([home, draw, away] in football 1X2, [home, away] in tennis match winner), in the
 * book's own side order (already swapped when `fixture.swapped[book]`), rounded the way
 * the book rounds (Bet365 and Kwiff: a fractional ladder, given in `fractional`).
 */
export interface WorldPrices {
  readonly odds: readonly number[]
  /** The book's fractional text per outcome (e.g. `9/2`) for books that show fractions. */
  readonly fractional?: readonly string[]
  /** True while the book has the market suspended (e.g. just after a goal). */
  readonly suspended: boolean
  /** Epoch ms at which this book's prices last changed. */
  readonly at: number
}

/** A change a simulator must render. */
export type WorldChange =
  /** The match's play changed (clock, goals, points, status): every book listing it renders it. */
  | { readonly type: 'state'; readonly id: string }
  /** One book's prices changed (after that book's lag). */
  | { readonly type: 'prices'; readonly id: string; readonly book: Source }
  /** A match appeared or left the list (ended and removed after a while). */
  | { readonly type: 'added' | 'removed'; readonly id: string }

/** The shared world, as each book's simulator sees it. */
export interface SharedWorld {
  /** The matches `book` lists now, in start order. */
  matches(book: Source): WorldMatch[]
  /** One match by world id; undefined once removed. */
  match(id: string): WorldMatch | undefined
  /** What `book` shows now for match `id`'s main market; undefined when it does not list it. */
  prices(book: Source, id: string): WorldPrices | undefined
  /** Registers a listener for changes; returns its unsubscribe function. */
  onChange(listener: (change: WorldChange) => void): () => void
  /**
   * Adds a user of the world (a simulator); the world's timers run while it has at least one
   * user. Returns the release function; the last release stops the timers.
   */
  retain(): () => void
}
