import { describe, expect, it } from 'vitest'
import { fitRates, nextGoalProbabilities, ordinal, resultProbabilities } from './football'

describe('football prices for the simulator', () => {
  it('result probabilities sum to 1 and follow the score and the time left', () => {
    const level = resultProbabilities(0, 1.2, 1.0)
    expect(level[0] + level[1] + level[2]).toBeCloseTo(1, 9)
    expect(level[0]).toBeGreaterThan(level[2])
    // No time left: the score decides.
    expect(resultProbabilities(1, 0, 0)).toEqual([1, 0, 0])
    expect(resultProbabilities(0, 0, 0)).toEqual([0, 1, 0])
    // A level match's draw shortens as the clock runs.
    expect(resultProbabilities(0, 0.3, 0.3)[1]).toBeGreaterThan(resultProbabilities(0, 1.3, 1.3)[1])
    // A two-goal lead late on is nearly won.
    expect(resultProbabilities(2, 0.1, 0.1)[0]).toBeGreaterThan(0.98)
  })

  it('next goal: none is e^-(total to come), the rest split by rate', () => {
    const [h, none, a] = nextGoalProbabilities(0.3, 0.1)
    expect(none).toBeCloseTo(Math.exp(-0.4), 12)
    expect(h / a).toBeCloseTo(3, 9)
    expect(nextGoalProbabilities(0, 0)).toEqual([0, 1, 0])
  })

  it('fitted rates reproduce the prices they were fitted to', () => {
    // PSG v Arsenal in the 2026 load: 5/1, 5/2, 8/13 at 0-1, 45 minutes to play.
    const inv = [1 / 6, 1 / 3.5, 1 / (1 + 8 / 13)]
    const sum = inv.reduce((x, y) => x + y, 0)
    const target = inv.map((x) => x / sum) as [number, number, number]
    const [rh, ra] = fitRates(target, -1, 2700, 5400, [0.8, 6])
    const p = resultProbabilities(-1, rh * 2700, ra * 2700)
    for (let i = 0; i < 3; i++) expect(Math.abs(p[i]! - target[i]!)).toBeLessThan(0.05)
  })

  it('a decided match gets ordinary, even rates (its prices say little about them)', () => {
    // Bohemians Dublin (W) v Waterford FC (W), 4-0 at half time: 1/500, 50/1, 50/1.
    const inv = [1 / 1.002, 1 / 51, 1 / 51]
    const sum = inv.reduce((x, y) => x + y, 0)
    const target = inv.map((x) => x / sum) as [number, number, number]
    const [rh, ra] = fitRates(target, 4, 2700, 5400, [0.8, 6])
    expect(rh / ra).toBeGreaterThan(0.5)
    expect(rh / ra).toBeLessThan(2)
  })

  it('ordinals as Bet365 names goals', () => {
    expect([1, 2, 3, 4, 8, 11, 12, 13, 21, 22].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '8th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
    ])
  })
})
