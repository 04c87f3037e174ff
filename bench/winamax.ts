/**
 * Winamax snapshot benchmark (shared/DESIGN.md, "Performance budgets"): the real
 * 1,539,232-character snapshot frame → normalized state must take at most 1.5× the time of
 * `JSON.parse` on the same frame. Run with `npx tsx bench/winamax.ts`.
 *
 * Full path = Socket.IO packet text → decodeEventFrame (its JSON.parse) → decodeMEvent
 * (validation) → WinamaxStore.apply (merge + ops) → applyOps into an empty EntityState.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { applyOps, emptyState } from '@oddsboard/model'
import { decodeEventFrame, decodeMEvent, WinamaxStore } from '@oddsboard/winamax'

const FIXTURE = fileURLToPath(
  new URL('../packages/winamax/fixtures/winamax-2025-11-04.ndjson', import.meta.url),
)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Runs the benchmark and returns the figures (also printed). */
export function benchWinamax(runs = 40, warmup = 10) {
  const lines = readFileSync(FIXTURE, 'utf8').split('\n').slice(1)
  const frame = lines
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as { data: string })
    .map((f) => f.data)
    .reduce((a, b) => (b.length > a.length ? b : a))

  const receivedAt = Date.now()
  const full = () => {
    const { args } = decodeEventFrame(frame)
    const store = new WinamaxStore()
    const { ops } = store.apply(decodeMEvent(args), receivedAt)
    return applyOps(emptyState(), ops)
  }
  const parse = () => JSON.parse(frame.slice(2)) as unknown

  for (let i = 0; i < warmup; i++) {
    parse()
    full()
  }
  const tParse: number[] = []
  const tFull: number[] = []
  let state = emptyState()
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so both see the same machine noise and garbage.
    const order = i % 2 === 0 ? [0, 1] : [1, 0]
    for (const which of order) {
      const t0 = performance.now()
      if (which === 0) parse()
      else state = full()
      ;(which === 0 ? tParse : tFull).push(performance.now() - t0)
    }
  }
  const result = {
    frameChars: frame.length,
    runs,
    jsonParseMs: median(tParse),
    fullPathMs: median(tFull),
    ratio: median(tFull) / median(tParse),
    /** Each iteration runs both back to back, so its ratio cancels slow spells of a shared machine. */
    pairedRatio: median(tFull.map((t, i) => t / tParse[i]!)),
    budget: 1.5,
    entities: {
      sports: state.sport.size,
      competitions: state.competition.size,
      events: state.event.size,
      markets: state.market.size,
      selections: state.selection.size,
    },
  }
  console.log(
    `winamax snapshot (${result.frameChars} chars, ${runs} runs): JSON.parse median ${result.jsonParseMs.toFixed(2)} ms, ` +
      `frame → normalized state median ${result.fullPathMs.toFixed(2)} ms, ratio ${result.ratio.toFixed(2)}× ` +
      `(median of paired ratios ${result.pairedRatio.toFixed(2)}×; budget ≤ ${result.budget}×)`,
  )
  console.log(`entities: ${JSON.stringify(result.entities)}`)
  return result
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchWinamax()
}
