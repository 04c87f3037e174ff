import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  canonicalMatchState,
  canonicalOfEvent,
  canonicalOutcome,
  canonicalScore,
  compareEvent,
  compareLayout,
  comparePrices,
  movedFirst,
  stakeSplit,
} from './compare'
import type { Outcome } from './canonical'
import type { CanonicalEvent, Entity, Event, Market, Selection, Source } from './entities'
import { stateFromEntities } from './ops'

/* ---------- a hand-built board: one football match on three books ---------- */

const event = (source: Source, over: Partial<Event> = {}): Event => ({
  kind: 'event',
  id: `${source}:e1`,
  source,
  sportId: `${source}:football`,
  competitionId: `${source}:c1`,
  name: 'Arsenal v Chelsea',
  participants: ['Arsenal', 'Chelsea'],
  status: 'live',
  updatedAt: 1_000,
  ...over,
})

const market = (source: Source, over: Partial<Market> = {}): Market => ({
  kind: 'market',
  id: `${source}:m1`,
  source,
  eventId: `${source}:e1`,
  name: 'Match result',
  type: '1x2',
  suspended: false,
  main: true,
  ...over,
})

let order = 0
const sel = (
  source: Source,
  outcome: Outcome,
  odds: number | null,
  over: Partial<Selection> = {},
): Selection => ({
  kind: 'selection',
  id: `${source}:${over.marketId ?? `${source}:m1`}:${outcome}`,
  source,
  eventId: `${source}:e1`,
  marketId: `${source}:m1`,
  name: outcome,
  order: order++,
  outcome,
  odds,
  suspended: false,
  updatedAt: 2_000,
  ...over,
})

const member = (source: Source, swapped = false) => ({
  eventId: `${source}:e1`,
  source,
  swapped,
  score: 0.95,
  reasons: ['names 0.95'],
  by: 'matcher' as const,
})

const canonical = (members = [member('winamax'), member('bet365'), member('kwiff')]) =>
  ({
    kind: 'canonical',
    id: 'canonical:1',
    sport: 'football',
    name: 'Arsenal v Chelsea',
    participants: ['Arsenal', 'Chelsea'],
    members,
    updatedAt: 1_000,
  }) satisfies CanonicalEvent

/** Three books' 1X2 on one match: `odds[source]` = [home, draw, away]. */
function board(odds: Partial<Record<Source, [number | null, number | null, number | null]>>) {
  const entities: Entity[] = []
  for (const [source, [h, d, a]] of Object.entries(odds) as [Source, (number | null)[]][]) {
    entities.push(event(source), market(source))
    entities.push(sel(source, 'home', h!), sel(source, 'draw', d!), sel(source, 'away', a!))
  }
  return stateFromEntities(entities)
}

describe('compareEvent', () => {
  it('lines up each book’s 1X2 prices per outcome and finds the best price of each', () => {
    const state = board({
      winamax: [2.1, 3.4, 3.6],
      bet365: [2.2, 3.3, 3.5],
      kwiff: [2.05, 3.5, 3.5],
    })
    const c = compareEvent(state, canonical())
    expect(c.layout.market).toEqual({ type: '1x2' })
    expect(c.layout.shared).toBe(3)
    expect(c.outcomes.map((o) => o.outcome)).toEqual(['home', 'draw', 'away'])
    expect(c.outcomes.map((o) => o.prices.map((p) => p?.odds))).toEqual([
      [2.1, 2.2, 2.05],
      [3.4, 3.3, 3.5],
      [3.6, 3.5, 3.5],
    ])
    expect(c.outcomes.map((o) => o.best)).toEqual([2.2, 3.5, 3.6])
    expect(c.outcomes.map((o) => o.bestSources)).toEqual([['bet365'], ['kwiff'], ['winamax']])
    expect(c.outcomes[0]!.prices.map((p) => p?.best)).toEqual([false, true, false])
    const sum = 1 / 2.2 + 1 / 3.5 + 1 / 3.6
    expect(c.margin).toBeCloseTo(sum - 1, 12)
    expect(c.surebet).toBe(sum < 1)
    expect(c.bookMargins[0]).toBeCloseTo(1 / 2.1 + 1 / 3.4 + 1 / 3.6 - 1, 12)
  })

  it('flags a surebet when Σ 1/best < 1, and not when it is 1 or more', () => {
    const sure = compareEvent(
      board({ winamax: [2.5, 3.0, 4.0], bet365: [2.2, 4.2, 3.5], kwiff: [2.1, 3.3, 5.0] }),
      canonical(),
    )
    expect(1 / 2.5 + 1 / 4.2 + 1 / 5.0).toBeLessThan(1)
    expect(sure.surebet).toBe(true)
    expect(sure.margin!).toBeLessThan(0)
    const not = compareEvent(
      board({ winamax: [2.0, 3.0, 4.0], bet365: [2.0, 3.0, 4.0] }),
      canonical([member('winamax'), member('bet365')]),
    )
    expect(not.surebet).toBe(false)
    expect(not.margin!).toBeGreaterThan(0)
  })

  it('ignores suspended and unpriced prices (and a suspended market or event) when picking the best', () => {
    const entities: Entity[] = [
      event('winamax'),
      market('winamax'),
      sel('winamax', 'home', 9.0, { suspended: true }),
      sel('winamax', 'draw', null),
      sel('winamax', 'away', 3.0),
      event('bet365'),
      market('bet365', { suspended: true }),
      sel('bet365', 'home', 8.0),
      sel('bet365', 'draw', 7.0),
      sel('bet365', 'away', 7.0),
      event('kwiff', { status: 'suspended' }),
      market('kwiff'),
      sel('kwiff', 'home', 6.0),
      sel('kwiff', 'draw', 6.0),
      sel('kwiff', 'away', 6.0),
    ]
    const c = compareEvent(stateFromEntities(entities), canonical())
    expect(c.outcomes.map((o) => o.best)).toEqual([null, null, 3.0])
    expect(c.outcomes[0]!.prices.map((p) => p?.suspended)).toEqual([true, true, true])
    expect(c.outcomes[1]!.prices[0]!.odds).toBeNull()
    expect(c.margin).toBeNull()
    expect(c.bestSince).toBeNull()
    expect(c.surebet).toBe(false)
  })

  it('leaves an excluded (stale) book out of the best prices but keeps its price on show', () => {
    const state = board({ winamax: [3.0, 3.0, 3.0], bet365: [2.0, 3.2, 3.1] })
    const c = compareEvent(state, canonical([member('winamax'), member('bet365')]), {
      exclude: new Set(['winamax']),
    })
    expect(c.outcomes[0]!.prices[0]!.odds).toBe(3.0)
    expect(c.outcomes[0]!.best).toBe(2.0)
    expect(c.outcomes[0]!.bestSources).toEqual(['bet365'])
  })

  it('files a swapped member’s home price under the canonical away outcome', () => {
    const state = board({ winamax: [2.0, 3.3, 4.0], kwiff: [4.2, 3.4, 1.9] })
    const c = compareEvent(state, canonical([member('winamax'), member('kwiff', true)]))
    const away = c.outcomes.find((o) => o.outcome === 'away')!
    expect(away.prices.map((p) => p?.odds)).toEqual([4.0, 4.2])
    expect(away.prices[1]!.selectionId).toBe('kwiff:kwiff:m1:home')
    const home = c.outcomes.find((o) => o.outcome === 'home')!
    expect(home.prices.map((p) => p?.odds)).toEqual([2.0, 1.9])
    expect(c.layout.members[1]!.selections.away).toBe('kwiff:kwiff:m1:home')
  })

  it('keeps all tied books as best, and dates the combination by its oldest best price', () => {
    const entities: Entity[] = [
      event('winamax'),
      market('winamax', { type: 'winner' }),
      sel('winamax', 'home', 1.8, { updatedAt: 5_000 }),
      sel('winamax', 'away', 2.1, { updatedAt: 9_000 }),
      event('bet365'),
      market('bet365', { type: 'winner' }),
      sel('bet365', 'home', 1.8, { updatedAt: 7_000 }),
      sel('bet365', 'away', 2.0, { updatedAt: 3_000 }),
    ]
    const c = compareEvent(
      stateFromEntities(entities),
      canonical([member('winamax'), member('bet365')]),
    )
    expect(c.layout.market).toEqual({ type: 'winner' })
    expect(c.outcomes.map((o) => o.outcome)).toEqual(['home', 'away'])
    expect(c.outcomes[0]!.bestSources).toEqual(['winamax', 'bet365'])
    // Home's best price has been on offer since 7 000 (the newest of the tied quotes); away's since 9 000.
    expect(c.outcomes[0]!.bestUpdatedAt).toBe(7_000)
    expect(c.bestSince).toBe(7_000)
  })

  it('compares the market type the books share, not each book’s main market', () => {
    const entities: Entity[] = [
      // Winamax's main market is an over/under 2.5; it also has a 1X2.
      event('winamax'),
      market('winamax', { id: 'winamax:ou', type: 'over-under', line: 2.5, main: true }),
      sel('winamax', 'over', 1.9, { marketId: 'winamax:ou' }),
      sel('winamax', 'under', 1.9, { marketId: 'winamax:ou' }),
      market('winamax', { id: 'winamax:1x2', main: false }),
      sel('winamax', 'home', 2.0, { marketId: 'winamax:1x2' }),
      sel('winamax', 'draw', 3.0, { marketId: 'winamax:1x2' }),
      sel('winamax', 'away', 4.0, { marketId: 'winamax:1x2' }),
      event('bet365'),
      market('bet365'),
      sel('bet365', 'home', 2.1),
      sel('bet365', 'draw', 3.1),
      sel('bet365', 'away', 3.9),
    ]
    const c = compareEvent(
      stateFromEntities(entities),
      canonical([member('winamax'), member('bet365')]),
    )
    expect(c.layout.market).toEqual({ type: '1x2' })
    expect(c.layout.members[0]!.marketId).toBe('winamax:1x2')
    expect(c.outcomes[0]!.prices.map((p) => p?.odds)).toEqual([2.0, 2.1])
  })

  it('compares over/unders only at the same line', () => {
    const ou = (source: Source, line: number, over: number, under: number): Entity[] => [
      event(source),
      market(source, { type: 'over-under', line }),
      sel(source, 'over', over),
      sel(source, 'under', under),
    ]
    const c = compareEvent(
      stateFromEntities([...ou('winamax', 2.5, 1.9, 1.9), ...ou('bet365', 3.5, 2.8, 1.4)]),
      canonical([member('winamax'), member('bet365')]),
    )
    // Two lines, one book each: one is compared, and the other book has no price there.
    expect(c.layout.shared).toBe(1)
    expect(c.layout.market).toEqual({ type: 'over-under', line: 2.5 })
    expect(c.outcomes[0]!.prices.map((p) => p?.odds ?? null)).toEqual([1.9, null])
    expect(c.layout.members[1]!.marketId).toBeNull()
    const same = compareEvent(
      stateFromEntities([...ou('winamax', 2.5, 1.9, 1.9), ...ou('bet365', 2.5, 2.0, 1.8)]),
      canonical([member('winamax'), member('bet365')]),
    )
    expect(same.layout.shared).toBe(2)
    expect(same.outcomes.map((o) => o.best)).toEqual([2.0, 1.9])
  })

  it('matches a swapped book’s handicap by its canonical line', () => {
    const entities: Entity[] = [
      event('winamax'),
      market('winamax', { type: 'handicap', line: -1 }),
      sel('winamax', 'home', 2.6),
      sel('winamax', 'away', 1.5),
      event('bet365'),
      market('bet365', { type: 'handicap', line: 1 }),
      sel('bet365', 'home', 1.55),
      sel('bet365', 'away', 2.5),
    ]
    const c = compareEvent(
      stateFromEntities(entities),
      canonical([member('winamax'), member('bet365', true)]),
    )
    expect(c.layout.market).toEqual({ type: 'handicap', line: -1 })
    expect(c.layout.shared).toBe(2)
    expect(c.outcomes.map((o) => o.prices.map((p) => p?.odds))).toEqual([
      [2.6, 2.5],
      [1.5, 1.55],
    ])
  })

  it('has no market when no member has a typed market, and leaves out members not in the state', () => {
    const state = stateFromEntities([
      event('winamax'),
      market('winamax', { type: 'outright' }),
      sel('winamax', 'home', 3.0, { outcome: undefined }),
    ])
    const layout = compareLayout(state, canonical())
    expect(layout.market).toBeNull()
    expect(layout.members.map((m) => m.source)).toEqual(['winamax'])
    const c = comparePrices(layout, state)
    expect(c.outcomes).toEqual([])
    expect(c.margin).toBeNull()
  })
})

describe('canonical helpers', () => {
  it('swaps outcomes, scores and the server of a swapped member', () => {
    expect(canonicalOutcome('home', true)).toBe('away')
    expect(canonicalOutcome('draw', true)).toBe('draw')
    expect(canonicalOutcome('over', true)).toBe('over')
    expect(canonicalOutcome('home', false)).toBe('home')
    expect(canonicalScore({ home: 2, away: 1 }, true)).toEqual({ home: 1, away: 2 })
    // a swapped tennis score keeps the tiebreak points of its sets
    expect(
      canonicalScore({ sets: [[7, 6]], points: ['0', '0'], server: 1, tiebreaks: [5] }, true),
    ).toEqual({ sets: [[6, 7]], points: ['0', '0'], server: 0, tiebreaks: [5] })
    expect(
      canonicalScore(
        {
          sets: [
            [6, 4],
            [2, 3],
          ],
          points: ['40', '15'],
          server: 0,
        },
        true,
      ),
    ).toEqual({
      sets: [
        [4, 6],
        [3, 2],
      ],
      points: ['15', '40'],
      server: 1,
    })
  })

  it('indexes canonical ids by member event id', () => {
    const idx = canonicalOfEvent(new Map([['canonical:1', canonical()]]))
    expect(idx.get('kwiff:e1')).toBe('canonical:1')
    expect(idx.get('kwiff:e2')).toBeUndefined()
  })

  it('takes the row’s status, newest clock and most detailed score from its members', () => {
    const st = canonicalMatchState([
      {
        event: event('winamax', {
          clock: { running: true, seconds: 600, at: 5_000, period: '1st half' },
          score: { home: 1, away: 0 },
          updatedAt: 9_000,
        }),
        swapped: false,
      },
      {
        event: event('kwiff', {
          clock: { running: true, seconds: 610, at: 6_000 },
          score: { home: 0, away: 1 },
          updatedAt: 8_000,
        }),
        swapped: true,
      },
      { event: event('bet365', { status: 'prematch' }), swapped: false },
    ])
    expect(st.status).toBe('live')
    expect(st.clock?.at).toBe(6_000)
    expect(st.score).toEqual({ home: 1, away: 0 })
    expect(st.scoreSource).toBe('winamax')
    expect(
      canonicalMatchState([{ event: event('kwiff', { status: 'ended' }), swapped: false }]),
    ).toMatchObject({ status: 'ended' })
  })
})

describe('stakeSplit', () => {
  it('splits a surebet’s stake so every outcome returns the same to the cent', () => {
    const odds = [2.5, 4.2, 5.0]
    const s = stakeSplit(odds, 100, 0.01)
    // 100 × (1/odds) / Σ 1/odds = 47.727…, 28.409…, 23.863…
    expect(s.stakes).toEqual([47.73, 28.41, 23.86])
    expect(s.staked).toBe(100)
    // 119.325 (half up), 119.322, 119.30
    expect(s.returns).toEqual([119.33, 119.32, 119.3])
    expect(s.guaranteed).toBe(119.3)
    expect(s.profit).toBe(19.3)
    // Returns are stake × odds, to the cent.
    s.stakes.forEach((stake, i) =>
      expect(Math.abs(s.returns[i]! - stake * odds[i]!)).toBeLessThanOrEqual(0.005 + 1e-9),
    )
    expect(s.guaranteed).toBe(Math.min(...s.returns))
    expect(s.profit).toBe(Math.round((s.guaranteed - s.staked) * 100) / 100)
  })

  it('rounds each stake to the step (1, 5, 0.5) and reports the staked total it comes to', () => {
    const odds = [2.2, 3.6, 3.7]
    for (const step of [1, 5, 0.5]) {
      const s = stakeSplit(odds, 250, step)
      for (const stake of s.stakes)
        expect(Math.abs(stake / step - Math.round(stake / step))).toBeLessThan(1e-9)
      expect(s.staked).toBeCloseTo(
        s.stakes.reduce((a, b) => a + b, 0),
        10,
      )
    }
    // 113.35…, 69.27…, 67.39… to the nearest 5
    expect(stakeSplit(odds, 250, 5).stakes).toEqual([115, 70, 65])
  })

  it('keeps stakes proportional to 1/odds (returns within one step × odds of each other)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1.01, max: 50, noNaN: true }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 10, max: 100_000 }),
        fc.constantFrom(0.01, 0.1, 1),
        (odds, total, step) => {
          const s = stakeSplit(odds, total, step)
          const spread = Math.max(...s.returns) - Math.min(...s.returns)
          expect(spread).toBeLessThanOrEqual(step * Math.max(...odds) + 0.011)
          expect(Math.abs(s.staked - total)).toBeLessThanOrEqual((step / 2) * odds.length + 1e-9)
          expect(s.guaranteed).toBe(Math.min(...s.returns))
        },
      ),
    )
  })

  it('rejects odds, totals and steps that cannot be split', () => {
    expect(() => stakeSplit([2.0], 100, 1)).toThrow(RangeError)
    expect(() => stakeSplit([2.0, 1.0], 100, 1)).toThrow(/above 1/)
    expect(() => stakeSplit([2.0, Number.NaN], 100, 1)).toThrow(RangeError)
    expect(() => stakeSplit([2.0, 2.0], 0, 1)).toThrow(/total stake/)
    expect(() => stakeSplit([2.0, 2.0], 100, 0.001)).toThrow(/cents/)
    expect(() => stakeSplit([2.0, 2.0], 100, 0)).toThrow(/cents/)
  })
})

describe('movedFirst', () => {
  it('names the book that moved first and how long each other book lagged', () => {
    const m = movedFirst([
      {
        source: 'winamax',
        points: [
          [1_000, 2.0],
          [63_200, 2.2],
        ],
      },
      {
        source: 'bet365',
        points: [
          [1_000, 2.0],
          [60_000, 2.1],
          [61_000, 2.15],
        ],
      },
      { source: 'kwiff', points: [[1_000, 2.0]] },
    ])
    expect(m).not.toBeNull()
    expect(m!.dir).toBe(1)
    expect(m!.leader).toEqual({ source: 'bet365', ts: 60_000, from: 2.0, to: 2.1, lagMs: 0 })
    expect(m!.followers).toEqual([
      { source: 'winamax', ts: 63_200, from: 2.0, to: 2.2, lagMs: 3_200 },
    ])
    expect(m!.notMoved).toEqual(['kwiff'])
    expect(m!.latestAt).toBe(63_200)
  })

  it('counts only changes in the latest move’s direction within the window', () => {
    const m = movedFirst(
      [
        // Kwiff shortened first, but that was the other way.
        {
          source: 'kwiff',
          points: [
            [0, 3.0],
            [100_000, 2.8],
          ],
        },
        // Winamax drifted long ago: outside the 2-minute window.
        {
          source: 'winamax',
          points: [
            [0, 3.0],
            [10_000, 3.1],
            [400_000, 3.2],
          ],
        },
        {
          source: 'bet365',
          points: [
            [0, 3.0],
            [390_000, 3.3],
          ],
        },
      ],
      120_000,
    )
    expect(m!.dir).toBe(1)
    expect(m!.leader.source).toBe('bet365')
    expect(m!.followers.map((f) => [f.source, f.lagMs])).toEqual([['winamax', 10_000]])
    expect(m!.notMoved).toEqual(['kwiff'])
  })

  it('is null when no price has changed', () => {
    expect(movedFirst([{ source: 'bet365', points: [[0, 2.0]] }])).toBeNull()
    expect(movedFirst([])).toBeNull()
  })

  it('always leads with the earliest change of the move (property)', () => {
    const pts = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 600_000 }), fc.constantFrom(1.8, 1.9, 2.0, 2.1)),
      {
        maxLength: 8,
      },
    )
    fc.assert(
      fc.property(pts, pts, pts, (a, b, c) => {
        const sorted = (p: [number, number][]) => p.slice().sort((x, y) => x[0] - y[0])
        const hs = [
          { source: 'winamax' as const, points: sorted(a) },
          { source: 'bet365' as const, points: sorted(b) },
          { source: 'kwiff' as const, points: sorted(c) },
        ]
        const m = movedFirst(hs)
        if (m === null) return
        expect(m.followers.length + 1 + m.notMoved.length).toBe(3)
        for (const f of m.followers) {
          expect(f.ts).toBeGreaterThanOrEqual(m.leader.ts)
          expect(f.lagMs).toBe(f.ts - m.leader.ts)
          expect(Math.sign(f.to - f.from)).toBe(m.dir)
        }
        expect(m.leader.ts).toBeGreaterThanOrEqual(m.latestAt - 120_000)
      }),
    )
  })
})
