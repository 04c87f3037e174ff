import { describe, expect, it } from 'vitest'
import type { PricePoint } from './relay'
import { appendPricePoint, mergePriceHistory, PRICE_HISTORY_POINTS } from './relay'

describe('appendPricePoint', () => {
  it('starts a history, appends a new price and keeps the same array for the same price', () => {
    const one = appendPricePoint(undefined, [10, 2])
    expect(one).toEqual([[10, 2]])
    expect(appendPricePoint(one, [20, 2])).toBe(one)
    const two = appendPricePoint(one, [30, 2.5])
    expect(two).toEqual([
      [10, 2],
      [30, 2.5],
    ])
    expect(one).toEqual([[10, 2]]) // never mutated
  })

  it('drops the oldest points beyond the limit', () => {
    let h: readonly PricePoint[] | undefined
    for (let i = 0; i < 5; i++) h = appendPricePoint(h, [i, 1 + i], 3)
    expect(h).toEqual([
      [2, 3],
      [3, 4],
      [4, 5],
    ])
    let d: readonly PricePoint[] | undefined
    for (let i = 0; i < PRICE_HISTORY_POINTS + 5; i++) d = appendPricePoint(d, [i, 2 + (i % 2)])
    expect(d).toHaveLength(PRICE_HISTORY_POINTS)
    expect(d![0]![0]).toBe(5)
  })
})

describe('mergePriceHistory', () => {
  it('keeps its own points outside the served range and takes the served ones inside it', () => {
    const mine: PricePoint[] = [
      [5, 1.5],
      [40, 2.2],
      [50, 2.4],
    ]
    const theirs: PricePoint[] = [
      [10, 1.9],
      [20, 2],
      [40, 2.2],
    ]
    expect(mergePriceHistory(mine, theirs)).toEqual([
      [5, 1.5],
      [10, 1.9],
      [20, 2],
      [40, 2.2],
      [50, 2.4],
    ])
    expect(mergePriceHistory(mine, [])).toBe(mine)
    expect(mergePriceHistory([], theirs, 2)).toEqual([
      [20, 2],
      [40, 2.2],
    ])
  })
})
