/**
 * @oddsboard/matcher: decides which events of different books are the same real match.
 * Pure: no Node or DOM types outside `cli.ts`.
 */
export {
  compareEvents,
  matchEvents,
  prepareEvent,
  splitName,
  MATCH_THRESHOLD,
  START_WINDOW_MS,
  TENNIS_START_WINDOW_MS,
  type MatchEvent,
  type MatchResult,
  type PreparedEvent,
} from './match'
export {
  matchBooks,
  matchBooksNaive,
  matchPreparedBooks,
  type BookMatch,
  type MatchBooksOptions,
  type MatchBooksStats,
} from './books'
export { prepareTeam, teamSimilarity, type PreparedTeam } from './team'
export { preparePlayers, playerSimilarity, sideSimilarity, type PreparedPlayer } from './player'
export { fold, canonicalTokens } from './normalize'
export {
  sideToEvent,
  sportKeyOf,
  summarize,
  type PairRecord,
  type PairSide,
  type RunSummary,
} from './pairs'
