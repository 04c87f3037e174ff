import { afterEach, describe, expect, it } from 'vitest'
import type {
  DeltaMessage,
  EntityState,
  Event,
  Op,
  Selection,
  SnapshotMessage,
} from '@oddsboard/model'
import { applyOps, RELAY_PROTOCOL, stateEntities } from '@oddsboard/model'
import { FakeFeed } from './fake-feed'
import { encodeDelta, Hub } from './hub'
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
    // s1 existed: a patch of its odds (updatedAt did not move in these ops, so it is kept)
    expect(parse(hub.deltasSince(4)![0]!).ops).toEqual([
      { op: 'patch', kind: 'selection', id: 'winamax:s1', set: { odds: 1.5, updatedAt: 1_000 } },
    ])
    // the same deltas as the frames they were broadcast in: a text frame around each payload
    const frames = hub.framesSince(2)!
    const payloads = hub.deltasSince(2)!
    expect(frames).toHaveLength(3)
    frames.forEach((frame, i) => {
      expect(frame[0]).toBe(0x81) // FIN + text, no RSV bit (no compression)
      expect(frame.subarray(frame.length - payloads[i]!.length)).toEqual(payloads[i])
    })
    expect(hub.framesSince(1)).toBeNull()
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
    expect(snap).toEqual({ ...hub.snapshot(), ts: snap.ts })
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

describe('Hub deltas (relay protocol 4)', () => {
  const entityOf = (op: Op) => (op as Extract<Op, { op: 'upsert' }>).entity as Selection

  it('turns a price tick into a patch of only odds and oddsText; updatedAt becomes the delta ts', () => {
    let t = 10_000
    const hub = makeHub({ now: () => t })
    hub.push([eventOp(1), selectionOp(1, 2, { oddsText: '1/1', hotUsers: 5, updatedAt: 9_000 })])
    const first = hub.flush()!.message
    expect(first.ops.map((o) => o.op)).toEqual(['upsert', 'upsert']) // new entities go whole
    t = 10_020
    const prev = hub.state
    hub.push([selectionOp(1, 2.5, { oddsText: '6/4', hotUsers: 5, updatedAt: 10_015 })])
    const { message, payload } = hub.flush()!
    expect(message.ops).toEqual([
      { op: 'patch', kind: 'selection', id: 'winamax:s1', set: { odds: 2.5, oddsText: '6/4' } },
    ])
    expect(message.ts).toBe(10_020)
    expect(hub.state.selection.get('winamax:s1')).toEqual(
      entityOf(selectionOp(1, 2.5, { oddsText: '6/4', hotUsers: 5, updatedAt: 10_020 })),
    )
    // the hub holds exactly what a receiver makes of the delta it sent
    const received = JSON.parse(payload.toString('utf8')) as DeltaMessage
    const theirs = applyOps(prev, received.ops, received.ts)
    expect(JSON.stringify(stateEntities(theirs))).toBe(JSON.stringify(stateEntities(hub.state)))
    expect(hub.state.event).toBe(prev.event) // only the selection map was copied
  })

  it('unsets a field a feed dropped, and sends nested values whole', () => {
    let t = 1
    const hub = makeHub({ now: () => t })
    hub.push([selectionOp(1, 2, { hotUsers: 7 })])
    hub.flush()
    t = 2
    hub.push([selectionOp(1, 2, { updatedAt: 1_500 })])
    expect(hub.flush()!.message.ops).toEqual([
      { op: 'patch', kind: 'selection', id: 'winamax:s1', unset: ['hotUsers'] },
    ])
    expect(hub.state.selection.get('winamax:s1')).not.toHaveProperty('hotUsers')
    const score = { home: 1, away: 0 }
    const ev = (eventOp(1) as Extract<Op, { op: 'upsert' }>).entity as Event
    hub.push([{ op: 'upsert', entity: { ...ev, score } }])
    hub.flush()
    t = 3
    hub.push([{ op: 'upsert', entity: { ...ev, score: { home: 2, away: 0 }, updatedAt: 1_001 } }])
    expect(hub.flush()!.message.ops).toEqual([
      { op: 'patch', kind: 'event', id: 'winamax:e1', set: { score: { home: 2, away: 0 } } },
    ])
  })

  it('publishes nothing for a rebuilt-but-equal entity or one added and removed in a window', () => {
    const hub = makeHub()
    hub.push([selectionOp(1, 2)])
    hub.flush()
    const state: EntityState = hub.state
    hub.push([selectionOp(1, 2)]) // a new object, the same content
    expect(hub.flush()).toBeNull()
    expect(hub.state).toBe(state)
    hub.push([selectionOp(9, 3)])
    hub.push([{ op: 'remove', kind: 'selection', id: 'winamax:s9' }])
    expect(hub.flush()).toBeNull()
    expect(hub.state.selection.has('winamax:s9')).toBe(false)
    expect(hub.seq).toBe(1)
  })

  it('applies patches that feeds send themselves, at the window ts', () => {
    let t = 100
    const hub = makeHub({ now: () => t })
    hub.push([selectionOp(1, 2)])
    hub.flush()
    t = 200
    hub.push([{ op: 'patch', kind: 'selection', id: 'winamax:s1', set: { odds: 4 } }])
    hub.push([{ op: 'patch', kind: 'selection', id: 'winamax:s2', set: { odds: 4 } }]) // missing: dropped
    const d = hub.flush()!
    expect(d.message.ops).toEqual([
      { op: 'patch', kind: 'selection', id: 'winamax:s1', set: { odds: 4 } },
    ])
    expect(hub.state.selection.get('winamax:s1')).toMatchObject({ odds: 4, updatedAt: 200 })
    expect(hub.counters.badBatches).toBe(1)
  })

  it('encodes a delta once: the frame carries exactly its JSON', () => {
    const small: DeltaMessage = { type: 'delta', epoch: 'E', seq: 1, ts: 5, ops: [] }
    const withName = (n: number): DeltaMessage => ({
      ...small,
      ops: [selectionOp(1, 2, { name: 'x'.repeat(n) })],
    })
    // RFC 6455 headers: 7-bit length up to 125 bytes, 16-bit up to 65,535, else 64-bit
    for (const [m, header] of [
      [small, 2],
      [withName(1_000), 4],
      [withName(70_000), 10],
    ] as const) {
      const d = encodeDelta(m)
      expect(JSON.parse(d.payload.toString('utf8'))).toEqual(m)
      expect(d.frame[0]).toBe(0x81)
      expect(d.frame.length - d.payload.length).toBe(header)
      expect(d.frame.buffer).toBe(d.payload.buffer) // a view, not a second copy
    }
  })
})
