import { describe, expect, it } from 'vitest'
import {
  clearFilters,
  DEFAULT_URL_STATE,
  formatUrlState,
  hasFilters,
  parseUrlState,
  type UrlState,
} from './url'

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
      event: 'bet365:190321250',
      stake: 250.5,
      step: 0.5,
      tz: 'Europe/Paris',
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

  it('keeps a time zone Intl knows, and drops any other', () => {
    expect(parseUrlState('?tz=UTC').tz).toBe('UTC')
    expect(parseUrlState('?tz=Europe/London').tz).toBe('Europe/London')
    expect(parseUrlState('?tz=Mars/Olympus').tz).toBeNull()
    expect(parseUrlState('').tz).toBeNull()
  })

  it('falls back to defaults for unknown values', () => {
    const s = parseUrlState('?view=nope&window=7&book=pinnacle,kwiff&sort=bad&sport=soccer,tennis')
    expect(s.sports).toEqual(['tennis'])
    expect(s.view).toBe('live')
    expect(s.window).toBe(5)
    expect(s.books).toEqual(['kwiff'])
    expect(s.sort).toBeNull()
  })

  it('reads the Compare view, its event, stake and step; a bad stake or step falls back', () => {
    const s = parseUrlState('?view=compare&event=kwiff:e7&stake=40&step=5')
    expect(s).toMatchObject({ view: 'compare', event: 'kwiff:e7', stake: 40, step: 5 })
    const bad = parseUrlState('?stake=-3&step=0.001')
    expect(bad.stake).toBe(DEFAULT_URL_STATE.stake)
    expect(bad.step).toBe(DEFAULT_URL_STATE.step)
    expect(parseUrlState('?stake=1e9').stake).toBe(DEFAULT_URL_STATE.stake)
    expect(formatUrlState({ ...DEFAULT_URL_STATE, view: 'compare' })).toBe('view=compare')
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
