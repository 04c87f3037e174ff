import { readFileSync } from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { matchEvents } from './match'
import { sideToEvent, summarize, type PairRecord } from './pairs'

const file = path.join(import.meta.dirname, '../fixtures/pairs.jsonl')
const records = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as PairRecord)

const decided = records.map((r) => {
  const result = matchEvents(sideToEvent(r.a, r.sport), sideToEvent(r.b, r.sport))
  return { id: r.id, label: r.same, same: result.same, tags: r.tags ?? [], result }
})

/** The negatives that must never merge, whatever the threshold. */
const HARD_NEGATIVE_TAGS = [
  'reverse_fixture',
  'youth_or_women_suffix',
  'reserve_suffix',
  'sibling_or_similar_surname',
  'homonym_club',
  'cross_sport',
  'confusable_club',
]

describe('labelled pairs (fixtures/pairs.jsonl)', () => {
  it('reads all 447 pairs', () => {
    expect(records).toHaveLength(447)
  })

  it.each(HARD_NEGATIVE_TAGS)('never merges a hard negative tagged %s', (tag) => {
    const rows = decided.filter((d) => d.label === false && d.tags.includes(tag))
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.filter((d) => d.same).map((d) => d.id)).toEqual([])
  })

  it('has precision 100 % and recall ≥ 97 % over all pairs', () => {
    const s = summarize(decided)
    expect(s.falseMerges).toEqual([])
    expect(s.recall).toBeGreaterThanOrEqual(0.97)
  })

  // The 30 % split (crc32(id) % 10 < 3) was kept aside while the thresholds were tuned.
  it('has precision 100 % and recall ≥ 97 % on the held-out 30 %', () => {
    const held = decided.filter((d) => crc32(d.id) % 10 < 3)
    expect(held.length).toBeGreaterThan(100)
    const s = summarize(held)
    expect(s.falseMerges).toEqual([])
    expect(s.recall).toBeGreaterThanOrEqual(0.97)
  })

  it('scores every pair within 0..1 with at least one reason', () => {
    for (const d of decided) {
      expect(d.result.score).toBeGreaterThanOrEqual(0)
      expect(d.result.score).toBeLessThanOrEqual(1)
      expect(d.result.reasons.length).toBeGreaterThan(0)
    }
  })
})
