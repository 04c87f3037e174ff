import { afterEach, describe, expect, it } from 'vitest'
import {
  applyOps,
  clockSeconds,
  emptyState,
  fractionalToDecimal,
  type EntityState,
  type Op,
  type SimpleScore,
  type Source,
  type TennisScore,
} from '@oddsboard/model'
import type {
  SharedWorld,
  WorldChange,
  WorldFixture,
  WorldFootballState,
  WorldMatch,
  WorldPrices,
  WorldTennisState,
} from '@oddsboard/feedkit'
import { silentLogger } from '@oddsboard/feedkit'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { createSharedWorld } from '@oddsboard/simworld'
import { bet365Adapter } from './adapter'
import { clockOf } from './canonical'
import { createBet365Feed } from './feed'
import { startBet365Sim, type Bet365SimServer } from './sim'
import { footballPlayFields, oddsText, tennisPlayFields } from './simWorld'
import { parseTennisScore } from './tennis'

/** A hand-written SharedWorld: matches and prices set by the test, changes emitted by it. */
class FakeWorld implements SharedWorld {
  readonly all = new Map<string, WorldMatch>()
  readonly priced = new Map<string, WorldPrices>()
  private readonly listeners = new Set<(c: WorldChange) => void>()
  users = 0
  matches(book: Source): WorldMatch[] {
    return [...this.all.values()].filter((m) => m.fixture.books.includes(book))
  }
  match(id: string): WorldMatch | undefined {
    return this.all.get(id)
  }
  prices(book: Source, id: string): WorldPrices | undefined {
    return book === 'bet365' ? this.priced.get(id) : undefined
  }
  onChange(listener: (c: WorldChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  retain(): () => void {
    this.users++
    return () => {
      this.users--
    }
  }
  /** How many listeners are registered. */
  listening(): number {
    return this.listeners.size
  }
  emit(change: WorldChange): void {
    for (const l of this.listeners) l(change)
  }
  /** Replaces a match's state (and status) and says so. */
  play(id: string, state: WorldMatch['state'], status: WorldMatch['status'] = 'live'): void {
    this.all.set(id, { ...this.all.get(id)!, state, status })
    this.emit({ type: 'state', id })
  }
  /** Sets Bet365's prices of a match and says so. */
  price(id: string, fractional: string[], suspended = false): void {
    const odds = fractional.map((f) => fractionalToDecimal(f)!)
    this.priced.set(id, { odds, fractional, suspended, at: Date.now() })
    this.emit({ type: 'prices', id, book: 'bet365' })
  }
}

const names = (bet365: string, winamax = bet365, kwiff = bet365) => ({ bet365, winamax, kwiff })

function fixture(id: string, sport: WorldFixture['sport'], extra: Partial<WorldFixture> = {}) {
  return {
    id,
    sport,
    competition: names('UEFA Europa League', 'Ligue Europa'),
    home: names('Napoli', 'Naples'),
    away: names('Mainz', 'Mayence'),
    startTime: Date.now() - 30 * 60_000,
    books: ['winamax', 'bet365', 'kwiff'] as Source[],
    ...extra,
  } satisfies WorldFixture
}

const football = (over: Partial<WorldFootballState> = {}): WorldFootballState => ({
  sport: 'football',
  period: '1H',
  seconds: 20 * 60 + 13,
  running: true,
  clockAt: Date.now() - 2500,
  goals: [1, 0],
  ...over,
})

const tennis = (over: Partial<WorldTennisState> = {}): WorldTennisState => ({
  sport: 'tennis',
  sets: [
    [6, 4],
    [2, 3],
  ],
  points: [3, 1],
  server: 1,
  tiebreak: false,
  tiebreaks: {},
  bestOf: 3,
  ...over,
})

/** A world with a football match, a tennis match Bet365 lists the other way round, and one Bet365 does not list. */
function world(): FakeWorld {
  const w = new FakeWorld()
  w.all.set('wf:napoli-mainz', {
    fixture: fixture('wf:napoli-mainz', 'football'),
    status: 'live',
    state: football(),
  })
  w.priced.set('wf:napoli-mainz', {
    odds: [1.5, 4.5, 7],
    fractional: ['1/2', '7/2', '6/1'],
    suspended: false,
    at: Date.now(),
  })
  w.all.set('wf:cerundolo', {
    fixture: fixture('wf:cerundolo', 'tennis', {
      competition: names('French Open', 'Roland-Garros'),
      home: names('Juan Manuel Cerundolo', 'Cerundolo J.M.'),
      away: names('Casper Ruud', 'Ruud C.'),
      swapped: { bet365: true },
    }),
    status: 'live',
    state: tennis(),
  })
  // Bet365's order (swapped): Ruud first.
  w.priced.set('wf:cerundolo', {
    odds: [1.4, 2.875],
    fractional: ['2/5', '15/8'],
    suspended: false,
    at: Date.now(),
  })
  w.all.set('wf:winamax-only', {
    fixture: fixture('wf:winamax-only', 'football', {
      home: names('Lens'),
      away: names('Lille'),
      books: ['winamax'],
    }),
    status: 'live',
    state: football(),
  })
  return w
}

let cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

const waitFor = (cond: () => boolean, ms: number, what: string) =>
  waitUntil(cond, { timeoutMs: ms, what })

/** The simulator with `w`, and the REAL Bet365 feed connected to it over a socket. */
async function setup(w: SharedWorld, speed = 20) {
  const sim: Bet365SimServer = await startBet365Sim({ seed: 7, speed, world: w })
  cleanups.push(() => sim.close())
  const feed = createBet365Feed({ url: sim.url })
  cleanups.push(() => feed.stop())
  let state: EntityState = emptyState()
  const batches: Op[][] = []
  feed.onOps((ops) => {
    batches.push(ops)
    state = applyOps(state, ops)
  })
  feed.start()
  const byName = (name: string) => [...state.event.values()].find((e) => e.name === name)
  const marketOf = (eventId: string) =>
    [...state.market.values()].find((m) => m.eventId === eventId && m.main)
  const oddsOf = (eventId: string): (number | null)[] => {
    const ma = marketOf(eventId)
    return [...state.selection.values()]
      .filter((s) => s.marketId === ma?.id)
      .sort((a, b) => a.order - b.order)
      .map((s) => s.odds)
  }
  await waitFor(() => state.event.size > 40, 8000, 'the load')
  return { sim, feed, state: () => state, batches, byName, marketOf, oddsOf }
}

describe('Bet365 simulator: the shared world in zap (pure parts)', () => {
  it('writes a football clock that canonical.ts reads back as the world reads it, half time included', () => {
    const now = Date.UTC(2026, 4, 30, 17, 0, 0, 700)
    const state = football({ seconds: 61 * 60 + 7.4, clockAt: now - 300 })
    const f = footballPlayFields(state)
    expect(f).toMatchObject({ FS: '1', SS: '1-0', TT: '1' })
    expect(f.TU).toMatch(/^2026053018\d{4}$/) // BST: UK wall clock
    const clock = clockOf(f, 'football', 0)!
    expect(Math.abs(clockSeconds(clock, now) - (61 * 60 + 7.4 + 0.3))).toBeLessThan(1)
    const ht = footballPlayFields(football({ period: 'HT', seconds: 47 * 60, running: false }))
    expect(ht).toMatchObject({ TM: '45', TS: '0', TT: '0' })
    expect(clockOf(ht, 'football', 0)!.period).toBe('Half time')
    const pre = footballPlayFields(football({ period: 'prematch', seconds: 0, running: false }))
    expect(pre).toMatchObject({ FS: '0', SS: '1-0' })
    expect(clockOf(pre, 'football', 0)).toBeUndefined()
    expect(footballPlayFields(football({ goals: [2, 3] }), true).SS).toBe('3-2')
  })

  it('writes tennis SS/XP/PI that tennis.ts parses: points, advantage, tiebreak digits, server, swapped sides', () => {
    const read = (f: Record<string, string>) => {
      const p = parseTennisScore(f.SS!, f.XP, f.PI)
      if (!p.ok) throw new Error(p.error)
      return p.score
    }
    expect(read(tennisPlayFields(tennis(), 'live'))).toEqual({
      sets: [
        [6, 4],
        [2, 3],
      ],
      points: ['40', '15'],
      server: 1,
    })
    expect(read(tennisPlayFields(tennis({ points: [5, 4] }), 'live')).points).toEqual(['A', '40'])
    expect(read(tennisPlayFields(tennis({ points: [4, 4] }), 'live')).points).toEqual(['40', '40'])
    const tb = tennis({
      sets: [
        [6, 4],
        [6, 6],
      ],
      points: [5, 3],
      tiebreak: true,
    })
    expect(read(tennisPlayFields(tb, 'live')).points).toEqual(['5', '3'])
    expect(read(tennisPlayFields(tennis(), 'live', true))).toEqual({
      sets: [
        [4, 6],
        [3, 2],
      ],
      points: ['15', '40'],
      server: 0,
    })
    // A set just won: the next one shows at 0-0, unless the match is over.
    const setWon = tennis({
      sets: [
        [6, 4],
        [7, 6],
      ],
      points: [0, 0],
      bestOf: 5,
    })
    expect(tennisPlayFields(setWon, 'live').SS).toBe('6-4,7-6,0-0')
    expect(tennisPlayFields({ ...setWon, bestOf: 3 }, 'ended').SS).toBe('6-4,7-6')
    const before = tennisPlayFields(tennis({ sets: [], points: [0, 0], server: 0 }), 'prematch')
    expect(before).toEqual({ FS: '0', SS: '0-0', XP: '0-0', PI: '0,1' })
  })

  it('OD is the world fractional text, else the nearest fraction, else unpriced', () => {
    expect(oddsText({ odds: [5.5], fractional: ['9/2'], suspended: false, at: 0 }, 0)).toBe('9/2')
    expect(oddsText({ odds: [5.5], suspended: false, at: 0 }, 0)).toBe('9/2')
    expect(oddsText(undefined, 0)).toBe('0/0')
  })
})

describe('Bet365 simulator: the shared world through the real feed (sockets)', () => {
  it('a world match is an event with Bet365 names, the world prices, score and clock', async () => {
    const w = world()
    const { state, byName, marketOf, oddsOf, sim } = await setup(w)
    expect(w.users).toBe(1)
    const ev = byName('Napoli v Mainz')!
    expect(ev).toBeDefined()
    expect(ev.sportId).toBe('bet365:cl1')
    expect(ev.participants).toEqual(['Napoli', 'Mainz'])
    expect(state().competition.get(ev.competitionId)!.name).toBe('UEFA Europa League')
    expect(ev.score as SimpleScore).toEqual({ home: 1, away: 0 })
    const m = w.match('wf:napoli-mainz')!.state as WorldFootballState
    const now = Date.now()
    const expected = m.seconds + (now - m.clockAt) / 1000
    expect(ev.clock!.running).toBe(true)
    // Within half a second on the wire; the model's reading counts whole seconds (one more).
    expect(Math.abs(clockSeconds(ev.clock!, now) - expected)).toBeLessThan(1.5)
    expect(marketOf(ev.id)).toMatchObject({
      name: 'Fulltime Result',
      type: '1x2',
      suspended: false,
    })
    expect(oddsOf(ev.id)).toEqual([1.5, 4.5, 7])
    // Tennis, listed by Bet365 the other way round: names, score, server and prices in its order.
    const t = byName('Casper Ruud v Juan Manuel Cerundolo')!
    expect(t.sportId).toBe('bet365:cl13')
    expect(state().competition.get(t.competitionId)!.name).toBe('French Open')
    expect(t.score as TennisScore).toEqual({
      sets: [
        [4, 6],
        [3, 2],
      ],
      points: ['15', '40'],
      server: 0,
    })
    expect(marketOf(t.id)).toMatchObject({ name: 'Money Line', type: 'winner' })
    expect(oddsOf(t.id)).toEqual([1.4, 2.875])
    // Not listed by Bet365: not served; world ids never collide with the load's.
    expect(byName('Lens v Lille')).toBeUndefined()
    expect(sim.worldEvents()).toHaveLength(2)
    expect(t.id).not.toBe(ev.id)
  })

  it("the world's price changes, goals and points reach the feed's ops; removed leaves no ghost", async () => {
    const w = world()
    const { state, byName, marketOf, oddsOf, batches, feed } = await setup(w)
    const ev = byName('Napoli v Mainz')!
    const t = byName('Casper Ruud v Juan Manuel Cerundolo')!
    // A goal: the world suspends Bet365's market, then plays it.
    const n = batches.length
    w.price('wf:napoli-mainz', ['1/2', '7/2', '6/1'], true)
    w.play('wf:napoli-mainz', football({ goals: [1, 1], clockAt: Date.now() }))
    await waitFor(
      () => (state().event.get(ev.id)!.score as SimpleScore).away === 1,
      5000,
      'the goal',
    )
    expect(marketOf(ev.id)!.suspended).toBe(true)
    // Both changes of one turn came in one frame, so in one batch of ops.
    const goalBatch = batches
      .slice(n)
      .find((b) => b.some((o) => o.op === 'upsert' && o.entity.id === ev.id))!
    expect(goalBatch.some((o) => o.op === 'upsert' && o.entity.kind === 'market')).toBe(true)
    // Reopened at new prices.
    w.price('wf:napoli-mainz', ['6/5', '9/4', '7/2'])
    await waitFor(() => oddsOf(ev.id)[0] === 2.2, 5000, 'the new prices')
    expect(oddsOf(ev.id)).toEqual([2.2, 3.25, 4.5])
    expect(marketOf(ev.id)!.suspended).toBe(false)
    // A tennis point (world order: Cerundolo 40-15 Ruud → game Cerundolo, 3-3).
    w.play(
      'wf:cerundolo',
      tennis({
        sets: [
          [6, 4],
          [3, 3],
        ],
        points: [0, 0],
        server: 0,
      }),
    )
    await waitFor(
      () => (state().event.get(t.id)!.score as TennisScore).sets[1]![1] === 3,
      5000,
      'the point',
    )
    expect(state().event.get(t.id)!.score).toEqual({
      sets: [
        [4, 6],
        [3, 3],
      ],
      points: ['0', '0'],
      server: 1,
    })
    // Removed: no event, market or selection of it stays.
    const removed: string[] = []
    feed.onOps((ops) => {
      for (const o of ops) if (o.op === 'remove') removed.push(o.id)
    })
    w.all.delete('wf:napoli-mainz')
    w.emit({ type: 'removed', id: 'wf:napoli-mainz' })
    await waitFor(() => !state().event.has(ev.id), 5000, 'the removal')
    expect(removed).toContain(ev.id)
    expect([...state().market.values()].filter((m) => m.eventId === ev.id)).toEqual([])
    expect([...state().selection.values()].filter((s) => s.eventId === ev.id)).toEqual([])
    // A match that appears comes in with I.
    w.all.set('wf:roma-lazio', {
      fixture: fixture('wf:roma-lazio', 'football', {
        competition: names('Italy Serie A'),
        home: names('Roma'),
        away: names('Lazio'),
      }),
      status: 'prematch',
      state: football({ period: 'prematch', seconds: 0, running: false, goals: [0, 0] }),
    })
    w.emit({ type: 'added', id: 'wf:roma-lazio' })
    await waitFor(() => byName('Roma v Lazio') !== undefined, 5000, 'the new match')
    expect(byName('Roma v Lazio')!.status).toBe('prematch')
    expect(oddsOf(byName('Roma v Lazio')!.id)).toEqual([null, null, null])
    expect(feed.status().badFrames).toBe(0)
  })

  it('a load match the world names (native FI) keeps its event id and is played by the world only', async () => {
    // PSG v Arsenal, 0-1 at half time in the 2026 load (FI 194225036).
    const w = new FakeWorld()
    w.all.set('wf:psg-arsenal', {
      fixture: fixture('wf:psg-arsenal', 'football', {
        competition: names('UEFA Champions League', 'Ligue des Champions'),
        home: names('PSG', 'Paris SG'),
        away: names('Arsenal'),
        native: { bet365: '194225036' },
      }),
      status: 'live',
      state: football({ period: '2H', seconds: 50 * 60, goals: [1, 1], clockAt: Date.now() }),
    })
    w.priced.set('wf:psg-arsenal', {
      odds: [3.25, 2.2, 3.5],
      fractional: ['9/4', '6/5', '5/2'],
      suspended: false,
      at: Date.now(),
    })
    const { state, sim, oddsOf, feed } = await setup(w, 200)
    const id = 'bet365:ev194225036'
    const psgIt = 'L1-1-5-134273051-2-737_1_3'
    expect(sim.worldEvents()).toEqual([psgIt])
    const ev = state().event.get(id)!
    expect(ev.name).toBe('PSG v Arsenal')
    expect(ev.score).toEqual({ home: 1, away: 1 })
    expect(ev.clock!.running).toBe(true)
    expect(oddsOf(id)).toEqual([3.25, 2.2, 3.5])
    // Only one event of that name: the world's replaced the load's.
    expect([...state().event.values()].filter((e) => e.name === 'PSG v Arsenal')).toHaveLength(1)
    // The simulator's own engine leaves it alone while it plays the rest of the board.
    await waitFor(() => sim.footballEvents().length > 20, 5000, 'the football play')
    expect(sim.footballEvents()).not.toContain(psgIt)
    const other = [...state().selection.values()].filter((s) => s.eventId !== id)
    await waitFor(
      () => other.some((s) => state().selection.get(s.id)?.updatedAt !== s.updatedAt),
      10_000,
      'the rest of the board to move',
    )
    expect(state().event.get(id)!.score).toEqual({ home: 1, away: 1 })
    expect(oddsOf(id)).toEqual([3.25, 2.2, 3.5])
    // A load tennis match the simulator is already playing, taken over by a match added
    // later: Andre Ilagan v Aidan Mayo (FI 195476892, 6-5 0-15 in the load).
    const ilaganIt = 'L13-1-5-134323248-5-20000625_1_3'
    const ilagan = 'bet365:ev195476892'
    expect(sim.tennisEvents()).toContain(ilaganIt)
    const mid = tennis({
      sets: [
        [7, 5],
        [0, 0],
      ],
      points: [2, 0],
      server: 0,
    })
    w.all.set('wf:ilagan-mayo', {
      fixture: fixture('wf:ilagan-mayo', 'tennis', {
        competition: names('Challenger Little Rock'),
        home: names('Andre Ilagan', 'Ilagan A.'),
        away: names('Aidan Mayo', 'Mayo A.'),
        native: { bet365: '195476892' },
      }),
      status: 'live',
      state: mid,
    })
    w.priced.set('wf:ilagan-mayo', {
      odds: [1.5, 2.5],
      fractional: ['1/2', '6/4'],
      suspended: false,
      at: Date.now(),
    })
    w.emit({ type: 'added', id: 'wf:ilagan-mayo' })
    await waitFor(() => sim.worldEvents().includes(ilaganIt), 5000, 'the take-over')
    expect(sim.tennisEvents()).not.toContain(ilaganIt)
    const want = {
      sets: [
        [7, 5],
        [0, 0],
      ],
      points: ['30', '0'],
      server: 0,
    }
    await waitFor(
      () => JSON.stringify(state().event.get(ilagan)?.score) === JSON.stringify(want),
      5000,
      "the world's score",
    )
    expect(oddsOf(ilagan)).toEqual([1.5, 2.5])
    const named = () =>
      [...state().event.values()].filter((e) => e.name === 'Andre Ilagan v Aidan Mayo')
    expect(named()).toHaveLength(1)
    // Other tennis matches go on scoring; this one stays as the world has it.
    const others = [...state().event.values()].filter(
      (e) => e.sportId === 'bet365:cl13' && e.id !== ilagan,
    )
    await waitFor(
      () => others.some((e) => state().event.get(e.id)?.score !== e.score),
      10_000,
      'other points',
    )
    expect(state().event.get(ilagan)!.score).toEqual(want)
    expect(oddsOf(ilagan)).toEqual([1.5, 2.5])
    expect(feed.status().badFrames).toBe(0)
  })

  it('the adapter passes the world on: retained while running, released on close', async () => {
    const w = world()
    const sim = await bet365Adapter.startSim({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      world: w,
    })
    expect(w.users).toBe(1)
    expect(w.listening()).toBe(1)
    await sim.close()
    expect(w.users).toBe(0)
    // No longer listening either.
    expect(w.listening()).toBe(0)
  })
})

describe('Bet365 simulator on the real shared world (@oddsboard/simworld)', () => {
  it('every match the world lists for Bet365 reaches the feed at its prices and score; changes and removals follow', async () => {
    let t = Date.now()
    const w = createSharedWorld({ seed: 5, now: () => t })
    cleanups.push(async () => w.close())
    const listed = w.matches('bet365')
    expect(listed.some((m) => m.fixture.sport === 'tennis')).toBe(true)
    expect(listed.some((m) => m.fixture.sport === 'football')).toBe(true)
    const { state, oddsOf, marketOf, feed } = await setup(w)
    const title = (m: WorldMatch) => {
      const [h, a] = [m.fixture.home.bet365, m.fixture.away.bet365]
      return m.fixture.swapped?.bet365 === true ? `${a} v ${h}` : `${h} v ${a}`
    }
    const named = (m: WorldMatch) => [...state().event.values()].filter((e) => e.name === title(m))
    const worldOdds = (id: string) =>
      w.prices('bet365', id)!.fractional!.map((f) => fractionalToDecimal(f))
    for (const m of listed) {
      expect(named(m), title(m)).toHaveLength(1)
      const ev = named(m)[0]!
      expect(state().sport.get(ev.sportId)!.key).toBe(m.fixture.sport)
      expect(state().competition.get(ev.competitionId)!.name).toBe(m.fixture.competition.bet365)
      expect(oddsOf(ev.id), title(m)).toEqual(worldOdds(m.fixture.id))
      expect(marketOf(ev.id)!.suspended).toBe(w.prices('bet365', m.fixture.id)!.suspended)
      const native = m.fixture.native?.bet365
      if (native !== undefined) expect(ev.id).toBe(`bet365:ev${native}`)
      if (m.state.sport === 'football' && m.fixture.swapped?.bet365 !== true) {
        expect(ev.score).toEqual({ home: m.state.goals[0], away: m.state.goals[1] })
      }
      if (m.state.sport === 'football' && m.state.period !== 'prematch') {
        const now = Date.now()
        const c = m.state
        expect(ev.clock!.running, title(m)).toBe(c.running && c.period !== 'HT')
        if (c.period === 'HT') expect(ev.clock!.period).toBe('Half time')
        else {
          const reading = c.seconds + (c.running ? (now - c.clockAt) / 1000 : 0)
          expect(Math.abs(clockSeconds(ev.clock!, now) - reading), title(m)).toBeLessThan(1.5)
        }
      }
    }
    // The world moves on (its own clock, one second a step): Bet365's prices change, matches
    // end and leave; the feed follows every change.
    const repriced = new Set<string>()
    const removed = new Set<string>()
    const titles = new Map(listed.map((m) => [m.fixture.id, title(m)]))
    w.onChange((c) => {
      if (c.type === 'prices' && c.book === 'bet365') repriced.add(c.id)
      if (c.type === 'removed' && titles.has(c.id)) removed.add(c.id)
    })
    for (let i = 0; i < 4 * 3600 && removed.size === 0; i++) {
      t += 1000
      w.tick()
    }
    expect(repriced.size).toBeGreaterThan(0)
    expect(removed.size).toBeGreaterThan(0)
    const gone = [...removed].map((id) => titles.get(id)!)
    await waitFor(
      () => gone.every((name) => ![...state().event.values()].some((e) => e.name === name)),
      8000,
      'the removed matches to leave',
    )
    // What is still listed shows the world's current prices.
    const still = w.matches('bet365').filter((m) => titles.has(m.fixture.id))
    await waitFor(
      () =>
        still.every(
          (m) =>
            named(m).length === 1 &&
            JSON.stringify(oddsOf(named(m)[0]!.id)) === JSON.stringify(worldOdds(m.fixture.id)),
        ),
      8000,
      'the current prices',
    )
    for (const m of still) {
      if (m.state.sport !== 'tennis') continue
      const sets = (named(m)[0]!.score as TennisScore).sets
      const swapped = m.fixture.swapped?.bet365 === true
      const want = m.state.sets.map(([a, b]) => (swapped ? [b, a] : [a, b]))
      // The world's sets, then (between sets, or before the first point) a new set at 0-0.
      expect(sets.slice(0, want.length)).toEqual(want)
      expect(sets.slice(want.length)).toEqual(sets.length > want.length ? [[0, 0]] : [])
    }
    expect(feed.status().badFrames).toBe(0)
  })
})
