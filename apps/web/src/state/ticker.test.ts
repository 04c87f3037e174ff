import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { observeServerTime, resetServerTime, serverNow, subscribeTicker, tickerNow } from './ticker'

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

describe('server clock', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
    resetServerTime()
    observeServerTime(Date.now()) // back to a zero offset for each test
    resetServerTime()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("reads the proxy's clock from the first delta of a connection and keeps it", () => {
    // This browser's clock is 5 minutes behind the proxy's; the delta took 20 ms to arrive.
    observeServerTime(1_300_000, 1_000_020)
    expect(serverNow()).toBe(1_000_000 + 299_980)
    // A later, slower delta does not move it.
    observeServerTime(1_310_000, 1_000_000)
    expect(serverNow()).toBe(1_299_980)
    vi.advanceTimersByTime(1_000)
    expect(serverNow()).toBe(1_300_980)
  })

  it('measures again after a new connection, and the ticker runs on it', () => {
    observeServerTime(1_300_000, 1_000_000)
    resetServerTime()
    observeServerTime(900_000, 1_000_000)
    expect(serverNow()).toBe(900_000)
    const stop = subscribeTicker(() => {})
    vi.advanceTimersByTime(1_000)
    expect(tickerNow()).toBe(901_000)
    stop()
  })
})
