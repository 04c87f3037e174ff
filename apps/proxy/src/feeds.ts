import type { Feed, SharedWorld, SimServer } from '@oddsboard/feedkit'
import type { Logger } from '@oddsboard/feedkit'
import type { BookRun, ProxyConfig } from './config'
import { redactUrl } from './config'
import { childLogger } from './logger'
import { upstreamFor } from './upstream'

export { redactUrl }

/** The feeds the proxy runs and the simulators started for them. */
export interface FeedSet {
  feeds: Feed[]
  /** Closes the simulators (stop the feeds first). */
  close(): Promise<void>
}

/**
 * Builds one Feed per configured book (not started), through the book's adapter. A book
 * whose target is `'sim'` first gets its simulator on 127.0.0.1, port 0 (the adapter imports
 * the simulator only then, so a proxy never loads the simulators it does not run), and its
 * feed points at the simulator's URL: the feed code is the same for a simulator and the
 * real book. When any book runs its simulator, ONE shared simulated world
 * (`@oddsboard/simworld`, issue 9) is created, passed as `world` to every `startSim`, retained
 * while the simulators run and released by `close()`.
 * @throws whatever an adapter or simulator throws while starting (after closing the
 *   simulators already started).
 */
export async function buildFeeds(config: ProxyConfig, logger: Logger): Promise<FeedSet> {
  const sims: SimServer[] = []
  let world: { world: SharedWorld; release: () => void } | undefined
  const close = async () => {
    await Promise.allSettled(sims.splice(0).map((s) => s.close()))
    world?.release()
    world = undefined
  }
  const sharedWorld = async (): Promise<SharedWorld> => {
    if (world === undefined) {
      const { createSharedWorld } = await import('@oddsboard/simworld')
      const created = createSharedWorld({ logger: childLogger(logger, { component: 'world' }) })
      world = { world: created, release: created.retain() }
    }
    return world.world
  }
  const urlFor = async ({ source, adapter, target }: BookRun): Promise<string> => {
    if (target === 'live') return adapter.liveUrl
    if (target !== 'sim') return target.url
    const simLogger = childLogger(logger, { source, component: 'sim' })
    const sim = await adapter.startSim({
      host: '127.0.0.1',
      port: 0,
      logger: simLogger,
      world: await sharedWorld(),
    })
    sims.push(sim)
    logger.info({ source, url: sim.url }, 'simulator started')
    return sim.url
  }
  const feeds: Feed[] = []
  try {
    for (const run of config.feeds) {
      // Issue 11: replay:FILE, the browser tap, RECORD_DIR, the status mode, diagnostics.
      const up = await upstreamFor(run, config, logger, () => urlFor(run))
      if (up.server !== undefined) sims.push(up.server)
      const url = up.url
      feeds.push(
        up.wrap(
          run.adapter.createFeed({
            url,
            logger: childLogger(logger, { component: 'feed', feed: run.source }),
            config: run.config,
            ...up.feedOptions,
          }),
        ),
      )
      logger.info(
        { source: run.source, url: run.target === 'sim' ? url : redactUrl(url) },
        'feed configured',
      )
    }
  } catch (err) {
    await close()
    throw err
  }
  return { feeds, close }
}
