/**
 * `npm run bench`: runs every benchmark in its own process, one after another, so one
 * benchmark's garbage and JIT state never colour the next. Each prints its own figures
 * beside a reference measured in the same process (e.g. JSON.parse of the same bytes).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const here = import.meta.dirname
const benches = [
  'winamax.ts',
  'bet365.ts',
  'relay.ts',
  'cluster.ts',
  'browser.ts',
  'e2e-latency.ts',
  'matcher.ts',
  'linker.ts',
]
let failed = 0
for (const file of benches) {
  const full = path.join(here, file)
  if (!existsSync(full)) {
    console.log(`\n== ${file}: missing`)
    failed++
    continue
  }
  console.log(`\n== ${file}`)
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', full], {
    stdio: 'inherit',
    timeout: 10 * 60_000,
  })
  if (r.status !== 0) {
    console.log(`== ${file} failed (exit ${r.status ?? r.signal})`)
    failed++
  }
}
process.exit(failed === 0 ? 0 : 1)
