/**
 * The feed normalizes once per turn of the event loop (feed.ts, `scheduleEmit`): frames read
 * together come out as ONE batch of ops, so a busy proxy projects the tree once per batch
 * instead of once per frame (bench/e2e-latency.ts).
 */
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Op } from '@oddsboard/model'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { encodeFrame, encodeHandshakeReply, type ZapMessage, type ZapRecord } from './codec'
import { createBet365Feed } from './feed'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

/** One live football match with its 1X2 market (fields as in the 2026 in-play load). */
const LOAD: ZapRecord[] = [
  { type: 'CL', fields: { ID: '1', IT: 'CL_1_1_3', NA: 'Soccer', OR: '0' } },
  {
    type: 'EV',
    fields: {
      IT: 'EV1_1_3',
      ID: '700000001C1A_1_3',
      NA: 'Home FC v Away FC',
      OI: '700000001',
      CL: '1',
      CT: 'Test League',
      FS: '1',
      SS: '0-0',
    },
  },
  {
    type: 'MA',
    fields: { IT: 'MA1_1_3', FI: '700000001', ID: '1777', NA: 'Fulltime Result', OR: '0' },
  },
  ...['1/1', '5/2', '3/1'].map((od, o): ZapRecord => ({
    type: 'PA',
    fields: { IT: `PA${o}_1_3`, FI: '700000001', ID: `80000000${o}`, OD: od, OR: String(o) },
  })),
]

const odds = (it: string, od: string): string =>
  encodeFrame([{ kind: 'delta', topic: it, op: 'U', records: [{ type: '', fields: { OD: od } }] }])

async function server(): Promise<{ url: string; subscribed: () => WebSocket | null }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/zap/' })
  await new Promise<void>((r) => wss.once('listening', r))
  let subscribed: WebSocket | null = null
  wss.on('connection', (ws) => {
    let n = 0
    ws.on('message', () => {
      if (++n === 1) {
        ws.send(encodeHandshakeReply('100', 'C1'))
        return
      }
      const load: ZapMessage = { kind: 'load', topic: 'OVInPlay_1_3', op: 'F', records: LOAD }
      ws.send(encodeFrame([load]))
      subscribed = ws
    })
  })
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => r())
      }),
  )
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/zap/`,
    subscribed: () => subscribed,
  }
}

describe('bet365 feed batching', () => {
  it('two frames read in one turn come out as one batch of ops carrying both changes', async () => {
    const s = await server()
    const feed = createBet365Feed({ url: s.url })
    cleanups.unshift(() => feed.stop())
    const batches: Op[][] = []
    feed.onOps((ops) => batches.push(ops))
    feed.start()
    await waitUntil(() => batches.flat().some((op) => JSON.stringify(op).includes('800000002')), {
      timeoutMs: 5000,
    })
    const before = batches.length
    // Both frames are written in this turn, so the feed's socket reads them together.
    const ws = s.subscribed()!
    ws.send(odds('PA0_1_3', '4/1'))
    ws.send(odds('PA2_1_3', '6/1'))
    await waitUntil(() => batches.length > before, { timeoutMs: 5000 })
    await new Promise((r) => setTimeout(r, 100)) // a second batch, if any, would be out by now
    const after = batches.slice(before)
    expect(after).toHaveLength(1)
    const text = JSON.stringify(after[0])
    expect(text).toContain('"bet365:pa800000000"')
    expect(text).toContain('"odds":5')
    expect(text).toContain('"bet365:pa800000002"')
    expect(text).toContain('"odds":7')
  })
})
