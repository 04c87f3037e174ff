import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Feed, Logger } from '@oddsboard/feedkit'
import type { ProxyConfig } from './config'
import { effectiveOrigins } from './config'
import { PriceHistory } from './history'
import { createHttpApp } from './http'
import { Hub } from './hub'
import { Linker } from './links'
import { LinkStore } from './linkStore'
import { childLogger } from './logger'
import { createMetrics } from './metrics'
import { Relay } from './relay'

/** A running proxy. */
export interface RunningProxy {
  /** e.g. `http://127.0.0.1:8080` (the actual bound port). */
  url: string
  port: number
  hub: Hub
  /** The price-history projection of the hub's deltas (`/api/history`). */
  history: PriceHistory
  relay: Relay
  /** Canonical events: the matcher and the user's decisions, published on the hub. */
  linker: Linker
  /** The user's link/unlink decisions (`DATA_DIR/links.json`). */
  links: LinkStore
  /** Stops the feeds, closes the simulators, closes ws clients with 1001, then the HTTP server. */
  close(): Promise<void>
}

/** Test and bench hooks for {@link startProxy}. */
export interface StartOptions {
  /** Use these feeds instead of building them from `config.feeds` (no simulators are started). */
  feeds?: Feed[]
  /** Relay timers (defaults: ping 15 s, feeds 1 s). */
  pingIntervalMs?: number
  feedsIntervalMs?: number
  /** The linker's debounce (default 1000 ms). */
  linkDebounceMs?: number
}

/**
 * Starts the proxy: builds the feeds (and, in sim mode, their simulators), the hub, the
 * `/ws` relay and the HTTP app on one server listening on `config.host:config.port`, then
 * starts the feeds. Resolves once listening, with the actual URL. The user's link decisions
 * are read from `config.dataDir` first.
 * @throws when the port cannot be bound or a simulator cannot start (nothing is left running);
 *   LinkStoreError naming the file when `DATA_DIR/links.json` cannot be read (nothing started).
 */
export async function startProxy(
  config: ProxyConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningProxy> {
  const links = await LinkStore.open(config.dataDir)
  let feeds: Feed[]
  let closeSims = async () => {}
  if (options.feeds !== undefined) {
    feeds = options.feeds
  } else {
    // Loaded here so that tests with their own feeds never load the feed packages.
    const { buildFeeds } = await import('./feeds')
    const set = await buildFeeds(config, logger)
    feeds = set.feeds
    closeSims = set.close
  }
  const hub = new Hub({
    coalesceMs: config.coalesceMs,
    ringSize: config.ringSize,
    logger: childLogger(logger, { component: 'hub' }),
  })
  for (const feed of feeds) hub.addFeed(feed)
  const history = new PriceHistory()
  hub.onDelta((d) => history.apply(d.message))
  const linker = new Linker({
    hub,
    store: links,
    logger: childLogger(logger, { component: 'links' }),
    ...(options.linkDebounceMs !== undefined && { debounceMs: options.linkDebounceMs }),
  })

  const server = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    linker.close()
    hub.close()
    await closeSims()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  const allowedOrigins = effectiveOrigins(config, port)
  const relay = new Relay({
    hub,
    allowedOrigins,
    maxBufferBytes: config.relayMaxBufferBytes,
    logger: childLogger(logger, { component: 'relay' }),
    ...(options.pingIntervalMs !== undefined && { pingIntervalMs: options.pingIntervalMs }),
    ...(options.feedsIntervalMs !== undefined && { feedsIntervalMs: options.feedsIntervalMs }),
  })
  relay.attach(server)
  const registry = createMetrics(hub, relay)
  server.on(
    'request',
    createHttpApp({
      hub,
      history,
      registry,
      linker,
      links,
      allowedOrigins,
      webDist: config.webDist,
      logger: childLogger(logger, { component: 'http' }),
    }),
  )
  for (const feed of feeds) feed.start()

  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  let closing: Promise<void> | null = null
  return {
    url,
    port,
    hub,
    history,
    relay,
    linker,
    links,
    close() {
      closing ??= (async () => {
        const stops = await Promise.allSettled(feeds.map((f) => f.stop()))
        for (const s of stops)
          if (s.status === 'rejected')
            logger.warn({ err: String(s.reason) }, 'a feed failed to stop')
        await closeSims()
        await relay.close()
        linker.close()
        hub.close()
        await links.flush()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      })()
      return closing
    },
  }
}
