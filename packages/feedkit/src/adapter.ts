import type { z } from 'zod'
import type { Source } from '@oddsboard/model'
import type { Feed } from './feed'
import type { Logger } from './logger'
import type { SimServer } from './sim'

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
   * @throws TypeError when `url` is not a URL the feed can use.
   */
  createFeed(options: { url: string; logger: Logger; config: Config }): Feed
  /**
   * Starts the book's simulator on `host:port` (port 0 = ephemeral) and resolves once it
   * listens; its `url` is what {@link BookAdapter.createFeed} should connect to.
   * @throws when the port cannot be bound.
   */
  startSim(options: { host: string; port: number; logger: Logger }): Promise<SimServer>
}
