import { describe, expect, it } from 'vitest'
import type { Entity, Event, Selection } from './entities'
import type { Op, PatchOp } from './ops'
import {
  InvalidOpError,
  applyOps,
  changeOp,
  diffEntities,
  emptyState,
  patchEntity,
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
    expect(() => applyOps(s0, [{ op: 'merge' } as unknown as Op])).toThrow(/unknown op/)
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

describe('patch ops', () => {
  const priced = (odds: number, extra: Partial<Selection> = {}): Selection => ({
    ...sel('kwiff:o1', odds),
    oddsText: '1/1',
    hotUsers: 12,
    ...extra,
  })

  it('sets the given fields, unsets optional ones and stamps updatedAt with the delta ts', () => {
    const s0 = stateFromEntities([event, priced(2)])
    const s1 = applyOps(
      s0,
      [
        {
          op: 'patch',
          kind: 'selection',
          id: 'kwiff:o1',
          set: { odds: 2.5, oddsText: '6/4' },
          unset: ['hotUsers'],
        },
      ],
      5_000,
    )
    expect(s1.selection.get('kwiff:o1')).toEqual({
      ...sel('kwiff:o1', 2.5),
      oddsText: '6/4',
      updatedAt: 5_000,
    })
    expect(s1.selection.get('kwiff:o1')).not.toHaveProperty('hotUsers')
    // copy-on-write: the old state and its entity are untouched, other kinds are shared
    expect(s0.selection.get('kwiff:o1')).toEqual(priced(2))
    expect(s1.event).toBe(s0.event)
    // a patch that sets updatedAt keeps that value; a kind without updatedAt needs no ts
    const s2 = applyOps(s1, [
      { op: 'patch', kind: 'selection', id: 'kwiff:o1', set: { suspended: true, updatedAt: 7 } },
    ])
    expect(s2.selection.get('kwiff:o1')).toMatchObject({ suspended: true, updatedAt: 7 })
    const m = stateFromEntities([
      {
        kind: 'market',
        id: 'kwiff:m1',
        source: 'kwiff',
        eventId: 'kwiff:e1',
        name: 'Winner',
        type: 'winner',
        suspended: false,
        main: true,
      },
    ])
    expect(
      applyOps(m, [
        { op: 'patch', kind: 'market', id: 'kwiff:m1', set: { suspended: true } },
      ]).market.get('kwiff:m1')?.suspended,
    ).toBe(true)
  })

  it('applies a patch to an entity upserted earlier in the same batch', () => {
    const s = applyOps(
      emptyState(),
      [
        { op: 'upsert', entity: sel('kwiff:o1', 2) },
        { op: 'patch', kind: 'selection', id: 'kwiff:o1', set: { odds: 3 } },
        { op: 'patch', kind: 'selection', id: 'kwiff:o1', set: { name: 'Draw' } },
      ],
      9,
    )
    expect(s.selection.get('kwiff:o1')).toMatchObject({ odds: 3, name: 'Draw', updatedAt: 9 })
  })

  it('refuses a patch of a missing entity and never half-applies the batch', () => {
    const s0 = stateFromEntities([priced(2)])
    const good: Op = { op: 'patch', kind: 'selection', id: 'kwiff:o1', set: { odds: 3 } }
    const missing: Op = { op: 'patch', kind: 'selection', id: 'kwiff:o9', set: { odds: 3 } }
    expect(() => applyOps(s0, [good, missing], 1)).toThrow(/patch of a missing selection kwiff:o9/)
    expect(s0.selection.get('kwiff:o1')?.odds).toBe(2)
    // removed earlier in the same batch: missing too
    const removed: Op[] = [{ op: 'remove', kind: 'selection', id: 'kwiff:o1' }, good]
    expect(() => applyOps(s0, removed, 1)).toThrow(InvalidOpError)
    expect(s0.selection.size).toBe(1)
    // another kind with the same id is another entity
    expect(() =>
      applyOps(s0, [{ op: 'patch', kind: 'event', id: 'kwiff:o1', set: { name: 'x' } }], 1),
    ).toThrow(/missing event/)
  })

  it.each([
    ['sets kind', { set: { kind: 'event' } }, /cannot set selection field kind/],
    ['sets id', { set: { id: 'kwiff:o2' } }, /cannot set selection field id/],
    [
      'sets a field the kind lacks',
      { set: { colour: 'red' } },
      /cannot set selection field colour/,
    ],
    [
      'sets a field of another kind',
      { set: { status: 'live' } },
      /cannot set selection field status/,
    ],
    [
      'sets __proto__',
      JSON.parse('{"set":{"__proto__":{"odds":9}}}'),
      /cannot set selection field __proto__/,
    ],
    ['sets undefined', { set: { oddsText: undefined } }, /undefined/],
    ['unsets a required field', { unset: ['odds'] }, /cannot unset selection field odds/],
    ['unsets id', { unset: ['id'] }, /cannot unset/],
    [
      'sets and unsets one field',
      { set: { hotUsers: 3 }, unset: ['hotUsers'] },
      /both sets and unsets/,
    ],
    ['set is not an object', { set: [1] }, /not an object/],
    ['unset is not an array', { unset: 'hotUsers' }, /not an array/],
  ])('refuses a patch that %s', (_what, body, message) => {
    const s0 = stateFromEntities([priced(2)])
    const op = { op: 'patch', kind: 'selection', id: 'kwiff:o1', ...body } as unknown as Op
    expect(() => applyOps(s0, [op], 1)).toThrow(message)
    expect(() => applyOps(s0, [op], 1)).toThrow(InvalidOpError)
    expect(s0.selection.get('kwiff:o1')).toEqual(priced(2))
  })

  it('needs the delta ts for a patch that leaves updatedAt to it', () => {
    const s0 = stateFromEntities([priced(2)])
    const op: Op = { op: 'patch', kind: 'selection', id: 'kwiff:o1', set: { odds: 3 } }
    expect(() => applyOps(s0, [op])).toThrow(/needs the delta's ts/)
    expect(applyOps(s0, [op], 42).selection.get('kwiff:o1')?.updatedAt).toBe(42)
  })
})

describe('changeOp', () => {
  const before: Selection = {
    ...sel('bet365:o123456789', 2),
    source: 'bet365',
    eventId: 'bet365:e190321250',
    marketId: 'bet365:m1903212501',
    oddsText: '1/1',
    outcome: 'home',
    updatedAt: 1_000,
  }

  it('turns a price tick into a patch of odds and oddsText, updatedAt left to the ts', () => {
    const after = { ...before, odds: 2.5, oddsText: '6/4', updatedAt: 1_995 }
    const op = changeOp(before, after, 2_000)
    expect(op).toEqual({
      op: 'patch',
      kind: 'selection',
      id: 'bet365:o123456789',
      set: { odds: 2.5, oddsText: '6/4' },
    })
    expect(JSON.stringify(op).length).toBeLessThanOrEqual(100)
    const applied = applyOps(stateFromEntities([before]), [op!], 2_000)
    expect(applied.selection.get(before.id)).toEqual({ ...after, updatedAt: 2_000 })
  })

  it('sends nested values whole when they differ structurally, and nothing for equal ones', () => {
    const ev: Event = {
      ...(event as Event),
      score: {
        sets: [
          [6, 4],
          [2, 1],
        ],
        points: ['15', '0'],
        server: 0,
      },
      clock: { running: true, seconds: 10, at: 5 },
    }
    const same: Event = { ...ev, score: structuredClone(ev.score), clock: { ...ev.clock! } }
    expect(changeOp(ev, same, 9)).toBeNull()
    const point: Event = {
      ...same,
      score: {
        sets: [
          [6, 4],
          [2, 1],
        ],
        points: ['30', '0'],
        server: 0,
      },
      updatedAt: 1_008,
    }
    expect(changeOp(ev, point, 9)).toEqual({
      op: 'patch',
      kind: 'event',
      id: ev.id,
      set: { score: point.score },
    })
  })

  it('unsets fields that are gone, keeps an unmoved updatedAt explicitly, falls back to an upsert', () => {
    const noHot = { ...before, hotUsers: 4 }
    const { hotUsers: _gone, ...after } = noHot
    expect(changeOp(noHot, after, 5)).toEqual({
      op: 'patch',
      kind: 'selection',
      id: before.id,
      unset: ['hotUsers'],
      set: { updatedAt: 1_000 },
    })
    // updatedAt moved, nothing else: the entity was touched at ts
    expect(changeOp(before, { ...before, updatedAt: 1_001 }, 5)).toEqual({
      op: 'patch',
      kind: 'selection',
      id: before.id,
    })
    // a field the model does not define cannot be patched: the whole entity goes
    const odd = { ...before, extra: 1 } as unknown as Entity
    expect(changeOp(before, odd, 5)).toEqual({ op: 'upsert', entity: odd })
    expect(changeOp(before, { ...before }, 5)).toBeNull()
  })

  it('makes, through applyOps, exactly what patchEntity makes (the hub and the browser agree)', () => {
    const after = { ...before, odds: 3, suspended: true, updatedAt: 1_500 }
    const op = changeOp(before, after, 1_600) as PatchOp
    const viaApply = applyOps(stateFromEntities([before]), [op], 1_600).selection.get(before.id)
    expect(viaApply).toEqual(patchEntity(before, op, 1_600))
    expect(JSON.stringify(viaApply)).toBe(JSON.stringify(patchEntity(before, op, 1_600)))
  })
})
