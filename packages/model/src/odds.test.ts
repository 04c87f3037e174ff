import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  OddsError,
  checkDecimalOdds,
  decimalToFractional,
  fractionalToDecimal,
  impliedProbability,
  overround,
} from './odds'

describe('fractionalToDecimal', () => {
  it('converts as 1 + n/d', () => {
    expect(fractionalToDecimal('9/2')).toBe(5.5)
    expect(fractionalToDecimal('1/2')).toBe(1.5)
    expect(fractionalToDecimal('5/1')).toBe(6)
    expect(fractionalToDecimal('1/3')).toBe(1.333333)
    expect(fractionalToDecimal('100/1')).toBe(101)
  })
  it('treats 0/0 as unpriced', () => {
    expect(fractionalToDecimal('0/0')).toBeNull()
  })
  it('rejects malformed text', () => {
    for (const bad of ['abc/0', '9/0', '9-2', '', '1.5', '/2', '2/', '-1/2']) {
      expect(() => fractionalToDecimal(bad), bad).toThrow(OddsError)
    }
  })
})

describe('decimalToFractional', () => {
  it('finds the usual fractions', () => {
    expect(decimalToFractional(5.5)).toBe('9/2')
    expect(decimalToFractional(1.5)).toBe('1/2')
    expect(decimalToFractional(6)).toBe('5/1')
    expect(decimalToFractional(1.909091)).toBe('10/11')
  })
  it('round-trips any simple fraction', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), (n, d) => {
        const dec = fractionalToDecimal(`${n}/${d}`)!
        const [n2, d2] = decimalToFractional(dec).split('/').map(Number)
        expect(n2! / d2!).toBeCloseTo(n / d, 5)
      }),
    )
  })
  it('rejects odds at or below 1', () => {
    expect(() => decimalToFractional(1)).toThrow(OddsError)
    expect(() => decimalToFractional(Number.NaN)).toThrow(OddsError)
  })
})

describe('market maths', () => {
  it('implied probability is 1/decimal', () => {
    expect(impliedProbability(2)).toBe(0.5)
    expect(impliedProbability(4)).toBe(0.25)
    expect(() => impliedProbability(0.5)).toThrow(OddsError)
  })
  it('overround sums implied probabilities minus one', () => {
    expect(overround([2, 2])).toBeCloseTo(0, 10)
    expect(overround([1.9, 1.9])).toBeCloseTo(2 / 1.9 - 1, 10)
    expect(overround([2.5, 3.2, 2.9])).toBeCloseTo(1 / 2.5 + 1 / 3.2 + 1 / 2.9 - 1, 10)
  })
  it('has no overround for a partial market', () => {
    expect(overround([2, null])).toBeNull()
    expect(overround([2])).toBeNull()
  })
  it('checkDecimalOdds refuses non-numbers', () => {
    expect(checkDecimalOdds(1.85)).toBe(1.85)
    for (const bad of ['1.85', Number.NaN, 0.9, null, Infinity]) {
      expect(() => checkDecimalOdds(bad)).toThrow(OddsError)
    }
  })
})
