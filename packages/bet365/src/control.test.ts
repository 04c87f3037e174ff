/**
 * DPT control frames on the zap socket (README "Frame types"): a `\x19` ping is a message and
 * not a bad frame; a `\x1d` close request ends the connection and the feed reconnects.
 */
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { encodeHandshakeReply } from './codec'
import { createBet365Feed } from './feed'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function server(after: string[]): Promise<{ url: string; connections: () => number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/zap/' })
  await new Promise<void>((r) => wss.once('listening', r))
  let n = 0
  wss.on('connection', (ws) => {
    n++
    ws.once('message', () => {
      ws.send(encodeHandshakeReply('100', `C${n}`))
      for (const f of after) ws.send(f)
    })
  })
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => r())
      }),
  )
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/zap/`, connections: () => n }
}

describe('zap control frames', () => {
  it('a ping (0x19) counts as a message, never as a bad frame', async () => {
    const s = await server(['\x1920261129180000000'])
    const feed = createBet365Feed({ url: s.url })
    cleanups.unshift(() => feed.stop())
    feed.start()
    await waitUntil(() => feed.status().messages >= 2, { timeoutMs: 5000 })
    expect(feed.status().badFrames).toBe(0)
    expect(feed.status().state).toBe('live')
  })

  it('a close request (0x1d) ends the connection and the feed reconnects', async () => {
    const s = await server(['\x1d'])
    const feed = createBet365Feed({ url: s.url })
    cleanups.unshift(() => feed.stop())
    feed.start()
    await waitUntil(() => s.connections() >= 2, { timeoutMs: 10_000 })
    expect(feed.status().badFrames).toBe(0)
    expect(feed.status().reconnects).toBeGreaterThanOrEqual(1)
  })
})
