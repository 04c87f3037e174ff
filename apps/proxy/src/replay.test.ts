/**
 * Issue 11, record and replay end to end: the default simulators (all three books) are run
 * with RECORD_DIR set, then the recordings are replayed at `max` through the replay servers
 * with the same, unchanged feed code; the final book entities must be the same.
 *
 * What is compared, and why: every book entity (sport, competition, event, market,
 * selection) with every field, except the fields whose point is the proxy's receive time:
 * `updatedAt` (when the proxy saw the last change) and a match clock's `at` and, for a
 * running clock, its `seconds` (the elapsed time AT `at`; the clock itself is compared as
 * `running` and `period`). Canonical events (the matcher's cross-book groups) are left out:
 * they are derived by the proxy from the book entities, which are compared.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Entity, FeedStatus } from '@oddsboard/model'
import { applyOps, emptyState } from '@oddsboard/model'
import { createWinamaxFeed } from '@oddsboard/winamax'
import { parseRecording, silentLogger } from '@oddsboard/feedkit'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { loadConfig } from './config'
import { buildFeeds } from './feeds'
import { readRecordings, startReplay } from './replay'
import type { FeedSet } from './feeds'
import { startProxy } from './server'
import type { RunningProxy } from './server'

const dirs: string[] = []
const tempDir = (what: string) => {
  const d = mkdtempSync(path.join(tmpdir(), `oddsboard-${what}-`))
  dirs.push(d)
  return d
}
const running: { proxy: RunningProxy; set: FeedSet }[] = []
afterAll(async () => {
  for (const r of running.splice(0)) {
    await r.proxy.close()
    await r.set.close()
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function run(env: Record<string, string>) {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    KWIFF_REFRESH_MS: '500',
    DATA_DIR: tempDir('data'),
    ...env,
  })
  const set = await buildFeeds(config, silentLogger)
  const proxy = await startProxy(config, silentLogger, { feeds: set.feeds })
  const r = { proxy, set }
  running.push(r)
  return r
}

/** Book entities as compared (see the file comment). */
function comparable(entities: readonly Entity[]): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const e of entities) {
    if ((e.kind as string) === 'canonical') continue
    const copy: Record<string, unknown> = { ...e }
    delete copy.updatedAt
    const clock = copy.clock as { running: boolean; seconds: number; at: number } | undefined
    if (clock !== undefined) {
      const { at: _at, seconds, ...rest } = clock
      copy.clock = clock.running ? rest : { ...rest, seconds }
    }
    out.set(e.id, copy)
  }
  return out
}

/** The entities that differ (or exist on one side only), by id, at most `max`. */
function differences(a: Map<string, unknown>, b: Map<string, unknown>, max = 10): string[] {
  const out: string[] = []
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const x = JSON.stringify(a.get(id))
    const y = JSON.stringify(b.get(id))
    if (x !== y) out.push(`${id}\n  live:   ${x}\n  replay: ${y}`)
    if (out.length >= max) break
  }
  return out
}

const allLive = (feeds: FeedStatus[]) =>
  feeds.length === 3 && feeds.every((f) => f.state === 'live')

describe('record a simulator run, replay it at max', () => {
  it('gives the same final book entities, and the recordings hold no secret', async () => {
    const recordDir = tempDir('rec')
    const live = await run({ FEEDS: 'sim', RECORD_DIR: recordDir })
    await waitUntil(() => allLive(live.proxy.hub.feeds()), { timeoutMs: 30_000 })
    // Let every book move for a while: deltas, pushes and several Kwiff refreshes.
    const seq0 = live.proxy.hub.seq
    await waitUntil(() => live.proxy.hub.seq >= seq0 + 30, { timeoutMs: 30_000 })
    for (const f of live.set.feeds) await f.stop()
    // The hub publishes what it holds within its coalescing window.
    let last = -1
    await waitUntil(
      () => {
        const settled = live.proxy.hub.seq === last
        last = live.proxy.hub.seq
        return settled
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    )
    const recorded = comparable(live.proxy.hub.snapshot().entities)
    expect(recorded.size).toBeGreaterThan(100)
    for (const source of ['winamax', 'bet365', 'kwiff'])
      expect([...recorded.keys()].some((id) => id.startsWith(`${source}:`))).toBe(true)

    const files = readdirSync(recordDir).sort()
    expect(files.map((f) => f.split('-')[0])).toEqual(['bet365', 'kwiff', 'winamax'])
    const file = (source: string) =>
      path.join(
        recordDir,
        files.find((f) => f.startsWith(source))!,
      )
    for (const f of files) {
      const text = readFileSync(path.join(recordDir, f), 'utf8')
      const { header, frames } = parseRecording(text)
      expect(header.capture).toBe(f.split('-')[0])
      expect(frames.length).toBeGreaterThan(3)
      // Secrets: Engine.IO sids, the Kwiff uuid (identifier and cookie), the bet365 session.
      expect(text).not.toMatch(/\\"sid\\":\\"(?!\[redacted\])/)
      expect(text).not.toMatch(/S_(?!\[redacted\])[0-9A-F]{8}/)
      expect(text).not.toMatch(/(identifier|uuid)=(?!\[redacted\])/)
    }
    // Kwiff's only uuid is its connection's identifier: none is left in its recording.
    expect(readFileSync(file('kwiff'), 'utf8')).not.toMatch(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
    )
    // Winamax's subscription went over polling: payloads are recorded and marked.
    expect(
      parseRecording(readFileSync(file('winamax'), 'utf8')).frames.some(
        (f) => f.transport === 'polling' && f.dir === 'out' && f.data.includes('"route"'),
      ),
    ).toBe(true)

    const replay = await run({
      FEEDS: 'sim',
      WINAMAX_URL: `replay:${file('winamax')}`,
      BET365_URL: `replay:${file('bet365')}`,
      KWIFF_URL: `replay:${file('kwiff')}`,
      REPLAY_SPEED: 'max',
    })
    await waitUntil(() => allLive(replay.proxy.hub.feeds()), { timeoutMs: 30_000 })
    const statuses = replay.proxy.hub.feeds()
    expect(statuses.map((s) => [s.mode, s.replaySpeed])).toEqual([
      ['replay', 'max'],
      ['replay', 'max'],
      ['replay', 'max'],
    ])
    // Bounded: the replay is done when the state is the recorded one, or the wait fails.
    await waitUntil(
      () => differences(recorded, comparable(replay.proxy.hub.snapshot().entities), 1).length === 0,
      { timeoutMs: 30_000, intervalMs: 200 },
    ).catch(() => {})
    // Redacted values in the recording (a sid, Kwiff's user details) read as well as any.
    expect(replay.proxy.hub.feeds().map((f) => f.badFrames)).toEqual([0, 0, 0])
    const diff = differences(recorded, comparable(replay.proxy.hub.snapshot().entities), 10_000)
    const bySource = (x: string) => diff.filter((d) => d.startsWith(x)).length
    expect({
      n: diff.length,
      winamax: bySource('winamax'),
      bet365: bySource('bet365'),
      kwiff: bySource('kwiff'),
      first: diff.slice(0, 5),
    }).toEqual({ n: 0, winamax: 0, bet365: 0, kwiff: 0, first: [] })
  }, 120_000)
})

describe('readRecordings', () => {
  it("puts consecutive hourly files on one time line, from each header's start", () => {
    const dir = tempDir('hours')
    const a = path.join(dir, 'bet365-2026-11-29T18Z.ndjson')
    const b = path.join(dir, 'bet365-2026-11-29T19Z.ndjson')
    writeFileSync(
      a,
      '{"capture":"bet365","capturedAt":"2026-11-29T18:59:59.000Z"}\n{"t":0,"dir":"in","data":"x"}\n{"t":500,"dir":"in","data":"y"}\n',
    )
    writeFileSync(
      b,
      '{"capture":"bet365","capturedAt":"2026-11-29T19:00:00.500Z"}\n{"t":0,"dir":"in","data":"z"}\n',
    )
    expect(readRecordings([a, b])).toEqual([
      { t: 0, dir: 'in', data: 'x' },
      { t: 500, dir: 'in', data: 'y' },
      { t: 1500, dir: 'in', data: 'z' },
    ])
  })
})

describe('a Winamax recording with a reconnect', () => {
  it('replays the second session as a resync: what vanished while away is removed (no ghost)', async () => {
    // The real snapshot (captures/winamax line 5); the recorded client then reconnected and
    // its new snapshot no longer lists one match.
    const capture = path.resolve(
      import.meta.dirname,
      '../../../packages/winamax/fixtures/winamax-2025-11-04.ndjson',
    )
    const line = readFileSync(capture, 'utf8')
      .split('\n')
      .find((l) => l.length > 1_000_000)!
    const snapshot = (
      JSON.parse(JSON.parse(line).data.slice(2)) as [string, Record<string, unknown>]
    )[1]
    const gone = '56418335'
    const second = { ...snapshot, matches: { ...(snapshot.matches as object) } }
    delete (second.matches as Record<string, unknown>)[gone]
    const m = (payload: object) => '42' + JSON.stringify(['m', payload])
    const dir = tempDir('ghost')
    const file = path.join(dir, 'winamax.ndjson')
    writeFileSync(
      file,
      [
        { capture: 'winamax', capturedAt: '2026-11-29T18:00:00.000Z' },
        { t: 0, dir: 'out', data: m({ route: 'sport:1', requestId: 'R1' }) },
        { t: 100, dir: 'in', data: m({ ...snapshot, requestId: 'R1' }) },
        { t: 5000, dir: 'out', data: m({ route: 'sport:1', requestId: 'R2' }) },
        { t: 5100, dir: 'in', data: m({ ...second, requestId: 'R2' }) },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n') + '\n',
    )
    const server = await startReplay('winamax', file, 'max')
    const feed = createWinamaxFeed({
      url: server.url,
      routes: ['sport:1'],
      reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
    })
    let state = emptyState()
    let seen = false
    feed.onOps((ops) => {
      state = applyOps(state, ops)
      seen ||= state.event.has(`winamax:m${gone}`)
    })
    try {
      feed.start()
      await waitUntil(() => seen && !state.event.has(`winamax:m${gone}`), {
        timeoutMs: 20_000,
      }).catch(() => {})
      expect(seen).toBe(true)
      expect(state.event.has(`winamax:m${gone}`)).toBe(false)
      expect(state.event.has('winamax:m56418337')).toBe(true)
      expect(feed.status().reconnects).toBeGreaterThanOrEqual(1)
    } finally {
      await feed.stop()
      await server.close()
    }
  }, 60_000)
})
