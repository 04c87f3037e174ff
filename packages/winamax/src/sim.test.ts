import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SocketIoClient } from '@oddsboard/engineio'
import { mulberry32, type SimServer } from '@oddsboard/feedkit'
import type { Event } from '@oddsboard/model'
import { CAPTURE_PATH, mFrames, readCapture } from './capture'
import { decodeEventFrame, decodeMPayload } from './codec'
import type { WinamaxPayload } from './codec'
import { WinamaxStore } from './normalize'
import { formatMatchtime, generatedDeltas, startWinamaxSim, stepOdds } from './sim'

describe('generated deltas', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    const a = generatedDeltas(7, 30)
    expect(generatedDeltas(7, 30)).toEqual(a)
    expect(generatedDeltas(8, 30)).not.toEqual(a)
  })

  it('have the recorded shape and apply cleanly after the whole capture', () => {
    const store = new WinamaxStore()
    for (const f of mFrames(readCapture().frames))
      store.apply(decodeMPayload(decodeEventFrame(f.data).args[0]), f.t)
    const rejectedBefore = store.rejectedOdds
    let oddsMoves = 0
    let clocks = 0
    let hot = 0
    for (const d of generatedDeltas(3, 200)) {
      for (const k of Object.keys(d)) expect(['outcomes', 'matches', 'bets', 'odds']).toContain(k)
      for (const v of Object.values(d.odds ?? {})) {
        if (v === null) continue
        oddsMoves++
        expect(typeof v).toBe('number')
        expect(v as number).toBeGreaterThan(1.01)
        expect(Math.round((v as number) * 100) / 100).toBe(v)
      }
      for (const m of Object.values(d.matches ?? {})) {
        if (m?.matchtimeExtended === undefined) continue
        clocks++
        expect(m.matchtimeExtended).toMatch(/^\d+:\d\d$/)
        expect(m.matchtime).toBe(Number(String(m.matchtimeExtended).split(':')[0]) + 1)
      }
      for (const o of Object.values(d.outcomes ?? {})) if (o?.hotUsers !== undefined) hot++
      store.apply(decodeMPayload(d), 200_000)
    }
    expect(store.rejectedOdds).toBe(rejectedBefore)
    expect(oddsMoves).toBeGreaterThan(100)
    expect(clocks).toBeGreaterThan(200)
    expect(hot).toBeGreaterThan(100)
    // The live matches' clocks moved on: 64890878 was at 81:16 at the end of the capture;
    // 200 one-second ticks later it has ended or reads later than that, running.
    const ev = store.entity('event', 'winamax:m64890878') as Event | undefined
    if (ev !== undefined && ev.status === 'live') {
      expect(ev.clock).toMatchObject({ running: true, at: 200_000, period: '2nd half' })
      expect(ev.clock!.seconds).toBeGreaterThan(81 * 60 + 16)
    }
    // Every live event the generator left has a running clock, every market one main.
    const live = [...store.entities().values()].filter(
      (e): e is Event => e.kind === 'event' && e.status === 'live' && e.clock !== undefined,
    )
    expect(live.length).toBeGreaterThan(0)
    for (const e of live) expect(e.clock, e.name).toMatchObject({ running: true })
  })

  it('stepOdds moves on the ladder and stays above 1.01', () => {
    const r = mulberry32(1)
    let o = 1.05
    for (let i = 0; i < 500; i++) {
      const next = stepOdds(o, r)
      expect(next).toBeGreaterThan(1.01)
      expect(Math.abs(next - o)).toBeLessThanOrEqual(0.02 + 1e-9)
      o = next < 1.9 ? next : 1.05
    }
    expect(formatMatchtime(4816)).toBe('80:16')
    expect(formatMatchtime(5)).toBe('0:05')
  })
})

describe('startWinamaxSim over a real socket', () => {
  let sim: SimServer | undefined
  let client: SocketIoClient | undefined
  afterEach(async () => {
    await client?.close()
    await sim?.close()
    client = sim = undefined
  })

  it('answers a subscription with the snapshot carrying its requestId, then deltas', async () => {
    sim = await startWinamaxSim({ speed: 100 })
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/uof-sports-server\/socket\.io\/$/)
    const c = new SocketIoClient({ url: sim.url, reconnect: false })
    client = c
    const received: WinamaxPayload[] = []
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no delta within 8 s')), 8_000)
      c.on('event', (name, args) => {
        if (name !== 'm') return
        received.push(args[0] as WinamaxPayload)
        if (received.length >= 3) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    c.on('connect', () => c.emit('m', { route: 'sport:1', requestId: 'req-1' }))
    c.connect()
    await done
    expect(received[0]!.requestId).toBe('req-1')
    expect(Object.keys(received[0]!.matches!)).toHaveLength(689)
    // Kick-offs are moved from the recording's date to now, keeping their distance from it:
    // 64890878 was at 78:16, second half, in the first payload (its recorded matchStart is
    // 1h45m before the capture), so it kicked off about 1h45m ago, not in November 2025.
    const { header, frames } = readCapture()
    const recorded = decodeEventFrame(mFrames(frames)[0]!.data).args[0] as WinamaxPayload
    const capturedAt = Date.parse(String(header.capturedAt))
    const before = (recorded.matches!['64890878'] as { matchStart: number }).matchStart * 1000
    const now = (received[0]!.matches!['64890878'] as { matchStart: number }).matchStart * 1000
    expect(Math.abs(now - Date.now() - (before - capturedAt))).toBeLessThan(60_000)
    // The first recorded delta (captures/winamax line 6).
    expect(received[1]!.requestId).toBeUndefined()
    expect(received[1]!.outcomes!['1644829548']).toEqual({ hotUsers: 1916 })
  })

  it('after the recorded deltas, keeps going: odds, hotUsers and live clocks move', async () => {
    // A short capture: the real snapshot and the first real delta 20 ms after it, so the
    // replay ends at once and the generated stream must take over.
    const { header, frames } = readCapture(CAPTURE_PATH)
    const [snap, delta] = mFrames(frames)
    const dir = mkdtempSync(path.join(tmpdir(), 'winamax-sim-'))
    const capturePath = path.join(dir, 'short.ndjson')
    const lines = [header, { ...snap!, t: 0 }, { ...delta!, t: 20 }].map((l) => JSON.stringify(l))
    writeFileSync(capturePath, lines.join('\n') + '\n')
    try {
      sim = await startWinamaxSim({ capturePath, speed: 20 })
      const c = new SocketIoClient({ url: sim.url, reconnect: false })
      client = c
      const received: WinamaxPayload[] = []
      const seen = { odds: false, hotUsers: false, clock: false }
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`stream stalled: ${JSON.stringify(seen)}`)),
          8_000,
        )
        c.on('event', (name, args) => {
          if (name !== 'm') return
          const p = args[0] as WinamaxPayload
          received.push(p)
          if (received.length <= 2) return // the snapshot and the recorded delta
          if (p.odds !== undefined && Object.values(p.odds).some((v) => typeof v === 'number'))
            seen.odds = true
          if (Object.values(p.outcomes ?? {}).some((o) => typeof o?.hotUsers === 'number'))
            seen.hotUsers = true
          if (Object.values(p.matches ?? {}).some((m) => typeof m?.matchtimeExtended === 'string'))
            seen.clock = true
          if (seen.odds && seen.hotUsers && seen.clock) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      c.on('connect', () => c.emit('m', { route: 'sport:1', requestId: 'req-2' }))
      c.connect()
      await done
      expect(received[0]!.requestId).toBe('req-2')
      expect(received[1]!.outcomes!['1644829548']).toEqual({ hotUsers: 1916 })
      // The generated part applies cleanly on top of what was sent before it.
      const store = new WinamaxStore()
      for (const p of received) store.apply(decodeMPayload(structuredClone(p)), 0)
      expect(store.rejectedOdds).toBe(0)
      expect(received.length).toBeGreaterThanOrEqual(3)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
