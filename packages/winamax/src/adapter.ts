import { z } from 'zod'
import type { BookAdapter } from '@oddsboard/feedkit'
import { commaList } from '@oddsboard/feedkit'
import type { WinamaxFeedOptions } from './feed'
import { createWinamaxFeed, WINAMAX_LIVE_URL } from './feed'

/** The Winamax settings the proxy passes to {@link createWinamaxFeed}. */
export type WinamaxSettings = Pick<WinamaxFeedOptions, 'routes'>

/**
 * Winamax for the proxy (feedkit's `BookAdapter`): the Socket.IO endpoint (`WINAMAX_URL`,
 * `http(s)://` or `ws(s)://`), `WINAMAX_ROUTES` (routes to subscribe, e.g.
 * `sport:1,hot:live`; default the feed's), the feed, and the simulator, which is imported
 * only when it is started (so a proxy on the live site never loads it).
 */
export const winamaxAdapter: BookAdapter<WinamaxSettings> = {
  source: 'winamax',
  liveUrl: WINAMAX_LIVE_URL,
  urlSchemes: ['http:', 'https:', 'ws:', 'wss:'],
  variables: {
    WINAMAX_ROUTES: { description: 'comma list of routes, e.g. sport:5,hot:live' },
  },
  configSchema: z
    .object({
      WINAMAX_ROUTES: commaList(
        /^[a-z]+:[\w-]+$/,
        'must be a comma list of routes like sport:5,hot:live',
      ).optional(),
    })
    .transform((c) => (c.WINAMAX_ROUTES === undefined ? {} : { routes: c.WINAMAX_ROUTES })),
  createFeed: ({ url, logger, config, frames }) =>
    createWinamaxFeed({ url, logger, ...config, ...(frames !== undefined && { frames }) }),
  startSim: async (options) => (await import('./sim')).startWinamaxSim(options),
}
