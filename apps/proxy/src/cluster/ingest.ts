import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Feed, Logger } from '@oddsboard/feedkit'
import { redactSecrets } from '@oddsboard/feedkit'
import type { ProxyConfig } from '../config'
import { Hub } from '../hub'
import { Linker } from '../links'
import { LinkStore } from '../linkStore'
import { childLogger } from '../logger'
import { IngestLock } from './lock'
import { StreamPublisher } from './publisher'
import type { QueuedDecision, Redis } from './redis'
import { clusterKeys, connectRedis, dropRedis, sleep } from './redis'

/** Test and bench hooks of {@link startIngest}. */
export interface IngestOptions {
  /** Builds this ingest's feeds at each take-over, instead of from `config.feeds`. */
  feeds?: () => Feed[]
  /** The linker's debounce (default 1000 ms). */
  linkDebounceMs?: number
  /** Snapshot cadence, see StreamPublisherOptions (defaults ringSize / 4 deltas, 5000 ms). */
  snapshotEveryDeltas?: number
  snapshotEveryMs?: number
}

/** A running ingest (ROLE=ingest). */
export interface RunningIngest {
  role: 'ingest'
  /** `http://host:port` of its health endpoint (`GET /healthz`). */
  url: string
  port: number
  /** This process's lock id. */
  id: string
  /** `standby` until it holds the lock, then `active`. */
  readonly state: 'standby' | 'active'
  /** The hub while active, else null. */
  readonly hub: Hub | null
  /** The publisher while active, else null. */
  readonly publisher: StreamPublisher | null
  /** Resolves once this ingest is active (never, while another holds the lock). */
  active(): Promise<void>
  /** Stops the feeds, writes what is pending (≤ 2 s), releases the lock, closes Redis and HTTP. */
  close(): Promise<void>
  /**
   * Test hook: dies as a killed process would, as far as Redis can tell: drops its Redis
   * connections at once, keeps the lock (it expires), stops its feeds and HTTP server.
   */
  crash(): Promise<void>
}

interface Active {
  feeds: Feed[]
  closeSims: () => Promise<void>
  hub: Hub
  linker: Linker
  links: LinkStore
  publisher: StreamPublisher
  renewTimer: NodeJS.Timeout
}

/**
 * Starts an ingest (issue 10, ROLE=ingest): waits on the cluster's lock (`SET NX PX`, TTL
 * `config.lockTtlMs`, tried every TTL / 5) as a standby holding no upstream socket; once it
 * holds the lock, builds the feeds, a hub with a new epoch and the linker (its links file
 * under `config.dataDir`), and publishes the hub to Redis ({@link StreamPublisher}); renews
 * the lock every TTL / 3. When the lock turns out to be another's, or cannot be renewed for
 * a whole TTL (Redis unreachable: another may hold it by now), it stops its feeds and
 * becomes a standby again. Consumes the link decisions edges queue in Redis (one at a
 * time, in order) and mirrors its decisions for their `GET /api/links`.
 * Serves `GET /healthz` (`{role, state, epoch, seq, feeds}`; 200) on `config.host:port`.
 * Resolves once listening and connected to Redis.
 * @throws when the port cannot be bound.
 */
export async function startIngest(
  config: ProxyConfig,
  logger: Logger,
  options: IngestOptions = {},
): Promise<RunningIngest> {
  const log = childLogger(logger, { component: 'ingest' })
  const keys = clusterKeys(config.redisPrefix)
  const id = randomBytes(9).toString('base64url')
  const ttl = config.lockTtlMs
  let client: Redis | null = null
  let blocking: Redis | null = null
  let current: Active | null = null
  let stopped = false
  const abort = new AbortController()
  let becameActive: () => void = () => {}
  const activeOnce = new Promise<void>((r) => (becameActive = r))

  const server = createServer((req, res) => {
    if (req.url !== '/healthz') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"no such endpoint"}')
      return
    }
    const body = {
      role: 'ingest',
      state: current === null ? 'standby' : 'active',
      epoch: current?.hub.epoch ?? null,
      seq: current?.hub.seq ?? null,
      feeds: current?.hub.feeds() ?? [],
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port

  client = await connectRedis(config.redisUrl!, log, 'ingest')
  blocking = await connectRedis(config.redisUrl!, log, 'ingest-decisions')
  const lock = new IngestLock(client, keys.lock, id, ttl)

  const activate = async (): Promise<void> => {
    const links = await LinkStore.open(config.dataDir)
    let feeds: Feed[]
    let closeSims = async () => {}
    if (options.feeds !== undefined) feeds = options.feeds()
    else {
      const { buildFeeds } = await import('../feeds')
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
    const linker = new Linker({
      hub,
      store: links,
      logger: childLogger(logger, { component: 'links' }),
      ...(options.linkDebounceMs !== undefined && { debounceMs: options.linkDebounceMs }),
    })
    const publisher = new StreamPublisher({
      client: client!,
      keys,
      hub,
      holderId: id,
      ringSize: config.ringSize,
      logger: log,
      ...(options.snapshotEveryDeltas !== undefined && {
        snapshotEveryDeltas: options.snapshotEveryDeltas,
      }),
      ...(options.snapshotEveryMs !== undefined && { snapshotEveryMs: options.snapshotEveryMs }),
    })
    try {
      await publisher.start()
    } catch (err) {
      linker.close()
      hub.close()
      await closeSims()
      throw err
    }
    let lastRenew = Date.now()
    const renewTimer = setInterval(
      () => {
        lock.renew().then(
          (held) => {
            if (held) lastRenew = Date.now()
            else void stepDown('the lock is held by another ingest')
          },
          () => {
            if (Date.now() - lastRenew > ttl)
              void stepDown('the lock could not be renewed for a TTL')
          },
        )
      },
      Math.max(50, Math.floor(ttl / 3)),
    )
    current = { feeds, closeSims, hub, linker, links, publisher, renewTimer }
    await storeLinks()
    for (const feed of feeds) feed.start()
    log.info({ epoch: hub.epoch, id }, 'ingest active: holding the lock, feeds started')
    becameActive()
  }

  const deactivate = async (drain: boolean): Promise<void> => {
    const a = current
    if (a === null) return
    current = null
    clearInterval(a.renewTimer)
    const stops = await Promise.allSettled(a.feeds.map((f) => f.stop()))
    for (const s of stops)
      if (s.status === 'rejected') log.warn({ err: String(s.reason) }, 'a feed failed to stop')
    await a.closeSims()
    await a.publisher.close(drain)
    a.linker.close()
    a.hub.close()
    await a.links.flush()
  }

  const stepDown = async (why: string): Promise<void> => {
    if (current === null) return
    log.warn({ why }, 'ingest stepping down to standby: feeds stopped')
    await deactivate(false)
  }

  const storeLinks = async (): Promise<void> => {
    if (current === null) return
    try {
      await client!.set(keys.links, JSON.stringify(current.links.list()))
    } catch {
      // retried after the next decision, and at each take-over
    }
  }

  /** The standby loop: tries the lock every TTL / 5 while not active. */
  const lockLoop = async (): Promise<void> => {
    while (!stopped) {
      if (current === null) {
        try {
          if (await lock.tryAcquire()) await activate()
        } catch (err) {
          log.debug({ err: redactSecrets((err as Error).message) }, 'lock attempt failed')
          if (current !== null && !stopped) void stepDown('start-up failed')
        }
      }
      await sleep(Math.max(50, Math.floor(ttl / 5)), abort.signal)
    }
  }

  /** Consumes the edges' link decisions while active (BRPOP, 1 s at a time). */
  const decisionLoop = async (): Promise<void> => {
    while (!stopped) {
      if (current === null) {
        await sleep(200, abort.signal)
        continue
      }
      try {
        const r = await blocking!.brPop(keys.decisions, 1)
        if (r === null) continue
        await decide(JSON.parse(r.element) as QueuedDecision)
      } catch (err) {
        if (stopped) return
        log.debug({ err: redactSecrets((err as Error).message) }, 'decision read failed')
        await sleep(200, abort.signal)
      }
    }
  }

  const decide = async (q: QueuedDecision): Promise<void> => {
    const a = current
    let answer: string
    if (a === null) answer = 'error: no active ingest'
    else {
      const ea = a.hub.state.event.get(q.a)
      const eb = a.hub.state.event.get(q.b)
      if (ea === undefined || eb === undefined)
        answer = `error: unknown event: ${[ea ? null : q.a, eb ? null : q.b].filter(Boolean).join(', ')}`
      else if (ea.source === eb.source) answer = `error: both are ${ea.source} events`
      else {
        try {
          await a.linker.decide(q.action, q.a, q.b)
          // publish its ops now, and tell the edge which delta carries them
          a.hub.flush()
          answer = `ok ${a.hub.epoch} ${a.hub.seq}`
        } catch (err) {
          log.error({ err: (err as Error).message }, 'could not save a link decision')
          answer = 'error: could not save the decision'
        }
      }
    }
    await storeLinks()
    await client!.set(keys.decided(q.id), answer, { expiration: { type: 'EX', value: 60 } })
  }

  // Redis came back (maybe restarted empty): renew at once and store the snapshot again.
  client.on('ready', () => {
    const a = current
    if (a === null) return
    lock.renew().then(
      (held) => {
        if (!held) void stepDown('the lock is held by another ingest')
        else {
          a.publisher.resync()
          void storeLinks()
        }
      },
      () => {},
    )
  })

  const loops = [lockLoop(), decisionLoop()]
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  log.info({ url, id }, 'ingest started: waiting for the lock')

  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  let closing: Promise<void> | null = null
  return {
    role: 'ingest',
    url,
    port,
    id,
    get state() {
      return current === null ? 'standby' : 'active'
    },
    get hub() {
      return current?.hub ?? null
    },
    get publisher() {
      return current?.publisher ?? null
    },
    active: () => activeOnce,
    close() {
      closing ??= (async () => {
        stopped = true
        abort.abort()
        const wasActive = current !== null
        await deactivate(true)
        if (wasActive) await lock.release().catch(() => false)
        dropRedis(blocking)
        await Promise.allSettled(loops)
        await client!.close().catch(() => dropRedis(client))
        await closeServer()
      })()
      return closing
    },
    crash() {
      closing ??= (async () => {
        stopped = true
        abort.abort()
        dropRedis(blocking)
        dropRedis(client)
        await deactivate(false)
        await Promise.allSettled(loops)
        await closeServer()
      })()
      return closing
    },
  }
}
