import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { Entity, EntityState, Op, ServerMessage, SnapshotMessage } from '@oddsboard/model'
import { applyOps, stateEntities, stateFromEntities } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { FakeFeed, waitUntil } from '@oddsboard/feedkit/testing'
import { loadConfig } from '../config'
import { eventOp, selectionOp } from '../test-helpers'
import type { RunningEdge } from './edge'
import { startEdge } from './edge'
import type { RunningIngest } from './ingest'
import { startIngest } from './ingest'
import type { TestRedis } from './testing'
import { startRedisServer } from './testing'

// The cluster against a real redis-server (issue 10, item 5): started here on an ephemeral
// port without persistence, stopped after. Each test has its own key prefix.

let redis: TestRedis
beforeAll(async () => {
  redis = await startRedisServer()
}, 15_000)
afterAll(async () => {
  await redis?.stop()
})

const nodes: { close(): Promise<void> }[] = []
const sockets: WebSocket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate()
  await Promise.all(nodes.splice(0).map((n) => n.close()))
})

let prefixN = 0
function configFor(role: 'ingest' | 'edge', prefix: string, env: Record<string, string> = {}) {
  return loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    WEB_DIST: '/nonexistent',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'oddsboard-cluster-')),
    ROLE: role,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    LOCK_TTL_MS: '1000',
    ...env,
  })
}

/** A cluster with scripted feeds: `feeds[i]` is the FakeFeed of ingest i's current epoch. */
async function cluster(ingests: number, edges: number, env: Record<string, string> = {}) {
  const prefix = `t${++prefixN}-${Date.now()}`
  const feeds: (FakeFeed | null)[] = []
  const ing: RunningIngest[] = []
  for (let i = 0; i < ingests; i++) {
    feeds.push(null)
    const node = await startIngest(configFor('ingest', prefix, env), silentLogger, {
      feeds: () => {
        const f = new FakeFeed('winamax')
        feeds[i] = f
        return [f]
      },
      linkDebounceMs: 60_000,
    })
    nodes.push(node)
    ing.push(node)
    if (i === 0) await withTimeoutActive(node)
  }
  const eds: RunningEdge[] = []
  for (let i = 0; i < edges; i++) {
    const node = await startEdge(configFor('edge', prefix, env), silentLogger, {
      feedsIntervalMs: 60_000,
    })
    nodes.push(node)
    eds.push(node)
  }
  return { prefix, feeds, ingests: ing, edges: eds }
}

async function withTimeoutActive(node: RunningIngest) {
  await waitUntil(() => node.state === 'active', { timeoutMs: 10_000, what: 'an active ingest' })
}

/** Waits until every edge holds the ingest hub's epoch and seq. */
async function inStep(ingest: RunningIngest, edges: RunningEdge[], timeoutMs = 10_000) {
  await waitUntil(
    () =>
      ingest.hub !== null &&
      edges.every(
        (e) => e.replica.epoch === ingest.hub!.epoch && e.replica.seq === ingest.hub!.seq,
      ),
    {
      timeoutMs,
      what: 'edges in step with the ingest',
    },
  )
}

/** A client that keeps every message. */
function client(url: string) {
  const ws = new WebSocket(url)
  sockets.push(ws)
  const messages: ServerMessage[] = []
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage))
  const open = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { ws, messages, open }
}

const wsUrl = (edge: RunningEdge, query = '') => `${edge.url.replace('http', 'ws')}/ws${query}`

const sorted = (entities: readonly Entity[]) =>
  [...entities].sort((a, b) => `${a.kind}:${a.id}`.localeCompare(`${b.kind}:${b.id}`))

/** The state a client holds after its messages, by the browser's rules (no gap allowed). */
function replay(messages: readonly ServerMessage[]) {
  let state: EntityState | null = null
  let epoch = ''
  let seq = 0
  const seqs: number[] = []
  for (const m of messages) {
    if (m.type === 'snapshot') {
      state = stateFromEntities(m.entities)
      epoch = m.epoch
      seq = m.seq
    } else if (m.type === 'resumed') {
      expect(m.epoch).toBe(epoch)
      expect(m.seq).toBe(seq)
    } else if (m.type === 'delta') {
      expect(m.epoch).toBe(epoch)
      seqs.push(m.seq)
      expect(m.seq).toBe(seq + 1)
      state = applyOps(state!, m.ops, m.ts)
      seq = m.seq
    }
  }
  return { state, epoch, seq, seqs }
}

let oddsN = 0
/** Emits `n` price changes on selections 1…k, each flushed as its own delta. */
function tick(ingest: RunningIngest, feed: FakeFeed, n: number, k = 5) {
  for (let i = 0; i < n; i++) {
    feed.emit([selectionOp((i % k) + 1, 1.5 + (++oddsN % 100) / 100)])
    ingest.hub!.flush()
  }
}

describe('cluster over Redis (real redis-server)', () => {
  it('two edges serve the same state as the ingest (/api/snapshot)', async () => {
    const c = await cluster(1, 2)
    const [ingest] = c.ingests
    const feed = c.feeds[0]!
    feed.emit([eventOp(1), eventOp(2)])
    tick(ingest!, feed, 40)
    feed.emit([{ op: 'remove', kind: 'selection', id: 'winamax:s3' }])
    ingest!.hub!.flush()
    await inStep(ingest!, c.edges)
    const snaps = await Promise.all(
      c.edges.map(
        async (e) => (await (await fetch(`${e.url}/api/snapshot`)).json()) as SnapshotMessage,
      ),
    )
    const hub = ingest!.hub!
    for (const s of snaps) {
      expect(s.epoch).toBe(hub.epoch)
      expect(s.seq).toBe(hub.seq)
      expect(sorted(s.entities)).toEqual(sorted(stateEntities(hub.state)))
    }
    expect(snaps[0]!.entities.some((e) => e.id === 'winamax:s3')).toBe(false)
    expect(snaps[0]!.entities.filter((e) => e.kind === 'selection')).toHaveLength(4)
  }, 20_000)

  it('a client moved from edge A to edge B resumes with no missing or duplicated seq', async () => {
    const c = await cluster(1, 2)
    const ingest = c.ingests[0]!
    const feed = c.feeds[0]!
    const [a, b] = c.edges as [RunningEdge, RunningEdge]
    feed.emit([eventOp(1)])
    tick(ingest, feed, 10)
    await inStep(ingest, [a, b])

    const first = client(wsUrl(a))
    await first.open
    tick(ingest, feed, 30)
    await waitUntil(() => replay(first.messages).seq === ingest.hub!.seq, {
      timeoutMs: 10_000,
      what: 'A live',
    })
    first.ws.terminate()
    const atA = replay(first.messages)
    tick(ingest, feed, 25) // while the client is away
    await inStep(ingest, [b])
    const second = client(wsUrl(b, `?epoch=${atA.epoch}&seq=${atA.seq}`))
    await second.open
    tick(ingest, feed, 15)
    await waitUntil(() => second.messages.filter((m) => m.type === 'delta').length >= 40, {
      timeoutMs: 10_000,
      what: 'B replayed then live',
    })
    expect(second.messages[0]?.type).toBe('resumed')
    const all = replay([...first.messages, ...second.messages])
    const start = (first.messages[0] as SnapshotMessage).seq
    expect(all.seqs).toEqual(Array.from({ length: all.seq - start }, (_, i) => start + 1 + i))
    expect(all.seq).toBe(ingest.hub!.seq)
    expect(sorted(stateEntities(all.state!))).toEqual(sorted(stateEntities(ingest.hub!.state)))
  }, 20_000)

  it('the standby takes over when the active ingest dies: new epoch, snapshot to clients, no ghosts', async () => {
    const c = await cluster(2, 1)
    const [active, standby] = c.ingests as [RunningIngest, RunningIngest]
    const edge = c.edges[0]!
    expect(standby.state).toBe('standby')
    expect(c.feeds[1]).toBeNull() // a standby holds no upstream socket
    const feed = c.feeds[0]!
    feed.emit([eventOp(1), eventOp(2), ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => selectionOp(n, 2))])
    active.hub!.flush()
    await inStep(active, [edge])
    const viewer = client(wsUrl(edge))
    await viewer.open
    await waitUntil(() => viewer.messages.length > 0, {
      timeoutMs: 10_000,
      what: 'the first snapshot',
    })
    const oldEpoch = active.hub!.epoch

    await active.crash()
    await waitUntil(() => standby.state === 'active', {
      timeoutMs: 10_000,
      what: 'the standby to take over',
    })
    // the new epoch's world: selections 1…3 only (4…8 would be ghosts if kept)
    const feed2 = c.feeds[1]!
    feed2.emit([eventOp(1), ...[1, 2, 3].map((n) => selectionOp(n, 3))])
    standby.hub!.flush()
    await inStep(standby, [edge], 10_000)
    await waitUntil(
      () =>
        replay(viewer.messages).seq === standby.hub!.seq &&
        replay(viewer.messages).epoch === standby.hub!.epoch,
      {
        timeoutMs: 10_000,
        what: 'the viewer on the new epoch',
      },
    )
    const seen = replay(viewer.messages)
    expect(seen.epoch).not.toBe(oldEpoch)
    expect(viewer.messages.filter((m) => m.type === 'snapshot').length).toBeGreaterThanOrEqual(2)
    const ids = stateEntities(seen.state!).map((e) => e.id)
    const ghosts = ids.filter((id) => !standby.hub!.state.selection.has(id) && id.includes(':s'))
    expect(ghosts).toEqual([])
    expect(sorted(stateEntities(seen.state!))).toEqual(sorted(stateEntities(standby.hub!.state)))
    // nor through the price history
    const history = (await (await fetch(`${edge.url}/api/history`)).json()) as object
    expect(Object.keys(history).sort()).toEqual(['winamax:s1', 'winamax:s2', 'winamax:s3'])
  }, 30_000)

  it('ingest and edges recover by themselves when Redis restarts (empty)', async () => {
    const c = await cluster(1, 2)
    const ingest = c.ingests[0]!
    const feed = c.feeds[0]!
    feed.emit([eventOp(1)])
    tick(ingest, feed, 20)
    await inStep(ingest, c.edges)
    const viewer = client(wsUrl(c.edges[0]!))
    await viewer.open

    await redis.restart()
    tick(ingest, feed, 20) // published while Redis was down or just back
    await waitUntil(
      () => ingest.publisher !== null && ingest.publisher.writtenSeq === ingest.hub!.seq,
      {
        timeoutMs: 10_000,
        what: 'the ingest writing again',
      },
    )
    tick(ingest, feed, 5)
    await inStep(ingest, c.edges, 10_000)
    const snaps = await Promise.all(
      c.edges.map(
        async (e) => (await (await fetch(`${e.url}/api/snapshot`)).json()) as SnapshotMessage,
      ),
    )
    for (const s of snaps)
      expect(sorted(s.entities)).toEqual(sorted(stateEntities(ingest.hub!.state)))
    // the restart was felt: every edge's blocked read failed at least once
    for (const e of c.edges) expect(e.counters.failures).toBeGreaterThan(0)
    await waitUntil(() => replay(viewer.messages).seq === ingest.hub!.seq, {
      timeoutMs: 10_000,
      what: 'the viewer caught up',
    })
    expect(sorted(stateEntities(replay(viewer.messages).state!))).toEqual(
      sorted(stateEntities(ingest.hub!.state)),
    )
  }, 30_000)

  it('an edge that falls behind the stream bound gives its clients snapshots', async () => {
    const c = await cluster(1, 1, { RELAY_RING_SIZE: '20' })
    const ingest = c.ingests[0]!
    const feed = c.feeds[0]!
    const edge = c.edges[0]!
    feed.emit([eventOp(1)])
    tick(ingest, feed, 5)
    await inStep(ingest, [edge])
    const viewer = client(wsUrl(edge))
    await viewer.open
    await waitUntil(() => viewer.messages.length > 0, {
      timeoutMs: 10_000,
      what: 'the first snapshot',
    })
    const before = replay(viewer.messages)

    await edge.pause()
    // far past the bound (MAXLEN ~ 20 keeps at most a few whole stream nodes), written in
    // steps the ingest keeps up with, so only the edge is behind
    for (let i = 0; i < 60; i++) {
      tick(ingest, feed, 10)
      await waitUntil(() => ingest.publisher!.writtenSeq === ingest.hub!.seq, {
        timeoutMs: 10_000,
        what: 'written',
      })
    }
    expect(ingest.publisher!.counters.skipped).toBe(0)
    edge.resume()
    await inStep(ingest, [edge], 10_000)
    expect(edge.counters.gaps).toBe(1)
    expect(await (await fetch(`${edge.url}/metrics`)).text()).toMatch(
      /^oddsboard_edge_gaps_total 1$/m,
    )
    await waitUntil(() => replay(viewer.messages).seq === ingest.hub!.seq, {
      timeoutMs: 10_000,
      what: 'the viewer caught up',
    })
    const snapshots = viewer.messages.filter((m) => m.type === 'snapshot') as SnapshotMessage[]
    expect(snapshots).toHaveLength(2)
    expect(snapshots[1]!.seq).toBeGreaterThan(before.seq + 20)
    // a client resuming from before the gap gets a snapshot too, never a guess
    const late = client(wsUrl(edge, `?epoch=${before.epoch}&seq=${before.seq}`))
    await late.open
    await waitUntil(() => late.messages.length > 0, { timeoutMs: 10_000, what: 'the late client' })
    expect(late.messages[0]?.type).toBe('snapshot')

    // a burst faster than Redis takes it overruns the ingest's own ring: it skips to a
    // snapshot with a gap marker, and the edge reloads at once
    tick(ingest, feed, 100)
    await inStep(ingest, [edge], 10_000)
    expect(ingest.publisher!.counters.skipped).toBeGreaterThan(0)
    expect(edge.counters.gaps).toBe(2)
    await waitUntil(() => replay(viewer.messages).seq === ingest.hub!.seq, {
      timeoutMs: 10_000,
      what: 'the viewer caught up again',
    })
    expect(sorted(stateEntities(replay(viewer.messages).state!))).toEqual(
      sorted(stateEntities(ingest.hub!.state)),
    )
  }, 30_000)

  it('a link decision posted on an edge reaches the ingest that owns the linker', async () => {
    const c = await cluster(1, 1)
    const ingest = c.ingests[0]!
    const feed = c.feeds[0]!
    const kwiff = new FakeFeed('kwiff')
    ingest.hub!.addFeed(kwiff)
    kwiff.start()
    feed.emit([eventOp(1)])
    const kEvent = eventOp(1) as Extract<Op, { op: 'upsert' }>
    kwiff.emit([
      {
        op: 'upsert',
        entity: {
          ...kEvent.entity,
          id: 'kwiff:e9',
          source: 'kwiff',
          sportId: 'kwiff:5',
          competitionId: 'kwiff:c1',
        } as Entity,
      },
    ])
    ingest.hub!.flush()
    await inStep(ingest, c.edges)
    const r = await fetch(`${c.edges[0]!.url}/api/links`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'link', a: 'winamax:e1', b: 'kwiff:e9' }),
    })
    expect(r.status).toBe(200)
    // answered once the edge has the canonical event the decision made, as the one process
    const canonical = [...c.edges[0]!.replica.state.canonical.values()]
    expect(canonical).toHaveLength(1)
    expect(JSON.stringify(canonical[0])).toContain('kwiff:e9')
    expect(JSON.stringify(canonical[0])).toContain('winamax:e1')
    const listed = (await (await fetch(`${c.edges[0]!.url}/api/links`)).json()) as {
      decisions: { action: string; a: string; b: string }[]
    }
    expect(listed.decisions).toEqual([
      expect.objectContaining({ action: 'link', a: 'kwiff:e9', b: 'winamax:e1' }),
    ])
  }, 20_000)
})
