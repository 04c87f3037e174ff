/**
 * Rebuilds packages/simworld/fixtures/world-fixtures.json from the project's captures
 * (`npx tsx packages/simworld/scripts/build-fixtures.ts`). build.test.ts checks the stored
 * file equals this output.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildFixtures } from '../src/build'
import { readCaptures, renderFixtureFile } from '../src/captures'

const out = fileURLToPath(new URL('../fixtures/world-fixtures.json', import.meta.url))
const fixtures = buildFixtures(readCaptures())
writeFileSync(out, renderFixtureFile(fixtures))
console.log(`${fixtures.length} fixtures written to ${out}`)
