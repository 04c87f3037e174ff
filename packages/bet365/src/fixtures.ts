import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * Access to the real captures copied into `packages/bet365/fixtures/` (used by the
 * simulator, the tests and the benchmark). Reads files; not part of the pure codec.
 */

/** Absolute path of a file in this package's `fixtures/` folder. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

/** A fixture's text without its `#` comment lines (source notes). */
export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n')
}

/** The topic the 2026 load is served under (its `IT`s end in `_1_3`, as `OVInPlay_1_3`'s do). */
export const INPLAY_2026_TOPIC = 'OVInPlay_1_3'

/**
 * The real 2026-05-30 in-play topic load body (`F|CL;…|`, 55,869 characters: soccer, 23
 * live tennis matches, cricket, American football), exactly as captured. Its author kept
 * only a prefix of the original; it ends on a record boundary, and anything after the last
 * `|` would be dropped here so the body is always a complete `F` body.
 */
export function inPlay2026Body(): string {
  const text = readFixture('inplay-2026-05-30-body.txt').replace(/\n/g, '')
  return text.slice(0, text.lastIndexOf('|') + 1)
}

/** The seed's Navone v Darderi records (CT, EV, MA, PA, PA), one record text each, without `|`. */
export function navoneDarderiRecords(): string[] {
  return readFixture('seed-navone-darderi.txt')
    .split('\n')
    .filter((line) => line.trim() !== '')
}
