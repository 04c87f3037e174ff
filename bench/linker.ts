/**
 * Linker benchmark (issue 9): one pass of the proxy's linker (the matcher over every pair of
 * books, the merge into groups, the diff into canonical ops) over the default board, i.e.
 * the three simulated books as `npm start` runs them, after they have listed their events.
 * Run: `npx tsx bench/linker.ts`.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { silentLogger } from '@oddsboard/feedkit'
import { loadConfig, startProxy } from '@oddsboard/proxy'

const PASSES = 20
const config = loadConfig({
  PORT: '0',
  WEB_DIST: '/nonexistent',
  DATA_DIR: mkdtempSync(path.join(tmpdir(), 'oddsboard-bench-')),
})
const proxy = await startProxy(config, silentLogger)
try {
  // the board is full once every book has listed events and the count stops growing
  // (bounded: at most 30 s)
  let last = -1
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1000))
    const n = proxy.hub.state.event.size
    const books = new Set([...proxy.hub.state.event.values()].map((e) => e.source)).size
    if (n === last && books === config.feeds.length) break
    last = n
  }
  const bySource = new Map<string, number>()
  for (const e of proxy.hub.state.event.values())
    bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1)
  const times: number[] = []
  for (let i = 0; i < PASSES; i++) {
    // a fresh pass each time: the same state, so the work is the matching and the diff
    proxy.linker.run()
    times.push(proxy.linker.counters.lastPassMs)
  }
  times.sort((a, b) => a - b)
  const groups = [...proxy.hub.state.canonical.values()]
  const three = groups.filter((c) => c.members.length === 3).length
  console.log(
    `board: ${proxy.hub.state.event.size} events (${[...bySource].map(([s, n]) => `${s} ${n}`).join(', ')})`,
  )
  console.log(
    `linker pass (matcher over 3 book pairs + merge + diff): median ${times[Math.floor(PASSES / 2)]!.toFixed(1)} ms, max ${times[PASSES - 1]!.toFixed(1)} ms over ${PASSES} passes`,
  )
  console.log(
    `canonical events: ${proxy.linker.canonical().size} (${three} on three books, ${groups.length - three} on two)`,
  )
} finally {
  await proxy.close()
}
