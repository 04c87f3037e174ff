import type { Source } from '@oddsboard/model'
import type { Feed, Logger, SimServer } from '@oddsboard/feedkit'
import type { FeedTarget, ProxyConfig } from './config'
import { redactUrl } from './config'
import { childLogger } from './logger'

export { redactUrl }

/** The feeds the proxy runs and the simulators started for them. */
export interface FeedSet {
  feeds: Feed[]
  /** Closes the simulators (stop the feeds first). */
  close(): Promise<void>
}

interface SimOptions {
  host: string
  port: number
  logger: Logger
}

/** How to build one source's feed: its real endpoint, its simulator, its feed. Loaded on demand. */
interface SourceKit {
  liveUrl: string
  startSim(options: SimOptions): Promise<SimServer>
  createFeed(url: string, logger: Logger, config: ProxyConfig): Feed
}

// Each package is imported only when its feed runs (and its simulator only in sim mode),
// so a proxy running one book never loads the others.
const KITS: Record<Source, () => Promise<SourceKit>> = {
  async winamax() {
    const { createWinamaxFeed, WINAMAX_LIVE_URL } = await import('@oddsboard/winamax')
    return {
      liveUrl: WINAMAX_LIVE_URL,
      startSim: async (o) => (await import('@oddsboard/winamax/sim')).startWinamaxSim(o),
      createFeed: (url, logger, c) => createWinamaxFeed({ url, logger, ...c.winamax }),
    }
  },
  async bet365() {
    const { createBet365Feed, BET365_LIVE_URL } = await import('@oddsboard/bet365')
    return {
      liveUrl: BET365_LIVE_URL,
      startSim: async (o) => (await import('@oddsboard/bet365/sim')).startBet365Sim(o),
      createFeed: (url, logger, c) => createBet365Feed({ url, logger, ...c.bet365 }),
    }
  },
  async kwiff() {
    const { createKwiffFeed, KWIFF_LIVE_URL } = await import('@oddsboard/kwiff')
    return {
      liveUrl: KWIFF_LIVE_URL,
      startSim: async (o) => (await import('@oddsboard/kwiff/sim')).startKwiffSim(o),
      createFeed: (url, logger, c) => createKwiffFeed({ url, logger, ...c.kwiff }),
    }
  },
}

/**
 * Builds one Feed per configured source (not started). A source whose target is `'sim'`
 * first gets its simulator on 127.0.0.1, port 0, and its feed points at the simulator's
 * URL: the feed code is the same for a simulator and the real book.
 * @throws whatever a package or simulator throws while loading or starting (after closing
 *   the simulators already started).
 */
export async function buildFeeds(config: ProxyConfig, logger: Logger): Promise<FeedSet> {
  const sims: SimServer[] = []
  const close = async () => {
    await Promise.allSettled(sims.splice(0).map((s) => s.close()))
  }
  const urlFor = async (source: Source, kit: SourceKit, target: FeedTarget): Promise<string> => {
    if (target === 'live') return kit.liveUrl
    if (target !== 'sim') return target.url
    const simLogger = childLogger(logger, { source, component: 'sim' })
    const sim = await kit.startSim({ host: '127.0.0.1', port: 0, logger: simLogger })
    sims.push(sim)
    logger.info({ source, url: sim.url }, 'simulator started')
    return sim.url
  }
  const feeds: Feed[] = []
  try {
    for (const { source, target } of config.feeds) {
      const kit = await KITS[source]()
      const url = await urlFor(source, kit, target)
      feeds.push(
        kit.createFeed(url, childLogger(logger, { component: 'feed', feed: source }), config),
      )
      logger.info({ source, url: target === 'sim' ? url : redactUrl(url) }, 'feed configured')
    }
  } catch (err) {
    await close()
    throw err
  }
  return { feeds, close }
}
