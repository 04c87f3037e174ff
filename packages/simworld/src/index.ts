/**
 * @oddsboard/simworld: the shared simulated world (issue 9 item 5). The contract simulators
 * read is `SharedWorld` in `@oddsboard/feedkit` (packages/feedkit/src/world.ts).
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
