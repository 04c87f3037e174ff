import { describe, expect, it } from 'vitest'
import { matchBooks, matchBooksNaive } from './books'
import { matchEvents, splitName, type MatchEvent } from './match'

const football = (name: string, start: string | null = '2024-05-01T19:00:00Z'): MatchEvent => ({
  sport: 'football',
  name,
  start,
})
const tennis = (name: string, start: string | null = '2024-05-01'): MatchEvent => ({
  sport: 'tennis',
  name,
  start,
})
const same = (a: MatchEvent, b: MatchEvent) => matchEvents(a, b).same

describe('splitName', () => {
  it('reads away @ home', () => {
    expect(splitName('Atlanta Hawks @ Cleveland Cavaliers')).toEqual({
      home: 'Cleveland Cavaliers',
      away: 'Atlanta Hawks',
    })
  })
  it('reads v, vs and a spaced dash but not a hyphen inside a name', () => {
    expect(splitName('Saint-Étienne - Caen')).toEqual({ home: 'Saint-Étienne', away: 'Caen' })
    expect(splitName('St Etienne v Caen')).toEqual({ home: 'St Etienne', away: 'Caen' })
    expect(splitName('Arsenal vs Chelsea')).toEqual({ home: 'Arsenal', away: 'Chelsea' })
    expect(splitName('Arsenal')).toBeNull()
  })
})

describe('matchEvents: same match written differently', () => {
  it.each([
    ['Allemagne - Russie', 'Germany v Russia'],
    ['Irlande du Nord - Roumanie', 'Northern Ireland v Romania'],
    ['Naples - Milan AC', 'SSC Napoli v AC Milan'],
    ['Mayence - Wolfsbourg', 'Mainz v Wolfsburg'],
    ['Manchester United - Newcastle', 'Man Utd v Newcastle'],
    ['Saint-Étienne - Nîmes', 'St Etienne v Nimes'],
    ['1. FC Köln - Hertha Berlin', 'Cologne v Hertha'],
    ['Paris SG - Lyon', 'ParisSG - OlympiqueLyonnais'],
    ['West Bromwich - Fulham', 'WestBromwichAlbion v Fulham'],
    ['Wolves - Spurs', 'Wolverhampton v Tottenham'],
    ['Bayer 04 Leverkusen - TSG 1899 Hoffenheim', 'Leverkusen v Hoffenheim'],
    ['Bosnie-Herzégovine - Pays de Galles', 'Bosnia and Herzegovina v Wales'],
    ['République Tchèque - Écosse', 'Czechia v Scotland'],
  ])('%s = %s', (a, b) => {
    expect(same(football(a), football(b))).toBe(true)
  })

  it('matches tennis name forms in either order', () => {
    const forms = [
      'Cerundolo J.M. v Lama G.',
      'J.M. Cerundolo - G. Lama',
      'Juan Manuel Cerundolo - Gonzalo Lama',
    ]
    for (const a of forms) for (const b of forms) expect(same(tennis(a), tennis(b))).toBe(true)
    expect(
      same(tennis('Lama G. v Cerundolo J.M.'), tennis('Juan Manuel Cerundolo - Gonzalo Lama')),
    ).toBe(true)
  })

  it('matches a full name with a middle name more', () => {
    expect(
      same(
        tennis('Thiago Monteiro - Roberto Carballes'),
        tennis('Thiago Moura Monteiro - Roberto Carballes Baena'),
      ),
    ).toBe(true)
    expect(
      same(tennis('Mischa Zverev - Taylor Fritz'), tennis('Alexander Zverev - Taylor Fritz')),
    ).toBe(false)
  })

  it('matches doubles pairs', () => {
    expect(
      same(
        tennis('Melzer J / Roger-Vasselin E - Ram R / Salisbury J'),
        tennis('J.Melzer (AUT) / E.Roger-Vasselin (FRA) - R.Ram (USA) / J.Salisbury (GBR)'),
      ),
    ).toBe(true)
  })

  it('matches an away @ home listing with a home - away one', () => {
    const a: MatchEvent = {
      sport: 'basketball',
      name: 'Cleveland Cavaliers - Atlanta Hawks',
      start: '2018-10-21T22:00:00Z',
    }
    const b: MatchEvent = {
      sport: 'basketball',
      name: 'Atlanta Hawks @ Cleveland Cavaliers',
      start: '2018-10-21',
    }
    expect(same(a, b)).toBe(true)
  })

  it('returns a score within 0..1 and reasons', () => {
    const r = matchEvents(football('Naples - Milan AC'), football('Napoli v Milan'))
    expect(r.score).toBeGreaterThan(0.8)
    expect(r.score).toBeLessThanOrEqual(1)
    expect(r.reasons.some((x) => x.startsWith('names'))).toBe(true)
  })
})

describe('matchEvents: different matches', () => {
  it('refuses the reverse fixture when both orders are known', () => {
    const r = matchEvents(football('Lyon - Rennes'), football('Rennes v Lyon'))
    expect(r.same).toBe(false)
    expect(r.reasons).toContain('reverse fixture (home/away swapped)')
  })

  it('accepts swapped sides when one order is not a book order', () => {
    const b = { ...football('Rennes v Lyon'), orderKnown: false }
    expect(same(football('Lyon - Rennes'), b)).toBe(true)
  })

  it('says whether the sides were compared crossed (swapped)', () => {
    const straight = matchEvents(
      tennis('Cerundolo J.M. v Lama G.'),
      tennis('J.M. Cerundolo - Lama G.'),
    )
    expect(straight).toMatchObject({ same: true, swapped: false })
    const crossed = matchEvents(
      tennis('Cerundolo J.M. v Lama G.'),
      tennis('Lama G. - J.M. Cerundolo'),
    )
    expect(crossed).toMatchObject({ same: true, swapped: true })
  })

  it.each([
    ['Belgique U21 - Suisse U21'],
    ['Belgique (F) - Suisse (F)'],
    ['Belgique(21) - Suisse(21)'],
    ['Belgium Women v Switzerland Women'],
    ['Belgique B - Suisse B'],
    ['Belgique Espoirs - Suisse Espoirs'],
  ])('keeps %s apart from the first teams', (other) => {
    expect(same(football('Belgique - Suisse'), football(other))).toBe(false)
  })

  it('keeps siblings apart (conflicting initials)', () => {
    expect(same(tennis('Cerundolo F. v Lama G.'), tennis('Cerundolo J.M. v Lama G.'))).toBe(false)
    expect(same(tennis('Pliskova Ka. v Halep S.'), tennis('Pliskova Kr. v Halep S.'))).toBe(false)
    expect(same(tennis('Francisco Cerundolo - G. Lama'), tennis('Cerundolo J.M. v Lama G.'))).toBe(
      false,
    )
  })

  it('keeps homonym clubs apart when the countries differ', () => {
    const a = { ...football('Everton - Colo Colo'), country: 'Chile' }
    const b = { ...football('Everton - Colo Colo'), country: 'England' }
    expect(same(a, b)).toBe(false)
  })

  it('keeps another sport apart', () => {
    expect(
      same(football('Strasbourg - Limoges'), {
        ...football('Strasbourg - Limoges'),
        sport: 'basketball',
      }),
    ).toBe(false)
  })

  it('keeps confusable clubs apart', () => {
    expect(same(football('Manchester United - Fulham'), football('Manchester City v Fulham'))).toBe(
      false,
    )
    expect(same(football('Hellas Vérone - Naples'), football('Chievo Verona v Napoli'))).toBe(false)
    expect(same(football('Real Madrid - Getafe'), football('Atletico Madrid v Getafe'))).toBe(false)
    expect(
      same(football('Newcastle Jets - Sydney FC'), football('Newcastle United v Sydney FC')),
    ).toBe(false)
    expect(same(football('Paris FC - Metz'), football('Paris SG v Metz'))).toBe(false)
  })

  it('uses start times: a window when both are known, days when only dates are', () => {
    expect(
      same(
        football('Lyon - Rennes', '2024-05-01T19:00:00Z'),
        football('Lyon v Rennes', '2024-05-02T19:00:00Z'),
      ),
    ).toBe(false)
    expect(
      same(
        football('Lyon - Rennes', '2024-05-01T19:00:00Z'),
        football('Lyon v Rennes', '2024-05-01T20:00:00Z'),
      ),
    ).toBe(true)
    expect(
      same(
        football('Lyon - Rennes', '2024-05-01T19:00:00Z'),
        football('Lyon v Rennes', '2024-05-01'),
      ),
    ).toBe(true)
    expect(
      same(
        football('Lyon - Rennes', '2024-05-01T19:00:00Z'),
        football('Lyon v Rennes', '2024-05-04'),
      ),
    ).toBe(false)
    expect(same(football('Lyon - Rennes', null), football('Lyon v Rennes', '2024-05-04'))).toBe(
      true,
    )
  })
})

describe('matchBooks', () => {
  it('assigns one to one: two similar fixtures on one day stay two', () => {
    const a = [football('Manchester United - Fulham'), football('Manchester City - Fulham Women')]
    const b = [football('Man City v Fulham Women'), football('Man Utd v Fulham')]
    const { matches } = matchBooks(a, b)
    expect(matches.map((m) => [m.a, m.b])).toEqual([
      [0, 1],
      [1, 0],
    ])
  })

  it('drops excluded pairs before assigning, so an event takes its next best partner', () => {
    const a = [football('Lyon - Rennes', '2024-05-01T19:00:00Z')]
    const b = [
      football('Lyon v Rennes', '2024-05-01T19:00:00Z'),
      football('Olympique Lyonnais v Stade Rennais', '2024-05-01T19:45:00Z'),
    ]
    expect(matchBooks(a, b).matches.map((m) => [m.a, m.b])).toEqual([[0, 0]])
    const excluded = matchBooks(a, b, { exclude: (ai, bi) => ai === 0 && bi === 0 })
    expect(excluded.matches.map((m) => [m.a, m.b])).toEqual([[0, 1]])
  })

  it('never uses an event twice', () => {
    const a = [
      football('Lyon - Rennes', '2024-05-01T19:00:00Z'),
      football('Lyon - Rennes', '2024-05-01T19:05:00Z'),
    ]
    const b = [football('Lyon v Rennes', '2024-05-01T19:00:00Z')]
    const { matches } = matchBooks(a, b)
    expect(matches).toHaveLength(1)
    expect(matches[0]?.a).toBe(0)
  })

  it('finds what the naive all-pairs loop finds', () => {
    const teamsFr = [
      'Naples',
      'Mayence',
      'Allemagne',
      'Real Betis',
      'Lazio Rome',
      'Werder Brême',
      'Saint-Étienne',
      'Lille',
    ]
    const teamsEn = [
      'Napoli',
      'Mainz',
      'Germany',
      'Betis',
      'Lazio',
      'Werder Bremen',
      'St Etienne',
      'LOSC',
    ]
    const a: MatchEvent[] = []
    const b: MatchEvent[] = []
    for (let day = 1; day <= 9; day++) {
      for (let i = 0; i < teamsFr.length; i++) {
        const j = (i + day) % teamsFr.length
        if (i === j) continue
        const start = `2024-05-0${day}T${String(12 + (i % 8)).padStart(2, '0')}:00:00Z`
        a.push(football(`${teamsFr[i]} - ${teamsFr[j]}`, start))
        b.push(football(`${teamsEn[j]} @ ${teamsEn[i]}`, start.slice(0, 10)))
      }
    }
    const fast = matchBooks(a, b)
    const naive = matchBooksNaive(a, b)
    expect(fast.matches.map((m) => [m.a, m.b])).toEqual(naive.map((m) => [m.a, m.b]))
    expect(fast.matches.length).toBeGreaterThan(a.length * 0.9)
    expect(fast.stats.compared).toBeLessThan(a.length * b.length)
  })
})
