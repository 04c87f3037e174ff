import { describe, expect, it } from 'vitest'
import { FakeFeed, waitUntil, withTimeout } from './testing'

describe('waitUntil', () => {
  it('resolves with the first truthy value', async () => {
    let n = 0
    expect(await waitUntil(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).toBe(3)
  })
  it('names what it waited for when it gives up', async () => {
    await expect(waitUntil(() => false, { timeoutMs: 30, what: 'godot' })).rejects.toThrow(
      /timed out after 30 ms waiting for godot/,
    )
  })
  it('withTimeout rejects a promise that never settles', async () => {
    await expect(withTimeout(new Promise(() => {}), 20, 'never')).rejects.toThrow(/never/)
  })
})

describe('FakeFeed', () => {
  it('goes live on start, down on stop, and emits what it is given', async () => {
    const feed = new FakeFeed('bet365')
    const got: number[] = []
    feed.onOps((ops) => got.push(ops.length))
    feed.start()
    feed.emit([{ op: 'remove', kind: 'event', id: 'bet365:e1' }])
    expect(feed.status()).toMatchObject({ state: 'live', messages: 1 })
    await feed.stop()
    expect(feed.status().state).toBe('down')
    expect(got).toEqual([1])
  })
})
