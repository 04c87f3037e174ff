import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { PricePoint, SnapshotMessage } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { loadConfig } from './config'
import { FakeFeed } from './fake-feed'
import type { RunningProxy } from './server'
import { startProxy } from './server'
import { eventOp, selectionOp } from './test-helpers'

const running: RunningProxy[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()))
})

async function start(webDist = '/nonexistent-dist') {
  const feeds = [new FakeFeed('winamax'), new FakeFeed('kwiff')]
  const config = loadConfig({ PORT: '0', WEB_DIST: webDist })
  const proxy = await startProxy(config, silentLogger, { feeds })
  running.push(proxy)
  return { feeds, proxy, get: (p: string) => fetch(`${proxy.url}${p}`) }
}

describe('http', () => {
  it('GET /api/snapshot answers the relay snapshot as JSON', async () => {
    const { feeds, proxy, get } = await start()
    feeds[0]!.emit([eventOp(1), selectionOp(1, 1.8)])
    proxy.hub.flush()
    const res = await get('/api/snapshot')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const body = (await res.json()) as SnapshotMessage
    expect(body).toMatchObject({ type: 'snapshot', epoch: proxy.hub.epoch, seq: 1 })
    expect(body.entities).toHaveLength(2)
    expect(body.feeds.map((f) => f.source)).toEqual(['winamax', 'kwiff'])
  })

  it('GET /api/history answers price histories, all or by ids, and 400 for a bad query', async () => {
    const { feeds, proxy, get } = await start()
    feeds[0]!.emit([selectionOp(1, 1.8), selectionOp(2, 4)])
    proxy.hub.flush()
    feeds[0]!.emit([selectionOp(1, 1.9)])
    proxy.hub.flush()
    const all = (await (await get('/api/history')).json()) as Record<string, PricePoint[]>
    expect(Object.keys(all)).toEqual(['winamax:s1', 'winamax:s2'])
    expect(all['winamax:s1']!.map((p) => p[1])).toEqual([1.8, 1.9])
    const some = (await (await get('/api/history?ids=winamax:s2,nope')).json()) as Record<
      string,
      PricePoint[]
    >
    expect(Object.keys(some)).toEqual(['winamax:s2'])
    expect(some['winamax:s2']![0]![1]).toBe(4)
    expect((await get('/api/history?ids=a&ids=b')).status).toBe(400)
    expect((await get('/api/nothing')).status).toBe(404)
  })

  it('GET /metrics exposes the oddsboard counters in Prometheus text', async () => {
    const { feeds, proxy, get } = await start()
    feeds[0]!.badFrame('42["m",{', 'invalid JSON')
    feeds[0]!.emit([selectionOp(1, 1.8)])
    proxy.hub.flush()
    const res = await get('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/plain/)
    const text = await res.text()
    expect(text).toContain('oddsboard_relay_clients 0')
    expect(text).toContain('oddsboard_hub_ops_applied_total 1')
    expect(text).toContain('oddsboard_feed_bad_frames_total{source="winamax"} 1')
    expect(text).toContain('oddsboard_feed_messages_total{source="winamax"} 1')
    expect(text).toContain('oddsboard_feed_state{source="kwiff",state="live"} 1')
    expect(text).toContain('oddsboard_state_entities{kind="selection"} 1')
    expect(text).toContain('oddsboard_relay_slow_client_disconnects_total 0')
    expect(text).toContain('oddsboard_relay_bad_client_messages_total 0')
    expect(text).toContain('oddsboard_relay_delta_bytes_sent_total 0')
    expect(text).toContain('process_cpu_user_seconds_total')
  })

  it('GET /healthz is 200 while a feed is live and 503 when none is', async () => {
    const { feeds, get } = await start()
    const ok = await get('/healthz')
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { feeds: unknown[] }).feeds).toHaveLength(2)
    feeds[0]!.setState('reconnecting', 'socket closed')
    expect((await get('/healthz')).status).toBe(200)
    feeds[1]!.setState('down')
    const bad = await get('/healthz')
    expect(bad.status).toBe(503)
    expect(await bad.json()).toMatchObject({ status: 'no live feed' })
  })

  it('serves the built web app with an SPA fallback, or a 503 hint when it is not built', async () => {
    const missing = await start()
    const hint = await missing.get('/')
    expect(hint.status).toBe(503)
    expect(await hint.text()).toContain('npm run build')

    const dist = mkdtempSync(path.join(tmpdir(), 'oddsboard-dist-'))
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>oddsboard</title>')
    writeFileSync(path.join(dist, 'app.js'), 'console.log(1)')
    const built = await start(dist)
    expect(await (await built.get('/')).text()).toContain('<title>oddsboard</title>')
    expect(await (await built.get('/matches/live')).text()).toContain('<title>oddsboard</title>')
    const js = await built.get('/app.js')
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    expect((await built.get('/missing.js')).status).toBe(404)
  })
})
