import { describe, expect, it } from 'vitest'
import { FOOTBALL_SECONDS, footballProbabilities } from './football'

const RATES = [1.5, 1.2] as const

describe('footballProbabilities', () => {
  it('sums to 1 and favours the stronger side before kick-off', () => {
    const [h, d, a] = footballProbabilities([0, 0], RATES, FOOTBALL_SECONDS)
    expect(h + d + a).toBeCloseTo(1, 9)
    expect(h).toBeGreaterThan(a)
    expect(d).toBeGreaterThan(0.2)
    expect(d).toBeLessThan(0.32)
  })

  it('makes a side that falls behind late longer, not shorter', () => {
    const level = footballProbabilities([1, 1], RATES, 10 * 60)
    const behind = footballProbabilities([2, 1], RATES, 10 * 60)
    // the away side conceded at 80': its win probability drops, the home side's jumps
    expect(behind[2]).toBeLessThan(level[2] / 3)
    expect(behind[0]).toBeGreaterThan(level[0] + 0.35)
  })

  it('moves with the clock: a lead is worth more, and a draw likelier, as time runs out', () => {
    const early = footballProbabilities([1, 0], RATES, 80 * 60)
    const late = footballProbabilities([1, 0], RATES, 5 * 60)
    expect(late[0]).toBeGreaterThan(early[0])
    expect(late[2]).toBeLessThan(early[2])
    const drawEarly = footballProbabilities([0, 0], RATES, 80 * 60)[1]
    const drawLate = footballProbabilities([0, 0], RATES, 5 * 60)[1]
    expect(drawLate).toBeGreaterThan(drawEarly)
  })

  it('is certain at full time', () => {
    expect(footballProbabilities([0, 2], RATES, 0)).toEqual([0, 0, 1])
    expect(footballProbabilities([3, 3], RATES, 0)).toEqual([0, 1, 0])
  })
})
