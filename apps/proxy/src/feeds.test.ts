import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { BookAdapter, SharedWorld, SimServer } from '@oddsboard/feedkit'
import { silentLogger } from '@oddsboard/feedkit'
import { FakeFeed } from '@oddsboard/feedkit/testing'
import type { Source } from '@oddsboard/model'
import { SimulatedWorld } from '@oddsboard/simworld'
import { loadConfig } from './config'
import { buildFeeds } from './feeds'

/** An adapter that records what the proxy asks of it. */
function recordingAdapter(source: Source, failSim = false) {
  const calls = {
    worlds: [] as (SharedWorld | undefined)[],
    sims: [] as string[],
    feeds: [] as { url: string; config: unknown }[],
    closed: 0,
  }
  const adapter: BookAdapter<{ n: number }> = {
    source,
    liveUrl: `wss://${source}.example/live`,
    urlSchemes: ['ws:', 'wss:'],
    variables: {},
    // no variables; a constant output shows the validated config reaches createFeed
    configSchema: z.object({}).transform(() => ({ n: 7 })),
    createFeed: ({ url, config }) => {
      calls.feeds.push({ url, config })
      return new FakeFeed(source)
    },
    startSim: async (o): Promise<SimServer> => {
      calls.worlds.push(o.world)
      if (failSim) throw new Error('port in use')
      const url = `ws://${o.host}:1234/${source}`
      calls.sims.push(url)
      return { url, close: async () => void calls.closed++ }
    },
  }
  return { adapter: adapter as BookAdapter, calls }
}

describe('buildFeeds', () => {
  it('builds each configured book through its adapter: simulator, live URL or explicit URL', async () => {
    const a = recordingAdapter('winamax')
    const b = recordingAdapter('bet365')
    const c = recordingAdapter('kwiff')
    const books = [a.adapter, b.adapter, c.adapter]
    const config = loadConfig({ FEEDS: 'live', KWIFF_URL: 'ws://127.0.0.1:9/k' }, [], books)
    config.feeds[0]!.target = 'sim'
    const set = await buildFeeds(config, silentLogger)
    expect(set.feeds.map((f) => f.status().source)).toEqual(['winamax', 'bet365', 'kwiff'])
    expect(a.calls.sims).toEqual(['ws://127.0.0.1:1234/winamax'])
    expect(a.calls.feeds).toEqual([{ url: 'ws://127.0.0.1:1234/winamax', config: { n: 7 } }])
    expect(b.calls.sims).toEqual([]) // live: its simulator is never started
    expect(b.calls.feeds[0]!.url).toBe('wss://bet365.example/live')
    expect(c.calls.feeds[0]!.url).toBe('ws://127.0.0.1:9/k')
    await set.close()
    expect(a.calls.closed).toBe(1)
  })

  it('closes the simulators already started when a later one fails', async () => {
    const a = recordingAdapter('winamax')
    const b = recordingAdapter('bet365', true)
    const config = loadConfig({}, [], [a.adapter, b.adapter])
    await expect(buildFeeds(config, silentLogger)).rejects.toThrow('port in use')
    expect(a.calls.sims).toHaveLength(1)
    expect(a.calls.closed).toBe(1)
  })

  it('passes ONE shared world to every simulator and releases it on close', async () => {
    const a = recordingAdapter('winamax')
    const b = recordingAdapter('bet365')
    const c = recordingAdapter('kwiff')
    const config = loadConfig({ FEEDS: 'sim' }, [], [a.adapter, b.adapter, c.adapter])
    const set = await buildFeeds(config, silentLogger)
    const world = a.calls.worlds[0] as SimulatedWorld
    expect(world).toBeInstanceOf(SimulatedWorld)
    expect(b.calls.worlds).toEqual([world])
    expect(c.calls.worlds).toEqual([world])
    expect(world.matches('bet365').length).toBeGreaterThan(0)
    expect(world.retainCount).toBe(1)
    await set.close()
    expect(world.retainCount).toBe(0)
  })

  it('creates no world when no book is simulated', async () => {
    const a = recordingAdapter('winamax')
    const config = loadConfig({ FEEDS: 'live' }, [], [a.adapter])
    const set = await buildFeeds(config, silentLogger)
    expect(a.calls.worlds).toEqual([])
    await set.close()
  })
})
