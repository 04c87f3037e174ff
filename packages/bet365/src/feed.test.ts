import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import {
  applyOps,
  emptyState,
  type EntityState,
  type Event,
  type TennisScore,
} from '@oddsboard/model'
import { type Feed, type Logger } from '@oddsboard/feedkit'
import { encodeHandshakeReply } from './codec'
import { createBet365Feed } from './feed'
import { startBet365Sim, type Bet365SimServer } from './sim'
import { waitUntil } from '@oddsboard/feedkit/testing'

const ILAGAN_IT = 'L13-1-5-134323248-5-20000625_1_3'
const ILAGAN_ID = 'bet365:ev195476892'

/** Polls `cond` every 20 ms; fails after `ms` (no test can hang). */
const waitFor = (cond: () => boolean, ms = 8000, what = 'condition') =>
  waitUntil(cond, { timeoutMs: ms, what })

function recorder(): Logger & { warns: { obj: object; msg?: string }[] } {
  const warns: { obj: object; msg?: string }[] = []
  return {
    warns,
    debug() {},
    info() {},
    warn(obj, msg) {
      warns.push({ obj, ...(msg !== undefined ? { msg } : {}) })
    },
    error() {},
  }
}

/** A feed wired to a state, as the hub would hold it. */
function follow(feed: Feed): { state: () => EntityState } {
  let state = emptyState()
  feed.onOps((ops) => {
    state = applyOps(state, ops)
  })
  return { state: () => state }
}

const tennisEvents = (s: EntityState): Event[] =>
  [...s.event.values()].filter((e) => e.sportId === 'bet365:cl13')

let cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function setup(
  simOptions: Parameters<typeof startBet365Sim>[0] = {},
  feedOptions: { staleAfterMs?: number; logger?: Logger } = {},
): Promise<{ sim: Bet365SimServer; feed: Feed; state: () => EntityState }> {
  const sim = await startBet365Sim({ seed: 7, speed: 20, ...simOptions })
  cleanups.push(() => sim.close())
  const feed = createBet365Feed({ url: sim.url, ...feedOptions })
  cleanups.push(() => feed.stop())
  const { state } = follow(feed)
  feed.start()
  return { sim, feed, state }
}

describe('Bet365 feed against the simulator (real sockets)', () => {
  it('handshakes, loads the real 2026 board plus the seed match, and scores advance', async () => {
    const { feed, state } = await setup()
    await waitFor(() => tennisEvents(state()).length >= 24, 8000, 'the load')
    expect(feed.status().state).toBe('live')
    const names = tennisEvents(state()).map((e) => e.name)
    expect(names).toContain('Andre Ilagan v Aidan Mayo')
    expect(names).toContain('Coco Gauff v Anastasia Potapova')
    expect(names).toContain('Mariano Navone v Luciano Darderi')
    expect(state().event.get('bet365:ev190321250')!.competitionId).toBe('bet365:ct13:ATP Santiago')
    // The capture has 6-5 0-15; the sim may already have played a point or two.
    const loaded = state().event.get(ILAGAN_ID)!.score as TennisScore
    expect(loaded.sets[0]![0]).toBeGreaterThanOrEqual(6)
    const first = JSON.stringify(loaded)
    await waitFor(
      () => JSON.stringify(state().event.get(ILAGAN_ID)?.score) !== first,
      8000,
      'a point',
    )
    const score = state().event.get(ILAGAN_ID)?.score as TennisScore | undefined
    if (score !== undefined) expect(score.sets[0]![0]).toBeGreaterThanOrEqual(6)
    // Money-line prices keep a valid shape while they move.
    for (const s of state().selection.values()) {
      if (s.odds !== null) expect(s.odds).toBeGreaterThan(1)
    }
    expect(feed.status().badFrames).toBe(0)
  })

  it('after a reconnect the new load replaces the old one: no ghosts', async () => {
    const { sim, feed, state } = await setup()
    await waitFor(() => state().event.has(ILAGAN_ID), 8000, 'the load')
    const ilaganSelections = () =>
      [...state().selection.values()].filter((s) => s.eventId === ILAGAN_ID)
    expect(ilaganSelections()).toHaveLength(2)
    // The match disappears while the feed is away: no D reaches it.
    sim.removeEvent(ILAGAN_IT, false)
    sim.dropConnections()
    await waitFor(() => !state().event.has(ILAGAN_ID), 10_000, 'the ghost removal')
    expect(ilaganSelections()).toHaveLength(0)
    expect([...state().market.values()].some((m) => m.eventId === ILAGAN_ID)).toBe(false)
    expect(feed.status().reconnects).toBeGreaterThanOrEqual(1)
    await waitFor(() => feed.status().state === 'live', 5000, 'live again')
    expect(state().event.has('bet365:ev195463695')).toBe(true) // Travaglia v Vasami is still there
  })

  it('a silent server makes the feed stale, then it reconnects', async () => {
    const { sim, feed, state } = await setup({}, { staleAfterMs: 300 })
    await waitFor(() => state().event.has(ILAGAN_ID), 8000, 'the load')
    const seen: string[] = []
    feed.onStatus((s) => seen.push(s.state))
    sim.setFrozen(true)
    await waitFor(() => seen.includes('stale'), 5000, 'stale')
    sim.setFrozen(false)
    await waitFor(() => feed.status().state === 'live' && seen.includes('reconnecting'), 8000)
    expect(seen.indexOf('stale')).toBeLessThan(seen.indexOf('reconnecting'))
  })

  it('stop() ends in down and tells its listeners (issue 8: it used to stay live)', async () => {
    const { feed, state } = await setup()
    await waitFor(() => state().event.has(ILAGAN_ID), 8000, 'the load')
    const seen: string[] = []
    feed.onStatus((s) => seen.push(s.state))
    await feed.stop()
    expect(feed.status().state).toBe('down')
    expect(seen).toEqual(['down'])
  })

  it('a 111 reply (session rejected) puts the feed down with a clear error and no retries', async () => {
    const { feed, state } = await setup({ rejectSession: () => true })
    await waitFor(() => feed.status().state === 'down', 5000, 'down')
    expect(feed.status().error).toMatch(/rejected the session \(handshake 111\)/)
    await new Promise((r) => setTimeout(r, 700))
    expect(feed.status().state).toBe('down')
    expect(feed.status().reconnects).toBe(0)
    expect(state().event.size).toBe(0)
  })
})

describe('Bet365 feed: what it sends (DESIGN.md "Bet365 (zap)")', () => {
  it('subprotocol zap-protocol-v1, Origin, a 16-digit uid, the handshake, then a subscribe to its topics', async () => {
    const seen: { protocol?: string; origin?: string; url?: string; frames: string[] } = {
      frames: [],
    }
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      path: '/zap/',
      handleProtocols: (protocols) =>
        protocols.has('zap-protocol-v1') ? 'zap-protocol-v1' : false,
    })
    await new Promise<void>((r) => wss.once('listening', () => r()))
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate()
          wss.close(() => r())
        }),
    )
    wss.on('connection', (ws, req) => {
      seen.protocol = ws.protocol
      seen.origin = req.headers.origin
      seen.url = req.url
      ws.on('message', (data) => {
        seen.frames.push(data.toString())
        if (seen.frames.length === 1) ws.send(encodeHandshakeReply('100', 'I1PIP1-test'))
      })
    })
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/zap/`
    const topics = ['OVInPlay_1_3', 'OVInPlay_13_0']
    const feed = createBet365Feed({ url, topics, sessionId: 'ABCDEF000003', token: 'tok' })
    cleanups.push(() => feed.stop())
    feed.start()
    await waitFor(() => seen.frames.length >= 2, 5000, 'handshake and subscribe')
    expect(seen.protocol).toBe('zap-protocol-v1')
    expect(seen.origin).toBe('https://www.bet365.com')
    expect(seen.url).toMatch(/^\/zap\/\?uid=\d{16}$/)
    expect(seen.frames[0]).toBe('#\x03P\x01__time,S_ABCDEF000003,A_tok\x00')
    expect(seen.frames[1]).toBe('\x16\x00OVInPlay_1_3,OVInPlay_13_0\x01')
    expect(feed.status().state).toBe('live')
  })
})

describe('Bet365 feed and bad upstream frames', () => {
  /** A bare zap server that accepts the handshake and then sends `frames`. */
  async function rawServer(frames: string[]): Promise<string> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      path: '/zap/',
      handleProtocols: () => 'zap-protocol-v1',
    })
    await new Promise<void>((r) => wss.once('listening', () => r()))
    wss.on('connection', (ws) => {
      ws.once('message', () => {
        ws.send(encodeHandshakeReply('100', 'I1PIP1-test'))
        ws.once('message', () => {
          for (const f of frames) ws.send(f)
        })
      })
    })
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate()
          wss.close(() => r())
        }),
    )
    return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/zap/`
  }

  const load =
    '\x14OVInPlay_1_3\x01F|CL;ID=13;IT=CL_13_1_3;NA=Tennis;|EV;CT=ATP Santiago;ID=1C13A_1_3;IT=EV1;NA=A One v B Two;OI=9;SS=3-6,1-0;XP=15-0;PI=0,1;|' +
    'MA;FI=9;ID=1763;IT=MA1;OR=0;SU=0;|PA;FI=9;ID=11;IT=PA1;OD=9/2;OR=0;SU=0;|PA;FI=9;ID=12;IT=PA2;OD=1/7;OR=1;SU=0;|'
  const good = '\x15EV1\x01U|XP=30-0;|'

  it('counts, logs with a sample and skips each bad case; the state stays consistent', async () => {
    const logger = recorder()
    const bad = [
      '\x15EV1\x01U|XP=40-0;SS=3-6', // truncated frame
      '\x13EV1\x01U|XP=40-0;|', // unknown type byte
      '\x15EV1\x01U|XP=40-0;SS;|', // field without =
      '\x15EVnope\x01U|XP=40-0;|', // U for a node that does not exist
      '\x15PA1\x01U|OD=abc/0;SU=1;|', // odds like abc/0
    ]
    const url = await rawServer([load, ...bad, good])
    const feed = createBet365Feed({ url, logger })
    cleanups.push(() => feed.stop())
    const { state } = follow(feed)
    feed.start()
    await waitFor(
      () => (state().event.get('bet365:ev1')?.score as TennisScore | undefined)?.points[0] === '30',
    )
    expect(feed.status().badFrames).toBe(5)
    const reasons = logger.warns.map((w) => (w.obj as { reason: string }).reason)
    expect(reasons).toEqual([
      'truncated body',
      'unknown type byte 0x13',
      'field without =',
      'update for a node that does not exist',
      'malformed fractional odds OD',
    ])
    expect((logger.warns[0]!.obj as { sample: string }).sample).toBe(
      '\\x15EV1\\x01U|XP=40-0;SS=3-6',
    )
    const pa = state().selection.get('bet365:pa11')!
    expect(pa).toMatchObject({ oddsText: '9/2', odds: 5.5, suspended: false })
    expect(state().event.get('bet365:ev1')!.score).toEqual({
      sets: [
        [3, 6],
        [1, 0],
      ],
      points: ['30', '0'],
      server: 0,
    })
    expect(feed.status().state).toBe('live')
  })

  it('arbitrary frames never throw out of the feed (fast-check sample)', async () => {
    const alphabet = fc.constantFrom(...'\x00\x01\x02\x08\x14\x15|;=,/-ABCDEFIPUXOS01'.split(''))
    const frames = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 50 }),
        fc.string({ unit: alphabet, maxLength: 50 }),
        fc.string({ unit: alphabet, maxLength: 40 }).map((s) => `\x15EV1\x01${s}`),
        fc.string({ unit: alphabet, maxLength: 40 }).map((s) => `\x14OVInPlay_1_3\x01F|${s}`),
      ),
      { numRuns: 300, seed: 42 },
    )
    const url = await rawServer([load, ...frames, load, good])
    const feed = createBet365Feed({ url })
    cleanups.push(() => feed.stop())
    const { state } = follow(feed)
    feed.start()
    await waitFor(
      () => (state().event.get('bet365:ev1')?.score as TennisScore | undefined)?.points[0] === '30',
    )
    expect(feed.status().state).toBe('live')
    expect(feed.status().badFrames).toBeGreaterThan(100)
    expect(state().selection.size).toBe(2)
  })
})
