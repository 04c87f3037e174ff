import { z } from 'zod'
import type { BookAdapter } from '@oddsboard/feedkit'
import { commaList } from '@oddsboard/feedkit'
import type { KwiffFeedOptions } from './feed'
import { createKwiffFeed, KWIFF_LIVE_URL } from './feed'

/** The Kwiff settings the proxy passes to {@link createKwiffFeed}. */
export type KwiffSettings = Pick<KwiffFeedOptions, 'sports' | 'countries' | 'refreshMs'>

/**
 * Kwiff for the proxy (feedkit's `BookAdapter`): the Socket.IO endpoint (`KWIFF_URL`),
 * `KWIFF_SPORTS` (sport ids; default the feed's football, basketball, tennis),
 * `KWIFF_COUNTRIES` (default `GB`) and `KWIFF_REFRESH_MS` (500 ms – 1 h; default the
 * feed's). The simulator is imported only when it is started.
 */
export const kwiffAdapter: BookAdapter<KwiffSettings> = {
  source: 'kwiff',
  liveUrl: KWIFF_LIVE_URL,
  urlSchemes: ['http:', 'https:', 'ws:', 'wss:'],
  variables: {
    KWIFF_SPORTS: { description: 'comma list of Kwiff sport ids, e.g. 11' },
    KWIFF_COUNTRIES: { description: 'comma list of country codes (default GB)' },
    KWIFF_REFRESH_MS: { description: 'Kwiff event-list refresh interval in ms' },
  },
  configSchema: z
    .object({
      KWIFF_SPORTS: commaList(/^\d+$/, 'must be a comma list of sport ids (integers), e.g. 11')
        .transform((r) => r.map(Number))
        .optional(),
      KWIFF_COUNTRIES: commaList(
        /^[A-Z]{2}$/,
        'must be a comma list of two-letter country codes, e.g. GB',
      ).default(['GB']),
      KWIFF_REFRESH_MS: z
        .string()
        .trim()
        .regex(/^\d+$/, 'must be an integer number of ms between 500 and 3600000')
        .transform(Number)
        .refine(
          (n) => n >= 500 && n <= 3_600_000,
          'must be an integer number of ms between 500 and 3600000',
        )
        .optional(),
    })
    .transform((c) => ({
      countries: c.KWIFF_COUNTRIES,
      ...(c.KWIFF_SPORTS !== undefined && { sports: c.KWIFF_SPORTS }),
      ...(c.KWIFF_REFRESH_MS !== undefined && { refreshMs: c.KWIFF_REFRESH_MS }),
    })),
  createFeed: ({ url, logger, config, frames }) =>
    createKwiffFeed({ url, logger, ...config, ...(frames !== undefined && { frames }) }),
  startSim: async (options) => (await import('./sim')).startKwiffSim(options),
}
