import { describe, expect, it } from 'vitest'
import type { Entity } from '@oddsboard/model'
import { KWIFF_SPORTS, parseEventGetReply, parseEventListReply } from './codec'
import { buildPicture } from './normalize'
import {
  ladderDecimal,
  ladderIndex,
  ODDS_LADDER,
  offerOverround,
  OVERROUND_BAND,
  KwiffSimWorld,
} from './simWorld'

const opts = { seed: 7, baseTime: Date.UTC(2026, 10, 22, 20, 0), tickMs: 1000 }

function snapshot(w: KwiffSimWorld): string {
  return JSON.stringify(w.events().map((e) => w.render(e, true)))
}

describe('KwiffSimWorld', () => {
  it('starts with 40–80 events across football, basketball and tennis, in Kwiff shape', () => {
    const w = new KwiffSimWorld(opts)
    const events = w.events()
    expect(events.length).toBeGreaterThanOrEqual(40)
    expect(events.length).toBeLessThanOrEqual(80)
    for (const sportId of Object.values(KWIFF_SPORTS)) {
      expect(events.some((e) => e.sportId === sportId)).toBe(true)
    }
    const list = parseEventListReply([
      { timestamp: 1, data: { events: events.map((e) => w.render(e, false)) } },
    ])
    expect(list.invalid).toEqual([])
    expect(list.events.every((e) => e.details?.offers?.length === 1)).toBe(true)
  })

  it('carries the sample event with its real ids and prices', () => {
    const w = new KwiffSimWorld(opts)
    const ev = parseEventGetReply([
      { timestamp: 1, data: { result: w.render(w.get(10748848)!, true) } },
    ]).event
    expect(ev.homeTeam.name).toBe('Bodoe/Glimt')
    expect(ev.competition).toMatchObject({ name: 'UEFA Champions League', competitionId: 134822 })
    expect(ev.details?.offers?.[0]?.outcomes[0]).toMatchObject({
      outcomeName: 'Bodo/Glimt',
      odds: 6,
      fractional: '5/1',
    })
    const muriqi = w.render(w.get(11505695)!, true) as {
      details: { offers: { id: number; outcomes: { id: number; outcomeName: string }[] }[] }
    }
    expect(muriqi.details.offers.find((o) => o.id === 298620996)?.outcomes[0]).toMatchObject({
      id: 1247853363,
      outcomeName: 'Vedat Muriqi',
    })
  })

  it('is deterministic given its seed, and differs with another seed', () => {
    const a = new KwiffSimWorld(opts)
    const b = new KwiffSimWorld(opts)
    const c = new KwiffSimWorld({ ...opts, seed: 8 })
    for (let i = 0; i < 50; i++) {
      a.step()
      b.step()
      c.step()
    }
    expect(snapshot(a)).toBe(snapshot(b))
    expect(snapshot(a)).not.toBe(snapshot(c))
  })

  it('moves odds, starts and ends matches, and brings new fixtures', () => {
    const w = new KwiffSimWorld(opts)
    const before = snapshot(w)
    const firstIds = new Set(w.events().map((e) => e.id))
    const stageOf = (id: number) => (w.render(w.get(id)!, false) as { stage: number }).stage
    expect(stageOf(10748848)).toBe(1)
    for (let i = 0; i < 45; i++) w.step()
    expect(stageOf(10748848)).toBe(2)
    expect(snapshot(w)).not.toBe(before)
    for (let i = 0; i < 400; i++) w.step()
    const ids = new Set(w.events().map((e) => e.id))
    expect([...firstIds].some((id) => !ids.has(id))).toBe(true)
    expect([...ids].some((id) => !firstIds.has(id))).toBe(true)
    expect(w.events().length).toBeGreaterThanOrEqual(40)
  })

  it('keeps its books near a real margin as prices drift: almost never an arbitrage', () => {
    const w = new KwiffSimWorld(opts)
    let seen = 0
    let negative = 0
    let outside = 0
    for (let t = 0; t < 1500; t++) {
      w.step()
      for (const e of w.events()) {
        if (w.tick >= e.endTick) continue
        for (const offer of e.offers) {
          if (offer.outcomes.length < 2) continue
          const over = offerOverround(offer)
          seen++
          if (over < 0) negative++
          if (over < OVERROUND_BAND[0] - 0.03 || over > OVERROUND_BAND[1] + 0.03) outside++
        }
      }
    }
    expect(seen).toBeGreaterThan(10_000)
    // Only a repricing shock (several ladder steps at once) may dip below 0, for a tick or two.
    expect(negative / seen).toBeLessThan(0.005)
    expect(outside / seen).toBeLessThan(0.01)
  })

  it('prices the sample event as a plausible book (5/1, 11/2, 4/11)', () => {
    const w = new KwiffSimWorld(opts)
    const main = w.get(10748848)!.offers[0]!
    expect(main.outcomes.map((o) => ODDS_LADDER[o.step])).toEqual(['5/1', '11/2', '4/11'])
    const over = offerOverround(main)
    expect(over).toBeGreaterThanOrEqual(OVERROUND_BAND[0])
    expect(over).toBeLessThanOrEqual(OVERROUND_BAND[1])
  })

  it('prices on the fractional ladder', () => {
    expect(ladderDecimal(ladderIndex(6))).toBe(6)
    expect(ODDS_LADDER[ladderIndex(2.4)]).toBe('7/5')
    expect(ladderDecimal(ladderIndex(1.44))).toBe(1.44)
  })

  it('carries what the normalizer needs: sport keys, typed markets, one main, outcomes', () => {
    const w = new KwiffSimWorld(opts)
    for (let i = 0; i < 60; i++) w.step()
    const events = parseEventListReply([
      { timestamp: 1, data: { events: w.events().map((e) => w.render(e, true)) } },
    ]).events
    const picture = buildPicture(events, { receivedAt: 1 })
    const all = [...picture.values()]
    const of = <K extends Entity['kind']>(kind: K) =>
      all.filter((e): e is Extract<Entity, { kind: K }> => e.kind === kind)
    const keyOf = new Map(of('sport').map((s) => [s.id, s.key]))
    const tennis = of('event').filter((e) => keyOf.get(e.sportId) === 'tennis')
    expect(tennis).toHaveLength(14)
    expect(new Set(keyOf.values())).toEqual(new Set(['football', 'basketball', 'tennis']))
    const markets = of('market')
    for (const ev of of('event')) {
      const mine = markets.filter((m) => m.eventId === ev.id)
      expect(mine.filter((m) => m.main)).toHaveLength(1)
      expect(['1x2', 'winner']).toContain(mine.find((m) => m.main)!.type)
    }
    const types = new Set(markets.map((m) => m.type))
    expect(types).toEqual(new Set(['1x2', 'winner', 'over-under', 'handicap', 'other']))
    for (const m of markets.filter((m) => m.type === 'over-under' || m.type === 'handicap')) {
      expect(typeof m.line).toBe('number')
    }
    for (const s of of('selection')) {
      const m = picture.get(s.marketId) as (typeof markets)[number]
      if (m.type === 'other') expect(s.outcome).toBeUndefined()
      else expect(s.outcome).toBeDefined()
    }
  })
})
