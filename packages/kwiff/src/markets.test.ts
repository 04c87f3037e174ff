import { describe, expect, it } from 'vitest'
import type { Outcome } from '@oddsboard/model'
import type { OfferMeaning } from './markets'
import { classifyOffer, mainOfferIndex } from './markets'

const football = { home: 'Arsenal', away: 'Chelsea' }

function meaning(name: string, outcomes: string[], sides = football): OfferMeaning {
  return classifyOffer({ name, outcomes: outcomes.map((outcomeName) => ({ outcomeName })) }, sides)
}

describe('classifyOffer', () => {
  it.each<[string, string[], OfferMeaning]>([
    // captures/kwiff event-list sample (abridged to its first outcome; "Bodo/Glimt" is not
    // the home team's spelling "Bodoe/Glimt", so its position says home).
    ['Full Time Result', ['Bodo/Glimt'], { type: '1x2', outcomes: ['home'] }],
    [
      'Full Time Result',
      ['Arsenal', 'Draw', 'Chelsea'],
      { type: '1x2', outcomes: ['home', 'draw', 'away'] },
    ],
    [
      'Match Result',
      ['Chelsea', 'Arsenal', 'X'],
      { type: '1x2', outcomes: ['away', 'home', 'draw'] },
    ],
    ['1X2', ['1', 'X', '2'], { type: '1x2', outcomes: ['home', 'draw', 'away'] }],
    // Names that say nothing: position.
    [
      'Match Betting',
      ['Gunners', 'Level', 'Blues'],
      { type: '1x2', outcomes: ['home', 'draw', 'away'] },
    ],
    // One name unreadable: it takes the one outcome left; a name holding a team's is that team.
    [
      'Full Time Result',
      ['Draw', 'The Blues', 'Arsenal'],
      { type: '1x2', outcomes: ['draw', 'away', 'home'] },
    ],
    [
      'Full Time Result',
      ['Chelsea FC', 'Tie', 'Arsenal'],
      { type: '1x2', outcomes: ['away', 'draw', 'home'] },
    ],
    ['Match Result', ['Arsenal', 'Chelsea'], { type: 'winner', outcomes: ['home', 'away'] }],
    ['Match Winner', ['Chelsea', 'Arsenal'], { type: 'winner', outcomes: ['away', 'home'] }],
    ['Money Line', ['Home', 'Away'], { type: 'winner', outcomes: ['home', 'away'] }],
    [
      'Match Winner (Incl. Overtime)',
      ['Arsenal', 'Chelsea'],
      { type: 'winner', outcomes: ['home', 'away'] },
    ],
    [
      'Match Winner',
      ['Arsenal', 'Draw', 'Chelsea'],
      { type: '1x2', outcomes: ['home', 'draw', 'away'] },
    ],
    [
      'Total Goals Over/Under 2.5',
      ['Over 2.5', 'Under 2.5'],
      { type: 'over-under', line: 2.5, outcomes: ['over', 'under'] },
    ],
    [
      'Total Points',
      ['Under 220.5', 'Over 220.5'],
      { type: 'over-under', line: 220.5, outcomes: ['under', 'over'] },
    ],
    // captures/kwiff ticket:odds:get sample: market "rcd mallorca total goals", outcome "over 0.5".
    [
      'rcd mallorca total goals',
      ['over 0.5'],
      { type: 'over-under', line: 0.5, outcomes: ['over'] },
    ],
    ['Total Goals Over/Under 2.5', [], { type: 'over-under', line: 2.5, outcomes: [] }],
    ['1st Half Over/Under', ['Over', 'Under'], { type: 'over-under', outcomes: ['over', 'under'] }],
    [
      'Total Goals',
      ['Over 1.5', 'Under 1.5', 'Over 2.5', 'Under 2.5'],
      { type: 'other', outcomes: [undefined, undefined, undefined, undefined] },
    ],
    [
      'Handicap',
      ['Arsenal -1.5', 'Chelsea +1.5'],
      { type: 'handicap', line: -1.5, outcomes: ['home', 'away'] },
    ],
    [
      'Handicap',
      ['Chelsea (+1)', 'Draw (+1)', 'Arsenal (-1)'],
      { type: 'handicap', line: -1, outcomes: ['away', 'draw', 'home'] },
    ],
    [
      'Asian Handicap +0.5',
      ['Arsenal', 'Chelsea'],
      { type: 'handicap', line: 0.5, outcomes: ['home', 'away'] },
    ],
    [
      'Point Spread',
      ['A -4.5', 'B +4.5'],
      { type: 'handicap', line: -4.5, outcomes: ['home', 'away'] },
    ],
    [
      'Next Goal',
      ['Arsenal', 'No Goal', 'Chelsea'],
      { type: 'next-goal', outcomes: ['home', 'none', 'away'] },
    ],
    [
      '8th Goal',
      ['Chelsea', 'Arsenal', 'None'],
      { type: 'next-goal', outcomes: ['away', 'home', 'none'] },
    ],
    [
      'Outright Winner',
      ['Arsenal', 'Chelsea', 'Liverpool', 'Everton'],
      { type: 'outright', outcomes: [undefined, undefined, undefined, undefined] },
    ],
    ['Premier League Winner', ['Arsenal'], { type: 'outright', outcomes: [undefined] }],
    [
      'Winner',
      ['A', 'B', 'C', 'D', 'E'],
      { type: 'outright', outcomes: [undefined, undefined, undefined, undefined, undefined] },
    ],
    ['Both Teams To Score', ['Yes', 'No'], { type: 'other', outcomes: [undefined, undefined] }],
    // captures/kwiff ticket:odds:get sample.
    ['Anytime Goalscorer', ['Vedat Muriqi'], { type: 'other', outcomes: [undefined] }],
    ['First Goalscorer', ['Arsenal'], { type: 'other', outcomes: [undefined] }],
    [
      'Match Result and Both Teams To Score',
      ['Arsenal & Yes'],
      { type: 'other', outcomes: [undefined] },
    ],
  ])('%s %j', (name, outcomes, expected) => {
    expect(meaning(name, outcomes)).toEqual(expected)
  })

  it('reads tennis players from their names, accents and order aside', () => {
    const sides = { home: 'Joao Fonseca', away: 'Jakub Menšík' }
    expect(meaning('Match Winner', ['Jakub Mensik', 'João Fonseca'], sides)).toEqual({
      type: 'winner',
      outcomes: ['away', 'home'],
    })
  })

  it('never gives one outcome to two selections', () => {
    const m = meaning('Match Winner', ['Arsenal', 'Arsenal'])
    expect(m.outcomes).toEqual<(Outcome | undefined)[]>(['home', 'away'])
    const n = meaning('Full Time Result', ['Arsenal', 'Arsenal', 'Draw', 'Chelsea'])
    expect(n.outcomes.filter((o) => o !== undefined)).toHaveLength(3)
  })
})

describe('mainOfferIndex', () => {
  it('takes the first 1x2, else the first winner, else the first offer', () => {
    expect(mainOfferIndex(['other', '1x2', 'winner', '1x2'])).toBe(1)
    expect(mainOfferIndex(['over-under', 'winner', 'handicap'])).toBe(1)
    expect(mainOfferIndex(['over-under', 'handicap'])).toBe(0)
    expect(mainOfferIndex([])).toBe(-1)
  })
})
