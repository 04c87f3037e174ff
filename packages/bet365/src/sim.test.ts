import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import {
  applyOps,
  clockSeconds,
  emptyState,
  type EntityState,
  type TennisScore,
} from '@oddsboard/model'
import { parseBet365Time } from './canonical'
import {
  decodeServerFrame,
  encodeClientHandshake,
  encodeSubscribe,
  recordField,
  type ZapMessage,
} from './codec'
import { createBet365Feed } from './feed'
import { startBet365Sim, type Bet365SimServer } from './sim'
import { parseTennisScore } from './tennis'
import { waitUntil } from '@oddsboard/feedkit/testing'

const ILAGAN_IT = 'L13-1-5-134323248-5-20000625_1_3'

let cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function sim(options: Parameters<typeof startBet365Sim>[0]): Promise<Bet365SimServer> {
  const s = await startBet365Sim(options)
  cleanups.push(() => s.close())
  return s
}

const waitFor = (cond: () => boolean, ms: number, what: string) =>
  waitUntil(cond, { timeoutMs: ms, what })

/** A bare zap client: handshake, subscribe, and every message received (frames kept whole). */
async function rawClient(url: string, topics: string[]): Promise<{ frames: ZapMessage[][] }> {
  const ws = new WebSocket(url, ['zap-protocol-v1'], {
    headers: { Origin: 'https://www.bet365.com' },
  })
  cleanups.push(async () => {
    ws.terminate()
  })
  const frames: ZapMessage[][] = []
  ws.on('message', (data) => {
    const f = decodeServerFrame(data.toString())
    if (f.kind === 'handshake') {
      expect(f.status).toBe('100')
      ws.send(encodeSubscribe(topics))
    } else if (f.kind === 'messages') frames.push(f.messages)
  })
  await new Promise<void>((r) => ws.once('open', () => r()))
  ws.send(encodeClientHandshake({ topics: ['__time'], sessionId: 'ABC000003' }))
  return { frames }
}

describe('Bet365 simulator', () => {
  it('speaks the wire protocol: __time load, the in-play load, then U deltas bundled per point', async () => {
    const s = await sim({ seed: 3, speed: 20 })
    expect(s.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/zap\/$/)
    const { frames } = await rawClient(s.url, ['OVInPlay_1_3'])
    await waitFor(() => frames.length > 20, 8000, 'frames')
    expect(frames[0]![0]).toMatchObject({ kind: 'load', topic: '__time', op: 'F' })
    const load = frames[1]![0]!
    expect(load).toMatchObject({ kind: 'load', topic: 'OVInPlay_1_3', op: 'F' })
    const names = load.records.filter((r) => r.type === 'EV').map((r) => r.fields.NA)
    expect(names).toContain('Mariano Navone v Luciano Darderi')
    expect(names).toContain('Sahaja Yamalapalli v Ekaterina Khayrutdinova')
    expect(load.records.filter((r) => r.type === 'PA').length).toBeGreaterThanOrEqual(173)
    // A point: odds U deltas (if the price moved) then the event's score, in one frame.
    const isPoint = (f: ZapMessage[]) =>
      f.some((m) => m.records[0] !== undefined && recordField(m.records[0], 'XP'))
    const point = frames.slice(2).find(isPoint)!
    const ev = point[point.length - 1]!
    expect(ev).toMatchObject({ kind: 'delta', op: 'U' })
    for (const m of point.slice(0, -1)) {
      expect(Object.keys(m.records[0]!.fields).some((k) => k === 'OD' || k === 'SU')).toBe(true)
    }
    // Score and odds bundled in one frame (`\x08`-joined on the wire), as the seed's "Mixed update".
    const bundled = () =>
      frames.find((f) => isPoint(f) && f.length >= 2 && recordField(f[0]!.records[0]!, 'OD'))
    await waitFor(() => bundled() !== undefined, 8000, 'a point that moved the prices')
    const mixed = bundled()!
    expect(mixed[0]!.op).toBe('U')
    expect(recordField(mixed[mixed.length - 1]!.records[0]!, 'XP')).toMatch(/^\w+-\w+$/)
    // `__time` heartbeats: U deltas carrying the server clock.
    const beat = () => frames.flat().find((m) => m.topic === '__time' && m.op === 'U')
    await waitFor(() => beat() !== undefined, 5000, 'a __time heartbeat')
    expect(beat()!.records[0]!.fields.TI).toMatch(/^\d{17}$/)
  })

  it('reopens a money line the real load has suspended (SU=1) at the next point', async () => {
    // Bucsa/Matos v Hsieh/Wallner (French Open XD): MA and both PA have SU=1 in the 2026 load.
    const MA = 'L195455434C13-1763_1_3'
    const PAS = ['L195482628-1401032752_1_3', 'L195482628-1401032751_1_3']
    const s = await sim({ seed: 3, speed: 20 })
    const { frames } = await rawClient(s.url, ['OVInPlay_1_3'])
    await waitFor(() => frames.length >= 2, 8000, 'the load')
    const load = frames[1]![0]!
    for (const it of [MA, ...PAS]) {
      expect(load.records.find((r) => recordField(r, 'IT') === it)!.fields.SU).toBe('1')
    }
    const reopened = (it: string) =>
      frames.flat().find((m) => m.topic === it && m.op === 'U' && m.records[0]!.fields.SU === '0')
    await waitFor(() => [MA, ...PAS].every((it) => reopened(it)), 10_000, 'the reopening')
    // The reopening carries the new price when it moved (else the loaded price stands).
    for (const it of PAS) {
      const od = reopened(it)!.records[0]!.fields.OD
      if (od !== undefined) expect(od).toMatch(/^\d+\/\d+$/)
    }
  })

  it('is deterministic per match given the seed', async () => {
    const scores = async (): Promise<string[]> => {
      const s = await sim({ seed: 11, speed: 40 })
      const { frames } = await rawClient(s.url, ['OVInPlay_1_3'])
      const seen = (): string[] =>
        frames
          .flat()
          .filter((m) => m.topic === ILAGAN_IT && m.op === 'U')
          .map((m) => JSON.stringify(m.records[0]!.fields))
      await waitFor(() => seen().length >= 8, 8000, 'points of one match')
      return seen().slice(0, 8)
    }
    const [a, b] = [await scores(), await scores()]
    expect(a).toEqual(b)
  })

  it('finished matches leave with D and new ones come in with I; the board stays full', async () => {
    const s = await sim({ seed: 5, speed: 200 })
    const feed = createBet365Feed({ url: s.url })
    cleanups.push(() => feed.stop())
    let state: EntityState = emptyState()
    const removed = new Set<string>()
    feed.onOps((ops) => {
      for (const op of ops) if (op.op === 'remove' && op.kind === 'event') removed.add(op.id)
      state = applyOps(state, ops)
    })
    feed.start()
    const tennis = () => [...state.event.values()].filter((e) => e.sportId === 'bet365:cl13')
    await waitFor(() => tennis().length === 24, 8000, 'the load')
    const inserted = () => tennis().filter((e) => e.id.startsWith('bet365:ev9'))
    await waitFor(() => removed.size > 0 && inserted().length > 0, 15_000, 'a match to end')
    expect(tennis().length).toBeGreaterThanOrEqual(23)
    const fresh = inserted()[0]!
    expect(fresh.participants.every((p) => p.length > 3)).toBe(true)
    const score = fresh.score as TennisScore
    expect(score.sets.length).toBeGreaterThanOrEqual(1)
    for (const e of tennis()) {
      const sc = e.score as TennisScore | undefined
      if (sc === undefined) continue
      const ss = sc.sets.map(([x, y]) => `${x}-${y}`).join(',')
      expect(parseTennisScore(ss, sc.points.join('-')).ok).toBe(true)
    }
    expect(feed.status().badFrames).toBe(0)
    // New matches go to the load's singles tournaments (spread over them, not all in one),
    // with women's first names in women's events.
    await waitFor(() => inserted().length >= 4, 15_000, 'four new matches')
    const comps = inserted().map((e) => state.competition.get(e.competitionId)!.name)
    expect(new Set(comps).size).toBeGreaterThan(1)
    for (const e of inserted()) {
      const name = state.competition.get(e.competitionId)!.name
      expect(name).not.toMatch(/ (MD|WD|XD)$/)
      if (/Women$|^W\d/.test(name)) {
        for (const p of e.participants) expect(p).toMatch(/^(Elena|Sofia|Marta|Ines|Anna) /)
      }
    }
  })

  it('a reconnect keeps inserted matches in their own tournaments (the F load nests by kind)', async () => {
    const s = await sim({ seed: 5, speed: 200 })
    const feed = createBet365Feed({ url: s.url })
    cleanups.push(() => feed.stop())
    let state: EntityState = emptyState()
    let batches = 0
    feed.onOps((ops) => {
      batches++
      state = applyOps(state, ops)
    })
    feed.start()
    const inserted = () => [...state.event.values()].filter((e) => e.id.startsWith('bet365:ev9'))
    await waitFor(() => inserted().length >= 3, 15_000, 'new matches')
    const before = new Map(inserted().map((e) => [e.id, e.competitionId]))
    s.dropConnections()
    await waitFor(() => feed.status().reconnects >= 1, 8000, 'the reconnect')
    // The new F load is the first data of the new socket; two batches later it is applied.
    const b0 = batches
    await waitFor(() => batches >= b0 + 2, 8000, 'the new load and a point')
    const still = [...before].filter(([id]) => state.event.has(id))
    expect(still.length).toBeGreaterThan(0)
    for (const [id, comp] of still) expect(state.event.get(id)!.competitionId).toBe(comp)
  })

  it('football clocks read as recorded and run on: TU moved to now, syncs consistent with the load', async () => {
    const s = await sim({ seed: 7, speed: 20 })
    const { frames } = await rawClient(s.url, ['OVInPlay_1_3'])
    await waitFor(() => frames.length >= 2, 8000, 'the load')
    const subscribedAt = Date.now()
    const load = frames[1]![0]!
    const ev = (name: string) => load.records.find((r) => r.type === 'EV' && r.fields.NA === name)!
    // Central Ballester v Deportivo Espanol: TM=45;TS=0;TT=1 since 17:34:45 BST; the load's
    // newest TU is 18:07:36, so the clock read 77:51 when the load was recorded, and now too.
    const central = ev('Central Ballester v Deportivo Espanol').fields
    expect(central).toMatchObject({ TM: '45', TS: '0', TT: '1' })
    const at = parseBet365Time(central.TU)!
    expect(subscribedAt - at).toBeGreaterThanOrEqual(32 * 60_000 + 50_000)
    expect(subscribedAt - at).toBeLessThan(32 * 60_000 + 53_000 + 8000)
    // Every running clock sync (TM/TS/TU) agrees with that reading as time goes on.
    const reading = 45 * 60 + (subscribedAt - at) / 1000
    const syncs = () =>
      frames.flat().filter((m) => m.topic === central.IT && m.op === 'U' && m.records[0]!.fields.TU)
    await waitFor(() => syncs().length >= 1, 10_000, 'a clock sync')
    for (const m of syncs()) {
      const f = m.records[0]!.fields
      const seconds = Number(f.TM) * 60 + Number(f.TS)
      const expected = reading + (parseBet365Time(f.TU)! - subscribedAt) / 1000
      expect(Math.abs(seconds - expected)).toBeLessThan(10)
      expect(f.TT).toBe('1')
    }
    expect(s.footballEvents()).toContain(central.IT)
  })

  it('PSG v Arsenal, at half time in the load, starts its second half at 45:00', async () => {
    const PSG = 'L1-1-5-134273051-2-737_1_3'
    const s = await sim({ seed: 7, speed: 20 })
    const { frames } = await rawClient(s.url, ['OVInPlay_1_3'])
    await waitFor(() => frames.length >= 2, 8000, 'the load')
    const restart = () =>
      frames.flat().find((m) => m.topic === PSG && m.op === 'U' && m.records[0]!.fields.TT === '1')
    await waitFor(() => restart() !== undefined, 10_000, 'the second half')
    expect(restart()!.records[0]!.fields).toMatchObject({ TM: '45', TS: '0', TT: '1' })
  })

  it('a decided match leads with the next goal: Fulltime Result out (D), "5th Goal" in (I)', async () => {
    const s = await sim({ seed: 7, speed: 20 })
    const { frames } = await rawClient(s.url, ['OVInPlay_1_3'])
    await waitFor(() => frames.length >= 2, 8000, 'the load')
    const load = frames[1]![0]!
    // Bohemians Dublin (W) v Waterford FC (W), 4-0 in the second half.
    const i = load.records.findIndex(
      (r) => r.fields.NA === 'Bohemians Dublin (W) v Waterford FC (W)',
    )
    const ev = load.records[i]!.fields.IT!
    const ma = load.records[i + 1]!
    expect(ma.fields).toMatchObject({ ID: '1777', NA: 'Fulltime Result' })
    const swap = () => frames.find((f) => f.some((m) => m.topic === ma.fields.IT && m.op === 'D'))
    await waitFor(() => swap() !== undefined, 10_000, 'the switch')
    const insert = swap()!.find((m) => m.topic === ev && m.op === 'I')!
    expect(insert.records[0]!.fields).toMatchObject({ ID: '1778', NA: '5th Goal', OR: '0' })
    expect(insert.records.slice(1).map((r) => r.fields.NA)).toEqual([
      'Bohemians Dublin (W)',
      'No 5th Goal',
      'Waterford FC (W)',
    ])
  })

  it('the feed sees the football board move: requoted prices with fresh updatedAt, cricket left as loaded', async () => {
    const s = await sim({ seed: 7, speed: 20 })
    const feed = createBet365Feed({ url: s.url })
    cleanups.push(() => feed.stop())
    let state: EntityState = emptyState()
    feed.onOps((ops) => {
      state = applyOps(state, ops)
    })
    feed.start()
    const football = () => [...state.event.values()].filter((e) => e.sportId === 'bet365:cl1')
    await waitFor(() => football().length > 30, 8000, 'the load')
    const loadedAt = Math.max(...football().map((e) => e.updatedAt))
    const moved = () =>
      [...state.selection.values()].filter(
        (x) => x.eventId.startsWith('bet365:ev') && x.updatedAt > loadedAt + 500,
      )
    await waitFor(() => moved().length >= 10, 10_000, 'requoted prices')
    for (const x of moved()) expect(x.odds === null || x.odds > 1).toBe(true)
    const cricket = [...state.event.values()].filter((e) => e.sportId === 'bet365:cl3')
    expect(cricket).toHaveLength(2)
    for (const e of cricket) expect(e.updatedAt).toBeLessThanOrEqual(loadedAt)
    for (const e of football()) {
      if (e.clock?.running !== true) continue
      expect(clockSeconds(e.clock, Date.now())).toBeLessThan(100 * 60)
    }
    expect(feed.status().badFrames).toBe(0)
  })

  it('the non-tennis events move too: the match listed before kick-off starts, American football runs its clock', async () => {
    const AF = 'L12-1-5-195509164-5-20062134_1_3'
    const s = await sim({ seed: 7, speed: 200 })
    const feed = createBet365Feed({ url: s.url })
    cleanups.push(() => feed.stop())
    let state: EntityState = emptyState()
    const UNI = 'Universidad de Antioquia v Rionegro Aguilas Reserves'
    const uni = () => [...state.event.values()].find((e) => e.name === UNI)
    let loadedStatus: string | undefined
    feed.onOps((ops) => {
      state = applyOps(state, ops)
      loadedStatus ??= uni()?.status
    })
    feed.start()
    await waitFor(() => uni() !== undefined, 8000, 'the load')
    // FS=0 in the load: listed in play, not kicked off.
    expect(loadedStatus).toBe('prematch')
    await waitFor(() => uni()!.status === 'live', 8000, 'the kick-off')
    expect(uni()!.clock).toMatchObject({ running: true })
    expect(clockSeconds(uni()!.clock!, Date.now())).toBeLessThan(10 * 60)
    expect(s.footballEvents()).toContain('L1-1-5-134301183-2-737_1_3')
    expect(s.pendingKickoffs()).toEqual([])
    // American football: its clock (stopped at 6:30 in the load) runs down, on the wire.
    expect(s.americanFootballEvents()).toEqual([AF])
    const { frames } = await rawClient(s.url, ['OVInPlay_1_3'])
    const running = () =>
      frames.flat().find((m) => m.topic === AF && m.op === 'U' && m.records[0]!.fields.TT === '1')
    await waitFor(() => running() !== undefined, 8000, 'the clock sync')
    const f = running()!.records[0]!.fields
    expect(Number(f.TM) * 60 + Number(f.TS)).toBeLessThanOrEqual(6 * 60 + 30)
    expect(feed.status().badFrames).toBe(0)
  })

  it('answers an unknown topic with the EMPTY notice, which the feed reports', async () => {
    const s = await sim({ seed: 1 })
    const feed = createBet365Feed({ url: s.url, topics: ['OVInPlay_1_3', 'NoSuchTopic_1_3'] })
    cleanups.push(() => feed.stop())
    feed.start()
    await waitFor(() => feed.status().error !== undefined, 8000, 'the EMPTY error')
    expect(feed.status().error).toBe('no such topic: NoSuchTopic_1_3')
  })
})
