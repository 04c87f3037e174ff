import { z } from 'zod'
import type { Source } from '@oddsboard/model'
import type { Feed } from './feed'
import type { Logger } from './logger'
import type { FrameSink } from './recorder'
import type { SimServer } from './sim'
import type { SharedWorld } from './world'

/**
 * Everything the proxy needs to run one book, exported by that book's package
 * (`packages/<book>/src/adapter.ts`), so the proxy iterates adapters instead of knowing
 * every book: a fourth book is one package and one line in the proxy's adapter list.
 *
 * `Config` is the book's own options (routes, topics, sports, secrets…), validated by
 * {@link BookAdapter.configSchema} before any feed is built.
 */
export interface BookAdapter<Config = unknown> {
  /** The book this adapter runs; also the `source` of every entity and status its feed emits. */
  readonly source: Source
  /** The book's real endpoint, used for `FEEDS=live` when no `*_URL` is set. */
  readonly liveUrl: string
  /**
   * URL schemes the feed accepts for its endpoint variable `<SOURCE>_URL` (which the proxy
   * reads for every book), e.g. `['ws:', 'wss:']`.
   */
  readonly urlSchemes: readonly string[]
  /**
   * The book's own settings: environment variable name (each mirrored by a flag, e.g.
   * KWIFF_SPORTS ↔ `--kwiff-sports`) → its meaning for `--help`, and whether it is a
   * secret (its value is then never echoed in an error, logged, or shown). These names are
   * the keys of {@link BookAdapter.configSchema}'s input.
   */
  readonly variables: Readonly<Record<string, { description: string; secret?: boolean }>>
  /**
   * A zod schema of the book's own options. Its input is the book's raw settings as the
   * proxy reads them (strings from environment variables or flags, named by the adapter);
   * its output is the `config` that {@link BookAdapter.createFeed} receives. A failed parse
   * stops start-up with zod's issues, which must never echo a secret's value.
   */
  readonly configSchema: z.ZodType<Config>
  /**
   * Builds the book's feed, not started. `url` is the live URL, a `*_URL` override or a
   * simulator's URL (it may carry `user:pass@` credentials: the feed sends them as
   * `Authorization: Basic` and never shows them); `logger` is already bound to the feed.
   * `frames`, when given, sees every raw upstream frame the feed receives and sends (the
   * proxy's recorder, `RECORD_DIR`; issue 11).
   * @throws TypeError when `url` is not a URL the feed can use.
   */
  createFeed(options: { url: string; logger: Logger; config: Config; frames?: FrameSink }): Feed
  /**
   * Starts the book's simulator on `host:port` (port 0 = ephemeral) and resolves once it
   * listens; its `url` is what {@link BookAdapter.createFeed} should connect to. `world` is
   * the shared simulated world the proxy runs for every simulated book (issue 9): the
   * simulator renders the world's matches its book lists, beside its own replay of the
   * captures. Without it the simulator runs alone (tests).
   * @throws when the port cannot be bound.
   */
  startSim(options: {
    host: string
    port: number
    logger: Logger
    world?: SharedWorld
  }): Promise<SimServer>
}

/**
 * A zod schema for a setting that is a comma list (`a, b,c`): trimmed items, empties
 * dropped; at least one item, each matching `item`, else `message` (which names the
 * expected form, e.g. "must be a comma list of zap topics, e.g. OVInPlay_1_3").
 */
export function commaList(item: RegExp, message: string) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .refine((r) => r.length > 0 && r.every((x) => item.test(x)), { message })
}
