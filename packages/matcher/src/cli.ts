/**
 * `npm run match -- FILE.jsonl`: reads labelled pairs (format of
 * `fixtures/pairs.jsonl`), prints `{"id","same","score"}` per line on stdout in the same
 * order, and a summary (precision, recall, misses with names) on stderr.
 * Exit code 2 on a missing file or an unreadable line.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { matchEvents, type MatchResult } from './match'
import { sideToEvent, summarize, type PairRecord } from './pairs'

// A reader that stops early (`| head`) closes the pipe: that is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})

const { positionals } = parseArgs({ allowPositionals: true })
const file = positionals[0]
if (file === undefined) {
  process.stderr.write('usage: npm run match -- FILE.jsonl\n')
  process.exit(2)
}
let text: string
try {
  text = readFileSync(file, 'utf8')
} catch (err) {
  process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`)
  process.exit(2)
}

const rows: {
  id: string
  label?: boolean
  same: boolean
  record: PairRecord
  reasons: string[]
}[] = []
const out: string[] = []
for (const [n, line] of text.split('\n').entries()) {
  if (line.trim() === '') continue
  let record: PairRecord
  try {
    record = JSON.parse(line) as PairRecord
  } catch {
    process.stderr.write(`${file}:${n + 1}: not JSON\n`)
    process.exit(2)
  }
  let result: MatchResult
  try {
    result = matchEvents(sideToEvent(record.a, record.sport), sideToEvent(record.b, record.sport))
  } catch (err) {
    // an event that cannot be read is not merged with anything
    result = { same: false, score: 0, reasons: [(err as Error).message] }
  }
  const { same, score, reasons } = result
  out.push(JSON.stringify({ id: record.id, same, score: Math.round(score * 1000) / 1000 }))
  rows.push({ id: record.id, label: record.same, same, record, reasons })
}
process.stdout.write(out.join('\n') + (out.length > 0 ? '\n' : ''))

const s = summarize(rows)
const pct = (x: number) => `${(x * 100).toFixed(1)} %`
const byId = new Map(rows.map((r) => [r.id, r]))
const describe = (id: string) => {
  const r = byId.get(id)
  if (r === undefined) return id
  return `  ${id}  ${r.record.a.name ?? ''}  |  ${r.record.b.name ?? ''}  (${r.reasons.join('; ')})`
}
const lines = [
  `pairs: ${rows.length}, labelled positives ${s.truePositives + s.falseNegatives}, negatives ${s.falsePositives + s.trueNegatives}`,
  `precision ${pct(s.precision)} (${s.falsePositives} false merges), recall ${pct(s.recall)} (${s.falseNegatives} missed)`,
]
if (s.falseMerges.length > 0) lines.push('false merges:', ...s.falseMerges.map(describe))
if (s.missed.length > 0) lines.push('missed:', ...s.missed.map(describe))
process.stderr.write(lines.join('\n') + '\n')
