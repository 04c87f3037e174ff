import { describe, expect, it } from 'vitest'
import { layoutFromQuery, layoutQuery, type NamedLayout } from './store'

describe('shared layouts', () => {
  const layout: NamedLayout = {
    name: 'Bet365 tennis',
    view: 'tennis',
    query: 'view=tennis&book=bet365&sort=players%3Aasc&tz=Europe%2FLondon',
    hidden: ['margin', 'updated'],
    dense: true,
    pins: ['bet365:e1', 'bet365:e2'],
  }
  it('round-trip through their query string', () => {
    const qs = layoutQuery(layout)
    expect(qs).toContain('hide=margin%2Cupdated')
    expect(layoutFromQuery(`?${qs}`)).toEqual(layout)
  })
  it('say "no column hidden" with an empty hide, and are absent without layout parameters', () => {
    const plain = { ...layout, hidden: [], dense: false, pins: [], name: '' }
    const qs = layoutQuery(plain)
    expect(new URLSearchParams(qs).get('hide')).toBe('')
    expect(layoutFromQuery(`?${qs}`)).toEqual(plain)
    expect(layoutFromQuery('?view=tennis&book=bet365')).toBeNull()
  })
  it('keep only the URL state the dashboard knows (an unknown view falls back to Live)', () => {
    const l = layoutFromQuery('?view=nope&q=sinner&hide=book&bench=5&event=x')
    expect(l).toMatchObject({ view: 'live', query: 'q=sinner', hidden: ['book'] })
  })
})
