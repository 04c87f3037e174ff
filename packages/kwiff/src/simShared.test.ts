import { afterEach, describe, expect, it } from 'vitest'
import { applyOps, emptyState } from '@oddsboard/model'
import type { EntityState, Event } from '@oddsboard/model'
import type { Feed, WorldChange, WorldMatch } from '@oddsboard/feedkit'
import { createSharedWorld } from '@oddsboard/simworld'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { createKwiffFeed } from './feed'
import type { KwiffSimServer } from './sim'
import { startKwiffSim } from './sim'
import { SHARED_ID_BASE } from './simShared'
import { footballFixture, TestWorld } from '@oddsboard/feedkit/testing'

const until = (cond: () => boolean, what: string, ms = 10_000) =>
  waitUntil(cond, { timeoutMs: ms, what })

const eventNamed = (s: EntityState, name: string): Event | undefined =>
  [...s.event.values()].find((e) => e.name === name)

const selectionsOf = (s: EntityState, eventId: string) =>
  [...s.selection.values()].filter((x) => x.eventId === eventId).sort((a, b) => a.order - b.order)

function match(
  fixture: WorldMatch['fixture'],
  status: WorldMatch['status'] = 'prematch',
): WorldMatch {
  return {
    fixture,
    status,
    state: {
      sport: 'football',
      period: status === 'live' ? '2H' : 'prematch',
      seconds: status === 'live' ? 3_000 : 0,
      running: status === 'live',
      clockAt: Date.now(),
      goals: status === 'live' ? [1, 0] : [0, 0],
    },
  }
}

describe('the Kwiff simulator renders the shared world', () => {
  let feed: Feed | undefined
  let sim: KwiffSimServer | undefined
  afterEach(async () => {
    await feed?.stop()
    await sim?.close()
    feed = sim = undefined
  })

  it('world matches reach the real feed with English names and fractional prices; moves and removals follow', async () => {
    const world = new TestWorld()
    const psg = footballFixture('wf:psg-arsenal', {
      home: ['Paris SG', 'PSG', 'Paris Saint-Germain'],
      away: ['Arsenal', 'Arsenal', 'Arsenal'],
    })
    world.add(match(psg), false)
    world.setPrices('kwiff', psg.id, [2.5, 3.4, 2.75], {
      fractional: ['6/4', '12/5', '7/4'],
      announce: false,
    })
    // A live match Kwiff lists the other way round.
    const live = footballFixture(
      'wf:live',
      {
        home: ['Naples', 'Napoli', 'Napoli'],
        away: ['Francfort', 'Eintracht Frankfurt', 'Eintracht Frankfurt'],
      },
      { swapped: { kwiff: true } },
    )
    world.add(match(live, 'live'), false)
    world.setPrices('kwiff', live.id, [5.5, 3.75, 1.62], {
      fractional: ['9/2', '11/4', '8/13'],
      announce: false,
    })
    // The sample event 10748848, taken over by the world at its own prices.
    const bodo = footballFixture(
      'wf:bodoe-glimt-manchester-city',
      {
        home: ['Bodø/Glimt', 'Bodo/Glimt', 'Bodoe/Glimt'],
        away: ['Manchester City', 'Man City', 'Manchester City'],
      },
      { native: { kwiff: '10748848' } },
    )
    world.add(match(bodo), false)
    world.setPrices('kwiff', bodo.id, [7, 5.5, 1.4], {
      fractional: ['6/1', '9/2', '2/5'],
      announce: false,
    })

    sim = await startKwiffSim({ tickMs: 0, failureRate: 0, slowRate: 0, world })
    expect(world.users).toBe(1)
    feed = createKwiffFeed({ url: sim.url, refreshMs: 100, ackTimeoutMs: 2_000 })
    let state = emptyState() as EntityState
    feed.onOps((ops) => {
      state = applyOps(state, ops)
    })
    feed.start()
    await until(
      () => eventNamed(state, 'Paris Saint-Germain v Arsenal') !== undefined,
      'world event',
    )

    const ev = eventNamed(state, 'Paris Saint-Germain v Arsenal')!
    expect(Number(ev.id.slice('kwiff:e'.length))).toBeGreaterThanOrEqual(SHARED_ID_BASE.event)
    expect(ev).toMatchObject({ status: 'prematch', startTime: psg.startTime })
    expect(ev.score).toBeUndefined()
    expect(ev.clock).toBeUndefined()
    // The sample's competition of the same name keeps its id.
    expect(state.competition.get(ev.competitionId)?.name).toBe('UEFA Champions League')
    expect(ev.competitionId).toBe('kwiff:c1')
    expect(selectionsOf(state, ev.id).map((s) => [s.name, s.odds, s.outcome])).toEqual([
      ['Paris Saint-Germain', 2.5, 'home'],
      ['Draw', 3.4, 'draw'],
      ['Arsenal', 2.75, 'away'],
    ])
    // Live, in Kwiff's side order (event:get answers it).
    const l = eventNamed(state, 'Eintracht Frankfurt v Napoli')!
    expect(l.status).toBe('live')
    expect(selectionsOf(state, l.id).map((s) => s.odds)).toEqual([5.5, 3.75, 1.62])
    // The sample event is the world's version only.
    const b = state.event.get('kwiff:e10748848')!
    expect(b.name).toBe('Bodoe/Glimt v Manchester City')
    expect(selectionsOf(state, b.id).map((s) => s.odds)).toEqual([7, 5.5, 1.4])
    expect([...state.market.values()].filter((m) => m.eventId === b.id)).toHaveLength(1)

    // A price change and a suspension in the world reach the feed's ops.
    world.setPrices('kwiff', psg.id, [2.2, 3.5, 3.1], { fractional: ['6/5', '5/2', '21/10'] })
    await until(() => selectionsOf(state, ev.id)[0]?.odds === 2.2, 'price move')
    expect(selectionsOf(state, ev.id).map((s) => s.odds)).toEqual([2.2, 3.5, 3.1])
    world.setPrices('kwiff', live.id, [6, 4, 1.5], {
      fractional: ['5/1', '3/1', '1/2'],
      suspended: true,
    })
    await until(() => state.event.get(l.id)?.status === 'suspended', 'suspension')

    // Removed: no event, market or selection of it is left.
    world.remove(psg.id)
    await until(() => !state.event.has(ev.id), 'removal')
    expect([...state.market.values()].filter((m) => m.eventId === ev.id)).toEqual([])
    expect(selectionsOf(state, ev.id)).toEqual([])
    // The simulator's own events are still served beside the world's.
    expect(
      [...state.event.keys()].filter((id) => id.startsWith('kwiff:e116')).length,
    ).toBeGreaterThan(10)

    await sim.close()
    sim = undefined
    expect(world.users).toBe(0)
  })

  it('the real shared world: its Kwiff matches reach the feed at its fractional prices, and a repricing follows', async () => {
    let t = Date.now()
    const world = createSharedWorld({ seed: 5, now: () => t })
    const listed = world.matches('kwiff')
    expect(listed.length).toBeGreaterThan(0)
    sim = await startKwiffSim({ tickMs: 0, failureRate: 0, slowRate: 0, world })
    feed = createKwiffFeed({ url: sim.url, refreshMs: 100, ackTimeoutMs: 2_000 })
    let state = emptyState() as EntityState
    feed.onOps((ops) => {
      state = applyOps(state, ops)
    })
    feed.start()
    await until(() => feed!.status().state === 'live', 'live')
    const name = (m: WorldMatch) => {
      const [h, a] = [m.fixture.home.kwiff, m.fixture.away.kwiff]
      return m.fixture.swapped?.kwiff === true ? `${a} v ${h}` : `${h} v ${a}`
    }
    const oddsOf = (id: string) =>
      world.prices('kwiff', id)!.fractional!.map((f) => {
        const [n, d] = f.split('/').map(Number) as [number, number]
        return Math.round((1 + n / d) * 100) / 100
      })
    for (const m of listed) {
      const ev = eventNamed(state, name(m))
      expect(ev, name(m)).toBeDefined()
      expect(state.sport.get(ev!.sportId)?.key).toBe(m.fixture.sport)
      expect(selectionsOf(state, ev!.id).map((s) => s.odds)).toEqual(oddsOf(m.fixture.id))
      const native = m.fixture.native?.kwiff
      if (native !== undefined) expect(ev!.id).toBe(`kwiff:e${native}`)
    }
    let moved: string | undefined
    world.onChange((c: WorldChange) => {
      if (c.type === 'prices' && c.book === 'kwiff') moved ??= c.id
    })
    for (let i = 0; i < 900 && moved === undefined; i++) {
      t += 1_000
      world.tick()
    }
    expect(moved).toBeDefined()
    const m = world.match(moved!)!
    await until(() => {
      const ev = eventNamed(state, name(m))
      return (
        ev !== undefined &&
        JSON.stringify(selectionsOf(state, ev.id).map((s) => s.odds)) ===
          JSON.stringify(oddsOf(m.fixture.id))
      )
    }, 'the repricing')
  })
})
