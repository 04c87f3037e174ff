import { describe, expect, it } from 'vitest'
import type { FeedState } from '@oddsboard/model'
import { FeedBase } from './feedBase'
import { registerSecret } from './redact'
import { recordingLogger, waitUntil } from './testing'

/** A feed with no socket: the test drives its messages and watches its hooks. */
class ProbeFeed extends FeedBase {
  starts = 0
  stops = 0
  stale: number[] = []
  constructor(staleAfterMs = 60_000, now?: () => number) {
    super({ source: 'kwiff', logger: recordingLogger(), staleAfterMs, ...(now && { now }) })
  }
  protected onStart(): void {
    this.starts++
  }
  protected async onStop(): Promise<void> {
    this.stops++
  }
  protected override onStale(idleMs: number): void {
    this.stale.push(idleMs)
  }
  live(): void {
    this.setState('live')
  }
  heard(): void {
    this.message()
  }
  fail(error: string): void {
    this.setState(this.state, error)
  }
}

const follow = (feed: FeedBase) => {
  const states: FeedState[] = []
  feed.onStatus((s) => states.push(s.state))
  return states
}

describe('FeedBase', () => {
  it('starts once; a second start, or a start after stop, is a no-op', async () => {
    const feed = new ProbeFeed()
    feed.start()
    feed.start()
    expect(feed.starts).toBe(1)
    await feed.stop()
    feed.start()
    expect(feed.starts).toBe(1)
  })

  it('stop ends in down and notifies, from any state, once', async () => {
    const feed = new ProbeFeed()
    const states = follow(feed)
    feed.start()
    feed.live()
    await Promise.all([feed.stop(), feed.stop()])
    expect(feed.stops).toBe(1)
    expect(states).toEqual(['live', 'down'])
    feed.live() // a late callback after stop changes nothing
    expect(feed.status().state).toBe('down')
  })

  it('stop before start still reports down', async () => {
    const feed = new ProbeFeed()
    const states = follow(feed)
    await feed.stop()
    expect(states).toEqual(['down'])
    expect(feed.stops).toBe(0)
  })

  it('goes stale once after staleAfterMs without a message while live, and calls onStale', async () => {
    let now = 1_000_000
    const feed = new ProbeFeed(100, () => now)
    const states = follow(feed)
    feed.start()
    feed.live()
    feed.heard()
    now += 100
    feed.heard()
    now += 200
    await waitUntil(() => feed.stale.length > 0, { what: 'onStale' })
    expect(feed.stale).toEqual([200])
    expect(feed.status().error).toMatch(/no upstream message for 0.2 s \(expected within 0.1 s\)/)
    await new Promise((r) => setTimeout(r, 60))
    expect(feed.stale).toHaveLength(1)
    expect(states).toEqual(['live', 'stale'])
    await feed.stop()
  })

  it('keeps error texts redacted', async () => {
    registerSecret('hunter2-secret')
    const feed = new ProbeFeed()
    feed.start()
    feed.fail('GET http://me:pw@host/x?sid=abc123 said hunter2-secret')
    expect(feed.status().error).toBe('GET http://[redacted]@host/x?sid=[redacted] said [redacted]')
    await feed.stop()
  })
})
