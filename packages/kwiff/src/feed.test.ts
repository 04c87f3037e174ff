import { afterEach, describe, expect, it } from 'vitest'
import { SocketIoClient } from '@oddsboard/engineio'
import type { ClientState } from '@oddsboard/engineio'
import type { Entity, Op } from '@oddsboard/model'
import type { Logger } from '@oddsboard/feedkit'
import { silentLogger } from '@oddsboard/feedkit'
import { waitUntil } from '@oddsboard/feedkit/testing'
import type { KwiffFeed, KwiffFeedOptions } from './feed'
import { createKwiffFeed, KWIFF_LIVE_URL } from './feed'
import type { KwiffSimOptions, KwiffSimServer } from './sim'
import { startKwiffSim } from './sim'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Polls `cond` every 20 ms; fails after `timeoutMs`. */
const waitFor = (cond: () => boolean, what: string, timeoutMs = 5000) =>
  waitUntil(cond, { what, timeoutMs })

async function sim(o: KwiffSimOptions = {}): Promise<KwiffSimServer> {
  const s = await startKwiffSim({ tickMs: 0, failureRate: 0, slowRate: 0, ...o })
  cleanups.push(() => s.close())
  return s
}

interface Harness {
  feed: KwiffFeed
  batches: Op[][]
  warnings: string[]
}

async function liveFeed(s: KwiffSimServer, o: Partial<KwiffFeedOptions> = {}): Promise<Harness> {
  const warnings: string[] = []
  const logger: Logger = { ...silentLogger, warn: (_obj, msg) => warnings.push(msg ?? '') }
  const feed = createKwiffFeed({
    url: s.url,
    refreshMs: 60_000,
    ackTimeoutMs: 300,
    retries: 1,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    logger,
    ...o,
  })
  const batches: Op[][] = []
  feed.onOps((ops) => batches.push(ops))
  cleanups.push(() => feed.stop())
  feed.start()
  await waitFor(() => feed.status().state === 'live', 'the feed to go live')
  return { feed, batches, warnings }
}

const upserted = (ops: Op[]): Entity[] => ops.flatMap((o) => (o.op === 'upsert' ? [o.entity] : []))

describe('kwiff feed against the simulator', () => {
  it('exports the real endpoint', () => {
    expect(KWIFF_LIVE_URL).toBe('https://web-api.kwiff.com/socket.io/')
  })

  it('goes live with one picture: three sports, the sample event, live markets via event:get', async () => {
    const s = await sim()
    const { feed, batches } = await liveFeed(s)
    expect(batches).toHaveLength(1)
    const entities = upserted(batches[0]!)
    const ids = new Set(entities.map((e) => e.id))
    for (const sport of ['kwiff:sp11', 'kwiff:sp36', 'kwiff:sp15'])
      expect(ids.has(sport)).toBe(true)
    expect(entities.find((e) => e.id === 'kwiff:e10748848')).toMatchObject({
      name: 'Bodoe/Glimt v Manchester City',
      status: 'prematch',
    })
    // Mallorca v Sevilla is live at tick 0: its full markets come from event:get.
    expect(entities.find((e) => e.id === 'kwiff:e11505695')).toMatchObject({ status: 'live' })
    const mallorcaMarkets = entities.filter(
      (e) => e.kind === 'market' && e.eventId === 'kwiff:e11505695',
    )
    expect(mallorcaMarkets.map((m) => m.name)).toContain('Anytime Goalscorer')
    const counts = s.control.commandCounts()
    expect(counts['event:list']).toBe(3)
    expect(counts['event:get']).toBeGreaterThanOrEqual(1)
    expect(feed.status()).toMatchObject({ source: 'kwiff', state: 'live', badFrames: 0 })
  })

  it('diffs refreshes: nothing changed → no ops; odds move → that selection only; vanished → removes', async () => {
    const s = await sim()
    const { feed, batches } = await liveFeed(s)

    expect(await feed.refreshNow()).toBe(true)
    expect(batches).toHaveLength(1)

    s.control.world.setOdds(10748848, 0, 1, 10) // the draw to 9/1
    expect(await feed.refreshNow()).toBe(true)
    expect(batches).toHaveLength(2)
    expect(batches[1]).toHaveLength(1)
    expect(batches[1]![0]).toMatchObject({
      op: 'upsert',
      entity: {
        kind: 'selection',
        eventId: 'kwiff:e10748848',
        name: 'Draw',
        odds: 10,
        oddsText: '9/1',
      },
    })

    s.control.world.remove(10748848)
    expect(await feed.refreshNow()).toBe(true)
    const ops = batches[2]!
    expect(ops.every((o) => o.op === 'remove')).toBe(true)
    expect(ops).toContainEqual({ op: 'remove', kind: 'event', id: 'kwiff:e10748848' })
    expect(ops.filter((o) => o.op === 'remove' && o.kind === 'market')).toHaveLength(1) // list: main market only
  })

  it('drops an event that ended between event:list and event:get, asks once and stays live', async () => {
    const s = await sim()
    const { feed, batches } = await liveFeed(s)
    const getsOf = (id: string) =>
      s.control
        .commands()
        .filter((c) => c.message === 'event:get' && String(c.payload.eventId) === id).length

    s.control.failNext(1, 'vanish')
    expect(await feed.refreshNow()).toBe(true)
    expect(feed.status().state).toBe('live')
    expect(feed.status().error).toBeUndefined()
    const gone = batches
      .at(-1)!
      .filter((o) => o.op === 'remove' && o.kind === 'event')
      .map((o) => (o as { id: string }).id)
    expect(gone).toHaveLength(1)
    const nativeId = gone[0]!.replace('kwiff:e', '')
    expect(s.control.world.get(Number(nativeId))).toBeUndefined()
    // One get on going live, one in this refresh: NOT_FOUND is final, never retried.
    expect(getsOf(nativeId)).toBe(2)
  })

  it('retries a command whose ack timed out, and reports the error keeping its state when retries run out', async () => {
    const s = await sim({ slowMs: 1500 })
    const { feed, batches } = await liveFeed(s)
    const listsBefore = s.control.commandCounts()['event:list']!

    s.control.failNext(1, 'slow')
    expect(await feed.refreshNow()).toBe(true)
    expect(s.control.commandCounts()['event:list']).toBe(listsBefore + 4) // 3 lists + 1 retry
    expect(feed.status().state).toBe('live')

    s.control.setRates({ slowRate: 1 })
    expect(await feed.refreshNow()).toBe(false)
    // One failed refresh is not silence: `stale` is decided by staleAfterMs alone.
    expect(feed.status().state).toBe('live')
    expect(feed.status().error).toMatch(
      /'event:list' failed after 2 attempt\(s\): no ack for 'event:list' within 300 ms/,
    )
    expect(batches).toHaveLength(1) // nothing applied

    s.control.setRates({ slowRate: 0 })
    expect(await feed.refreshNow()).toBe(true)
    expect(feed.status().state).toBe('live')
    expect(feed.status().error).toBeUndefined()
    expect(batches).toHaveLength(1) // the world did not move: still nothing to send
  })

  it('goes stale when no reply carries data for staleAfterMs, and live again on a good refresh', async () => {
    const s = await sim()
    const { feed } = await liveFeed(s, { staleAfterMs: 200 })
    s.control.setRates({ failureRate: 1 })
    await waitFor(() => feed.status().state === 'stale', 'the feed to go stale')
    expect(feed.status().error).toMatch(/no upstream message for [\d.]+ s/)
    s.control.setRates({ failureRate: 0 })
    expect(await feed.refreshNow()).toBe(true)
    expect(feed.status().state).toBe('live')
    expect(feed.status().error).toBeUndefined()
  })

  it('retries an error reply, and reports a command error when it persists', async () => {
    const s = await sim()
    const { feed, batches } = await liveFeed(s)

    s.control.failNext(1, 'error')
    expect(await feed.refreshNow()).toBe(true)

    s.control.setRates({ failureRate: 1 })
    expect(await feed.refreshNow()).toBe(false)
    expect(feed.status()).toMatchObject({ state: 'live' })
    expect(feed.status().error).toMatch(/failed after 2 attempt\(s\).*SERVICE_UNAVAILABLE/)
    expect(batches).toHaveLength(1)
  })

  it('counts a reply of the wrong shape as a bad frame and applies nothing', async () => {
    const s = await sim()
    const { feed, batches } = await liveFeed(s)
    s.control.world.setOdds(10748848, 0, 0, 7) // a change that must not be half-applied
    s.control.failNext(1, 'malformed')
    expect(await feed.refreshNow()).toBe(false)
    expect(feed.status()).toMatchObject({ state: 'live', badFrames: 1 })
    expect(feed.status().error).toMatch(/bad 'event:list' reply: events/)
    expect(batches).toHaveLength(1)
    expect(await feed.refreshNow()).toBe(true)
    expect(batches).toHaveLength(2)
    expect(upserted(batches[1]!).map((e) => e.kind)).toEqual(['selection'])
  })

  it('logs an unknown pushed event once per name and counts every one', async () => {
    const s = await sim()
    const { feed, warnings } = await liveFeed(s)
    s.control.push('odds:push', { eventId: 1 })
    s.control.push('odds:push', { eventId: 2 })
    s.control.push('market:update', {})
    await waitFor(() => feed.unknownEvents()['market:update'] === 1, 'the pushes to arrive')
    expect(feed.unknownEvents()).toEqual({ 'odds:push': 2, 'market:update': 1 })
    expect(warnings.filter((w) => w.includes('unknown event'))).toHaveLength(2)
  })

  it('reconnects after a drop with a fresh uuid and carries on from its last state', async () => {
    const s = await sim()
    const { feed, batches } = await liveFeed(s)
    const states: string[] = []
    feed.onStatus((st) => states.push(st.state))
    s.control.dropConnections()
    await waitFor(
      () => states.includes('reconnecting') && feed.status().state === 'live',
      'the reconnect',
    )
    const ids = s.control.identifiers()
    expect(ids).toHaveLength(2)
    expect(ids[0]).not.toBe(ids[1])
    expect(ids[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(feed.status().reconnects).toBe(1)
    expect(batches).toHaveLength(1) // same world after the reconnect: no ops
  })

  it('sends Origin https://kwiff.com, a browser User-Agent and the seed command fields', async () => {
    const s = await sim()
    await liveFeed(s)
    const [hs] = s.control.handshakes()
    // The simulator accepts a handshake only when `Cookie: uuid=` equals the `identifier` query.
    expect(hs).toMatchObject({ origin: 'https://kwiff.com' })
    expect(hs!.userAgent).toMatch(/^Mozilla\/5\.0 \(.*\) AppleWebKit.*Chrome\/[\d.]+ Safari/)
    const cmds = s.control.commands()
    expect(cmds.length).toBeGreaterThanOrEqual(3)
    for (const c of cmds) {
      expect(typeof c.timestamp).toBe('number')
      expect(c.userAgent).toBe(hs!.userAgent)
      expect(c.webappVersion).toBe('1.0.1.1768909734556')
    }
  })

  it('lists every configured sport in every configured country (GB and IE)', async () => {
    const s = await sim()
    await liveFeed(s, { sports: [11, 36], countries: ['GB', 'IE'] })
    const lists = s.control
      .commands()
      .filter((c) => c.message === 'event:list')
      .map((c) => c.payload)
    expect(lists).toEqual([
      { listId: 'default', sportId: 11, country: 'GB' },
      { listId: 'default', sportId: 11, country: 'IE' },
      { listId: 'default', sportId: 36, country: 'GB' },
      { listId: 'default', sportId: 36, country: 'IE' },
    ])
    const gets = s.control.commands().filter((c) => c.message === 'event:get')
    // event:get only for live events, once each although both countries list them.
    const ids = gets.map((c) => c.payload.eventId as number)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(s.control.world.get(id)?.sportId).toBeOneOf([11, 36])
  })

  it('keeps the last good entities of one malformed event and applies the rest', async () => {
    const s = await sim()
    const { feed, batches } = await liveFeed(s)
    const first = s.control.world
      .events()
      .filter((e) => e.sportId === 11)
      .sort((a, b) => a.startTick - b.startTick || a.id - b.id)[0]!
    expect(first.id).not.toBe(10748848)
    s.control.world.setOdds(10748848, 0, 1, 10) // a real change elsewhere, to be applied
    s.control.failNext(1, 'bad-event') // the first event:list (football) lacks one homeTeam
    expect(await feed.refreshNow()).toBe(true)
    expect(feed.status()).toMatchObject({ state: 'live', badFrames: 1 })
    expect(batches).toHaveLength(2)
    expect(batches[1]).toHaveLength(1)
    expect(batches[1]![0]).toMatchObject({
      op: 'upsert',
      entity: { kind: 'selection', eventId: 'kwiff:e10748848', odds: 10 },
    })
    // Nothing of the malformed event was removed; the next good refresh changes nothing.
    expect(await feed.refreshNow()).toBe(true)
    expect(batches).toHaveLength(2)
  })

  it('accepts the response push after 40 as well', async () => {
    const s = await sim({ responseOrder: 'after-connect' })
    const { feed } = await liveFeed(s)
    expect(feed.status().state).toBe('live')
  })

  it('keeps refreshing on its interval as the world moves (live odds monitoring)', async () => {
    const s = await sim({ tickMs: 20 })
    const { batches } = await liveFeed(s, { refreshMs: 50 })
    await waitFor(() => batches.length >= 3, 'three batches of changes')
    const later = batches.slice(1).flat()
    expect(later.some((o) => o.op === 'upsert' && o.entity.kind === 'selection')).toBe(true)
  })
})

describe('kwiff authentication', () => {
  function client(
    url: string,
    identifier: string,
    cookie: string,
  ): { c: SocketIoClient; states: ClientState[] } {
    const c = new SocketIoClient({
      url,
      transport: 'websocket',
      query: { device: 'web-app', version: '1.0.1' },
      prepare: () => ({ query: { identifier }, headers: { Cookie: `uuid=${cookie}` } }),
      reconnect: false,
      connectTimeoutMs: 3000,
    })
    const states: ClientState[] = []
    c.on('state', (st) => states.push(st))
    cleanups.push(() => c.close())
    return { c, states }
  }

  it('refuses a client whose cookie does not match its identifier', async () => {
    const s = await sim()
    const { c, states } = client(
      s.url,
      '3f0c6f8e-0000-4000-8000-000000000001',
      '3f0c6f8e-0000-4000-8000-000000000002',
    )
    c.connect()
    await waitFor(() => c.state === 'closed' && states.length > 1, 'the refusal')
    expect(states).not.toContain('open')
    expect(s.control.commandCounts()).toEqual({})
  })

  it('accepts a client whose cookie matches (control)', async () => {
    const s = await sim()
    const id = '3f0c6f8e-0000-4000-8000-000000000003'
    const { c } = client(s.url, id, id)
    c.connect()
    await waitFor(() => c.state === 'open', 'the connection')
    const [reply] = await c.emitWithAck(
      'command',
      [{ message: 'event:get', payload: { eventId: 10748848 } }],
      2000,
    )
    expect(reply).toMatchObject({ data: { result: { id: 10748848 } } })
  })
})
