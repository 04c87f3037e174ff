import { describe, expect, it } from 'vitest'
import type { WorldFootballState, WorldTennisState } from '@oddsboard/feedkit'
import { SOURCES, type Source } from '@oddsboard/model'
import { measureBoard } from './measure'
import { BOOK_MARGINS } from './pricing'
import { createSharedWorld, DECIDED_PROBABILITY } from './world'

const T0 = Date.UTC(2026, 10, 29, 18, 0)

function clocked(seed: number) {
  let t = T0
  const world = createSharedWorld({ seed, now: () => t })
  return {
    world,
    now: () => t,
    advance(ms: number) {
      t += ms
      world.tick()
    },
  }
}

describe('the board over two simulated hours', () => {
  const w = clocked(1)
  const stats = measureBoard(w.world, w.advance, 2 * 3_600_000)

  it('shows a surebet now and then, each for seconds to a minute, never most of the time', () => {
    expect(stats.episodes.length).toBeGreaterThanOrEqual(2)
    expect(stats.episodes.length / stats.hours).toBeLessThan(20)
    for (const e of stats.episodes) expect(e.end - e.start).toBeLessThanOrEqual(60_000)
    expect(stats.surebetShare).toBeLessThan(0.01)
  })

  it('never lets one book price a market under 100 % (a decided match closes instead of a 1.01 favourite), so no surebet rests on a 1.01 / 200 quote', () => {
    expect(stats.minBookMargin).toBeGreaterThan(0.01)
    expect(stats.maxSurebetOdds).toBeLessThan(50)
  })

  it('has best prices from every book and moves led by every book', () => {
    for (const book of SOURCES) {
      expect(stats.bestShare[book]).toBeGreaterThan(0.02)
      expect(stats.leads[book]).toBeGreaterThan(0)
    }
  })

  it('prices with each book margin', () => {
    for (const book of SOURCES) {
      for (const sport of ['football', 'tennis'] as const) {
        expect(Math.abs(stats.margins[book][sport] - BOOK_MARGINS[sport][book])).toBeLessThan(0.015)
      }
    }
  })
})

describe('a goal', () => {
  it('suspends every book within seconds; they reopen with the scorer shorter and the other side longer', () => {
    const w = clocked(5)
    interface Goal {
      id: string
      at: number
      scorer: 0 | 1
      before: Map<Source, readonly number[]>
      suspended: Set<Source>
      order: Source[]
      after: Map<Source, readonly number[]>
    }
    const goals: Goal[] = []
    const lastGoals = new Map<string, readonly number[]>()
    const lastOdds = new Map<string, readonly number[]>()
    const open = new Map<string, Goal>()
    w.world.onChange((c) => {
      const match = w.world.match(c.id)
      if (match === undefined || match.fixture.sport !== 'football') return
      if (c.type === 'state') {
        const g = (match.state as WorldFootballState).goals
        const prev = lastGoals.get(c.id) ?? [0, 0]
        lastGoals.set(c.id, g)
        if (g[0] + g[1] === prev[0]! + prev[1]! + 1 && match.status === 'live') {
          const before = new Map<Source, readonly number[]>()
          for (const b of match.fixture.books) before.set(b, lastOdds.get(`${b}|${c.id}`) ?? [])
          const goal: Goal = {
            id: c.id,
            at: w.now(),
            scorer: g[0] > prev[0]! ? 0 : 1,
            before,
            suspended: new Set(),
            order: [],
            after: new Map(),
          }
          goals.push(goal)
          open.set(c.id, goal)
        }
      }
      if (c.type === 'prices') {
        const p = w.world.prices(c.book, c.id)!
        const goal = open.get(c.id)
        if (goal !== undefined) {
          if (p.suspended) goal.suspended.add(c.book)
          else if (goal.suspended.has(c.book) && !goal.order.includes(c.book)) {
            goal.order.push(c.book)
            goal.after.set(c.book, p.odds)
          }
        }
        if (!p.suspended) lastOdds.set(`${c.book}|${c.id}`, p.odds)
      }
    })
    for (let i = 0; i < 3 * 3600; i++) w.advance(1000)
    const multi = goals.filter(
      (g) => g.before.size >= 2 && [...g.before.values()].every((o) => o.length === 3),
    )
    expect(multi.length).toBeGreaterThan(10)
    const leaders = new Set<Source>()
    let checked = 0
    for (const g of multi) {
      if (g.order.length !== g.before.size) continue // match ended or a second goal came first
      leaders.add(g.order[0]!)
      checked++
      const other = g.scorer === 0 ? 2 : 0
      for (const book of g.order) {
        const before = g.before.get(book)!
        const after = g.after.get(book)!
        // a goal in a decided match moves little: the clock and the bias may outweigh it
        if (before.some((o) => o > 12)) continue
        expect(after[g.scorer === 0 ? 0 : 2]).toBeLessThanOrEqual(before[g.scorer === 0 ? 0 : 2]!)
        expect(after[other]).toBeGreaterThanOrEqual(before[other]!)
      }
    }
    expect(checked).toBeGreaterThan(5)
    expect(leaders.size).toBeGreaterThanOrEqual(2) // different books lead different goals
  })
})

describe('a break of serve', () => {
  it('suspends the books, which reopen with the player who broke shorter', () => {
    const w = clocked(8)
    interface Break {
      id: string
      breaker: 0 | 1
      before: Map<Source, readonly number[]>
      suspended: Set<Source>
      after: Map<Source, readonly number[]>
    }
    const breaks: Break[] = []
    const open = new Map<string, Break>()
    const lastState = new Map<string, WorldTennisState>()
    const lastOdds = new Map<string, readonly number[]>()
    const worldOrder = (book: Source, id: string, odds: readonly number[]) =>
      w.world.match(id)?.fixture.swapped?.[book] ? [...odds].reverse() : odds
    w.world.onChange((c) => {
      const match = w.world.match(c.id)
      if (match === undefined || match.fixture.sport !== 'tennis') return
      if (c.type === 'state') {
        const s = match.state as WorldTennisState
        const prev = lastState.get(c.id)
        lastState.set(c.id, s)
        const games = (x: WorldTennisState) => x.sets.reduce((n, g) => n + g[0] + g[1], 0)
        if (prev === undefined || prev.tiebreak || games(s) !== games(prev) + 1) return
        if (s.sets.length !== prev.sets.length) return // a set ended: not only a break
        const set = s.sets.at(-1)!
        const before = prev.sets.at(-1) ?? [0, 0]
        const winner: 0 | 1 = set[0] > before[0] ? 0 : 1
        if (winner === prev.server) return // a hold
        const b: Break = {
          id: c.id,
          breaker: winner,
          before: new Map(),
          suspended: new Set(),
          after: new Map(),
        }
        for (const book of match.fixture.books) {
          const odds = lastOdds.get(`${book}|${c.id}`)
          if (odds !== undefined) b.before.set(book, odds)
        }
        breaks.push(b)
        open.set(c.id, b)
      }
      if (c.type === 'prices') {
        const p = w.world.prices(c.book, c.id)!
        const b = open.get(c.id)
        if (b !== undefined) {
          if (p.suspended) b.suspended.add(c.book)
          else if (b.suspended.has(c.book) && !b.after.has(c.book)) {
            b.after.set(c.book, worldOrder(c.book, c.id, p.odds))
          }
        }
        if (!p.suspended) lastOdds.set(`${c.book}|${c.id}`, worldOrder(c.book, c.id, p.odds))
      }
    })
    for (let i = 0; i < 3 * 3600; i++) w.advance(1000)
    let checked = 0
    for (const b of breaks) {
      for (const [book, after] of b.after) {
        const before = b.before.get(book)
        if (before === undefined || before.some((o) => o > 12)) continue
        expect(after[b.breaker]).toBeLessThanOrEqual(before[b.breaker]!)
        expect(after[1 - b.breaker]).toBeGreaterThanOrEqual(before[1 - b.breaker]!)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
    // every book suspended on some break
    for (const book of SOURCES) expect(breaks.some((b) => b.suspended.has(book))).toBe(true)
  })
})

describe('a world created while matches are already decided', () => {
  it('starts their markets off the board on every book, as a reprice would', () => {
    let decided = 0
    for (let hour = 0; hour < 24; hour += 3) {
      const t = T0 + hour * 3_600_000
      const world = createSharedWorld({ seed: 1, now: () => t })
      for (const book of SOURCES) {
        for (const m of world.matches(book)) {
          const truth = world.trueProbabilities(m.fixture.id)
          if (truth === undefined || Math.max(...truth) <= DECIDED_PROBABILITY) continue
          decided++
          expect(world.prices(book, m.fixture.id)?.suspended, `${book} ${m.fixture.id}`).toBe(true)
        }
      }
    }
    // the check above ran on real cases
    expect(decided).toBeGreaterThan(0)
  })
})
