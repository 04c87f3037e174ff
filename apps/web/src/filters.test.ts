import { stateFromEntities, type Entity } from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import {
  clearFilters,
  competitionOptions,
  DEFAULT_URL_STATE,
  eventFilter,
  formatUrlState,
  hasFilters,
  parseUrlState,
  sportKey,
  type UrlState,
} from './filters'

const entities = stateFromEntities([
  { kind: 'sport', id: 'winamax:1', source: 'winamax', name: 'Football' },
  { kind: 'sport', id: 'bet365:1', source: 'bet365', name: 'Soccer' },
  { kind: 'sport', id: 'bet365:13', source: 'bet365', name: 'Tennis' },
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
  }
}

const ids = (s: UrlState) =>
  [...entities.event.values()].filter(eventFilter(s, entities)).map((e) => e.id)

describe('URL state', () => {
  it('round-trips every filter through the query string', () => {
    const s: UrlState = {
      view: 'tennis',
      sports: ['tennis', 'football'],
      comps: ['bet365:c2'],
      books: ['bet365'],
      q: 'monfils sinner',
      liveOnly: true,
      fractional: true,
      window: 15,
      sort: { id: 'home', desc: true },
    }
    const qs = formatUrlState(s)
    expect(parseUrlState(`?${qs}`)).toEqual(s)
  })

  it('leaves defaults out and keeps foreign parameters', () => {
    expect(formatUrlState(DEFAULT_URL_STATE)).toBe('')
    expect(formatUrlState({ ...DEFAULT_URL_STATE, liveOnly: true }, 'bench=100&live=0')).toBe(
      'bench=100&live=1',
    )
  })

  it('falls back to defaults for unknown values', () => {
    const s = parseUrlState('?view=nope&window=7&book=pinnacle,kwiff&sort=bad')
    expect(s.view).toBe('live')
    expect(s.window).toBe(5)
    expect(s.books).toEqual(['kwiff'])
    expect(s.sort).toBeNull()
  })

  it('clears every filter in one action but keeps view and display settings', () => {
    const s = parseUrlState('?view=hot&sport=tennis&comp=a,b&q=x&live=1&odds=frac')
    expect(hasFilters(s)).toBe(true)
    const c = clearFilters(s)
    expect(hasFilters(c)).toBe(false)
    expect(c.view).toBe('hot')
    expect(c.fractional).toBe(true)
  })
})

describe('eventFilter', () => {
  it('folds sport synonyms across books', () => {
    expect(sportKey('Soccer')).toBe(sportKey('Football'))
    expect(ids({ ...DEFAULT_URL_STATE, sports: ['football'] })).toEqual([
      'winamax:e1',
      'winamax:e2',
    ])
  })

  it('matches free text on participant names without accents, every word', () => {
    expect(ids({ ...DEFAULT_URL_STATE, q: 'gael' })).toEqual(['bet365:e3'])
    expect(ids({ ...DEFAULT_URL_STATE, q: 'paris lyon' })).toEqual(['winamax:e1'])
    expect(ids({ ...DEFAULT_URL_STATE, q: 'paris nantes' })).toEqual([])
  })

  it('applies live-only, book and competition filters', () => {
    expect(ids({ ...DEFAULT_URL_STATE, liveOnly: true })).toEqual(['winamax:e1', 'bet365:e3'])
    expect(ids({ ...DEFAULT_URL_STATE, books: ['bet365'] })).toEqual(['bet365:e3'])
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
      ['Ligue 1', 1],
      ['x:gone', 0],
    ])
    // The region tells same-named competitions (Serie A of Italy and of Brazil) apart.
    expect(opts.find((o) => o.id === 'winamax:c1')?.region).toBe('France')
    expect(opts.find((o) => o.id === 'bet365:c2')).not.toHaveProperty('region')
  })
})
