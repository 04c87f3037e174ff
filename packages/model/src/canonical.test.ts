import { describe, expect, it } from 'vitest'
import {
  EVENT_STALE_AFTER_MS,
  MARKET_OUTCOMES,
  SPORT_KEYS,
  SPORT_LABELS,
  clockSeconds,
  formatClock,
  isEventStale,
  isSportKey,
  marketMargin,
  outcomeLabel,
} from './canonical'
import type { Event, Market, Selection } from './entities'

const event = (over: Partial<Event> = {}): Event => ({
  kind: 'event',
  id: 'winamax:e1',
  source: 'winamax',
  sportId: 'winamax:s1',
  competitionId: 'winamax:c1',
  name: 'A v B',
  participants: ['A', 'B'],
  status: 'live',
  updatedAt: 1_000_000,
  ...over,
})

const market = (over: Partial<Market> = {}): Market => ({
  kind: 'market',
  id: 'winamax:m1',
  source: 'winamax',
  eventId: 'winamax:e1',
  name: 'Match result',
  type: '1x2',
  suspended: false,
  main: true,
  ...over,
})

const sel = (odds: number | null, over: Partial<Selection> = {}): Selection => ({
  kind: 'selection',
  id: `winamax:o${String(odds)}`,
  source: 'winamax',
  eventId: 'winamax:e1',
  marketId: 'winamax:m1',
  name: 'x',
  order: 0,
  odds,
  suspended: false,
  updatedAt: 0,
  ...over,
})

describe('sport keys', () => {
  it('is a closed list with a label for every key and other as the fallback', () => {
    expect(SPORT_KEYS).toContain('other')
    for (const k of SPORT_KEYS) expect(SPORT_LABELS[k]).toMatch(/\S/)
    expect(isSportKey('tennis')).toBe(true)
    expect(isSportKey('Tennis')).toBe(false)
    expect(isSportKey(5)).toBe(false)
  })
})

describe('match clock', () => {
  const clock = { running: true, seconds: 74 * 60 + 5, at: 1_000_000 }

  it('runs one second per second from `at` while running', () => {
    expect(clockSeconds(clock, 1_000_000)).toBe(4445)
    expect(clockSeconds(clock, 1_000_999)).toBe(4445)
    expect(clockSeconds(clock, 1_061_000)).toBe(4506)
  })

  it('holds still when stopped, and never runs backwards before `at`', () => {
    expect(clockSeconds({ ...clock, running: false }, 2_000_000)).toBe(4445)
    expect(clockSeconds(clock, 900_000)).toBe(4445)
  })

  it('formats as mm:ss, minutes past 99 included', () => {
    expect(formatClock(4445)).toBe('74:05')
    expect(formatClock(0)).toBe('00:00')
    expect(formatClock(7200)).toBe('120:00')
    expect(formatClock(-3)).toBe('00:00')
  })
})

describe('event freshness', () => {
  const limit = EVENT_STALE_AFTER_MS.winamax

  it('marks a live event with no change for longer than its book allows', () => {
    const e = event({ updatedAt: 0 })
    expect(isEventStale(e, limit)).toBe(false)
    expect(isEventStale(e, limit + 1)).toBe(true)
  })

  it('counts a selection change as a change of its event', () => {
    const e = event({ updatedAt: 0 })
    expect(isEventStale(e, limit + 1, 5_000)).toBe(false)
  })

  it('never marks an event that is not live', () => {
    for (const status of ['prematch', 'suspended', 'ended'] as const) {
      expect(isEventStale(event({ status, updatedAt: 0 }), 10 * limit)).toBe(false)
    }
  })
})

describe('marketMargin', () => {
  it('is the overround over every selection of a closed market', () => {
    const m = marketMargin(market(), [sel(2), sel(4), sel(4)])
    expect(m).toBeCloseTo(0, 10)
    const w = marketMargin(market({ type: 'winner' }), [sel(1.8), sel(1.8)])
    expect(w).toBeCloseTo(1 / 1.8 + 1 / 1.8 - 1, 10)
  })

  it('is null for outrights and other markets, whatever their prices', () => {
    // 3 of 40 outright runners would read as a negative margin: it means nothing.
    expect(marketMargin(market({ type: 'outright' }), [sel(5), sel(9), sel(12)])).toBeNull()
    expect(marketMargin(market({ type: 'other' }), [sel(2), sel(2)])).toBeNull()
  })

  it('is null when the market or one selection is suspended or unpriced', () => {
    expect(marketMargin(market({ suspended: true }), [sel(2), sel(3), sel(4)])).toBeNull()
    expect(marketMargin(market(), [sel(2), sel(3, { suspended: true }), sel(4)])).toBeNull()
    expect(marketMargin(market(), [sel(2), sel(null), sel(4)])).toBeNull()
    expect(marketMargin(market(), [sel(2)])).toBeNull()
  })
})

describe('outcomeLabel', () => {
  it('writes 1 / X / 2 only for a match result', () => {
    const labels = MARKET_OUTCOMES['1x2'].map((o) => outcomeLabel(market(), o, 'football', 'name'))
    expect(labels).toEqual(['1', 'X', '2'])
  })

  it('names the line of an over/under and a handicap, each side with its own sign', () => {
    const ou = market({ type: 'over-under', line: 2.5 })
    expect(outcomeLabel(ou, 'over', 'football', 'Plus de 2,5')).toBe('Over 2.5')
    expect(outcomeLabel(ou, 'under', 'football', 'Moins de 2,5')).toBe('Under 2.5')
    const hc = market({ type: 'handicap', line: -1.5 })
    expect(outcomeLabel(hc, 'home', 'football', 'A')).toBe('Home -1.5')
    expect(outcomeLabel(hc, 'away', 'football', 'B')).toBe('Away +1.5')
  })

  it('says Player 1 / Player 2 in tennis, Home / Away elsewhere, and No goal', () => {
    const w = market({ type: 'winner' })
    expect(outcomeLabel(w, 'home', 'tennis', 'Sinner')).toBe('Player 1')
    expect(outcomeLabel(w, 'away', 'basketball', 'Lakers')).toBe('Away')
    const ng = market({ type: 'next-goal' })
    expect(outcomeLabel(ng, 'none', 'esports', 'No 8th Goal')).toBe('No goal')
  })

  it("falls back to the selection's own name where the type says nothing", () => {
    expect(outcomeLabel(market({ type: 'outright' }), undefined, 'football', 'France')).toBe(
      'France',
    )
  })
})
