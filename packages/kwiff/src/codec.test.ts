import { describe, expect, it } from 'vitest'
import {
  buildCommand,
  eventGetPayload,
  eventListPayload,
  eventOffers,
  KWIFF_WEBAPP_VERSION,
  jsonDepth,
  KwiffCommandError,
  KwiffReplyError,
  MAX_EVENT_DEPTH,
  parseEventGetReply,
  parseEventListReply,
  parseUserDetails,
  replyError,
} from './codec'
import { outcomeOdds } from './normalize'
import { fixtureJsonBlocks, fixtureJsonBody } from './testFixtures'

const [sampleCommand, sampleListReply] = fixtureJsonBlocks('event-list-readme.txt') as [
  Record<string, unknown>,
  unknown,
]
const [sampleGetReply] = fixtureJsonBlocks('event-get-guide.txt')

describe('buildCommand', () => {
  it('has the fields of the sample command, in its format', () => {
    const cmd = buildCommand('event:list', eventListPayload(11, 'GB'), 1768921912089)
    expect(Object.keys(cmd).sort()).toEqual(Object.keys(sampleCommand).sort())
    expect(cmd.message).toBe(sampleCommand.message)
    expect(cmd.payload).toEqual(sampleCommand.payload)
    expect(cmd.timestamp).toBe(sampleCommand.timestamp)
    expect(cmd.webappVersion).toBe(KWIFF_WEBAPP_VERSION)
    expect(cmd.webappVersion).toBe(sampleCommand.webappVersion)
    expect(cmd.userAgent).toMatch(/^Mozilla\/5\.0/)
  })

  it('builds the event:get payload', () => {
    expect(eventGetPayload(10748848)).toEqual({ eventId: 10748848 })
  })
})

describe('parseEventListReply', () => {
  it('reads the event:list sample', () => {
    const r = parseEventListReply([sampleListReply])
    expect(r.timestamp).toBe(1768921926610)
    expect(r.invalid).toEqual([])
    expect(r.events).toHaveLength(1)
    const ev = r.events[0]!
    expect(ev.id).toBe(10748848)
    expect(ev.sportId).toBe(11)
    expect(ev.homeTeam.name).toBe('Bodoe/Glimt')
    expect(ev.awayTeam.name).toBe('Manchester City')
    expect(ev.competition.name).toBe('UEFA Champions League')
    const offers = eventOffers(ev)
    expect(offers.map((o) => o.name)).toEqual(['Full Time Result'])
    expect(offers[0]!.outcomes[0]).toMatchObject({
      outcomeName: 'Bodo/Glimt',
      odds: 6,
      fractional: '5/1',
    })
  })

  it('leaves out one malformed event and keeps the others', () => {
    const good = (sampleListReply as { data: { events: unknown[] } }).data.events[0]
    const r = parseEventListReply([
      { timestamp: 1, data: { events: [good, { id: 77, sportId: 11, homeTeam: {} }] } },
    ])
    expect(r.events.map((e) => e.id)).toEqual([10748848])
    expect(r.invalid).toHaveLength(1)
    expect(r.invalid[0]!.id).toBe(77)
    expect(r.invalid[0]!.reason).toMatch(/homeTeam|competition|awayTeam/)
  })

  it('leaves out whole an event nested deeper than MAX_EVENT_DEPTH, however deep', () => {
    const good = (sampleListReply as { data: { events: Record<string, unknown>[] } }).data
      .events[0]!
    let deep: unknown = 1
    for (let i = 0; i < 20_000; i++) deep = { d: deep }
    const r = parseEventListReply([
      { timestamp: 1, data: { events: [{ ...good, id: 5, extra: deep }, good] } },
    ])
    expect(r.events.map((e) => e.id)).toEqual([10748848])
    expect(r.invalid).toEqual([
      { id: 5, reason: `event nested deeper than ${MAX_EVENT_DEPTH} levels` },
    ])
    expect(() =>
      parseEventGetReply([{ timestamp: 1, data: { result: { ...good, extra: deep } } }]),
    ).toThrow(/nested deeper/)
  })

  it.each([
    ['no arguments', []],
    ['not an array', { timestamp: 1 }],
    ['a string', ['hello']],
    ['no timestamp', [{ data: { events: [] } }]],
    ['events not a list', [{ timestamp: 1, data: { events: 'x' } }]],
    ['no data', [{ timestamp: 1 }]],
  ])('throws KwiffReplyError for %s', (_name, args) => {
    expect(() => parseEventListReply(args)).toThrow(KwiffReplyError)
  })

  it('throws KwiffCommandError for an error reply', () => {
    const args = [{ timestamp: 1, error: { code: 'SERVICE_UNAVAILABLE', message: 'later' } }]
    expect(() => parseEventListReply(args)).toThrow(KwiffCommandError)
    expect(() => parseEventListReply(args)).toThrow(/SERVICE_UNAVAILABLE/)
    expect(replyError('event:list', args)?.code).toBe('SERVICE_UNAVAILABLE')
    expect(replyError('event:list', [{ timestamp: 1, error: 'nope' }])?.detail).toBe('nope')
    expect(replyError('event:list', [sampleListReply])).toBeUndefined()
  })
})

describe('parseEventGetReply', () => {
  it('reads the event:get sample', () => {
    const r = parseEventGetReply([sampleGetReply])
    expect(r.timestamp).toBe(1768924756887)
    expect(r.event).toMatchObject({
      id: 10748848,
      sportId: 11,
      stage: 1,
      bettingStatus: 1,
      startDate: '2026-01-20T17:45:00.000Z',
      betBuilderEnabled: true,
    })
    expect(r.event.competition.competitionId).toBe(134822)
    expect(eventOffers(r.event)).toEqual([])
  })

  it('reads markets given as `markets` instead of `details.offers`', () => {
    const result = {
      ...(sampleGetReply as { data: { result: object } }).data.result,
      markets: [{ name: 'Match Result', outcomes: [{ outcomeName: 'Draw', odds: 4.5 }] }],
    }
    const r = parseEventGetReply([{ timestamp: 2, data: { result } }])
    expect(eventOffers(r.event).map((o) => o.name)).toEqual(['Match Result'])
  })

  it('throws KwiffReplyError for a result that is not an event', () => {
    expect(() => parseEventGetReply([{ timestamp: 1, data: { result: { id: 1 } } }])).toThrow(
      KwiffReplyError,
    )
    expect(() =>
      parseEventGetReply([
        {
          timestamp: 1,
          data: {
            result: {
              ...(sampleGetReply as { data: { result: object } }).data.result,
              startDate: 'soon',
            },
          },
        },
      ]),
    ).toThrow(/startDate/)
  })
})

describe('jsonDepth', () => {
  it('counts nesting without recursion and stops past its limit', () => {
    expect(jsonDepth(3)).toBe(0)
    expect(jsonDepth({})).toBe(1)
    expect(jsonDepth({ a: [1, { b: null }] })).toBe(3)
    // reply → data → events → event → details → offers → offer → outcomes → outcome
    expect(jsonDepth(sampleListReply)).toBe(9)
    let deep: unknown = []
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(jsonDepth(deep, 40)).toBe(41)
    expect(jsonDepth(deep)).toBe(100_001)
  })
})

describe('parseUserDetails', () => {
  it('accepts the response push and rejects a non-object', () => {
    expect(parseUserDetails([{ user: { socketId: 'x' } }]).user).toEqual({ socketId: 'x' })
    expect(() => parseUserDetails(['x'])).toThrow(KwiffReplyError)
    expect(() => parseUserDetails([])).toThrow(KwiffReplyError)
  })
})

describe('odds of the samples', () => {
  it('agree between decimal and fractional (event:list and ticket:odds:get samples)', () => {
    expect(outcomeOdds({ fractional: '5/1' })).toBe(6)
    const ticket = fixtureJsonBody('ticket-odds-get-11505695.txt') as {
      records: { odds: number; fractionalOdds: string }[]
    }
    const rec = ticket.records[0]!
    expect(outcomeOdds({ fractional: rec.fractionalOdds })).toBeCloseTo(rec.odds, 6)
  })
})
