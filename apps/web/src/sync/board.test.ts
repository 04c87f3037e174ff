import type { Entity, Op, Selection, SnapshotMessage } from '@oddsboard/model'
import { InvalidOpError, PRICE_HISTORY_POINTS, RELAY_PROTOCOL } from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import { applyServerMessage, emptyBoard, lastChange, mergeHistory, type BoardData } from './board'

const sel = (id: string, odds: number | null, extra: Partial<Selection> = {}): Selection => ({
  kind: 'selection',
  id,
  source: 'winamax',
  eventId: 'winamax:e1',
  marketId: 'winamax:m1',
  name: id,
  order: 0,
  odds,
  suspended: false,
  updatedAt: 500,
  ...extra,
})

const snapshot = (entities: Entity[], seq = 10, epoch = 'E1'): SnapshotMessage => ({
  type: 'snapshot',
  protocol: RELAY_PROTOCOL,
  epoch,
  seq,
  entities,
  feeds: [
    {
      source: 'winamax',
      state: 'live',
      lastMessageAt: 1,
      reconnects: 0,
      messagesPerSec: 1,
      messages: 1,
      badFrames: 0,
    },
  ],
})

function start(): BoardData {
  return applyServerMessage(emptyBoard(), snapshot([sel('a', 2), sel('b', 3)]), 1000).data
}

describe('applyServerMessage', () => {
  it('loads a snapshot with its epoch, seq and feeds', () => {
    const d = start()
    expect(d.epoch).toBe('E1')
    expect(d.seq).toBe(10)
    expect(d.entities.selection.get('a')?.odds).toBe(2)
    expect(d.feeds.winamax?.state).toBe('live')
    // history comes from the proxy (mergeHistory) and the deltas, never from the page's clock
    expect(d.history.size).toBe(0)
  })

  it('applies a following delta and records the move up or down with the previous odds', () => {
    const d0 = start()
    const { data, needSnapshot } = applyServerMessage(
      d0,
      {
        type: 'delta',
        epoch: 'E1',
        seq: 11,
        ts: 5000,
        ops: [
          { op: 'upsert', entity: sel('a', 2.5) },
          { op: 'upsert', entity: sel('b', 2.8) },
        ],
      },
      6000,
    )
    expect(needSnapshot).toBe(false)
    expect(data.seq).toBe(11)
    expect(data.moves.get('a')).toEqual({ ts: 5000, dir: 1, prev: 2 })
    expect(data.moves.get('b')).toEqual({ ts: 5000, dir: -1, prev: 3 })
    expect(data.history.get('a')).toEqual([[5000, 2.5]])
    const seeded = mergeHistory(d0, { a: [[900, 2]] })
    const next = applyServerMessage(
      seeded,
      {
        type: 'delta',
        epoch: 'E1',
        seq: 11,
        ts: 5000,
        ops: [{ op: 'upsert', entity: sel('a', 2.5) }],
      },
      6000,
    ).data
    expect(next.history.get('a')).toEqual([
      [900, 2],
      [5000, 2.5],
    ])
  })

  it('applies patches (relay protocol 4): moves, flashes and history as from whole entities', () => {
    const d0 = mergeHistory(start(), { a: [[900, 2]] })
    const delta = (seq: number, ts: number, ops: Op[]) =>
      applyServerMessage(d0, { type: 'delta', epoch: 'E1', seq, ts, ops }, ts + 1)
    const { data, needSnapshot } = delta(11, 5000, [
      { op: 'patch', kind: 'selection', id: 'a', set: { odds: 2.5, oddsText: '6/4' } },
      { op: 'patch', kind: 'selection', id: 'b', set: { suspended: true }, unset: ['hotUsers'] },
    ])
    expect(needSnapshot).toBe(false)
    // the patched entity: the fields set, updatedAt = the delta's ts, the rest as it was
    expect(data.entities.selection.get('a')).toEqual(
      sel('a', 2.5, { oddsText: '6/4', updatedAt: 5000 }),
    )
    expect(data.entities.selection.get('b')).toEqual(
      sel('b', 3, { suspended: true, updatedAt: 5000 }),
    )
    expect(data.moves.get('a')).toEqual({ ts: 5000, dir: 1, prev: 2 })
    expect(data.moves.has('b')).toBe(false) // no price change, no move
    expect(data.history.get('a')).toEqual([
      [900, 2],
      [5000, 2.5],
    ])
    expect(data.structure).toBe(d0.structure) // a price change is not structural
    // a patch that moves a selection to another market is structural
    const moved = applyServerMessage(
      data,
      {
        type: 'delta',
        epoch: 'E1',
        seq: 12,
        ts: 6000,
        ops: [{ op: 'patch', kind: 'selection', id: 'b', set: { marketId: 'winamax:m2' } }],
      },
      6001,
    ).data
    expect(moved.structure).toBe(data.structure + 1)
    expect(moved.entities.selection.get('b')?.marketId).toBe('winamax:m2')
  })

  it('refuses a delta with a patch of a selection it does not have, leaving the board untouched', () => {
    const d0 = start()
    const bad = {
      type: 'delta' as const,
      epoch: 'E1',
      seq: 11,
      ts: 5000,
      ops: [
        { op: 'patch', kind: 'selection', id: 'a', set: { odds: 9 } },
        { op: 'patch', kind: 'selection', id: 'zzz', set: { odds: 9 } },
      ] as Op[],
    }
    expect(() => applyServerMessage(d0, bad, 0)).toThrow(InvalidOpError)
    expect(d0.entities.selection.get('a')?.odds).toBe(2)
    expect(d0.seq).toBe(10)
  })

  it('continues a resumed connection at its own position, else asks for a snapshot', () => {
    const d0 = start()
    const resumed = (epoch: string, seq: number) =>
      applyServerMessage(d0, { type: 'resumed', protocol: RELAY_PROTOCOL, epoch, seq }, 0)
    expect(resumed('E1', 10)).toEqual({ data: d0, needSnapshot: false })
    expect(resumed('E1', 9).needSnapshot).toBe(true)
    expect(resumed('E0', 10).needSnapshot).toBe(true)
  })

  it('asks for a snapshot on a seq gap or another epoch and leaves the state untouched', () => {
    const d0 = start()
    const gap = applyServerMessage(
      d0,
      { type: 'delta', epoch: 'E1', seq: 13, ts: 1, ops: [{ op: 'upsert', entity: sel('a', 9) }] },
      0,
    )
    expect(gap.needSnapshot).toBe(true)
    expect(gap.data).toBe(d0)
    const epoch = applyServerMessage(d0, { type: 'delta', epoch: 'E2', seq: 11, ts: 1, ops: [] }, 0)
    expect(epoch.needSnapshot).toBe(true)
    expect(epoch.data).toBe(d0)
  })

  it('ignores a duplicate (old seq) and deltas before any snapshot', () => {
    const d0 = start()
    const dup = applyServerMessage(
      d0,
      { type: 'delta', epoch: 'E1', seq: 10, ts: 1, ops: [{ op: 'upsert', entity: sel('a', 9) }] },
      0,
    )
    expect(dup).toEqual({ data: d0, needSnapshot: false })
    const early = applyServerMessage(
      emptyBoard(),
      { type: 'delta', epoch: 'E1', seq: 1, ts: 1, ops: [] },
      0,
    )
    expect(early.needSnapshot).toBe(false)
    expect(early.data.epoch).toBeNull()
  })

  it('records no move or history point when only a non-price field changed', () => {
    const d0 = mergeHistory(start(), { a: [[900, 2]] })
    const historyBefore = d0.history.get('a')
    const { data } = applyServerMessage(
      d0,
      {
        type: 'delta',
        epoch: 'E1',
        seq: 11,
        ts: 1,
        ops: [{ op: 'upsert', entity: sel('a', 2, { hotUsers: 12 }) }],
      },
      0,
    )
    expect(data.entities.selection.get('a')?.hotUsers).toBe(12)
    expect(data.moves.has('a')).toBe(false)
    expect(data.history.get('a')).toBe(historyBefore)
    expect(data.structure).toBe(d0.structure)
  })

  it('bumps structure and prunes moves when a selection is removed', () => {
    const d1 = applyServerMessage(
      start(),
      { type: 'delta', epoch: 'E1', seq: 11, ts: 2, ops: [{ op: 'upsert', entity: sel('a', 4) }] },
      0,
    ).data
    const d2 = applyServerMessage(
      d1,
      {
        type: 'delta',
        epoch: 'E1',
        seq: 12,
        ts: 3,
        ops: [{ op: 'remove', kind: 'selection', id: 'a' }],
      },
      0,
    ).data
    expect(d2.structure).toBe(d1.structure + 1)
    expect(d2.moves.has('a')).toBe(false)
    expect(d2.history.has('a')).toBe(false)
  })

  it('counts a price that changed across a resync snapshot as a move and drops its untrue history', () => {
    const before = mergeHistory(start(), { a: [[900, 2]], b: [[900, 3]] })
    const d = applyServerMessage(
      before,
      snapshot([sel('a', 1.5), sel('b', 3)], 40, 'E2'),
      9000,
    ).data
    expect(d.epoch).toBe('E2')
    expect(d.moves.get('a')).toEqual({ ts: 9000, dir: -1, prev: 2 })
    expect(d.moves.has('b')).toBe(false)
    expect(d.snapshots).toBe(2)
    expect(d.history.has('a')).toBe(false) // its last point (2) is no longer the price
    expect(d.history.get('b')).toEqual([[900, 3]])
  })

  it('keeps the price history bounded', () => {
    let d = start()
    for (let i = 0; i < PRICE_HISTORY_POINTS + 20; i++)
      d = applyServerMessage(
        d,
        {
          type: 'delta',
          epoch: 'E1',
          seq: 11 + i,
          ts: 2000 + i,
          ops: [{ op: 'upsert', entity: sel('a', 2 + (i % 2 === 0 ? 0.1 : 0.2)) }],
        },
        0,
      ).data
    expect(d.history.get('a')!.length).toBe(PRICE_HISTORY_POINTS)
    expect(d.history.get('a')!.at(-1)![0]).toBe(2000 + PRICE_HISTORY_POINTS + 19)
  })

  it('replaces feed statuses on a feeds message', () => {
    const d = applyServerMessage(
      start(),
      {
        type: 'feeds',
        feeds: [
          {
            source: 'bet365',
            state: 'stale',
            lastMessageAt: null,
            reconnects: 2,
            messagesPerSec: 0,
            messages: 0,
            badFrames: 0,
          },
        ],
      },
      0,
    ).data
    expect(d.feeds.bet365?.state).toBe('stale')
    expect(d.feeds.winamax).toBeUndefined()
  })
})

describe('mergeHistory', () => {
  it('takes the proxy history under the deltas seen since, and ignores unknown ids', () => {
    const d1 = applyServerMessage(
      start(),
      {
        type: 'delta',
        epoch: 'E1',
        seq: 11,
        ts: 1200,
        ops: [{ op: 'upsert', entity: sel('a', 2.1) }],
      },
      0,
    ).data
    // fetched after that delta: the proxy has it too (same hub time)
    const d = mergeHistory(d1, {
      a: [
        [100, 1.9],
        [500, 2],
        [1200, 2.1],
      ],
      zzz: [[1, 5]],
      b: [[1, 'x']] as never,
    })
    expect(d).not.toBe(d1)
    expect(d.history.get('a')).toEqual([
      [100, 1.9],
      [500, 2],
      [1200, 2.1],
    ])
    expect(d.history.has('zzz')).toBe(false)
    expect(d.history.has('b')).toBe(false)
    expect(mergeHistory(d, {})).toBe(d)
  })
})

describe('lastChange', () => {
  it('prefers the move seen live, else the latest step of the price history', () => {
    const move = { ts: 50, dir: 1 as const, prev: 2 }
    expect(lastChange(move, [[1, 3]])).toBe(move)
    expect(
      lastChange(undefined, [
        [10, 2.0],
        [20, 2.5],
        [30, 2.5],
        [40, 2.2],
      ]),
    ).toEqual({ ts: 40, dir: -1, prev: 2.5 })
    expect(
      lastChange(undefined, [
        [10, 2.0],
        [20, 2.5],
        [30, 2.5],
      ]),
    ).toEqual({ ts: 20, dir: 1, prev: 2.0 })
  })

  it('knows no change from a single price or none', () => {
    expect(lastChange(undefined, [[10, 2.0]])).toBeUndefined()
    expect(
      lastChange(undefined, [
        [10, 2.0],
        [20, 2.0],
      ]),
    ).toBeUndefined()
    expect(lastChange(undefined, undefined)).toBeUndefined()
  })
})
