import { describe, expect, it } from 'vitest'
import type { Entity, Selection } from './entities'
import type { Op } from './ops'
import {
  InvalidOpError,
  applyOps,
  diffEntities,
  emptyState,
  stateEntities,
  stateFromEntities,
} from './ops'

const sel = (id: string, odds: number | null): Selection => ({
  kind: 'selection',
  id,
  source: 'kwiff',
  eventId: 'kwiff:e1',
  marketId: 'kwiff:m1',
  name: id,
  order: 0,
  odds,
  suspended: false,
  updatedAt: 1_000,
})
const event: Entity = {
  kind: 'event',
  id: 'kwiff:e1',
  source: 'kwiff',
  sportId: 'kwiff:s11',
  competitionId: 'kwiff:c1',
  name: 'A v B',
  participants: ['A', 'B'],
  status: 'live',
  updatedAt: 1_000,
}

describe('applyOps', () => {
  it('upserts and removes, copying only the kinds that changed', () => {
    const s0 = stateFromEntities([event, sel('kwiff:o1', 2)])
    const s1 = applyOps(s0, [{ op: 'upsert', entity: sel('kwiff:o1', 2.1) }])
    expect(s1.selection.get('kwiff:o1')?.odds).toBe(2.1)
    expect(s0.selection.get('kwiff:o1')?.odds).toBe(2)
    expect(s1.event).toBe(s0.event)
    expect(s1.selection).not.toBe(s0.selection)
    const s2 = applyOps(s1, [{ op: 'remove', kind: 'selection', id: 'kwiff:o1' }])
    expect(s2.selection.size).toBe(0)
  })
  it('returns the same state when nothing changed', () => {
    const e = sel('kwiff:o1', 2)
    const s0 = stateFromEntities([e])
    expect(applyOps(s0, [{ op: 'upsert', entity: e }])).toBe(s0)
    expect(applyOps(s0, [{ op: 'remove', kind: 'event', id: 'nope' }])).toBe(s0)
    expect(applyOps(s0, [])).toBe(s0)
  })
  it('never half-applies a batch with a bad op', () => {
    const s0 = stateFromEntities([sel('kwiff:o1', 2)])
    const bad = [
      { op: 'upsert', entity: sel('kwiff:o1', 3) },
      { op: 'upsert', entity: { kind: 'horse', id: 'x' } },
    ] as unknown as Op[]
    expect(() => applyOps(s0, bad)).toThrow(InvalidOpError)
    expect(s0.selection.get('kwiff:o1')?.odds).toBe(2)
    expect(() => applyOps(s0, [{ op: 'patch' } as unknown as Op])).toThrow(/unknown op/)
  })
  it('lists entities parents first', () => {
    const s = stateFromEntities([sel('kwiff:o1', 2), event])
    expect(stateEntities(s).map((e) => e.kind)).toEqual(['event', 'selection'])
    expect(stateEntities(emptyState())).toEqual([])
  })
})

describe('diffEntities', () => {
  it('emits upserts for new or changed entities and removes for vanished ones', () => {
    const before = new Map<string, Entity>([
      [event.id, event],
      ['kwiff:o1', sel('kwiff:o1', 2)],
      ['kwiff:o2', sel('kwiff:o2', 3)],
    ])
    const after = new Map<string, Entity>([
      [event.id, { ...event }],
      ['kwiff:o1', sel('kwiff:o1', 2.2)],
      ['kwiff:o3', sel('kwiff:o3', 4)],
    ])
    const ops = diffEntities(before, after)
    expect(ops).toEqual([
      { op: 'upsert', entity: sel('kwiff:o1', 2.2) },
      { op: 'upsert', entity: sel('kwiff:o3', 4) },
      { op: 'remove', kind: 'selection', id: 'kwiff:o2' },
    ])
  })
  it('is empty for identical pictures', () => {
    const m = new Map<string, Entity>([[event.id, event]])
    expect(diffEntities(m, new Map(m))).toEqual([])
  })
  it('removes children before parents', () => {
    const before = new Map<string, Entity>([
      [event.id, event],
      ['kwiff:o1', sel('kwiff:o1', 2)],
    ])
    const ops = diffEntities(before, new Map())
    expect(ops.map((o) => (o.op === 'remove' ? o.kind : ''))).toEqual(['selection', 'event'])
  })
})
