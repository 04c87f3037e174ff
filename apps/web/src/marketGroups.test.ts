import {
  indexMarkets,
  stateFromEntities,
  type Entity,
  type Market,
  type Selection,
} from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import { marketGroups, matchMembers } from './marketGroups'

const mk = (id: string, eventId: string, extra: Partial<Market>): Market => ({
  kind: 'market',
  id,
  source: id.startsWith('bet365') ? 'bet365' : 'winamax',
  eventId,
  name: id,
  type: 'other',
  suspended: false,
  main: false,
  ...extra,
})
const sel = (id: string, m: Market, order: number, extra: Partial<Selection>): Selection => ({
  kind: 'selection',
  id,
  source: m.source,
  eventId: m.eventId,
  marketId: m.id,
  name: id,
  order,
  odds: 2,
  suspended: false,
  updatedAt: 0,
  ...extra,
})

// Winamax lists "B - A" (swapped against the canonical A v B), Bet365 "A v B".
const w1 = mk('winamax:m1', 'winamax:e', { type: '1x2', main: true, name: 'Résultat' })
const wH = mk('winamax:mh', 'winamax:e', { type: 'handicap', line: 1, name: 'Handicap' })
const wO = mk('winamax:mo', 'winamax:e', { type: 'over-under', line: 2.5, name: 'Nombre de buts' })
const b1 = mk('bet365:m1', 'bet365:e', { type: '1x2', main: true, name: 'Fulltime Result' })
const bH = mk('bet365:mh', 'bet365:e', { type: 'handicap', line: -1, name: 'Handicap' })
const bC = mk('bet365:mc', 'bet365:e', { type: 'other', name: 'Correct Score' })

const entities: Entity[] = [
  w1,
  sel('winamax:h', w1, 0, { outcome: 'home', name: 'B' }),
  sel('winamax:d', w1, 1, { outcome: 'draw' }),
  sel('winamax:a', w1, 2, { outcome: 'away', name: 'A' }),
  wH,
  sel('winamax:hh', wH, 0, { outcome: 'home' }),
  sel('winamax:ha', wH, 1, { outcome: 'away' }),
  wO,
  sel('winamax:ov', wO, 0, { outcome: 'over' }),
  sel('winamax:un', wO, 1, { outcome: 'under' }),
  b1,
  sel('bet365:h', b1, 0, { outcome: 'home', name: 'A' }),
  sel('bet365:d', b1, 1, { outcome: 'draw' }),
  sel('bet365:a', b1, 2, { outcome: 'away', name: 'B' }),
  bH,
  sel('bet365:hh', bH, 0, { outcome: 'home' }),
  sel('bet365:ha', bH, 1, { outcome: 'away' }),
  bC,
  sel('bet365:c10', bC, 0, { name: '1-0' }),
]

describe('marketGroups', () => {
  const index = indexMarkets(stateFromEntities(entities))
  const members = [
    { eventId: 'bet365:e', source: 'bet365' as const, swapped: false },
    { eventId: 'winamax:e', source: 'winamax' as const, swapped: true },
  ]
  const groups = marketGroups(index, members, 'football')

  it('groups every book’s markets by type and canonical line, match result first', () => {
    expect(groups.map((g) => g.title)).toEqual([
      '1X2 (match result)',
      'Handicap -1',
      'Over/Under 2.5',
      'Correct Score',
    ])
    expect(groups[0]!.markets.map((m) => m.source)).toEqual(['bet365', 'winamax'])
    // Winamax's +1 on its home (B) is −1 on the canonical home (A): the same market.
    expect(groups[1]!.markets.map((m) => m.marketId)).toEqual(['bet365:mh', 'winamax:mh'])
  })

  it('places a swapped book’s prices under the canonical outcomes', () => {
    const w = groups[0]!.markets.find((m) => m.source === 'winamax')!
    expect(w.selections.map((s) => [s.label, s.selectionId])).toEqual([
      ['1', 'winamax:a'],
      ['X', 'winamax:d'],
      ['2', 'winamax:h'],
    ])
    expect(groups[3]!.markets[0]!.selections).toEqual([{ selectionId: 'bet365:c10', label: '1-0' }])
  })

  it('takes the members from the canonical event, or the event alone', () => {
    const state = stateFromEntities([
      {
        kind: 'event',
        id: 'bet365:e',
        source: 'bet365',
        sportId: 's',
        competitionId: 'c',
        name: 'A v B',
        participants: ['A', 'B'],
        status: 'live',
        updatedAt: 0,
      },
    ])
    expect(matchMembers(state, 'bet365:e', undefined)).toEqual([
      { eventId: 'bet365:e', source: 'bet365', swapped: false },
    ])
    expect(matchMembers(state, 'nope', undefined)).toEqual([])
  })
})
