import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { subscribeTicker, tickerNow } from './ticker'

describe('ticker', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('calls every listener once a second from one shared interval, and stops with the last one', () => {
    const a = vi.fn()
    const b = vi.fn()
    const stopA = subscribeTicker(a)
    const stopB = subscribeTicker(b)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(3_000)
    expect(a).toHaveBeenCalledTimes(3)
    expect(b).toHaveBeenCalledTimes(3)
    expect(tickerNow()).toBe(1_003_000)
    stopA()
    vi.advanceTimersByTime(1_000)
    expect(a).toHaveBeenCalledTimes(3)
    expect(b).toHaveBeenCalledTimes(4)
    stopB()
    expect(vi.getTimerCount()).toBe(0)
  })
})
