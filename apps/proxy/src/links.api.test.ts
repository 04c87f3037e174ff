import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { CanonicalEvent, DeltaMessage, Op, ServerMessage, Source } from '@oddsboard/model'
import { RELAY_PROTOCOL } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { loadConfig } from './config'
import { FakeFeed } from './fake-feed'
import { LINKS_FILE } from './linkStore'
import type { RunningProxy } from './server'
import { startProxy } from './server'

const START = Date.UTC(2026, 4, 30, 19)

/** One book's listing of a football match: sport, competition and event upserts. */
function listing(source: Source, native: string, home: string, away: string): Op[] {
  const sportId = `${source}:sport-1`
  const competitionId = `${source}:c1`
  return [
    {
      op: 'upsert',
      entity: { kind: 'sport', id: sportId, source, key: 'football', name: 'Football' },
    },
    {
      op: 'upsert',
      entity: { kind: 'competition', id: competitionId, source, sportId, name: 'Serie A' },
    },
    {
      op: 'upsert',
      entity: {
        kind: 'event',
        id: `${source}:${native}`,
        source,
        sportId,
        competitionId,
        name: `${home} v ${away}`,
        participants: [home, away],
        startTime: START,
        status: 'prematch',
        updatedAt: 1,
      },
    },
  ]
}

const running: RunningProxy[] = []
const sockets: WebSocket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate()
  await Promise.all(running.splice(0).map((p) => p.close()))
})

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'oddsboard-data-'))

/** A proxy on two fake books listing the same match, with DATA_DIR = `dataDir`. */
async function start(dataDir: string) {
  const feeds = [new FakeFeed('winamax'), new FakeFeed('bet365')]
  const config = loadConfig({ PORT: '0', WEB_DIST: '/nonexistent', DATA_DIR: dataDir })
  const proxy = await startProxy(config, silentLogger, {
    feeds,
    linkDebounceMs: 5,
    feedsIntervalMs: 60_000,
  })
  running.push(proxy)
  feeds[0]!.emit(listing('winamax', 'w1', 'Naples', 'Milan AC'))
  feeds[1]!.emit(listing('bet365', 'b1', 'Napoli', 'AC Milan'))
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${proxy.url}/api/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const canonical = () => [...proxy.hub.state.canonical.values()]
  return { proxy, feeds, post, canonical }
}

describe('links through the proxy', () => {
  it('an unlink survives a restart with the same DATA_DIR', async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const c = await waitUntil(() => first.canonical()[0], { what: 'the match joined' })
    expect(c.members.map((m) => m.eventId)).toEqual(['winamax:w1', 'bet365:b1'])
    const res = await first.post({ action: 'unlink', a: 'winamax:w1', b: 'bet365:b1' })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ ok: true })
    await waitUntil(() => first.canonical().length === 0, { what: 'the pair split' })
    await first.proxy.close()

    const second = await start(dataDir)
    const listed = (await (await fetch(`${second.proxy.url}/api/links`)).json()) as {
      decisions: { action: string; a: string; b: string; at: number }[]
    }
    expect(listed.decisions).toEqual([
      { action: 'unlink', a: 'bet365:b1', b: 'winamax:w1', at: expect.any(Number) },
    ])
    // the events are there and a pass has run over them: still apart
    await waitUntil(
      () => second.proxy.hub.state.event.size === 2 && second.proxy.linker.counters.passes > 0,
      { what: 'a pass over both events' },
    )
    second.proxy.linker.run()
    second.proxy.hub.flush()
    expect(second.canonical()).toEqual([])
    // and a link joins them again
    expect((await second.post({ action: 'link', a: 'bet365:b1', b: 'winamax:w1' })).status).toBe(
      200,
    )
    await waitUntil(() => second.canonical().length === 1, { what: 'the pair linked' })
    expect(second.canonical()[0]!.members.map((m) => m.by)).toEqual(['user', 'user'])
  })

  it('relays canonical events in the snapshot and in deltas', async () => {
    const { proxy, post, canonical } = await start(tempDir())
    await waitUntil(() => canonical().length === 1, { what: 'the match joined' })
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`)
    sockets.push(ws)
    const messages: ServerMessage[] = []
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage))
    const snap = await waitUntil(() => messages.find((m) => m.type === 'snapshot'), {
      what: 'the snapshot',
    })
    expect(snap.protocol).toBe(4)
    expect(snap.protocol).toBe(RELAY_PROTOCOL)
    const inSnapshot = snap.entities.filter((e): e is CanonicalEvent => e.kind === 'canonical')
    expect(inSnapshot.map((c) => c.members.map((m) => m.eventId))).toEqual([
      ['winamax:w1', 'bet365:b1'],
    ])
    // canonical events come after every book entity
    expect(snap.entities[snap.entities.length - 1]!.kind).toBe('canonical')
    await post({ action: 'unlink', a: 'winamax:w1', b: 'bet365:b1' })
    const removal = await waitUntil(
      () =>
        messages
          .filter((m): m is DeltaMessage => m.type === 'delta')
          .flatMap((d) => d.ops)
          .find((o) => o.op === 'remove' && o.kind === 'canonical'),
      { what: 'a canonical remove in a delta' },
    )
    expect(removal).toEqual({ op: 'remove', kind: 'canonical', id: inSnapshot[0]!.id })
  })

  it('answers 400 for a bad body, 403 for a foreign origin, 404 for an unknown event', async () => {
    const { proxy, post } = await start(tempDir())
    await waitUntil(() => proxy.hub.state.event.size === 2, { what: 'both events' })
    const error = async (res: Response) => [
      res.status,
      ((await res.json()) as { error: string }).error,
    ]
    expect(await error(await post({ action: 'merge', a: 'winamax:w1', b: 'bet365:b1' }))).toEqual([
      400,
      'action must be "link" or "unlink"',
    ])
    expect(await error(await post({ action: 'link', a: 'winamax:w1' }))).toEqual([
      400,
      'b must be an event id',
    ])
    expect(await error(await post('[1,2]'))).toEqual([
      400,
      'body must be a JSON object {"action","a","b"}',
    ])
    expect(await error(await post('{"action":'))).toEqual([400, 'body is not valid JSON'])
    expect(await error(await post({ action: 'link', a: 'winamax:w1', b: 'winamax:w1' }))).toEqual([
      400,
      'a and b must be two different events',
    ])
    const big = { action: 'link', a: 'winamax:w1', b: 'bet365:b1', pad: 'x'.repeat(8000) }
    expect((await post(big)).status).toBe(413)
    expect(
      await error(
        await post(
          { action: 'unlink', a: 'winamax:w1', b: 'bet365:b1' },
          { origin: 'https://evil.example' },
        ),
      ),
    ).toEqual([403, 'origin not allowed'])
    expect(
      (await fetch(`${proxy.url}/api/links`, { headers: { origin: 'https://evil.example' } }))
        .status,
    ).toBe(403)
    // the proxy's own origin is allowed
    expect(
      (await post({ action: 'unlink', a: 'winamax:w1', b: 'bet365:b1' }, { origin: proxy.url }))
        .status,
    ).toBe(200)
    expect(await error(await post({ action: 'link', a: 'winamax:w1', b: 'kwiff:nope' }))).toEqual([
      404,
      'unknown event: kwiff:nope',
    ])
    proxy.hub.push(listing('winamax', 'w2', 'Roma', 'Lazio'))
    await waitUntil(() => proxy.hub.state.event.size === 3, { what: 'a second winamax event' })
    expect(await error(await post({ action: 'link', a: 'winamax:w1', b: 'winamax:w2' }))).toEqual([
      400,
      'a and b are both winamax events: link two books',
    ])
    // only the one accepted decision was kept
    const listed = (await (await fetch(`${proxy.url}/api/links`)).json()) as {
      decisions: unknown[]
    }
    expect(listed.decisions).toHaveLength(1)
  })

  it('stops start-up on a corrupt links file, naming the file', async () => {
    const dataDir = tempDir()
    const file = path.join(dataDir, LINKS_FILE)
    writeFileSync(file, 'not json at all')
    const config = loadConfig({ PORT: '0', WEB_DIST: '/nonexistent', DATA_DIR: dataDir })
    await expect(
      startProxy(config, silentLogger, { feeds: [new FakeFeed('winamax')] }),
    ).rejects.toThrow(`${file}: is not valid JSON`)
  })
})
