/**
 * Prints what the Compare view would see on the default world over simulated hours:
 * surebets per hour and their durations, best-price shares, leaders, margins
 * (`npx tsx packages/simworld/scripts/measure.ts [hours] [seed]`).
 */
import { createSharedWorld } from '../src/world'
import { measureBoard } from '../src/measure'

const hours = Number(process.argv[2] ?? 3)
const seed = Number(process.argv[3] ?? 1)
let t = Date.UTC(2026, 10, 29, 18, 0)
const world = createSharedWorld({ seed, now: () => t })
const stats = measureBoard(
  world,
  (ms) => {
    t += ms
    world.tick()
  },
  hours * 3_600_000,
)
const durations = stats.episodes.map((e) => (e.end - e.start) / 1000 + 1).sort((a, b) => a - b)
const q = (f: number) => durations[Math.min(durations.length - 1, Math.floor(f * durations.length))]
console.log({
  seed,
  hours,
  surebets: stats.episodes.length,
  perHour: +(stats.episodes.length / hours).toFixed(1),
  durationSeconds: { min: durations[0], median: q(0.5), p90: q(0.9), max: durations.at(-1) },
  lowestSum: Math.min(...stats.episodes.map((e) => e.minSum)).toFixed(3),
  onThreeBooks: stats.episodes.filter((e) => e.books === 3).length,
  surebetShareOfMatchSeconds: stats.surebetShare.toFixed(4),
  bestShare: stats.bestShare,
  leads: stats.leads,
  margins: stats.margins,
})
