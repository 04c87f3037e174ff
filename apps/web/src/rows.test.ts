import {
  stateFromEntities,
  applyOps,
  type Entity,
  type PricePoint,
  type Selection,
} from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import {
  biggestMovers,
  eventRows,
  hotRows,
  isTennisEvent,
  mainMarkets,
  marketOverround,
  rowIsStale,
  type EventRow,
  type HotRow,
  type RowCache,
} from './rows'

const s = (
  id: string,
  marketId: string,
  order: number,
  odds: number | null,
  hotUsers?: number,
): Selection => ({
  kind: 'selection',
  id,
  source: 'winamax',
  eventId: 'winamax:e1',
  marketId,
  name: id,
  order,
  odds,
  suspended: false,
  ...(hotUsers !== undefined ? { hotUsers } : {}),
})

const base: Entity[] = [
  { kind: 'sport', id: 'winamax:1', source: 'winamax', name: 'Football' },
  {
    kind: 'competition',
    id: 'winamax:c1',
    source: 'winamax',
    sportId: 'winamax:1',
    name: 'Ligue 1',
  },
  {
    kind: 'event',
    id: 'winamax:e1',
    source: 'winamax',
    sportId: 'winamax:1',
    competitionId: 'winamax:c1',
    name: 'A - B',
    participants: ['A', 'B'],
    status: 'live',
  },
  {
    kind: 'market',
    id: 'winamax:m0',
    source: 'winamax',
    eventId: 'winamax:e1',
    name: 'Total goals',
    suspended: false,
  },
  {
    kind: 'market',
    id: 'winamax:m1',
    source: 'winamax',
    eventId: 'winamax:e1',
    name: 'Match result',
    suspended: false,
    main: true,
  },
  s('winamax:o2', 'winamax:m1', 2, 4),
  s('winamax:o0', 'winamax:m1', 0, 2, 150),
  s('winamax:o1', 'winamax:m1', 1, 3.5),
  s('winamax:t0', 'winamax:m0', 0, 1.9, 20),
]

describe('rows', () => {
  const state = stateFromEntities(base)

  it('picks the main market and orders its outcomes as 1 / X / 2', () => {
    const mains = mainMarkets(state)
    expect(mains.get('winamax:e1')?.market.id).toBe('winamax:m1')
    const rows = eventRows(state, mains, () => true, new Map())
    expect(rows[0]).toMatchObject({
      home: 'winamax:o0',
      draw: 'winamax:o1',
      away: 'winamax:o2',
      competition: 'Ligue 1',
    })
  })

  it('keeps a row object identical when only a price changed (memoized rows skip rendering)', () => {
    const cache: RowCache<EventRow> = new Map()
    const mains = mainMarkets(state)
    const r1 = eventRows(state, mains, () => true, cache)
    const next = applyOps(state, [
      { op: 'upsert', entity: s('winamax:o0', 'winamax:m1', 0, 2.2, 150) },
    ])
    const r2 = eventRows(next, mains, () => true, cache)
    expect(r2[0]).toBe(r1[0])
  })

  it('lists hot outcomes with their hotUsers', () => {
    const rows = hotRows(state, () => true, new Map() as RowCache<HotRow>)
    expect(rows.map((r) => [r.id, r.hotUsers, r.market])).toEqual([
      ['winamax:o0', 150, 'Match result'],
      ['winamax:t0', 20, 'Total goals'],
    ])
  })

  it('computes the overround of a market, null when part of it is unpriced', () => {
    expect(
      marketOverround(state.selection, ['winamax:o0', 'winamax:o1', 'winamax:o2']),
    ).toBeCloseTo(1 / 2 + 1 / 3.5 + 1 / 4 - 1, 9)
    const unpriced = applyOps(state, [
      { op: 'upsert', entity: s('winamax:o1', 'winamax:m1', 1, null) },
    ])
    expect(
      marketOverround(unpriced.selection, ['winamax:o0', 'winamax:o1', 'winamax:o2']),
    ).toBeNull()
  })

  it('treats events with a tennis score as tennis, and drops ended ones', () => {
    const e = {
      ...(base[2] as Extract<Entity, { kind: 'event' }>),
      score: {
        sets: [[6, 4]] as [number, number][],
        points: ['15', '0'] as [string, string],
        server: 0 as const,
      },
    }
    expect(isTennisEvent(e, state)).toBe(true)
    expect(isTennisEvent({ ...e, status: 'ended' }, state)).toBe(false)
    expect(isTennisEvent(base[2] as Extract<Entity, { kind: 'event' }>, state)).toBe(false)
  })
})

describe('biggestMovers', () => {
  const h = new Map<string, PricePoint[]>([
    [
      'up',
      [
        [0, 2],
        [50_000, 2.5],
        [90_000, 3],
      ],
    ],
    [
      'down',
      [
        [70_000, 4],
        [95_000, 3.8],
      ],
    ],
    [
      'flat',
      [
        [0, 2],
        [80_000, 2],
      ],
    ],
    [
      'old',
      [
        [0, 2],
        [10_000, 5],
      ],
    ],
  ])

  it('ranks by relative change from the price at the window start', () => {
    const m = biggestMovers(h, 100_000, 60_000)
    expect(m.map((x) => x.selectionId)).toEqual(['up', 'down'])
    expect(m[0]).toMatchObject({ from: 2, to: 3 })
    expect(m[0]!.change).toBeCloseTo(0.5, 9)
    expect(m[1]!.change).toBeCloseTo(-0.05, 9)
  })

  it('honours the limit and the include filter', () => {
    expect(biggestMovers(h, 100_000, 60_000, 1).length).toBe(1)
    expect(
      biggestMovers(h, 100_000, 60_000, 10, (id) => id !== 'up').map((x) => x.selectionId),
    ).toEqual(['down'])
  })
})

describe('rowIsStale', () => {
  it('marks rows of a stale, reconnecting or down book', () => {
    expect(rowIsStale('live', 'open')).toBe(false)
    expect(rowIsStale('connecting', 'open')).toBe(false)
    expect(rowIsStale(undefined, 'open')).toBe(false)
    for (const f of ['stale', 'reconnecting', 'down'] as const)
      expect(rowIsStale(f, 'open')).toBe(true)
  })

  it('marks every row while the page has lost the proxy, not while first connecting', () => {
    expect(rowIsStale('live', 'reconnecting')).toBe(true)
    expect(rowIsStale('live', 'closed')).toBe(true)
    expect(rowIsStale('live', 'connecting')).toBe(false)
  })
})
