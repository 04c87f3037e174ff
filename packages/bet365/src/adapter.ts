import { z } from 'zod'
import type { BookAdapter } from '@oddsboard/feedkit'
import { commaList } from '@oddsboard/feedkit'
import type { Bet365FeedOptions } from './feed'
import { BET365_LIVE_URL, createBet365Feed } from './feed'

/** The Bet365 settings the proxy passes to {@link createBet365Feed}. */
export type Bet365Settings = Pick<Bet365FeedOptions, 'topics' | 'sessionId' | 'token'>

/**
 * Bet365 for the proxy (feedkit's `BookAdapter`): the zap endpoint (`BET365_URL`, `ws(s)://`
 * only), `BET365_TOPICS` (default `OVInPlay_1_3`), and the session values from the user's own
 * browser session, `BET365_SESSION` and `BET365_TOKEN`: secrets, checked for shape only and
 * never echoed. The simulator is imported only when it is started.
 */
export const bet365Adapter: BookAdapter<Bet365Settings> = {
  source: 'bet365',
  liveUrl: BET365_LIVE_URL,
  urlSchemes: ['ws:', 'wss:'],
  variables: {
    BET365_TOPICS: { description: 'comma list of zap topics (default OVInPlay_1_3)' },
    BET365_SESSION: { description: 'bet365 session id (secret)', secret: true },
    BET365_TOKEN: { description: 'bet365 token (secret)', secret: true },
  },
  configSchema: z
    .object({
      BET365_TOPICS: commaList(
        /^[\w-]+$/,
        'must be a comma list of zap topics, e.g. OVInPlay_1_3',
      ).default(['OVInPlay_1_3']),
      BET365_SESSION: z
        .string()
        .regex(/^[\w-]{1,200}$/, 'must be letters, digits, _ or - (at most 200)')
        .optional(),
      BET365_TOKEN: z
        .string()
        .regex(/^[\w=+/.~-]{1,500}$/, 'must be a token without spaces or commas (at most 500)')
        .optional(),
    })
    .transform((c) => ({
      topics: c.BET365_TOPICS,
      ...(c.BET365_SESSION !== undefined && { sessionId: c.BET365_SESSION }),
      ...(c.BET365_TOKEN !== undefined && { token: c.BET365_TOKEN }),
    })),
  createFeed: ({ url, logger, config, frames }) =>
    createBet365Feed({ url, logger, ...config, ...(frames !== undefined && { frames }) }),
  startSim: async (options) => (await import('./sim')).startBet365Sim(options),
}
