import { describe, expect, it } from 'vitest'
import { appendHotSample, hotTrend, type HotSample } from './hotTrend'

describe('hot users trend', () => {
  it('keeps a sample per change and the one before the kept window', () => {
    let s = appendHotSample(undefined, 0, 100)
    expect(appendHotSample(s, 1000, 100)).toBe(s)
    s = appendHotSample(s, 60_000, 120)
    s = appendHotSample(s, 500_000, 90, 360_000)
    // 0 and 60 000 are both older than 500 000 − 360 000: only the newest of them stays.
    expect(s).toEqual([
      [60_000, 120],
      [500_000, 90],
    ])
  })

  it('is the change since 1 and 5 minutes, and unknown before the page watched that long', () => {
    const s: HotSample[] = [
      [0, 100],
      [200_000, 130],
      [290_000, 125],
    ]
    expect(hotTrend(s, 300_000, 60_000)).toBe(-5)
    expect(hotTrend(s, 300_000, 300_000)).toBe(25)
    expect(hotTrend(s, 100_000, 300_000)).toBeNull()
    expect(hotTrend(undefined, 0, 60_000)).toBeNull()
  })
})
