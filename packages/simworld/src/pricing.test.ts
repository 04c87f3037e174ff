import { describe, expect, it } from 'vitest'
import { measureCaptureMargins } from './captures'
import {
  BOOK_MARGINS,
  FRACTIONAL_LADDER,
  bookOdds,
  fractionalToDecimal,
  marginFor,
  powerMargin,
  toLadder,
  toWinamaxDecimal,
} from './pricing'

describe('book margins', () => {
  it('are the medians measured on the captures', () => {
    const m = measureCaptureMargins()
    expect(m.winamaxFootball.markets).toBeGreaterThan(600)
    expect(m.winamaxFootball.median).toBeCloseTo(BOOK_MARGINS.football.winamax, 3)
    expect(m.bet365Football.markets).toBe(37)
    expect(m.bet365Football.median).toBeCloseTo(BOOK_MARGINS.football.bet365, 3)
    expect(m.bet365Tennis.markets).toBe(23)
    expect(m.bet365Tennis.median).toBeCloseTo(BOOK_MARGINS.tennis.bet365, 3)
    // Kwiff: no whole market captured; kept in Bet365's range
    for (const sport of ['football', 'tennis'] as const) {
      expect(Math.abs(BOOK_MARGINS[sport].kwiff - BOOK_MARGINS[sport].bet365)).toBeLessThan(0.01)
    }
  })
})

describe('rounding', () => {
  it('puts Bet365 and Kwiff prices on the fractional ladder, nearest in probability', () => {
    expect(toLadder(2.6)).toEqual({ fractional: '8/5', odds: 2.6 })
    expect(toLadder(3.12)).toEqual({ fractional: '85/40', odds: 3.13 })
    expect(toLadder(1.003)).toEqual({ fractional: '1/100', odds: 1.01 })
    expect(toLadder(900).fractional).toBe('100/1')
    const decimals = FRACTIONAL_LADDER.map(fractionalToDecimal)
    expect(decimals).toEqual([...decimals].sort((a, b) => a - b))
  })

  it('rounds Winamax to two decimals', () => {
    expect(toWinamaxDecimal(2.3456)).toBe(2.35)
    expect(toWinamaxDecimal(1.0001)).toBe(1.01)
  })
})

describe('bookOdds', () => {
  it('gives each book its margin, spread more on long shots', () => {
    const p = [0.6, 0.25, 0.15]
    const implied = powerMargin(p, 0.087)
    expect(implied.reduce((s, q) => s + q, 0)).toBeCloseTo(1.087, 6)
    // relative margin grows with the odds (favourite–longshot bias)
    expect(implied[2]! / p[2]!).toBeGreaterThan(implied[0]! / p[0]!)
    const w = bookOdds('winamax', 'football', p, [0, 0, 0])
    const b = bookOdds('bet365', 'football', p, [0, 0, 0])
    const over = (o: number[]) => o.reduce((s, x) => s + 1 / x, 0) - 1
    expect(over(w.odds)).toBeCloseTo(marginFor(0.166, p), 2)
    expect(Math.abs(over(b.odds) - marginFor(0.087, p))).toBeLessThan(0.02)
    expect(b.fractional).toHaveLength(3)
    expect(w.fractional).toBeUndefined()
  })

  it('takes less margin on a decided market and never prices an outcome over its fair odds', () => {
    expect(marginFor(0.087, [0.97, 0.02, 0.01])).toBeLessThan(marginFor(0.087, [0.4, 0.3, 0.3]))
    for (const p of [
      [0.995, 0.004, 0.001],
      [0.9, 0.07, 0.03],
      [0.34, 0.33, 0.33],
      [0.98, 0.02],
    ]) {
      const sport = p.length === 3 ? 'football' : 'tennis'
      for (const book of ['winamax', 'bet365', 'kwiff'] as const) {
        const { odds } = bookOdds(
          book,
          sport,
          p,
          p.map(() => 0),
        )
        odds.forEach((o, i) => expect(o).toBeLessThanOrEqual(Math.max(1.01, 1 / p[i]!)))
      }
    }
  })

  it('follows the bias: a book that rates an outcome higher prices it shorter', () => {
    const p = [0.45, 0.3, 0.25]
    const plain = bookOdds('winamax', 'football', p, [0, 0, 0])
    const tilted = bookOdds('winamax', 'football', p, [0.05, 0, 0])
    expect(tilted.odds[0]).toBeLessThan(plain.odds[0]!)
    expect(tilted.odds[2]).toBeGreaterThan(plain.odds[2]!)
  })
})
