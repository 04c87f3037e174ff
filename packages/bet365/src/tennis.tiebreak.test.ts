import { describe, expect, it } from 'vitest'
import { carryTiebreaks, parseTennisScore } from './tennis'

function score(ss: string, xp?: string) {
  const p = parseTennisScore(ss, xp, '0,1')
  if (!p.ok) throw new Error(p.error)
  return p.score
}

describe('carryTiebreaks', () => {
  it("records the loser's points of a tiebreak it watched, and keeps them", () => {
    const during = score('6-4,6-6', '5-6')
    const after = carryTiebreaks(during, score('6-4,6-7,0-0'))
    expect(after.tiebreaks).toEqual([null, 5, null])
    const later = carryTiebreaks(after, score('6-4,6-7,3-2', '15-0'))
    expect(later.tiebreaks).toEqual([null, 5, null])
  })

  it('records the loser on either side', () => {
    expect(carryTiebreaks(score('6-6', '6-3'), score('7-6,0-0')).tiebreaks).toEqual([3, null])
  })

  it('never guesses a tiebreak it did not watch', () => {
    const next = score('7-6,1-0')
    expect(carryTiebreaks(score('6-5', '40-0'), next)).toBe(next)
    expect(carryTiebreaks(undefined, next)).toBe(next)
  })
})
