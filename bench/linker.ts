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
import { stateEntities } from '@oddsboard/model'
import { Hub, Linker, loadConfig, startProxy } from '@oddsboard/proxy'

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
  // first pass of a new linker (every event prepared for the matcher), then a second one
  // (events kept prepared, as after a change of a few listings); same state, same work
  // on a copy of the board, so the linkers measured publish into their own hub
  const board = new Hub()
  board.push(
    stateEntities(proxy.hub.state)
      .filter((e) => e.kind !== 'canonical')
      .map((entity) => ({ op: 'upsert' as const, entity })),
  )
  board.flush()
  const first: number[] = []
  const again: number[] = []
  for (let i = 0; i < PASSES; i++) {
    const linker = new Linker({ hub: board, store: proxy.links, debounceMs: 3_600_000 })
    linker.run()
    first.push(linker.counters.lastPassMs)
    linker.run()
    again.push(linker.counters.lastPassMs)
    linker.close()
  }
  board.close()
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const groups = [...proxy.hub.state.canonical.values()]
  const three = groups.filter((c) => c.members.length === 3).length
  console.log(
    `board: ${proxy.hub.state.event.size} events (${[...bySource].map(([s, n]) => `${s} ${n}`).join(', ')})`,
  )
  console.log(
    `linker pass (matcher over 3 book pairs + merge + diff), median of ${PASSES}: first pass ${median(first).toFixed(1)} ms, next pass (events kept prepared) ${median(again).toFixed(1)} ms`,
  )
  console.log(
    `canonical events: ${proxy.linker.canonical().size} (${three} on three books, ${groups.length - three} on two)`,
  )
} finally {
  await proxy.close()
}
