/**
 * The world's fixture list: real matches taken from the project's captures, stored as data in
 * `packages/simworld/fixtures/world-fixtures.json` (rebuilt and verified from the captures by
 * `build.ts` / `build.test.ts`).
 */
import type { WorldFixture } from '@oddsboard/feedkit'
import data from '../fixtures/world-fixtures.json'

/**
 * One fixture as stored: a {@link WorldFixture} without its start time (the world rebases
 * starts onto its clock), plus where it comes from.
 */
export interface FixtureRecord extends Omit<WorldFixture, 'startTime'> {
  /** Start in the capture, epoch ms (for live matches: capture time minus the clock shown). */
  readonly capturedStart: number
  /** The capture line it was read from: file and record (e.g. `bet365 inplay-2026-05-30 FI=…`). */
  readonly source: string
  /** Tennis: sets to play (5 only for men's Grand Slam singles, from the capture). */
  readonly bestOf?: 3 | 5
}

/** The stored fixture list (see `fixtures/world-fixtures.json`). */
export function worldFixtures(): readonly FixtureRecord[] {
  return (data as unknown as { fixtures: FixtureRecord[] }).fixtures
}
