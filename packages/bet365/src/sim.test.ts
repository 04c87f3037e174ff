import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { applyOps, emptyState, type EntityState, type TennisScore } from '@oddsboard/model'
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

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

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
    } else frames.push(f.messages)
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
    const point = frames.slice(2).find((f) => f.some((m) => recordField(m.records[0]!, 'XP')))!
    const ev = point[point.length - 1]!
    expect(ev).toMatchObject({ kind: 'delta', op: 'U' })
    for (const m of point.slice(0, -1)) expect(Object.keys(m.records[0]!.fields)).toContain('OD')
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
