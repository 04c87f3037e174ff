import { afterEach, describe, expect, it, vi } from 'vitest'
import type { WorldChange } from '@oddsboard/feedkit'
import { SOURCES } from '@oddsboard/model'
import { createSharedWorld, playersOf, type SimulatedWorld } from './world'
import { worldFixtures, type FixtureRecord } from './fixtures'
import { FRACTIONAL_LADDER } from './pricing'

const T0 = Date.UTC(2026, 10, 29, 18, 0)

function clockedWorld(seed = 7) {
  let t = T0
  const world = createSharedWorld({ seed, now: () => t })
  const changes: WorldChange[] = []
  world.onChange((c) => changes.push(c))
  return {
    world,
    changes,
    /** Moves the clock `ms` forward and lets the world catch up second by second. */
    advance(ms: number) {
      t += ms
      world.tick()
    },
  }
}

/** A compact fingerprint of everything simulators read. */
function snapshot(world: SimulatedWorld) {
  return SOURCES.map((b) =>
    world
      .matches(b)
      .map((m) => [
        m.fixture.id,
        m.status,
        JSON.stringify(m.state),
        JSON.stringify(world.prices(b, m.fixture.id)),
      ]),
  )
}

afterEach(() => {
  vi.useRealTimers()
})

describe('createSharedWorld', () => {
  it('is deterministic given seed and clock, and another seed gives another world', () => {
    const a = clockedWorld(3)
    const b = clockedWorld(3)
    a.advance(20 * 60_000)
    b.advance(20 * 60_000)
    expect(snapshot(a.world)).toEqual(snapshot(b.world))
    expect(a.changes).toEqual(b.changes)
    const c = clockedWorld(4)
    c.advance(20 * 60_000)
    expect(snapshot(c.world)).not.toEqual(snapshot(a.world))
  })

  it('lists each book its matches in start order, with prices in the book format', () => {
    const { world } = clockedWorld()
    for (const book of SOURCES) {
      const list = world.matches(book)
      expect(list.length).toBeGreaterThan(0)
      const starts = list.map((m) => m.fixture.startTime)
      expect(starts).toEqual([...starts].sort((x, y) => x - y))
      for (const m of list) {
        expect(m.fixture.books).toContain(book)
        expect(world.match(m.fixture.id)?.fixture.id).toBe(m.fixture.id)
        const p = world.prices(book, m.fixture.id)!
        expect(p.odds).toHaveLength(m.fixture.sport === 'football' ? 3 : 2)
        for (const o of p.odds) expect(o).toBeGreaterThanOrEqual(1.01)
        if (book === 'winamax') {
          expect(p.fractional).toBeUndefined()
          for (const o of p.odds) expect(Math.round(o * 100) / 100).toBe(o)
        } else {
          for (const f of p.fractional!) expect(FRACTIONAL_LADDER).toContain(f)
        }
      }
    }
    // a book that does not list a match has no prices for it
    const only = world.matches('bet365').find((m) => !m.fixture.books.includes('kwiff'))
    if (only) expect(world.prices('kwiff', only.fixture.id)).toBeUndefined()
  })

  it('has live matches at varied points and others to come, and never empties over hours', () => {
    const w = clockedWorld(11)
    for (let h = 0; h < 8; h++) {
      const all = SOURCES.flatMap((b) => w.world.matches(b))
      expect(all.some((m) => m.status === 'live')).toBe(true)
      expect(all.some((m) => m.status === 'prematch')).toBe(true)
      w.advance(60 * 60_000)
    }
    expect(w.changes.some((c) => c.type === 'removed')).toBe(true)
    expect(w.changes.some((c) => c.type === 'added')).toBe(true)
  })

  it('announces a returning fixture already priced, under a new id, with a new start', () => {
    let t = T0
    const world = createSharedWorld({ seed: 4, now: () => t })
    const added: { id: string; priced: boolean; start: number }[] = []
    world.onChange((c) => {
      if (c.type !== 'added') return
      const m = world.match(c.id)!
      added.push({
        id: c.id,
        priced: m.fixture.books.every((b) => world.prices(b, c.id) !== undefined),
        start: m.fixture.startTime,
      })
    })
    for (let i = 0; i < 3 * 3600; i++) {
      t += 1000
      world.tick()
    }
    expect(added.length).toBeGreaterThan(5)
    for (const a of added) {
      expect(a.priced).toBe(true)
      expect(a.id).toMatch(/~\d+$/)
      expect(a.start).toBeGreaterThan(T0)
    }
  })

  it('runs its timer only while retained', () => {
    vi.useFakeTimers({ now: T0 })
    const world = createSharedWorld({ seed: 5 })
    const changes: WorldChange[] = []
    world.onChange((c) => changes.push(c))
    vi.advanceTimersByTime(30_000)
    expect(changes).toEqual([]) // not retained: nothing moves
    const release = world.retain()
    const releaseToo = world.retain()
    vi.advanceTimersByTime(30_000)
    expect(changes.length).toBeGreaterThan(0)
    release()
    release() // idempotent
    expect(world.retainCount).toBe(1)
    releaseToo()
    expect(vi.getTimerCount()).toBe(0)
    const n = changes.length
    vi.advanceTimersByTime(30_000)
    expect(changes.length).toBe(n)
  })

  it('never has a player in two simultaneous live matches (doubles included)', () => {
    const w = clockedWorld(2)
    for (let i = 0; i < 12 * 60; i++) {
      const live = SOURCES.flatMap((b) => w.world.matches(b))
        .filter((m, k, all) => all.findIndex((x) => x.fixture.id === m.fixture.id) === k)
        .filter((m) => m.status === 'live' && m.fixture.sport === 'tennis')
      const players = live.flatMap((m) =>
        playersOf({ sport: 'tennis', home: m.fixture.home, away: m.fixture.away }),
      )
      expect(new Set(players).size).toBe(players.length)
      w.advance(60_000)
    }
  })

  it('holds back a match while one of its players is on court in another (doubles included)', () => {
    const base = worldFixtures().find((f) => f.sport === 'tennis' && !f.home.bet365.includes('/'))!
    const surname = base.home.bet365.split(' ').pop()!
    const doubles: FixtureRecord = {
      ...base,
      id: 'wf:test-doubles',
      home: {
        winamax: `${surname} / Partner`,
        bet365: `${surname}/Partner`,
        kwiff: `${surname}/Partner`,
      },
      away: { winamax: 'Other / Pair', bet365: 'Other/Pair', kwiff: 'Other/Pair' },
    }
    const fixtures = [base, doubles]
    let sawBoth = 0
    for (let seed = 1; seed <= 6; seed++) {
      let t = T0
      const world = createSharedWorld({ seed, now: () => t, fixtures })
      const lived = new Set<string>()
      for (let i = 0; i < 10 * 60; i++) {
        const live = world.matches('bet365').filter((m) => m.status === 'live')
        live.forEach((m) => lived.add(m.fixture.id.split('~')[0]!))
        expect(live.length).toBeLessThanOrEqual(1)
        t += 60_000
        world.tick()
      }
      if (lived.size === 2) sawBoth++
    }
    expect(sawBoth).toBeGreaterThan(0) // both matches were played, one after the other
  })

  it('uses the stored fixture list by default', () => {
    const { world } = clockedWorld()
    const ids = new Set(
      SOURCES.flatMap((b) => world.matches(b)).map((m) => m.fixture.id.split('~')[0]),
    )
    expect(ids.size).toBe(worldFixtures().length)
  })
})
