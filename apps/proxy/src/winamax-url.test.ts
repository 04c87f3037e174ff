import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { afterEach, describe, expect, it } from 'vitest'
import type { SnapshotMessage } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { loadConfig } from './config'
import type { RunningProxy } from './server'
import { startProxy } from './server'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Reads until `ok` holds for the result, and resolves with it (feedkit's waitUntil). */
const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> =>
  (
    await waitUntil(
      async () => {
        const v = await read()
        return ok(v) ? { v } : null
      },
      { timeoutMs: ms, intervalMs: 50 },
    )
  ).v

describe('proxy with WINAMAX_URL pointing at another EIO3 server', () => {
  it('uses the real feed code on it; bad upstream frames are counted per feed in /metrics', async () => {
    // Any socket.io server with allowEIO3 speaks the protocol: here at a path of its own.
    const http = createServer()
    const io = new Server(http, { path: '/elsewhere/socket.io/', allowEIO3: true })
    io.on('connection', (socket) => {
      socket.on('m', (req: { requestId: string }) => {
        socket.emit('m', '{"matches":') // invalid JSON inside m
        socket.conn.write('2["m",{') // a malformed Socket.IO packet
        socket.emit('m', {
          requestId: req.requestId,
          sports: { '1': { sportName: 'Football', categories: [7] } },
          categories: { '7': { categoryName: 'France', tournaments: [4] } },
          tournaments: { '4': { tournamentName: 'Ligue 1' } },
          matches: {
            '10': {
              sportId: 1,
              tournamentId: 4,
              title: 'Lens - Lille',
              status: 'LIVE',
              mainBetId: 20,
            },
          },
          bets: { '20': { matchId: 10, betTitle: 'Résultat', outcomes: [30] } },
          outcomes: { '30': { betId: 20, label: 'Lens', hotUsers: 12 } },
          odds: { '30': 2.1 },
        })
        socket.emit('m', { odds: { '30': 'not a number' } }) // bad odds: skipped, price kept
      })
    })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    cleanups.push(async () => {
      const closed = io.close()
      http.closeAllConnections()
      await closed
    })
    const port = (http.address() as AddressInfo).port

    const config = loadConfig({
      PORT: '0',
      FEEDS: 'winamax',
      WINAMAX_URL: `http://127.0.0.1:${port}/elsewhere/socket.io/`,
      WEB_DIST: '/nonexistent-dist',
    })
    expect(config.feeds.map((f) => [f.source, f.target])).toEqual([
      ['winamax', { url: `http://127.0.0.1:${port}/elsewhere/socket.io/` }],
    ])
    const proxy: RunningProxy = await startProxy(config, silentLogger)
    cleanups.push(() => proxy.close())

    const metricOf = (text: string) =>
      Number(/^oddsboard_feed_bad_frames_total\{source="winamax"\} (\d+)$/m.exec(text)?.[1] ?? -1)
    // Two routes (sport:1, hot:live), each answered with 3 bad frames: 6 in all.
    const metrics = await until(
      async () => (await fetch(`${proxy.url}/metrics`)).text(),
      (t) => metricOf(t) >= 6,
      10_000,
    )
    expect(metricOf(metrics)).toBe(6)
    expect(metrics).toContain('oddsboard_feed_state{source="winamax",state="live"} 1')

    // The hub publishes within its coalescing window: wait (bounded) for the ops to land.
    const snap = await until(
      async () => (await (await fetch(`${proxy.url}/api/snapshot`)).json()) as SnapshotMessage,
      (s) => s.entities.some((e) => e.id === 'winamax:o30'),
      5_000,
    )
    const selection = snap.entities.find((e) => e.id === 'winamax:o30')
    expect(selection).toMatchObject({ kind: 'selection', odds: 2.1, hotUsers: 12 })
    expect(snap.entities.find((e) => e.id === 'winamax:m10')).toMatchObject({
      participants: ['Lens', 'Lille'],
      status: 'live',
    })
    expect(snap.feeds[0]).toMatchObject({ source: 'winamax', state: 'live', badFrames: 6 })
  })
})
