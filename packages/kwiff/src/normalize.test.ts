import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { diffEntities, MARKET_OUTCOMES } from '@oddsboard/model'
import type { Entity, Event, Market, Selection } from '@oddsboard/model'
import type { KwiffEvent } from './codec'
import { parseEventGetReply, parseEventListReply } from './codec'
import type { NormalizeContext } from './normalize'
import { buildPicture, eventStatus, kwiffSport, normalizeEvent, outcomeOdds } from './normalize'
import { fixtureJsonBlocks } from './testFixtures'

/** The receive time the tests pass in (epoch ms), and a context with no previous picture. */
const T0 = Date.UTC(2026, 0, 20, 17, 0)
const at0: NormalizeContext = { receivedAt: T0 }

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
  const entities = normalizeEvent(sampleEvent, at0)

  it('makes the sport, competition and event', () => {
    expect(byKind(entities, 'sport')).toEqual([
      { kind: 'sport', id: 'kwiff:sp11', source: 'kwiff', key: 'football', name: 'Football' },
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
      updatedAt: T0,
    })
  })

  it('makes the main 1x2 market and its home selection with decimal and fractional odds', () => {
    const [market] = byKind(entities, 'market')
    expect(market).toEqual<Market>({
      kind: 'market',
      id: 'kwiff:m10748848.n-full-time-result',
      source: 'kwiff',
      eventId: 'kwiff:e10748848',
      name: 'Full Time Result',
      type: '1x2',
      suspended: false,
      main: true,
    })
    const sels = byKind(entities, 'selection')
    expect(sels).toHaveLength(1)
    expect(sels[0]).toEqual<Selection>({
      kind: 'selection',
      id: 'kwiff:s10748848.n-full-time-result.o0',
      source: 'kwiff',
      eventId: 'kwiff:e10748848',
      marketId: market!.id,
      name: 'Bodo/Glimt',
      order: 0,
      outcome: 'home',
      odds: 6,
      oddsText: '5/1',
      suspended: false,
      updatedAt: T0,
    })
  })

  it('sets no clock, period or score: the samples carry none', () => {
    const [event] = byKind(entities, 'event')
    expect(event).not.toHaveProperty('clock')
    expect(event).not.toHaveProperty('period')
    expect(event).not.toHaveProperty('score')
  })

  it('keeps ids unique across kinds', () => {
    const ids = entities.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('normalizeEvent on the event:get sample', () => {
  it('reads status and start time, and makes no markets when none are given', () => {
    const ev = parseEventGetReply([getReply]).event
    const entities = normalizeEvent(ev, at0)
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
    const entities = normalizeEvent(
      {
        ...eventWith(5, [
          [2, '1/1'],
          [3.5, '5/2'],
          [4, '3/1'],
        ]),
        stage: 2,
        bettingStatus: 2,
      },
      at0,
    )
    expect(byKind(entities, 'market').every((m) => m.suspended)).toBe(true)
    expect(byKind(entities, 'selection').every((s) => s.suspended)).toBe(true)
  })
})

describe('sport keys', () => {
  it.each([
    [11, 'football', 'Football'],
    [36, 'basketball', 'Basketball'],
    [15, 'tennis', 'Tennis'],
    [99, 'other', 'Sport 99'],
  ] as const)('Kwiff sport %i → %s', (sportId, key, name) => {
    expect(kwiffSport(sportId)).toEqual({ key, name })
    const [sport] = byKind(normalizeEvent({ ...sampleEvent, sportId }, at0), 'sport')
    expect(sport).toMatchObject({ id: `kwiff:sp${sportId}`, key, name })
  })
})

describe('main market and odds', () => {
  const offer = (id: number, name: string, outcomes: string[]) => ({
    id,
    name,
    outcomes: outcomes.map((outcomeName, i) => ({ id: i, outcomeName, odds: 2 })),
  })
  const mainOf = (offers: ReturnType<typeof offer>[]) =>
    byKind(normalizeEvent({ ...sampleEvent, details: { offers } }, at0), 'market')
      .filter((m) => m.main)
      .map((m) => m.name)

  it('makes the first 1x2 offer main, else the first winner, else the first offer', () => {
    const home = sampleEvent.homeTeam.name
    const away = sampleEvent.awayTeam.name
    expect(
      mainOf([
        offer(1, 'Both Teams To Score', ['Yes', 'No']),
        offer(2, 'Total Goals Over/Under 2.5', ['Over 2.5', 'Under 2.5']),
        offer(3, 'Full Time Result', [home, 'Draw', away]),
      ]),
    ).toEqual(['Full Time Result'])
    expect(
      mainOf([
        offer(1, 'Total Games Over/Under 22.5', ['Over 22.5', 'Under 22.5']),
        offer(2, 'Match Winner', [home, away]),
      ]),
    ).toEqual(['Match Winner'])
    expect(
      mainOf([
        offer(1, 'Anytime Goalscorer', ['Vedat Muriqi']),
        offer(2, 'Handicap', [home, away]),
      ]),
    ).toEqual(['Anytime Goalscorer'])
  })

  it('sets type, line and outcomes on markets and selections, none on other markets', () => {
    const entities = normalizeEvent(
      {
        ...sampleEvent,
        details: {
          offers: [
            offer(1, 'Total Goals Over/Under 2.5', ['Under 2.5', 'Over 2.5']),
            offer(2, 'Both Teams To Score', ['Yes', 'No']),
          ],
        },
      },
      at0,
    )
    const [ou, btts] = byKind(entities, 'market')
    expect(ou).toMatchObject({ type: 'over-under', line: 2.5, main: true })
    expect(btts).toMatchObject({ type: 'other', main: false })
    expect(btts).not.toHaveProperty('line')
    const sels = byKind(entities, 'selection')
    expect(sels.map((s) => [s.name, s.outcome])).toEqual([
      ['Under 2.5', 'under'],
      ['Over 2.5', 'over'],
      ['Yes', undefined],
      ['No', undefined],
    ])
    expect(sels.filter((s) => 'outcome' in s)).toHaveLength(2)
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
    const ids = normalizeEvent(ev, at0).map((e) => e.id)
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
    expect(diffEntities(buildPicture([a, b], at0), buildPicture([a, b], at0))).toEqual([])
  })

  it('upserts only the selection whose odds changed', () => {
    const a2 = eventWith(1, [
      [2, '1/1'],
      [3.75, '11/4'],
      [4, '3/1'],
    ])
    const ops = diffEntities(buildPicture([a, b], at0), buildPicture([a2, b], at0))
    expect(ops).toHaveLength(1)
    expect(ops[0]).toMatchObject({
      op: 'upsert',
      entity: { kind: 'selection', id: 'kwiff:s1.901.11', odds: 3.75, oddsText: '11/4' },
    })
  })

  it('removes a vanished event with its markets, selections and now-empty competition', () => {
    const ops = diffEntities(buildPicture([a, b], at0), buildPicture([a], at0))
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
    const markets = byKind(buildPicture([a], at0, offers).values(), 'market')
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
          const entities = normalizeEvent({ ...sampleEvent, stage, details: { offers } }, at0)
          const ids = entities.map((e) => e.id)
          expect(new Set(ids).size).toBe(ids.length)
          const markets = byKind(entities, 'market')
          expect(markets.filter((m) => m.main).length).toBe(offers.length > 0 ? 1 : 0)
          for (const m of markets) {
            expect(typeof m.main).toBe('boolean')
            const outcomes = byKind(entities, 'selection')
              .filter((s) => s.marketId === m.id && s.outcome !== undefined)
              .map((s) => s.outcome!)
            expect(new Set(outcomes).size).toBe(outcomes.length)
            for (const o of outcomes) expect(MARKET_OUTCOMES[m.type]).toContain(o)
          }
          for (const s of byKind(entities, 'selection'))
            expect(s.odds === null || s.odds > 1).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('updatedAt across refreshes', () => {
  const T1 = T0 + 3000
  const T2 = T0 + 6000
  const a = eventWith(1, [
    [2, '1/1'],
    [3.5, '5/2'],
    [4, '3/1'],
  ])
  const b = eventWith(2, [
    [1.5, '1/2'],
    [4, '3/1'],
    [6, '5/1'],
  ])
  const stamps = (p: Map<string, Entity>) =>
    Object.fromEntries(
      [...p.values()].flatMap((e) =>
        e.kind === 'event' || e.kind === 'selection' ? [[e.id, e.updatedAt]] : [],
      ),
    )

  it('stamps new events and selections with the receive time', () => {
    const p = buildPicture([a], at0)
    expect(Object.values(stamps(p))).toEqual([T0, T0, T0, T0])
  })

  it('keeps every updatedAt, and emits no op, when a refresh brings nothing new', () => {
    const p0 = buildPicture([a, b], at0)
    // A rebuilt event is a new object from a new parse, as on every real refresh.
    const again = structuredClone([a, b])
    const p1 = buildPicture(again, { receivedAt: T1, previous: p0 })
    expect(stamps(p1)).toEqual(stamps(p0))
    expect(Object.values(stamps(p1)).every((t) => t === T0)).toBe(true)
    expect(diffEntities(p0, p1)).toEqual([])
    const p2 = buildPicture(structuredClone([a, b]), { receivedAt: T2, previous: p1 })
    expect(diffEntities(p1, p2)).toEqual([])
  })

  it('moves updatedAt of what changed only: a price, then the event itself', () => {
    const p0 = buildPicture([a, b], at0)
    const a2 = eventWith(1, [
      [2, '1/1'],
      [3.75, '11/4'],
      [4, '3/1'],
    ])
    const p1 = buildPicture([a2, b], { receivedAt: T1, previous: p0 })
    expect(stamps(p1)).toEqual({ ...stamps(p0), 'kwiff:s1.901.11': T1 })
    const ops = diffEntities(p0, p1)
    expect(ops).toEqual([{ op: 'upsert', entity: p1.get('kwiff:s1.901.11') }])

    // The event's kick-off moves: the event changes, its unchanged selections do not.
    const a3 = { ...a2, startDate: '2026-01-20T18:00:00.000Z' }
    const p2 = buildPicture([a3, b], { receivedAt: T2, previous: p1 })
    expect(stamps(p2)).toEqual({ ...stamps(p1), 'kwiff:e1': T2 })
    expect(diffEntities(p1, p2).map((o) => (o.op === 'upsert' ? o.entity.id : o.id))).toEqual([
      'kwiff:e1',
    ])
  })

  it('moves a selection that is suspended with its event, keeping its price', () => {
    const p0 = buildPicture([a], at0)
    const p1 = buildPicture([{ ...a, stage: 2, bettingStatus: 2 }], {
      receivedAt: T1,
      previous: p0,
    })
    for (const s of byKind(p1.values(), 'selection')) {
      expect(s).toMatchObject({ suspended: true, updatedAt: T1 })
    }
  })

  it('stamps an event that comes back after it vanished with the new receive time', () => {
    const p0 = buildPicture([a, b], at0)
    const p1 = buildPicture([a], { receivedAt: T1, previous: p0 })
    const p2 = buildPicture([a, b], { receivedAt: T2, previous: p1 })
    expect((p2.get('kwiff:e2') as Event).updatedAt).toBe(T2)
    expect((p2.get('kwiff:e1') as Event).updatedAt).toBe(T0)
  })
})

describe('malformed events interleaved with valid ones (property)', () => {
  const teams = ['Arsenal', 'Chelsea', 'Jannik Sinner', 'Carlos Alcaraz', 'Draw']
  const outcome = fc.record({
    id: fc.integer({ min: 1, max: 4 }),
    outcomeName: fc.constantFrom(...teams, 'Over 2.5', 'Under 2.5', 'Yes', 'No', 'X'),
    odds: fc.constantFrom(1.5, 2, 3.25, 9),
    fractional: fc.constantFrom('1/2', '1/1', '9/4', '8/1'),
  })
  const offer = fc.record({
    id: fc.integer({ min: 1, max: 3 }),
    name: fc.constantFrom(
      'Full Time Result',
      'Match Winner',
      'Total Goals Over/Under 2.5',
      'Handicap -1.5',
      'Both Teams To Score',
    ),
    outcomes: fc.array(outcome, { maxLength: 3 }),
  })
  /** A raw event as Kwiff sends it; few ids, so steps update, add and drop the same events. */
  const validEvent = fc.record({
    id: fc.integer({ min: 1, max: 6 }),
    sportId: fc.constantFrom(11, 36, 15, 99),
    competition: fc.record({ id: fc.integer({ min: 1, max: 3 }), name: fc.constantFrom('A', 'B') }),
    homeTeam: fc.record({ name: fc.constantFrom(...teams) }),
    awayTeam: fc.record({ name: fc.constantFrom(...teams) }),
    startDate: fc.constantFrom('2026-01-20T17:45:00.000Z', '2026-01-21T20:00:00.000Z'),
    stage: fc.constantFrom(1, 2, 3),
    bettingStatus: fc.constantFrom(1, 2, 3),
    details: fc.record({ offers: fc.array(offer, { maxLength: 3 }) }),
  })
  let deep: unknown = 0
  for (let i = 0; i < 5_000; i++) deep = { d: deep }
  /** A valid event broken in one place, often deep inside, or no event at all. */
  const malformed = fc.oneof(
    fc.constantFrom(null, 42, 'event', [], {}),
    fc.tuple(validEvent, fc.integer({ min: 0, max: 7 })).map(([ev, how]): unknown => {
      const offers = ev.details.offers
      switch (how) {
        case 0: {
          const { homeTeam: _gone, ...rest } = ev
          return rest
        }
        case 1:
          return { ...ev, id: String(ev.id) }
        case 2:
          return { ...ev, startDate: 'soon' }
        case 3:
          return { ...ev, sportId: 11.5 }
        case 4:
          // The last outcome of the last offer is broken; everything before it is fine.
          return offers.length === 0 || offers.at(-1)!.outcomes.length === 0
            ? { ...ev, details: { offers: 'none' } }
            : {
                ...ev,
                details: {
                  offers: offers.map((o, i) =>
                    i < offers.length - 1
                      ? o
                      : { ...o, outcomes: [...o.outcomes.slice(0, -1), { outcomeName: 42 }] },
                  ),
                },
              }
        case 5:
          return { ...ev, details: { offers: [...offers, { name: 'Handicap' }] } }
        case 6:
          return { ...ev, competition: { name: 'No id' } }
        default:
          return { ...ev, extra: deep }
      }
    }),
  )
  const item = fc.oneof(
    validEvent.map((raw) => ({ valid: true, raw: raw as unknown })),
    malformed.map((raw) => ({ valid: false, raw })),
  )

  it('ends in the state of the valid events alone: a malformed one is skipped whole', () => {
    fc.assert(
      fc.property(fc.array(fc.array(item, { maxLength: 8 }), { maxLength: 6 }), (steps) => {
        let mixed = new Map<string, Entity>()
        let valid = new Map<string, Entity>()
        steps.forEach((step, k) => {
          const receivedAt = T0 + 3000 * (k + 1)
          const reply = (raws: unknown[]) =>
            parseEventListReply([{ timestamp: receivedAt, data: { events: raws } }])
          const all = reply(step.map((i) => i.raw))
          const good = reply(step.filter((i) => i.valid).map((i) => i.raw))
          expect(good.invalid).toEqual([])
          expect(all.invalid).toHaveLength(step.filter((i) => !i.valid).length)
          mixed = buildPicture(all.events, { receivedAt, previous: mixed })
          valid = buildPicture(good.events, { receivedAt, previous: valid })
          expect(mixed).toEqual(valid)
          // The same reply again, later, changes nothing (updatedAt kept).
          const again = buildPicture(reply(step.map((i) => i.raw)).events, {
            receivedAt: receivedAt + 1000,
            previous: mixed,
          })
          expect(diffEntities(mixed, again)).toEqual([])
        })
        expect([...mixed.entries()]).toEqual([...valid.entries()])
      }),
      { numRuns: 150 },
    )
  })
})
