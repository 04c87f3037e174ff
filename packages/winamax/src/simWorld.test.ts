import { afterEach, describe, expect, it } from 'vitest'
import { applyOps, emptyState } from '@oddsboard/model'
import type { EntityState, Event } from '@oddsboard/model'
import type { Feed, SimServer, WorldChange, WorldMatch } from '@oddsboard/feedkit'
import { createSharedWorld } from '@oddsboard/simworld'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { createWinamaxFeed } from './feed'
import { startWinamaxSim } from './sim'
import { footballFixture, TestWorld } from '@oddsboard/feedkit/testing'
import { WORLD_ID_BASE } from './simWorld'

const until = (cond: () => boolean, what: string, ms = 10_000) =>
  waitUntil(cond, { timeoutMs: ms, what })

function follow(feed: Feed) {
  const seen = { state: emptyState() as EntityState }
  feed.onOps((ops) => {
    seen.state = applyOps(seen.state, ops)
  })
  return seen
}

const eventNamed = (s: EntityState, name: string): Event | undefined =>
  [...s.event.values()].find((e) => e.name === name)

/** The main-market selections of an event, in outcome order. */
const selectionsOf = (s: EntityState, eventId: string) =>
  [...s.selection.values()].filter((x) => x.eventId === eventId).sort((a, b) => a.order - b.order)

function prematch(fixture: WorldMatch['fixture']): WorldMatch {
  return {
    fixture,
    status: 'prematch',
    state: {
      sport: 'football',
      period: 'prematch',
      seconds: 0,
      running: false,
      clockAt: Date.now(),
      goals: [0, 0],
    },
  }
}

describe('the Winamax simulator renders the shared world', () => {
  let feed: Feed | undefined
  let sim: SimServer | undefined
  afterEach(async () => {
    await feed?.stop()
    await sim?.close()
    feed = sim = undefined
  })

  it('world matches reach the real feed with French names and world prices; moves, goals and removals follow', async () => {
    const world = new TestWorld()
    const psg = footballFixture('wf:psg-arsenal', {
      home: ['Paris SG', 'PSG', 'Paris Saint-Germain'],
      away: ['Arsenal', 'Arsenal', 'Arsenal'],
    })
    world.add(prematch(psg), false)
    world.setPrices('winamax', psg.id, [2.35, 3.4, 2.9], { announce: false })
    const tennis: WorldMatch = {
      fixture: {
        ...footballFixture('wf:sinner-alcaraz', {
          home: ['Sinner J.', 'J Sinner', 'Jannik Sinner'],
          away: ['Alcaraz C.', 'C Alcaraz', 'Carlos Alcaraz'],
        }),
        sport: 'tennis',
        competition: { winamax: 'Finals', bet365: 'ATP Finals', kwiff: 'ATP Finals, Turin' },
        region: { winamax: 'ATP', bet365: 'ATP', kwiff: 'ATP' },
      },
      status: 'live',
      state: {
        sport: 'tennis',
        sets: [
          [6, 4],
          [2, 1],
        ],
        points: [0, 0],
        server: 0,
        tiebreak: false,
        tiebreaks: {},
        bestOf: 3,
      },
    }
    world.add(tennis, false)
    world.setPrices('winamax', tennis.fixture.id, [1.4, 2.85], { announce: false })

    sim = await startWinamaxSim({ speed: 20, world })
    expect(world.users).toBe(1)
    feed = createWinamaxFeed({ url: sim.url, routes: ['sport:1', 'sport:5', 'hot:live'] })
    const seen = follow(feed)
    feed.start()
    await until(() => eventNamed(seen.state, 'Paris SG - Arsenal') !== undefined, 'world match')

    const ev = eventNamed(seen.state, 'Paris SG - Arsenal')!
    expect(Number(ev.id.slice('winamax:m'.length))).toBeGreaterThanOrEqual(WORLD_ID_BASE.match)
    expect(ev).toMatchObject({ participants: ['Paris SG', 'Arsenal'], status: 'prematch' })
    expect(ev.startTime).toBe(Math.floor(psg.startTime / 1000) * 1000)
    const comp = seen.state.competition.get(ev.competitionId)!
    expect(comp).toMatchObject({ name: 'Ligue des Champions', region: 'Europe' })
    expect(seen.state.sport.get(ev.sportId)?.key).toBe('football')
    const market = [...seen.state.market.values()].find((m) => m.eventId === ev.id)!
    expect(market).toMatchObject({ type: '1x2', main: true, suspended: false, name: 'Résultat' })
    expect(selectionsOf(seen.state, ev.id).map((s) => [s.name, s.odds, s.outcome])).toEqual([
      ['Paris SG', 2.35, 'home'],
      ['Match nul', 3.4, 'draw'],
      ['Arsenal', 2.9, 'away'],
    ])
    for (const s of selectionsOf(seen.state, ev.id)) expect(s.hotUsers).toBeGreaterThan(0)

    // Tennis on sport:5: sets won as the score, the set as the period, a two-way winner.
    const t = eventNamed(seen.state, 'Sinner J. - Alcaraz C.')!
    expect(t).toMatchObject({ status: 'live', score: { home: 1, away: 0 }, period: 'Set 2' })
    expect(seen.state.sport.get(t.sportId)?.key).toBe('tennis')
    expect(seen.state.competition.get(t.competitionId)).toMatchObject({ region: 'ATP' })
    expect(selectionsOf(seen.state, t.id).map((s) => [s.name, s.odds, s.outcome])).toEqual([
      ['Sinner J.', 1.4, 'home'],
      ['Alcaraz C.', 2.85, 'away'],
    ])

    // A price change in the world reaches the feed's ops.
    world.setPrices('winamax', psg.id, [2.2, 3.5, 3.1])
    await until(() => selectionsOf(seen.state, ev.id)[0]?.odds === 2.2, 'price move')
    expect(selectionsOf(seen.state, ev.id).map((s) => s.odds)).toEqual([2.2, 3.5, 3.1])
    // Another book's price change is not Winamax's.
    world.setPrices('bet365', psg.id, [9, 9, 9])
    // Kick-off and a goal: status, score, clock and period follow the world.
    world.play(psg.id, 'live', {
      sport: 'football',
      period: '1H',
      seconds: 12 * 60 + 5,
      running: true,
      clockAt: Date.now(),
      goals: [0, 1],
    })
    await until(() => seen.state.event.get(ev.id)?.status === 'live', 'kick-off')
    const live = seen.state.event.get(ev.id)!
    expect(live.score).toEqual({ home: 0, away: 1 })
    expect(live.period).toBe('1st half')
    expect(live.clock).toMatchObject({ running: true, period: '1st half' })
    expect(live.clock!.seconds).toBeGreaterThanOrEqual(12 * 60 + 5)
    expect(selectionsOf(seen.state, ev.id).map((s) => s.odds)).toEqual([2.2, 3.5, 3.1])
    // Suspended after the goal: the market and its selections.
    world.setPrices('winamax', psg.id, [3.6, 3.4, 1.95], { suspended: true })
    await until(
      () => [...seen.state.market.values()].find((m) => m.eventId === ev.id)?.suspended === true,
      'suspension',
    )
    expect(selectionsOf(seen.state, ev.id).every((s) => s.suspended)).toBe(true)

    // Added later: listed at once, with its parents.
    const late = footballFixture('wf:late', {
      home: ['Naples', 'Napoli', 'Napoli'],
      away: ['Francfort', 'Eintracht Frankfurt', 'Eintracht Frankfurt'],
    })
    world.setPrices('winamax', late.id, [1.8, 3.9, 4.2], { announce: false })
    world.add(prematch(late))
    await until(() => eventNamed(seen.state, 'Naples - Francfort') !== undefined, 'added match')
    const lateEv = eventNamed(seen.state, 'Naples - Francfort')!
    expect(lateEv.competitionId).toBe(ev.competitionId)

    // Removed: no event, market or selection of it is left.
    world.remove(psg.id)
    await until(() => !seen.state.event.has(ev.id), 'removal')
    expect([...seen.state.market.values()].filter((m) => m.eventId === ev.id)).toEqual([])
    expect(selectionsOf(seen.state, ev.id)).toEqual([])
    expect(seen.state.event.has(lateEv.id)).toBe(true)
    // The capture is still served beside the world.
    expect(eventNamed(seen.state, 'Slovénie - Kosovo')).toBeDefined()

    await sim.close()
    sim = undefined
    expect(world.users).toBe(0)
  })

  it('a capture match the world takes over is the world’s alone: the replay does not fight it', async () => {
    const world = new TestWorld()
    // Slavia Prague - Arsenal (63369817): the replay kicks it off 44 s in (0.2 s at speed
    // 200) with a new live bet and prices; the world keeps it prematch at its own prices.
    const slavia = footballFixture(
      'wf:slavia-arsenal',
      {
        home: ['Slavia Prague', 'Slavia Prague', 'Slavia Prague'],
        away: ['Arsenal', 'Arsenal', 'Arsenal'],
      },
      { native: { winamax: '63369817' } },
    )
    world.add(prematch(slavia), false)
    world.setPrices('winamax', slavia.id, [7.5, 4.6, 1.42], { announce: false })
    sim = await startWinamaxSim({ speed: 200, world })
    feed = createWinamaxFeed({ url: sim.url })
    const seen = follow(feed)
    feed.start()
    await until(() => seen.state.event.has('winamax:m63369817'), 'taken-over match')
    // The replay (its kick-off of this match included) has passed once the generator moves
    // the clock of 57274261 beyond its last recorded reading, 81:08 (or ends it).
    await until(() => {
      const clock = seen.state.event.get('winamax:m57274261')?.clock
      return clock === undefined || clock.seconds > 81 * 60 + 8
    }, 'replay over')
    const ev = seen.state.event.get('winamax:m63369817')!
    expect(ev).toMatchObject({ name: 'Slavia Prague - Arsenal', status: 'prematch' })
    expect(ev.score).toBeUndefined()
    expect(selectionsOf(seen.state, ev.id).map((s) => s.odds)).toEqual([7.5, 4.6, 1.42])
    // Neither the capture's prematch bet nor the replay's live one.
    expect(seen.state.market.has('winamax:b522800237')).toBe(false)
    expect(seen.state.market.has('winamax:b530074737')).toBe(false)
    expect(seen.state.selection.has('winamax:o1668961121')).toBe(false)
    expect([...seen.state.market.values()].filter((m) => m.eventId === ev.id)).toHaveLength(1)
  })

  it('the real shared world: its Winamax matches reach the feed at its prices, and a repricing follows', async () => {
    let t = Date.now()
    const world = createSharedWorld({ seed: 5, now: () => t })
    const listed = world.matches('winamax')
    expect(listed.length).toBeGreaterThan(0)
    sim = await startWinamaxSim({ speed: 20, world })
    // The default routes (sport:1, hot:live): the world's tennis comes with hot:live.
    feed = createWinamaxFeed({ url: sim.url })
    const seen = follow(feed)
    feed.start()
    await until(() => feed!.status().state === 'live', 'live')
    expect(listed.some((m) => m.fixture.sport === 'tennis')).toBe(true)
    const title = (m: WorldMatch) => {
      const [h, a] = [m.fixture.home.winamax, m.fixture.away.winamax]
      return m.fixture.swapped?.winamax === true ? `${a} - ${h}` : `${h} - ${a}`
    }
    const roundedOdds = (id: string) =>
      world.prices('winamax', id)!.odds.map((o) => Math.round(o * 100) / 100)
    for (const m of listed) {
      const ev = eventNamed(seen.state, title(m))
      expect(ev, title(m)).toBeDefined()
      expect(seen.state.sport.get(ev!.sportId)?.key).toBe(m.fixture.sport)
      expect(selectionsOf(seen.state, ev!.id).map((s) => s.odds)).toEqual(roundedOdds(m.fixture.id))
      // A capture match the world took over keeps its id, once.
      const native = m.fixture.native?.winamax
      if (native !== undefined) expect(ev!.id).toBe(`winamax:m${native}`)
    }
    // The world reprices Winamax within a few minutes of its clock.
    let moved: string | undefined
    world.onChange((c: WorldChange) => {
      if (c.type === 'prices' && c.book === 'winamax') moved ??= c.id
    })
    for (let i = 0; i < 900 && moved === undefined; i++) {
      t += 1_000
      world.tick()
    }
    expect(moved).toBeDefined()
    const m = world.match(moved!)!
    await until(() => {
      const ev = eventNamed(seen.state, title(m))
      return (
        ev !== undefined &&
        JSON.stringify(selectionsOf(seen.state, ev.id).map((s) => s.odds)) ===
          JSON.stringify(roundedOdds(m.fixture.id))
      )
    }, 'the repricing')
  })

  it('without a world the simulator serves the capture alone', async () => {
    sim = await startWinamaxSim({ speed: 20 })
    feed = createWinamaxFeed({ url: sim.url })
    const seen = follow(feed)
    feed.start()
    await until(() => feed!.status().state === 'live', 'live')
    expect(seen.state.event.size).toBe(689)
    for (const id of seen.state.event.keys())
      expect(Number(id.slice('winamax:m'.length))).toBeLessThan(WORLD_ID_BASE.match)
  })
})
