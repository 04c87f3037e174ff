/**
 * Bet365 benchmark (DESIGN.md "Performance budgets"): the real 2026 in-play topic load →
 * topic tree, side by side with `JSON.parse` of the same tree written as JSON
 * (`JSON.stringify` of the tree's nodes). Budget: our throughput ≥ 1.0× JSON.parse's.
 * Run: `npx tsx bench/bet365.ts`.
 */
import { decodeServerFrame, TopicTree } from '@oddsboard/bet365'
import { INPLAY_2026_TOPIC, inPlay2026Body } from '../packages/bet365/src/fixtures'

const frame = `\x14${INPLAY_2026_TOPIC}\x01${inPlay2026Body()}`

function loadTree(text: string): TopicTree {
  const decoded = decodeServerFrame(text)
  if (decoded.kind !== 'messages') throw new Error('not a load')
  const tree = new TopicTree()
  for (const m of decoded.messages) tree.apply(m)
  return tree
}

const reference = loadTree(frame)
const json = JSON.stringify(reference.toJSON(INPLAY_2026_TOPIC))
const zapBytes = Buffer.byteLength(frame)
const jsonBytes = Buffer.byteLength(json)

let sink = 0
/** Runs `fn` for about `ms` and returns its time per run in ms. */
function round(fn: () => number, ms: number): number {
  let n = 0
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < ms) {
    sink += fn()
    n++
    elapsed = Number(process.hrtime.bigint() - start) / 1e6
  }
  return elapsed / n
}

/** Medians over interleaved rounds, so load on a shared machine hits every contender alike. */
function measure(
  fns: Record<string, () => number>,
  rounds = 9,
  roundMs = 200,
): Record<string, number> {
  for (const fn of Object.values(fns)) for (let i = 0; i < 300; i++) sink += fn() // JIT warm-up
  const times: Record<string, number[]> = {}
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) (times[name] ??= []).push(round(fn, roundMs))
  }
  const out: Record<string, number> = {}
  for (const [name, t] of Object.entries(times)) out[name] = t.sort((a, b) => a - b)[t.length >> 1]!
  return out
}

/** Load → tree, then every node's field map built and read (what a full projection touches). */
function loadTreeEager(text: string): number {
  const tree = loadTree(text)
  let n = 0
  for (const node of tree.nodes()) for (const k in node.fields) n += k.length
  return n
}

const ms = measure({
  zap: () => loadTree(frame).size,
  eager: () => loadTreeEager(frame),
  json: () => (JSON.parse(json) as unknown[]).length,
})

const mbps = (bytes: number, t: number) => bytes / 1e6 / (t / 1000)
const line = (label: string, bytes: number, t: number) =>
  `  ${label.padEnd(40)} ${(bytes / 1024).toFixed(1).padStart(6)} KiB ${t.toFixed(3).padStart(7)} ms ${mbps(bytes, t).toFixed(1).padStart(7)} MB/s`

console.log(`bet365: topic load → tree (real 2026 in-play load, ${reference.size} nodes), medians`)
console.log(line('zap load → TopicTree', zapBytes, ms.zap!))
console.log(line('  same, every field map built and read', zapBytes, ms.eager!))
console.log(line('JSON.parse of the same tree as JSON', jsonBytes, ms.json!))
const ratio = mbps(zapBytes, ms.zap!) / mbps(jsonBytes, ms.json!)
const eagerRatio = mbps(zapBytes, ms.eager!) / mbps(jsonBytes, ms.json!)
console.log(
  `  throughput ratio zap ÷ JSON.parse: ${ratio.toFixed(2)}× (budget ≥ 1.00×: ${ratio >= 1 ? 'met' : 'NOT met'}); with every field map built: ${eagerRatio.toFixed(2)}×`,
)
if (sink === -1) console.log('')
