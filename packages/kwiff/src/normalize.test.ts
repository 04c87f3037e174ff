import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { diffEntities } from '@oddsboard/model'
import type { Entity, Event, Market, Selection } from '@oddsboard/model'
import type { KwiffEvent } from './codec'
import { parseEventGetReply, parseEventListReply } from './codec'
import { buildPicture, eventStatus, mainOfferIndex, normalizeEvent, outcomeOdds } from './normalize'
import { fixtureJsonBlocks } from './testFixtures'

const listReply = fixtureJsonBlocks('event-list-readme.txt')[1]
const getReply = fixtureJsonBlocks('event-get-guide.txt')[0]
const sampleEvent = parseEventListReply([listReply]).events[0]!

function byKind<K extends Entity['kind']>(entities: Iterable<Entity>, kind: K) {
  return [...entities].filter((e) => e.kind === kind) as Extract<Entity, { kind: K }>[]
}

/** A full three-way event built on the sample, with ids on offers and outcomes. */
function eventWith(id: number, prices: [number, string][]): KwiffEvent {
  return {
    ...sampleEvent,
    id,
    details: {
      offers: [
        {
          id: 900 + id,
          name: 'Full Time Result',
          outcomes: prices.map(([odds, fractional], i) => ({
            id: id * 10 + i,
            outcomeName: ['Home', 'Draw', 'Away'][i]!,
            odds,
            fractional,
          })),
        },
      ],
    },
  }
}

describe('normalizeEvent on the event:list sample', () => {
  const entities = normalizeEvent(sampleEvent)

  it('makes the sport, competition and event', () => {
    expect(byKind(entities, 'sport')).toEqual([
      { kind: 'sport', id: 'kwiff:sp11', source: 'kwiff', name: 'Football' },
    ])
    expect(byKind(entities, 'competition')).toEqual([
      {
        kind: 'competition',
        id: 'kwiff:c1',
        source: 'kwiff',
        sportId: 'kwiff:sp11',
        name: 'UEFA Champions League',
      },
    ])
    const [event] = byKind(entities, 'event')
    expect(event).toEqual<Event>({
      kind: 'event',
      id: 'kwiff:e10748848',
      source: 'kwiff',
      sportId: 'kwiff:sp11',
      competitionId: 'kwiff:c1',
      name: 'Bodoe/Glimt v Manchester City',
      participants: ['Bodoe/Glimt', 'Manchester City'],
      startTime: Date.UTC(2026, 0, 20, 17, 45),
      status: 'prematch',
    })
  })

  it('makes the main market and its selection with decimal and fractional odds', () => {
    const [market] = byKind(entities, 'market')
    expect(market).toMatchObject<Partial<Market>>({
      eventId: 'kwiff:e10748848',
      name: 'Full Time Result',
      suspended: false,
      main: true,
    })
    const sels = byKind(entities, 'selection')
    expect(sels).toHaveLength(1)
    expect(sels[0]).toMatchObject<Partial<Selection>>({
      marketId: market!.id,
      name: 'Bodo/Glimt',
      order: 0,
      odds: 6,
      oddsText: '5/1',
      suspended: false,
    })
  })

  it('keeps ids unique across kinds', () => {
    const ids = entities.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('normalizeEvent on the event:get sample', () => {
  it('reads status and start time, and makes no markets when none are given', () => {
    const ev = parseEventGetReply([getReply]).event
    const entities = normalizeEvent(ev)
    expect(byKind(entities, 'event')[0]).toMatchObject({
      status: 'prematch',
      startTime: Date.parse('2026-01-20T17:45:00.000Z'),
    })
    expect(byKind(entities, 'market')).toEqual([])
  })
})

describe('eventStatus', () => {
  it.each([
    [{}, 'prematch'],
    [{ stage: 1, bettingStatus: 1 }, 'prematch'],
    [{ stage: 2, bettingStatus: 1 }, 'live'],
    [{ stage: 2, bettingStatus: 2 }, 'suspended'],
    [{ stage: 3, bettingStatus: 1 }, 'ended'],
    [{ stage: 2, bettingStatus: 3 }, 'ended'],
  ] as const)('%j → %s', (fields, status) => {
    expect(eventStatus(fields)).toBe(status)
  })

  it('suspends every market and selection of a suspended event', () => {
    const entities = normalizeEvent({
      ...eventWith(5, [
        [2, '1/1'],
        [3.5, '5/2'],
        [4, '3/1'],
      ]),
      stage: 2,
      bettingStatus: 2,
    })
    expect(byKind(entities, 'market').every((m) => m.suspended)).toBe(true)
    expect(byKind(entities, 'selection').every((s) => s.suspended)).toBe(true)
  })
})

describe('main market and odds', () => {
  it('picks the named main offer, else the first', () => {
    expect(mainOfferIndex([{ name: 'Both Teams To Score' }, { name: 'Match Winner' }])).toBe(1)
    expect(mainOfferIndex([{ name: 'Total Points' }, { name: 'Handicap' }])).toBe(0)
    expect(mainOfferIndex([{ name: 'x' }, { name: 'match result' }])).toBe(1)
  })

  it('reads decimal odds, falls back to fractional text, else unpriced', () => {
    expect(outcomeOdds({ odds: 2.4, fractional: '7/5' })).toBe(2.4)
    expect(outcomeOdds({ odds: null, fractional: '9/2' })).toBe(5.5)
    expect(outcomeOdds({ fractional: 'SP' })).toBeNull()
    expect(outcomeOdds({ odds: 0 })).toBeNull()
    expect(outcomeOdds({})).toBeNull()
  })

  it('gives same-named offers without ids distinct market ids', () => {
    const ev: KwiffEvent = {
      ...sampleEvent,
      details: {
        offers: [
          { name: 'Handicap', outcomes: [{ outcomeName: 'A', odds: 2 }] },
          { name: 'Handicap', outcomes: [{ outcomeName: 'A', odds: 2 }] },
        ],
      },
    }
    const ids = normalizeEvent(ev).map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('buildPicture + diffEntities', () => {
  const a = eventWith(1, [
    [2, '1/1'],
    [3.5, '5/2'],
    [4, '3/1'],
  ])
  const b = {
    ...eventWith(2, [
      [1.5, '1/2'],
      [4, '3/1'],
      [6, '5/1'],
    ]),
    competition: { id: 9, name: 'Premier League' },
  }

  it('gives no ops for an unchanged picture', () => {
    expect(diffEntities(buildPicture([a, b]), buildPicture([a, b]))).toEqual([])
  })

  it('upserts only the selection whose odds changed', () => {
    const a2 = eventWith(1, [
      [2, '1/1'],
      [3.75, '11/4'],
      [4, '3/1'],
    ])
    const ops = diffEntities(buildPicture([a, b]), buildPicture([a2, b]))
    expect(ops).toHaveLength(1)
    expect(ops[0]).toMatchObject({
      op: 'upsert',
      entity: { kind: 'selection', id: 'kwiff:s1.901.11', odds: 3.75, oddsText: '11/4' },
    })
  })

  it('removes a vanished event with its markets, selections and now-empty competition', () => {
    const ops = diffEntities(buildPicture([a, b]), buildPicture([a]))
    expect(ops.every((o) => o.op === 'remove')).toBe(true)
    const removed = ops.map((o) => (o.op === 'remove' ? `${o.kind}:${o.id}` : ''))
    expect(removed).toEqual([
      'selection:kwiff:s2.902.20',
      'selection:kwiff:s2.902.21',
      'selection:kwiff:s2.902.22',
      'market:kwiff:m2.902',
      'event:kwiff:e2',
      'competition:kwiff:c9',
    ])
  })

  it('prefers offers given per event (event:get) over the listed ones', () => {
    const offers = new Map([
      [1, [{ id: 5, name: 'Match Winner', outcomes: [{ outcomeName: 'Home', odds: 1.8 }] }]],
    ])
    const markets = byKind(buildPicture([a], offers).values(), 'market')
    expect(markets.map((m) => m.name)).toEqual(['Match Winner'])
  })

  it('never throws and keeps ids unique for arbitrary well-formed events', () => {
    const outcome = fc.record({
      outcomeName: fc.string(),
      odds: fc.option(fc.double({ min: -2, max: 1000, noNaN: true }), { nil: undefined }),
      fractional: fc.option(fc.string(), { nil: undefined }),
    })
    const offer = fc.record({ name: fc.string(), outcomes: fc.array(outcome, { maxLength: 5 }) })
    fc.assert(
      fc.property(
        fc.array(offer, { maxLength: 6 }),
        fc.integer({ min: 0, max: 4 }),
        (offers, stage) => {
          const entities = normalizeEvent({ ...sampleEvent, stage, details: { offers } })
          const ids = entities.map((e) => e.id)
          expect(new Set(ids).size).toBe(ids.length)
          expect(byKind(entities, 'market').filter((m) => m.main).length).toBe(
            offers.length > 0 ? 1 : 0,
          )
          for (const s of byKind(entities, 'selection'))
            expect(s.odds === null || s.odds > 1).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })
})
