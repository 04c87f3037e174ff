import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Server } from 'socket.io'
import { applyOps, emptyState } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import type { EntityState, FeedState } from '@oddsboard/model'
import type { Feed, SimServer } from '@oddsboard/feedkit'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { createWinamaxFeed } from './feed'
import { startWinamaxSim } from './sim'

/** Polls `cond` every 20 ms; rejects after `ms`. */
const until = (cond: () => boolean, ms: number, what: string) =>
  waitUntil(cond, { timeoutMs: ms, what })

function follow(feed: Feed) {
  const seen = {
    state: emptyState() as EntityState,
    batches: 0,
    firstBatch: 0,
    states: [] as FeedState[],
  }
  feed.onOps((ops) => {
    seen.state = applyOps(seen.state, ops)
    if (seen.batches++ === 0) seen.firstBatch = ops.length
  })
  feed.onStatus((s) => seen.states.push(s.state))
  return seen
}

const fast = { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } } as const

describe('createWinamaxFeed against the simulator', () => {
  let feed: Feed | undefined
  const sims: SimServer[] = []
  afterEach(async () => {
    await feed?.stop()
    feed = undefined
    await Promise.all(sims.splice(0).map((s) => s.close()))
  })

  it('receives the snapshot, goes live, then applies a pushed delta', async () => {
    const sim = await startWinamaxSim({ speed: 20 })
    sims.push(sim)
    feed = createWinamaxFeed({ url: sim.url, ...fast })
    const seen = follow(feed)
    expect(feed.status().state).toBe('connecting')
    feed.start()
    await until(() => feed!.status().state === 'live', 10_000, 'live')
    expect(seen.state.event.size).toBe(689)
    expect(seen.state.selection.size).toBe(2840)
    // The whole snapshot came as one batch: 24 + 200 + 689 + 688 + 2840 upserts.
    expect(seen.firstBatch).toBe(4441)
    // The first recorded deltas come 8.8 s after the snapshot, i.e. 0.44 s at speed 20.
    await until(() => seen.batches > 1, 10_000, 'a delta')
    // 13.5 s after the snapshot, 1666975405 moves from 1.98 to 2 (then 2.05, 2.1, …).
    await until(
      () => seen.state.selection.get('winamax:o1666975405')?.odds !== 1.98,
      10_000,
      'odds move',
    )
    expect([2, 2.05, 2.1, 2.15, 2.2, 2.3]).toContain(
      seen.state.selection.get('winamax:o1666975405')?.odds,
    )
    expect(seen.states[0]).toBe('live')
    expect(feed.status().messages).toBeGreaterThan(1)
    // Canonical fields reach the ops: a key on every sport, a type and a boolean main on
    // every market, an updatedAt on every event and selection.
    for (const s of seen.state.sport.values()) expect(s.key).toMatch(/^[a-z-]+$/)
    for (const m of seen.state.market.values()) {
      expect(typeof m.main).toBe('boolean')
      expect(m.type).toBeDefined()
    }
    for (const e of seen.state.event.values()) expect(e.updatedAt).toBeGreaterThan(0)
    expect(seen.state.market.get('winamax:b529407047')).toMatchObject({
      type: 'over-under',
      line: 2.5,
      main: true,
    })
  })

  it('after the simulator restarts, the fresh snapshot leaves no ghosts', async () => {
    const first = await startWinamaxSim({ speed: 60 })
    sims.push(first)
    const port = Number(new URL(first.url).port)
    feed = createWinamaxFeed({ url: first.url, ...fast })
    const seen = follow(feed)
    feed.start()
    // Slavia Prague - Arsenal kicks off 44 s into the capture (0.7 s here) with a new live
    // main bet 530074737 and outcomes 1668961119..21 that the snapshot does not have.
    await until(() => seen.state.selection.has('winamax:o1668961121'), 15_000, 'kick-off')
    expect(seen.state.selection.has('winamax:o1646285223')).toBe(false)
    // Slovénie's price never moves in the capture: the reconnect must not make it look fresh.
    const quiet = seen.state.selection.get('winamax:o1659938405')!

    await first.close()
    sims.splice(0)
    await until(() => feed!.status().state === 'reconnecting', 10_000, 'reconnecting')
    // Same port, very slow replay: the state is the fresh snapshot for a while.
    const second = await startWinamaxSim({ port, speed: 0.001 })
    sims.push(second)
    await until(
      () => feed!.status().state === 'live' && feed!.status().reconnects >= 1,
      15_000,
      'live again',
    )
    expect(seen.state.selection.has('winamax:o1668961121')).toBe(false)
    expect(seen.state.market.has('winamax:b530074737')).toBe(false)
    // What the deltas had removed is back, as in the snapshot.
    expect(seen.state.selection.has('winamax:o1646285223')).toBe(true)
    expect(seen.state.selection.get('winamax:o1659938405')).toEqual(quiet)
    expect(seen.state.event.size).toBe(689)
    expect(seen.state.market.size).toBe(688)
    expect(seen.state.selection.size).toBe(2840)
  })
})

describe('createWinamaxFeed with malformed upstream payloads', () => {
  let feed: Feed | undefined
  let io: Server | undefined
  afterEach(async () => {
    await feed?.stop()
    feed = undefined
    await io?.close()
    io = undefined
  })

  it('counts and skips bad m payloads and bad odds, keeps going and stays live', async () => {
    const warnings: { obj: Record<string, unknown>; msg?: string }[] = []
    const logger = {
      ...silentLogger,
      warn: (obj: object, msg?: string) =>
        warnings.push({ obj: obj as Record<string, unknown>, msg }),
    }
    const http = createServer()
    io = new Server(http, { path: '/uof-sports-server/socket.io/', allowEIO3: true })
    const server = io
    server.on('connection', (socket) => {
      socket.on('m', (req: { route: string; requestId: string }) => {
        socket.emit('m', '{"matches":') // invalid JSON inside m
        // Malformed Socket.IO packets inside well-formed Engine.IO messages (`4…`): cut JSON,
        // an unknown packet type. The client reports them as bad packets; the feed counts them.
        socket.conn.write('2["m",{"odds":')
        socket.conn.write('9')
        socket.emit('m', [1, 2]) // not an object
        socket.emit('m', { matches: { '1': 'x' } }) // bad entity
        socket.emit('m', {
          requestId: req.requestId,
          sports: { '1': { sportName: 'Football', categories: [7] } },
          categories: { '7': { categoryName: 'France', tournaments: [4] } },
          tournaments: { '4': { tournamentName: 'Ligue 1' } },
          matches: {
            '10': { sportId: 1, tournamentId: 4, title: 'A - B', status: 'LIVE', mainBetId: 20 },
          },
          bets: { '20': { matchId: 10, betTitle: 'Résultat', outcomes: [30, 31] } },
          outcomes: { '30': { betId: 20, label: 'A' }, '31': { betId: 20, label: 'B' } },
          odds: { '30': 1.5, '31': 2.6 },
        })
        socket.emit('m', { odds: { '30': 'abc', '31': 2.7 } })
      })
    })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    const port = (http.address() as AddressInfo).port
    feed = createWinamaxFeed({
      url: `http://127.0.0.1:${port}/uof-sports-server/socket.io/`,
      routes: ['sport:1'],
      logger,
      ...fast,
    })
    const seen = follow(feed)
    feed.start()
    await until(() => seen.state.selection.get('winamax:o31')?.odds === 2.7, 10_000, 'odds 2.7')
    expect(feed.status().state).toBe('live')
    expect(feed.status().badFrames).toBe(6)
    // Each bad frame is logged with a short sample (FeedTracker: the first 5, then 1 in 100).
    const warned = warnings.filter((w) => w.msg === 'skipped malformed upstream frame')
    expect(warned.length).toBe(5)
    expect(warned.map((w) => w.obj.sample)).toContain('42["m",{"odds":')
    for (const w of warned) expect(String(w.obj.sample).length).toBeLessThanOrEqual(140)
    expect(seen.state.selection.get('winamax:o30')?.odds).toBe(1.5)
    expect(seen.state.event.get('winamax:m10')).toMatchObject({
      participants: ['A', 'B'],
      status: 'live',
    })
  })

  it('issue 13: a frame refused as bad leaves no trace, even after a later valid frame', async () => {
    const nested = (levels: number) => '{"deep":'.repeat(levels) + '1' + '}'.repeat(levels)
    const http = createServer()
    io = new Server(http, { path: '/uof-sports-server/socket.io/', allowEIO3: true })
    io.on('connection', (socket) => {
      socket.on('m', (req: { requestId: string }) => {
        socket.emit('m', {
          requestId: req.requestId,
          sports: { '1': { sportName: 'Football', categories: [7] } },
          categories: { '7': { categoryName: 'France', tournaments: [4] } },
          tournaments: { '4': { tournamentName: 'Ligue 1' } },
          matches: {
            '10': { sportId: 1, tournamentId: 4, title: 'A - B', status: 'PREMATCH' },
            '11': { sportId: 1, tournamentId: 4, title: 'C - D', status: 'PREMATCH' },
          },
        })
        // Written as text (Engine.IO message `4` + Socket.IO EVENT `2…`): the server's own
        // JSON.stringify would not take 20,000 levels.
        socket.conn.write(`2["m",{"matches":{"11":{"deep":${nested(20_000)}}}}]`)
        socket.conn.write(
          `2["m",{"matches":{"10":{"status":"LIVE","score":"3:0"},"11":{"deep":${nested(20_000)}}}}]`,
        )
        socket.emit('m', { matches: { '10': { matchtime: 5 }, '11': { title: 'C - E' } } })
      })
    })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    const port = (http.address() as AddressInfo).port
    feed = createWinamaxFeed({
      url: `http://127.0.0.1:${port}/uof-sports-server/socket.io/`,
      routes: ['sport:1'],
      ...fast,
    })
    const seen = follow(feed)
    feed.start()
    await until(() => seen.state.event.get('winamax:m11')?.name === 'C - E', 10_000, 'last frame')
    expect(feed.status().badFrames).toBe(2)
    expect(feed.status().error ?? '').not.toMatch(/stack/i)
    const a = seen.state.event.get('winamax:m10')!
    expect(a.status).toBe('prematch')
    expect(a.score).toBeUndefined()
  })

  it('goes stale when no packet arrives for staleAfterMs, and live again on the next one', async () => {
    const http = createServer()
    io = new Server(http, { path: '/uof-sports-server/socket.io/', allowEIO3: true })
    let push: (() => void) | undefined
    io.on('connection', (socket) => {
      socket.on('m', (req: { requestId: string }) => {
        socket.emit('m', { requestId: req.requestId, sports: { '1': { sportName: 'Football' } } })
        push = () => socket.emit('m', { sports: { '1': { sportName: 'Soccer' } } })
      })
    })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    const port = (http.address() as AddressInfo).port
    feed = createWinamaxFeed({
      url: `http://127.0.0.1:${port}/uof-sports-server/socket.io/`,
      routes: ['sport:1'],
      staleAfterMs: 300,
      ...fast,
    })
    const seen = follow(feed)
    feed.start()
    await until(() => feed!.status().state === 'live', 10_000, 'live')
    await until(() => feed!.status().state === 'stale', 10_000, 'stale')
    push!()
    await until(() => feed!.status().state === 'live', 10_000, 'live again')
    expect(seen.states).toEqual(['live', 'stale', 'live'])
    await until(() => seen.state.sport.get('winamax:s1')?.name === 'Soccer', 5_000, 'delta')
  })

  it('a snapshot without the requestId is taken once the snapshot timeout passes', async () => {
    const http = createServer()
    io = new Server(http, { path: '/uof-sports-server/socket.io/', allowEIO3: true })
    io.on('connection', (socket) => {
      socket.on('m', () => socket.emit('m', { sports: { '5': { sportName: 'Tennis' } } }))
    })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    const port = (http.address() as AddressInfo).port
    feed = createWinamaxFeed({
      url: `http://127.0.0.1:${port}/uof-sports-server/socket.io/`,
      snapshotTimeoutMs: 200,
      ...fast,
    })
    const seen = follow(feed)
    feed.start()
    await until(() => feed!.status().state === 'live', 10_000, 'live')
    expect(seen.state.sport.get('winamax:s5')?.name).toBe('Tennis')
  })
})
