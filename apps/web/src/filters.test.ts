import { stateFromEntities, type Entity } from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import { competitionOptions, eventFilter, sportOptions } from './filters'
import { DEFAULT_URL_STATE, type UrlState } from './state/url'

const entities = stateFromEntities([
  { kind: 'sport', id: 'winamax:1', source: 'winamax', key: 'football', name: 'Football' },
  { kind: 'sport', id: 'bet365:1', source: 'bet365', key: 'football', name: 'Soccer' },
  { kind: 'sport', id: 'bet365:13', source: 'bet365', key: 'tennis', name: 'Tennis' },
  { kind: 'sport', id: 'kwiff:9', source: 'kwiff', key: 'tennis', name: 'Tennis' },
  {
    kind: 'competition',
    id: 'winamax:c1',
    source: 'winamax',
    sportId: 'winamax:1',
    name: 'Ligue 1',
    region: 'France',
  },
  {
    kind: 'competition',
    id: 'bet365:c2',
    source: 'bet365',
    sportId: 'bet365:13',
    name: 'French Open',
  },
  ev(
    'winamax:e1',
    'winamax',
    'winamax:1',
    'winamax:c1',
    ['Paris SG', 'Olympique Lyonnais'],
    'live',
  ),
  ev('winamax:e2', 'winamax', 'winamax:1', 'winamax:c1', ['Stade Rennais', 'Nantes'], 'prematch'),
  ev('bet365:e3', 'bet365', 'bet365:13', 'bet365:c2', ['Gaël Monfils', 'Jannik Sinner'], 'live'),
  ev('bet365:e4', 'bet365', 'bet365:1', 'bet365:c3', ['Arsenal', 'Chelsea'], 'prematch'),
  ev('kwiff:e5', 'kwiff', 'kwiff:9', 'kwiff:c4', ['Iga Swiatek', 'Coco Gauff'], 'live'),
] as Entity[])

function ev(
  id: string,
  source: string,
  sportId: string,
  competitionId: string,
  participants: [string, string],
  status: string,
) {
  return {
    kind: 'event',
    id,
    source,
    sportId,
    competitionId,
    name: participants.join(' - '),
    participants,
    status,
    updatedAt: 0,
  }
}

const ids = (s: UrlState) =>
  [...entities.event.values()].filter(eventFilter(s, entities)).map((e) => e.id)

describe('eventFilter', () => {
  it('filters by the canonical sport key, whatever each book calls the sport', () => {
    // Bet365 "Soccer" and Winamax "Football" are both `football`; tennis comes from two books.
    expect(ids({ ...DEFAULT_URL_STATE, sports: ['football'] })).toEqual([
      'winamax:e1',
      'winamax:e2',
      'bet365:e4',
    ])
    expect(ids({ ...DEFAULT_URL_STATE, sports: ['tennis'] })).toEqual(['bet365:e3', 'kwiff:e5'])
  })

  it('matches free text on participant names without accents, every word', () => {
    expect(ids({ ...DEFAULT_URL_STATE, q: 'gael' })).toEqual(['bet365:e3'])
    expect(ids({ ...DEFAULT_URL_STATE, q: 'paris lyon' })).toEqual(['winamax:e1'])
    expect(ids({ ...DEFAULT_URL_STATE, q: 'paris nantes' })).toEqual([])
  })

  it('applies live-only, book and competition filters', () => {
    expect(ids({ ...DEFAULT_URL_STATE, liveOnly: true })).toEqual([
      'winamax:e1',
      'bet365:e3',
      'kwiff:e5',
    ])
    expect(ids({ ...DEFAULT_URL_STATE, books: ['bet365'] })).toEqual(['bet365:e3', 'bet365:e4'])
    expect(ids({ ...DEFAULT_URL_STATE, comps: ['winamax:c1'] })).toEqual([
      'winamax:e1',
      'winamax:e2',
    ])
  })
})

describe('competitionOptions', () => {
  it('counts events per competition under the other filters, selected ones always listed', () => {
    const opts = competitionOptions(
      { ...DEFAULT_URL_STATE, liveOnly: true, comps: ['x:gone'] },
      entities,
    )
    expect(opts.map((o) => [o.name, o.count])).toEqual([
      ['French Open', 1],
      ['kwiff:c4', 1],
      ['Ligue 1', 1],
      ['x:gone', 0],
    ])
    // The region tells same-named competitions (Serie A of Italy and of Brazil) apart.
    expect(opts.find((o) => o.id === 'winamax:c1')?.region).toBe('France')
    expect(opts.find((o) => o.id === 'bet365:c2')).not.toHaveProperty('region')
  })
})

describe('sportOptions', () => {
  it('lists canonical sports with labels and counts, the sport filter left out', () => {
    const opts = sportOptions({ ...DEFAULT_URL_STATE, sports: ['tennis', 'darts'] }, entities)
    expect(opts).toEqual([
      { key: 'football', name: 'Football', count: 3 },
      { key: 'tennis', name: 'Tennis', count: 2 },
      { key: 'darts', name: 'Darts', count: 0 },
    ])
  })

  it('counts under the other filters', () => {
    expect(sportOptions({ ...DEFAULT_URL_STATE, liveOnly: true }, entities)).toEqual([
      { key: 'tennis', name: 'Tennis', count: 2 },
      { key: 'football', name: 'Football', count: 1 },
    ])
  })
})
