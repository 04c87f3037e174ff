/**
 * @oddsboard/simworld: the shared simulated world (issue 9 item 5). The contract simulators
 * read is `SharedWorld` in `@oddsboard/feedkit` (packages/feedkit/src/world.ts);
 * {@link createSharedWorld} builds one.
 */
export type {
  BookNames,
  SharedWorld,
  WorldChange,
  WorldFixture,
  WorldFootballState,
  WorldMatch,
  WorldPrices,
  WorldSport,
  WorldStatus,
  WorldTennisState,
} from '@oddsboard/feedkit'
export {
  createSharedWorld,
  SimulatedWorld,
  BOOK_BEHAVIOUR,
  TIMINGS,
  playersOf,
  type SharedWorldOptions,
} from './world'
export { worldFixtures, type FixtureRecord } from './fixtures'
export { BOOK_MARGINS, FRACTIONAL_LADDER, bookOdds, toLadder, toWinamaxDecimal } from './pricing'
export { footballProbabilities } from './football'
export { tennisProbability, playPoint, newTennisScore, type TennisScore } from './tennis'
