import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { DeltaMessage, FeedsMessage, Op, ServerMessage } from '@oddsboard/model'
import { CLOSE_TOO_SLOW, RELAY_PROTOCOL } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { loadConfig } from './config'
import { FakeFeed } from './fake-feed'
import type { PublishedDelta } from './hub'
import type { RunningProxy } from './server'
import { startProxy } from './server'
import { eventOp, selectionOp } from './test-helpers'

const running: RunningProxy[] = []
const sockets: WebSocket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate()
  await Promise.all(running.splice(0).map((p) => p.close()))
})

async function start(env: Record<string, string> = {}) {
  const feed = new FakeFeed('winamax')
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', WEB_DIST: '/nonexistent', ...env })
  const proxy = await startProxy(config, silentLogger, { feeds: [feed], feedsIntervalMs: 60_000 })
  running.push(proxy)
  return { feed, proxy, wsUrl: `${proxy.url.replace('http', 'ws')}/ws` }
}

/** A client that queues every message; `next(type)` waits (bounded) for the next of that type. */
function connect(url: string, origin?: string) {
  const ws = new WebSocket(url, origin === undefined ? {} : { origin })
  sockets.push(ws)
  const queue: ServerMessage[] = []
  /** The type of every message received, in order. */
  const types: ServerMessage['type'][] = []
  const waiters: (() => void)[] = []
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as ServerMessage
    types.push(m.type)
    queue.push(m)
    for (const w of waiters.splice(0)) w()
  })
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  async function next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = 5000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = queue.findIndex((m) => m.type === type)
      if (i >= 0) return queue.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no ${type} message within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }
  return { ws, queue, types, next, closed, opened: new Promise((r) => ws.once('open', r)) }
}

/**
 * A WebSocket client on a bare TCP socket, to see the server's frames byte for byte:
 * `frames(n)` waits (bounded) until n whole frames arrived and returns them, headers included
 * (server frames are unmasked: RFC 6455 section 5.2).
 */
function rawClient(wsUrl: string) {
  const url = new URL(wsUrl)
  const socket = net.connect(Number(url.port), url.hostname)
  let buf = Buffer.alloc(0)
  let upgraded = false
  let onData = () => {}
  const ready = new Promise<void>((resolve, reject) => {
    socket.on('error', reject)
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        if (!buf.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101'))
          return reject(new Error(buf.toString('latin1')))
        upgraded = true
        buf = buf.subarray(end + 4)
        resolve()
      }
      onData()
    })
  })
  socket.write(
    `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
      'Sec-WebSocket-Version: 13\r\n\r\n',
  )
  const split = (): Buffer[] => {
    const out: Buffer[] = []
    let at = 0
    while (at + 2 <= buf.length) {
      let len = buf[at + 1]! & 0x7f
      let head = 2
      if (len === 126) {
        if (at + 4 > buf.length) break
        len = buf.readUInt16BE(at + 2)
        head = 4
      } else if (len === 127) {
        if (at + 10 > buf.length) break
        len = Number(buf.readBigUInt64BE(at + 2))
        head = 10
      }
      if (at + head + len > buf.length) break
      out.push(buf.subarray(at, at + head + len))
      at += head + len
    }
    return out
  }
  const frames = (n: number) =>
    withTimeout(
      new Promise<Buffer[]>((resolve) => {
        const check = () => {
          const got = split()
          if (got.length >= n) resolve(got.slice(0, n))
        }
        onData = check
        check()
      }),
    )
  sockets.push({ terminate: () => socket.destroy() } as unknown as WebSocket)
  return { ready, frames }
}

const withTimeout = <T>(p: Promise<T>, ms = 5000) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), ms))])

describe('relay /ws', () => {
  it('sends the snapshot on connect, then deltas, then feed changes', async () => {
    const { feed, proxy, wsUrl } = await start()
    feed.emit([eventOp(1), selectionOp(1, 2)])
    proxy.hub.flush()
    const c = connect(wsUrl, proxy.url)
    const snap = await c.next('snapshot')
    expect(snap).toMatchObject({ protocol: RELAY_PROTOCOL, epoch: proxy.hub.epoch, seq: 1 })
    expect(c.types[0]).toBe('snapshot')
    expect(snap.entities.map((e) => e.id)).toEqual(['winamax:e1', 'winamax:s1'])
    expect(snap.feeds).toEqual([expect.objectContaining({ source: 'winamax', state: 'live' })])
    feed.emit([selectionOp(1, 2.5)])
    const d = await c.next('delta')
    expect(d).toMatchObject({
      type: 'delta',
      epoch: proxy.hub.epoch,
      seq: 2,
      // protocol 4: a known selection's change is a patch (updatedAt did not move here)
      ops: [
        { op: 'patch', kind: 'selection', id: 'winamax:s1', set: { odds: 2.5, updatedAt: 1_000 } },
      ],
    })
    feed.setState('stale', 'no message for 30 s')
    const f: FeedsMessage = await c.next('feeds')
    expect(f.feeds[0]).toMatchObject({
      source: 'winamax',
      state: 'stale',
      error: 'no message for 30 s',
    })
  })

  it('opens a connection at the URL position with `resumed`, then exactly the missed deltas', async () => {
    const { feed, proxy, wsUrl } = await start()
    for (let i = 1; i <= 5; i++) {
      feed.emit([selectionOp(1, 1 + i / 10)])
      proxy.hub.flush()
    }
    const c = connect(`${wsUrl}?epoch=${proxy.hub.epoch}&seq=2`, proxy.url)
    expect(await c.next('resumed')).toEqual({
      type: 'resumed',
      protocol: RELAY_PROTOCOL,
      epoch: proxy.hub.epoch,
      seq: 2,
      ts: expect.any(Number),
    })
    const got: DeltaMessage[] = [
      await c.next('delta'),
      await c.next('delta'),
      await c.next('delta'),
    ]
    expect(got.map((d) => d.seq)).toEqual([3, 4, 5])
    expect(got[2]!.ops).toEqual([
      { op: 'patch', kind: 'selection', id: 'winamax:s1', set: { odds: 1.5, updatedAt: 1_000 } },
    ])
    feed.emit([selectionOp(1, 1.6)])
    expect((await c.next('delta')).seq).toBe(6)
    expect(c.types).toEqual(['resumed', 'delta', 'delta', 'delta', 'delta'])
    // a snapshot request is still answered, with the version
    c.ws.send(JSON.stringify({ type: 'snapshot' }))
    expect(await c.next('snapshot')).toMatchObject({ protocol: RELAY_PROTOCOL, seq: 6 })
    // a position that is current resumes with nothing to replay
    const current = connect(`${wsUrl}?epoch=${proxy.hub.epoch}&seq=6`, proxy.url)
    expect((await current.next('resumed')).seq).toBe(6)
    feed.emit([selectionOp(1, 1.7)])
    expect((await current.next('delta')).seq).toBe(7)
    expect(current.types).toEqual(['resumed', 'delta'])
    expect(proxy.relay.counters.resumesReplayed).toBe(2)
    expect(proxy.relay.counters.resumesWithSnapshot).toBe(0)
  })

  it('answers a resume with a wrong epoch or a seq out of the buffer with a snapshot', async () => {
    const { feed, proxy, wsUrl } = await start({ RELAY_RING_SIZE: '2' })
    for (let i = 1; i <= 5; i++) {
      feed.emit([selectionOp(1, 1 + i / 10)])
      proxy.hub.flush()
    }
    const wrongEpoch = connect(`${wsUrl}?epoch=another-epoch&seq=4`, proxy.url)
    expect((await wrongEpoch.next('snapshot')).seq).toBe(5)
    const tooOld = connect(`${wsUrl}?epoch=${proxy.hub.epoch}&seq=1`, proxy.url)
    const s = await tooOld.next('snapshot')
    expect(s.seq).toBe(5)
    expect(s.entities).toEqual([(selectionOp(1, 1.5) as Extract<Op, { op: 'upsert' }>).entity])
    const future = connect(`${wsUrl}?epoch=${proxy.hub.epoch}&seq=99`, proxy.url)
    expect((await future.next('snapshot')).seq).toBe(5)
    const noSeq = connect(`${wsUrl}?epoch=${proxy.hub.epoch}&seq=`, proxy.url)
    expect((await noSeq.next('snapshot')).protocol).toBe(RELAY_PROTOCOL)
    for (const c of [wrongEpoch, tooOld, future, noSeq]) {
      expect(c.queue).toEqual([])
      expect(c.types).toEqual(['snapshot'])
    }
    expect(proxy.relay.counters.resumesWithSnapshot).toBe(4)
  })

  it('refuses an origin outside ALLOWED_ORIGINS with 403 and other paths with 404', async () => {
    const { proxy, wsUrl } = await start()
    const status = (url: string, origin: string) =>
      withTimeout(
        new Promise<number>((resolve) => {
          const ws = new WebSocket(url, { origin })
          sockets.push(ws)
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
          ws.on('open', () => resolve(101))
          ws.on('error', () => {})
        }),
      )
    expect(await status(wsUrl, 'https://evil.example')).toBe(403)
    expect(await status(wsUrl, `http://localhost:${proxy.port}`)).toBe(101)
    expect(await status(wsUrl, 'http://localhost:5173')).toBe(101)
    expect(await status(wsUrl.replace('/ws', '/other'), proxy.url)).toBe(404)
    const custom = await start({ ALLOWED_ORIGINS: 'https://board.example' })
    expect(await status(custom.wsUrl, custom.proxy.url)).toBe(403)
    expect(await status(custom.wsUrl, 'https://board.example')).toBe(101)
  })

  it('closes a client with 1008 on an invalid message and 1009 on an oversized one', async () => {
    const { proxy, wsUrl } = await start()
    // version 1's resume message is no longer part of the protocol
    const bad = connect(wsUrl, proxy.url)
    const at = await bad.next('snapshot')
    bad.ws.send(JSON.stringify({ type: 'resume', epoch: at.epoch, seq: at.seq }))
    expect(await withTimeout(bad.closed)).toBe(1008)
    const notJson = connect(wsUrl, proxy.url)
    await notJson.next('snapshot')
    notJson.ws.send('hello')
    expect(await withTimeout(notJson.closed)).toBe(1008)
    const big = connect(wsUrl, proxy.url)
    await big.next('snapshot')
    big.ws.send(JSON.stringify({ type: 'snapshot', pad: 'x'.repeat(10_000) }))
    expect(await withTimeout(big.closed)).toBe(1009)
    expect(proxy.relay.counters.badClientMessages).toBe(3)
    // the others are unaffected
    const good = connect(wsUrl, proxy.url)
    await good.next('snapshot')
    good.ws.send(JSON.stringify({ type: 'snapshot', extra: 'ignored' }))
    await good.next('snapshot')
  })

  it('closes a client that never reads with 4008 while a normal client keeps receiving', async () => {
    const { feed, proxy, wsUrl } = await start({ RELAY_MAX_BUFFER_BYTES: '262144' })
    const good = connect(wsUrl, proxy.url)
    const slow = connect(wsUrl, proxy.url)
    await good.next('snapshot')
    await slow.next('snapshot')
    const raw = (slow.ws as unknown as { _socket: net.Socket })._socket
    raw.pause()
    const name = 'x'.repeat(100_000)
    // Bounded: 64 MB at most; the kernel buffers fill first, then the server-side buffer.
    // The name changes every time, so every patch carries its 100 kB.
    for (let i = 0; i < 640 && proxy.relay.counters.slowClientDisconnects === 0; i++) {
      feed.emit([selectionOp(1, 1 + (i % 100) / 100 + 0.001, { name: `${i} ${name}` })])
      proxy.hub.flush()
      const d = await good.next('delta')
      expect(d.seq).toBe(i + 1)
    }
    expect(proxy.relay.counters.slowClientDisconnects).toBe(1)
    expect(proxy.relay.clients).toBe(1)
    feed.emit([selectionOp(2, 9)])
    proxy.hub.flush()
    expect((await good.next('delta')).ops).toEqual([selectionOp(2, 9)])
    raw.resume() // reads what was buffered, then the close frame
    expect(await withTimeout(slow.closed, 15_000)).toBe(CLOSE_TOO_SLOW)
  })

  it('writes each delta as one frame, made once: every client gets the same bytes', async () => {
    const { feed, proxy, wsUrl } = await start()
    feed.emit([eventOp(1), selectionOp(1, 2)])
    proxy.hub.flush()
    const clients = [rawClient(wsUrl), rawClient(wsUrl), rawClient(wsUrl)]
    for (const c of clients) await c.ready
    await Promise.all(clients.map((c) => c.frames(1))) // the snapshot
    const published: PublishedDelta[] = []
    proxy.hub.onDelta((d) => published.push(d))
    for (let i = 1; i <= 3; i++) {
      feed.emit([selectionOp(1, 2 + i / 10), selectionOp(i + 1, 3)])
      proxy.hub.flush()
    }
    expect(published).toHaveLength(3)
    const received = await Promise.all(clients.map((c) => c.frames(4)))
    for (const frames of received) {
      // the snapshot, then each delta's frame exactly as the hub built it
      expect(frames[0]!.subarray(0, 2)[0]).toBe(0x81)
      frames.slice(1).forEach((frame, i) => expect(frame.equals(published[i]!.frame)).toBe(true))
      // every client got the same delta bytes (the snapshots differ by their `ts` only)
      expect(Buffer.concat(frames.slice(1)).equals(Buffer.concat(received[0]!.slice(1)))).toBe(true)
    }
    expect(proxy.relay.counters.deltaBytesSent).toBe(
      3 * published.reduce((n, d) => n + d.frame.length, 0),
    )
  })

  it('closes clients with 1001 on shutdown', async () => {
    const { proxy, wsUrl } = await start()
    const c = connect(wsUrl, proxy.url)
    await c.next('snapshot')
    await proxy.close()
    expect(await withTimeout(c.closed)).toBe(1001)
  })
})
