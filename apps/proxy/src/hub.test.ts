import { afterEach, describe, expect, it } from 'vitest'
import type { DeltaMessage, Op, SnapshotMessage } from '@oddsboard/model'
import { RELAY_PROTOCOL, stateEntities } from '@oddsboard/model'
import { FakeFeed } from './fake-feed'
import { compactOps, Hub } from './hub'
import { eventOp, selectionOp } from './test-helpers'

const hubs: Hub[] = []
function makeHub(options: ConstructorParameters<typeof Hub>[0] = {}): Hub {
  const hub = new Hub(options)
  hubs.push(hub)
  return hub
}
afterEach(() => {
  for (const h of hubs.splice(0)) h.close()
})

const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as DeltaMessage

describe('Hub', () => {
  it('coalesces every batch of one window into ONE delta with seq + 1', async () => {
    const hub = makeHub({ coalesceMs: 20 })
    const feed = new FakeFeed()
    hub.addFeed(feed)
    const deltas: DeltaMessage[] = []
    hub.onDelta((d) => deltas.push(d.message))
    feed.emit([eventOp(1)])
    feed.emit([selectionOp(1, 1.5)])
    feed.emit([selectionOp(2, 2.5), selectionOp(1, 1.6)])
    await new Promise((r) => setTimeout(r, 60))
    expect(deltas).toHaveLength(1)
    expect(deltas[0]!.seq).toBe(1)
    expect(deltas[0]!.epoch).toBe(hub.epoch)
    // s1 appears once, with its last odds
    expect(deltas[0]!.ops.map((o) => (o.op === 'upsert' ? o.entity.id : o.id))).toEqual([
      'winamax:e1',
      'winamax:s2',
      'winamax:s1',
    ])
    expect(hub.state.selection.get('winamax:s1')?.odds).toBe(1.6)
    feed.emit([selectionOp(1, 1.7)])
    await new Promise((r) => setTimeout(r, 60))
    expect(deltas.map((d) => d.seq)).toEqual([1, 2])
    expect(hub.seq).toBe(2)
  })

  it('increments seq by exactly one per delta and publishes nothing for a no-op', () => {
    const hub = makeHub()
    const op = selectionOp(1, 2)
    for (let i = 1; i <= 5; i++) {
      hub.push([selectionOp(1, 2 + i)])
      expect(hub.flush()?.message.seq).toBe(i)
    }
    hub.push([op])
    hub.flush()
    hub.push([op]) // the same entity object again: no change
    expect(hub.flush()).toBeNull()
    hub.push([{ op: 'remove', kind: 'market', id: 'nope' }])
    expect(hub.flush()).toBeNull()
    expect(hub.seq).toBe(6)
  })

  it('drops a bad batch whole, counts it, and still applies the good ones of the window', () => {
    const hub = makeHub()
    hub.push([selectionOp(1, 1.5)])
    hub.flush()
    const before = hub.state
    const bad = [selectionOp(2, 3), { op: 'upsert', entity: { kind: 'nonsense', id: 'x' } }] as Op[]
    hub.push(bad)
    expect(hub.flush()).toBeNull()
    expect(hub.state).toBe(before)
    expect(hub.state.selection.has('winamax:s2')).toBe(false)
    expect(hub.counters.badBatches).toBe(1)
    hub.push(bad)
    hub.push([selectionOp(3, 4)])
    const d = hub.flush()
    expect(d?.message.ops).toEqual([selectionOp(3, 4)])
    expect(hub.state.selection.has('winamax:s2')).toBe(false)
    expect(hub.counters.badBatches).toBe(2)
    hub.push(null as unknown as Op[])
    expect(hub.counters.badBatches).toBe(3)
  })

  it('keeps the last ringSize deltas for resume, serialized', () => {
    const hub = makeHub({ ringSize: 3 })
    for (let i = 1; i <= 5; i++) {
      hub.push([selectionOp(1, 1 + i / 10)])
      hub.flush()
    }
    expect(hub.deltasSince(5)).toEqual([])
    expect(hub.deltasSince(4)!.map((b) => parse(b).seq)).toEqual([5])
    expect(hub.deltasSince(2)!.map((b) => parse(b).seq)).toEqual([3, 4, 5])
    expect(hub.deltasSince(1)).toBeNull() // delta 2 fell out
    expect(hub.deltasSince(6)).toBeNull() // from the future
    expect(hub.deltasSince(-1)).toBeNull()
    expect(parse(hub.deltasSince(4)![0]!).ops).toEqual([selectionOp(1, 1.5)])
  })

  it('serves a snapshot of exactly the state at seq', () => {
    const hub = makeHub()
    const feed = new FakeFeed('bet365')
    hub.addFeed(feed)
    hub.push([eventOp(1), selectionOp(1, 1.9)])
    hub.flush()
    hub.push([selectionOp(2, 3)]) // pending, not yet published
    const snap = JSON.parse(hub.snapshotJson()) as SnapshotMessage
    expect(snap).toMatchObject({
      type: 'snapshot',
      protocol: RELAY_PROTOCOL,
      epoch: hub.epoch,
      seq: 1,
    })
    expect(snap.entities).toEqual(stateEntities(hub.state))
    expect(snap.entities).toHaveLength(2)
    expect(snap.feeds).toEqual([expect.objectContaining({ source: 'bet365', state: 'connecting' })])
    expect(snap).toEqual(hub.snapshot())
    // the cached entities follow the state
    hub.flush()
    expect((JSON.parse(hub.snapshotJson()) as SnapshotMessage).entities).toHaveLength(3)
    expect(hub.sizes()).toMatchObject({ event: 1, selection: 2, market: 0 })
  })

  it('tells listeners about feed state changes', () => {
    const hub = makeHub()
    const feed = new FakeFeed('kwiff')
    hub.addFeed(feed)
    const seen: string[] = []
    hub.onFeeds((feeds) => seen.push(feeds[0]!.state))
    feed.start()
    feed.setState('stale')
    expect(seen).toEqual(['live', 'stale'])
  })

  it('gives each hub its own epoch', () => {
    expect(makeHub().epoch).not.toBe(makeHub().epoch)
  })
})

describe('compactOps', () => {
  it('keeps the last op per entity, in order', () => {
    const rm: Op = { op: 'remove', kind: 'selection', id: 'winamax:s1' }
    expect(compactOps([selectionOp(1, 2), eventOp(1), rm, selectionOp(2, 3)])).toEqual([
      eventOp(1),
      rm,
      selectionOp(2, 3),
    ])
  })
})
