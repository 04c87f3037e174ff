/**
 * Matcher benchmark (issue 9): one-to-one matching of 5,000 × 5,000 events with blocking
 * (`matchBooks`), beside the naive all-pairs loop (`matchBooksNaive`) on the same events.
 * The events are the labelled positive pairs of `packages/matcher/fixtures/pairs.jsonl`
 * (side a → book A, side b → book B), repeated on different days: each copy gets its own
 * start (A a time, B the date only) so copies of a fixture are different events.
 * Run: `npx tsx bench/matcher.ts`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  matchBooks,
  matchBooksNaive,
  sideToEvent,
  type MatchEvent,
  type PairRecord,
} from '@oddsboard/matcher'

const N = 5000
const file = path.join(import.meta.dirname, '../packages/matcher/fixtures/pairs.jsonl')
const positives = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as PairRecord)
  .filter((r) => r.same === true && typeof r.a.away === 'string' && typeof r.b.away === 'string')

const a: MatchEvent[] = []
const b: MatchEvent[] = []
const DAY = 86_400_000
const base = Date.UTC(2025, 0, 1, 12)
for (let i = 0; i < N; i++) {
  const r = positives[i % positives.length]!
  const copy = Math.floor(i / positives.length)
  // copies three days apart (a bare date stretches over time zones to the next day);
  // within a day, start hours spread over 12 h
  const start = base + copy * 3 * DAY + (i % 12) * 3_600_000
  a.push({ ...sideToEvent(r.a, r.sport), start })
  const bEvent = sideToEvent(r.b, r.sport)
  bEvent.start = new Date(start).toISOString().slice(0, 10)
  b.push(bEvent)
}

function time<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint()
  const out = fn()
  return [out, Number(process.hrtime.bigint() - t0) / 1e6]
}

const [fast, fastMs] = time(() => matchBooks(a, b))
const [naive, naiveMs] = time(() => matchBooksNaive(a, b))
const naivePairs = new Set(naive.map((m) => `${m.a}:${m.b}`))
const agree = fast.matches.filter((m) => naivePairs.has(`${m.a}:${m.b}`)).length
// a match across copies (days) is certainly wrong; within a copy the pairs repeat fixtures
// under other names, so the exact index is not the measure
const copyOf = (i: number) => Math.floor(i / positives.length)
const sameDay = fast.matches.filter((m) => copyOf(m.a) === copyOf(m.b)).length

console.log(
  `events: ${a.length} × ${b.length} (${positives.length} labelled fixtures, ${Math.ceil(N / positives.length)} copies)`,
)
console.log(
  `matchBooks (blocking)   ${fastMs.toFixed(0).padStart(7)} ms  ${fast.stats.compared} pairs compared, ${fast.matches.length} matched`,
)
console.log(
  `naive all-pairs loop    ${naiveMs.toFixed(0).padStart(7)} ms  ${a.length * b.length} pairs compared, ${naive.length} matched`,
)
console.log(
  `speed-up ${(naiveMs / fastMs).toFixed(1)}×; same assignment as naive: ${agree}/${naive.length}; within the same day: ${sameDay}/${fast.matches.length}`,
)
