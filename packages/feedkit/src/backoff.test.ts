import { describe, expect, it } from 'vitest'
import { backoffDelay, Reconnector, type Timers } from './backoff'

/** Timers that run only when the test says so. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>()
  let next = 0
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending.set(++next, { fn, ms })
      return next
    },
    clearTimeout: (h) => void pending.delete(h as number),
  }
  const fire = () => {
    const [id, t] = [...pending][0]!
    pending.delete(id)
    t.fn()
  }
  return { timers, pending, fire }
}

describe('backoffDelay', () => {
  it('doubles up to the cap with jitter in [50 %, 100 %]', () => {
    expect(backoffDelay(0, 500, 15_000, () => 1)).toBe(500)
    expect(backoffDelay(3, 500, 15_000, () => 1)).toBe(4_000)
    expect(backoffDelay(30, 500, 15_000, () => 1)).toBe(15_000)
    expect(backoffDelay(2, 500, 15_000, () => 0)).toBe(1_000)
  })
})

describe('Reconnector', () => {
  it('backs off per failure, keeps one retry pending, resets, and cancels', () => {
    const { timers, pending, fire } = manualTimers()
    let retries = 0
    const r = new Reconnector(() => retries++, {
      initialDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 1,
      timers,
    })
    expect(r.schedule()).toBe(100)
    expect(r.schedule()).toBeNull() // already pending
    expect(pending.size).toBe(1)
    fire()
    expect(retries).toBe(1)
    expect(r.schedule()).toBe(200)
    fire()
    expect(r.schedule()).toBe(400)
    r.cancel()
    expect(pending.size).toBe(0)
    expect(r.pending).toBe(false)
    expect(retries).toBe(2)
    r.reset()
    expect(r.schedule()).toBe(100)
    expect(r.attempts).toBe(1)
  })

  it('takes a delay function instead of the backoff', () => {
    const { timers } = manualTimers()
    const r = new Reconnector(() => {}, { delay: (n) => n * 7, timers })
    expect([r.schedule(), (r.cancel(), r.schedule())]).toEqual([0, 7])
  })
})
