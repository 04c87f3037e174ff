import {
  applyOps,
  stateFromEntities,
  type Entity,
  type Event,
  type Market,
  type PricePoint,
  type Selection,
} from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import {
  biggestMovers,
  eventRows,
  eventStaleFor,
  hotRows,
  isTennisEvent,
  mainMarkets,
  matchName,
  MOVER_PRICE_CEILING,
  moverFigures,
  moverLeftOut,
  newestSelectionUpdates,
  priceCells,
  rowIsStale,
  staleLabel,
  type EventRow,
  type HotRow,
  type RowCache,
} from './rows'

const s = (
  id: string,
  marketId: string,
  order: number,
  odds: number | null,
  extra: Partial<Selection> = {},
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
  updatedAt: 1000,
  ...extra,
})

const market = (id: string, extra: Partial<Market>): Market => ({
  kind: 'market',
  id,
  source: 'winamax',
  eventId: 'winamax:e1',
  name: id,
  type: 'other',
  suspended: false,
  main: false,
  ...extra,
})

const event: Event = {
  kind: 'event',
  id: 'winamax:e1',
  source: 'winamax',
  sportId: 'winamax:1',
  competitionId: 'winamax:c1',
  name: 'A - B',
  participants: ['A', 'B'],
  status: 'live',
  updatedAt: 1000,
}

const base: Entity[] = [
  { kind: 'sport', id: 'winamax:1', source: 'winamax', key: 'football', name: 'Football' },
  {
    kind: 'competition',
    id: 'winamax:c1',
    source: 'winamax',
    sportId: 'winamax:1',
    name: 'Ligue 1',
  },
  event,
  // A result-like name that is not main: names are never read, only `main`.
  market('winamax:m0', { name: 'Match result 1X2', type: '1x2' }),
  market('winamax:m1', { name: 'Nombre de buts', type: 'over-under', line: 2.5, main: true }),
  s('winamax:o1', 'winamax:m1', 1, 1.9, { outcome: 'under', name: 'Moins de 2,5' }),
  s('winamax:o0', 'winamax:m1', 0, 1.85, { outcome: 'over', name: 'Plus de 2,5', hotUsers: 150 }),
  s('winamax:r0', 'winamax:m0', 0, 2, { outcome: 'home', hotUsers: 20 }),
  s('winamax:r1', 'winamax:m0', 1, 3.5, { outcome: 'draw' }),
  s('winamax:r2', 'winamax:m0', 2, 4, { outcome: 'away' }),
]

describe('rows', () => {
  const state = stateFromEntities(base)

  it('takes the main market from Market.main, never from its name', () => {
    const mains = mainMarkets(state)
    expect(mains.get('winamax:e1')?.market.id).toBe('winamax:m1')
    expect(mains.get('winamax:e1')?.selectionIds).toEqual(['winamax:o0', 'winamax:o1'])
    const none = stateFromEntities(
      base.map((e) => (e.kind === 'market' ? { ...e, main: false } : e)),
    )
    expect(mainMarkets(none).size).toBe(0)
  })

  it('places an over/under by outcome with "Over 2.5" / "Under 2.5" labels, not as 1 / 2', () => {
    const rows = eventRows(state, mainMarkets(state), () => true, new Map())
    expect(rows[0]).toMatchObject({
      marketType: 'over-under',
      marketLine: 2.5,
      home: { selectionId: 'winamax:o0', label: 'Over 2.5' },
      draw: null,
      away: { selectionId: 'winamax:o1', label: 'Under 2.5' },
      selectionIds: ['winamax:o0', 'winamax:o1'],
      competition: 'Ligue 1',
      sportKey: 'football',
    })
  })

  it('places 1X2, next-goal and tennis winner outcomes in their columns whatever their order', () => {
    const mk = (type: Market['type'], outcomes: Selection['outcome'][], sport = 'football') =>
      priceCells(
        {
          market: market('m', { type, main: true }),
          selectionIds: [],
          selections: outcomes.map((o, i) => s(`s${i}`, 'm', i, 2, { outcome: o })),
        },
        sport as 'football',
      )
    expect(mk('1x2', ['away', 'home', 'draw'])).toEqual({
      home: { selectionId: 's1', label: '1' },
      draw: { selectionId: 's2', label: 'X' },
      away: { selectionId: 's0', label: '2' },
    })
    expect(mk('next-goal', ['home', 'none', 'away'])).toMatchObject({
      home: { label: 'Home' },
      draw: { label: 'No goal' },
      away: { label: 'Away' },
    })
    expect(mk('winner', ['home', 'away'], 'tennis')).toMatchObject({
      home: { label: 'Player 1' },
      draw: null,
      away: { label: 'Player 2' },
    })
    // An outright, or an untyped market of many runners, has no price columns.
    expect(mk('outright', [undefined, undefined, undefined])).toEqual({
      home: null,
      draw: null,
      away: null,
    })
  })

  it('leaves an event whose main market is an outright out of the match rows', () => {
    const outright = stateFromEntities([
      ...base.filter((e) => e.kind !== 'market' && e.kind !== 'selection'),
      market('winamax:w', { name: 'Vainqueur', type: 'outright', main: true }),
      ...Array.from({ length: 40 }, (_, i) => s(`winamax:w${i}`, 'winamax:w', i, 5 + i)),
    ])
    expect(eventRows(outright, mainMarkets(outright), () => true, new Map())).toEqual([])
  })

  it('keeps a row object identical when only a price changed (memoized rows skip rendering)', () => {
    const cache: RowCache<EventRow> = new Map()
    const mains = mainMarkets(state)
    const r1 = eventRows(state, mains, () => true, cache)
    const next = applyOps(state, [
      {
        op: 'upsert',
        entity: s('winamax:o0', 'winamax:m1', 0, 2.2, { outcome: 'over', hotUsers: 150 }),
      },
    ])
    const r2 = eventRows(next, mains, () => true, cache)
    expect(r2[0]).toBe(r1[0])
  })

  it('lists hot outcomes with their hotUsers', () => {
    const rows = hotRows(state, () => true, new Map() as RowCache<HotRow>)
    expect(rows.map((r) => [r.id, r.hotUsers, r.market])).toEqual([
      ['winamax:o0', 150, 'Nombre de buts'],
      ['winamax:r0', 20, 'Match result 1X2'],
    ])
    // Winamax writes "A - B"; every view writes "A v B".
    expect(rows[0]!.match).toBe('A v B')
  })

  it('writes a match "A v B", or the lone participant, or the name', () => {
    expect(matchName({ name: 'A - B', participants: ['A', 'B'] })).toBe('A v B')
    expect(matchName({ name: 'Coupe', participants: ['Coupe', ''] })).toBe('Coupe')
    expect(matchName({ name: 'Coupe', participants: ['', ''] })).toBe('Coupe')
  })

  it('treats events of a tennis sport as tennis from any book, score or not, and drops ended ones', () => {
    const kwiff = stateFromEntities([
      { kind: 'sport', id: 'kwiff:3', source: 'kwiff', key: 'tennis', name: 'Tennis' },
    ])
    const e: Event = { ...event, id: 'kwiff:e9', source: 'kwiff', sportId: 'kwiff:3' }
    expect(isTennisEvent(e, kwiff)).toBe(true)
    expect(isTennisEvent({ ...e, status: 'ended' }, kwiff)).toBe(false)
    expect(isTennisEvent(event, state)).toBe(false)
  })
})

describe('event freshness', () => {
  it('indexes the newest selection change per event', () => {
    const state = stateFromEntities([
      ...base,
      s('winamax:o9', 'winamax:m1', 9, 3, { updatedAt: 5000 }),
    ])
    expect(newestSelectionUpdates(state.selection).get('winamax:e1')).toBe(5000)
  })

  it("marks a live event after its book's cadence with no change to it or its selections", () => {
    // EVENT_STALE_AFTER_MS.winamax is 120 s.
    expect(eventStaleFor(event, 1000 + 120_000, undefined)).toBeNull()
    expect(eventStaleFor(event, 1000 + 180_000, undefined)).toBe(180_000)
    expect(eventStaleFor(event, 1000 + 180_000, 100_000)).toBeNull()
    expect(eventStaleFor({ ...event, status: 'prematch' }, 1e9, undefined)).toBeNull()
    expect(staleLabel(180_000)).toBe('no update 3m')
    expect(staleLabel(121_000)).toBe('no update 2m')
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

describe('moverFigures', () => {
  it('reads From, Now and Change from the same points: 4.50 → 3.50 is −22.2 %', () => {
    const points: PricePoint[] = [
      [0, 4.5],
      [50_000, 4],
      [90_000, 3.5],
    ]
    const f = moverFigures(points, 40_000)!
    expect(f).toMatchObject({ from: 4.5, to: 3.5, toTs: 90_000 })
    expect(f.change).toBeCloseTo(-0.2222, 4)
    // 2.00 → 3.75 is +87.5 %, not +100 %.
    expect(
      moverFigures(
        [
          [0, 2],
          [10, 3.75],
        ],
        5,
      )!.change,
    ).toBeCloseTo(0.875, 9)
  })

  it('is null when nothing moved inside the window', () => {
    expect(
      moverFigures(
        [
          [0, 2],
          [10, 3],
        ],
        20,
      ),
    ).toBeNull()
    expect(moverFigures(undefined, 0)).toBeNull()
  })
})

describe('moverLeftOut', () => {
  const live = { status: 'live' } as const
  const open = { suspended: false }
  it('leaves out decided, suspended and ended prices, and keeps market moves', () => {
    expect(moverLeftOut({ from: 2, to: 3 }, open, open, live)).toBeNull()
    expect(moverLeftOut({ from: 8, to: 101 }, open, open, live)).toBe('ceiling')
    expect(moverLeftOut({ from: MOVER_PRICE_CEILING + 1, to: 40 }, open, open, live)).toBe(
      'ceiling',
    )
    expect(moverLeftOut({ from: 2, to: 3 }, { suspended: true }, open, live)).toBe('suspended')
    expect(moverLeftOut({ from: 2, to: 3 }, open, { suspended: true }, live)).toBe('suspended')
    expect(moverLeftOut({ from: 2, to: 3 }, open, open, { status: 'suspended' })).toBe('suspended')
    expect(moverLeftOut({ from: 2, to: 3 }, open, open, { status: 'ended' })).toBe('settled')
    expect(moverLeftOut({ from: 2, to: 3 }, open, open, undefined)).toBe('settled')
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
