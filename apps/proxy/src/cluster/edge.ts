import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter } from 'prom-client'
import type { Logger } from '@oddsboard/feedkit'
import { redactSecrets } from '@oddsboard/feedkit'
import type { FeedStatus, PricePoint } from '@oddsboard/model'
import type { ProxyConfig } from '../config'
import { effectiveOrigins } from '../config'
import { PriceHistory } from '../history'
import { createHttpApp } from '../http'
import type { LinkDecision } from '../linkStore'
import { childLogger } from '../logger'
import { createMetrics } from '../metrics'
import { Relay } from '../relay'
import type { QueuedDecision, Redis, StoredSnapshot } from './redis'
import { clusterKeys, connectRedis, dropRedis, sleep } from './redis'
import { ReplicaHub } from './replica'

/**
 * An edge's price history: the projection of the replica's deltas, kept across a snapshot
 * reload (a book's selection keeps its id and its past prices across an ingest take-over),
 * but served only for selections in the replica's current state, so no selection of an old
 * epoch comes back through `/api/history`.
 */
class ReplicaHistory extends PriceHistory {
  constructor(private readonly replica: ReplicaHub) {
    super()
  }

  override get(ids?: readonly string[]): Record<string, readonly PricePoint[]> {
    const all = super.get(ids)
    const selections = this.replica.state.selection
    for (const id of Object.keys(all)) if (!selections.has(id)) delete all[id]
    return all
  }
}

/** Test hooks of {@link startEdge}. */
export interface EdgeOptions {
  /** Relay timers (defaults: ping 15 s, feeds 1 s). */
  pingIntervalMs?: number
  feedsIntervalMs?: number
  /** How long `POST /api/links` waits for the ingest's answer, ms (default 5000). */
  decisionTimeoutMs?: number
}

/** What an edge's follower counts. */
export interface FollowerCounters {
  /** Stream entries read. */
  entries: number
  /** Snapshots loaded because of a gap (the stream's bound passed this edge, or Redis lost entries). */
  gaps: number
  /** Snapshots loaded because the epoch changed (a new active ingest). */
  epochChanges: number
  /** Reads that failed (Redis unreachable). */
  failures: number
}

/** A running edge (ROLE=edge). */
export interface RunningEdge {
  role: 'edge'
  url: string
  port: number
  /** The replica of the ingest's hub that it serves. */
  replica: ReplicaHub
  /** The same replica, under the name the single process uses. */
  hub: ReplicaHub
  relay: Relay
  history: PriceHistory
  readonly counters: FollowerCounters
  /** Test hook: stops reading the stream (blocked read ends within 1 s) until resume(). */
  pause(): Promise<void>
  resume(): void
  /** Closes ws clients with 1001, stops following, closes Redis and the HTTP server. */
  close(): Promise<void>
}

/**
 * Starts an edge (issue 10, ROLE=edge): no upstream socket; serves the web app, `/ws` and
 * `/api/*` exactly like the single process, from a {@link ReplicaHub} it keeps in step with
 * the active ingest through Redis: it loads the stored snapshot, then reads the `deltas`
 * stream after the snapshot's `<base>-<seq>` with blocking reads (`XREAD BLOCK 1000`, on a
 * connection of its own) and applies each next delta. Another epoch in the stream (a new
 * active ingest), a gap (the stream's bound passed it while it lagged, or Redis lost
 * entries) or a delta that does not apply → it reloads the snapshot, and the relay sends
 * it to every client. Reads the feeds' statuses and the link decisions every second.
 * `POST /api/links` queues the decision for the active ingest, which owns the linker and
 * the links file, and answers once the ingest applied it and this edge has the delta that
 * carries its ops (500 when that did not happen within
 * `decisionTimeoutMs`; the decision stays queued for the next active ingest).
 * Connects to Redis first (retrying until it answers), then listens, serving an empty state
 * until the first snapshot.
 * @throws when the port cannot be bound.
 */
export async function startEdge(
  config: ProxyConfig,
  logger: Logger,
  options: EdgeOptions = {},
): Promise<RunningEdge> {
  const log = childLogger(logger, { component: 'edge' })
  const keys = clusterKeys(config.redisPrefix)
  const replica = new ReplicaHub({ ringSize: config.ringSize, logger: log })
  const history = new ReplicaHistory(replica)
  replica.onDelta((d) => history.apply(d.message))
  const counters: FollowerCounters = { entries: 0, gaps: 0, epochChanges: 0, failures: 0 }
  const abort = new AbortController()
  let stopped = false
  let paused: { resume: () => void; wait: Promise<void> } | null = null
  let links: LinkDecision[] = []

  // Redis first: nothing may reach the port before the app is attached below
  const client: Redis = await connectRedis(config.redisUrl!, log, 'edge')
  const reader: Redis = await connectRedis(config.redisUrl!, log, 'edge-stream')
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
    dropRedis(client)
    dropRedis(reader)
    throw err
  }
  const port = (server.address() as AddressInfo).port

  const decisionTimeoutMs = options.decisionTimeoutMs ?? 5000
  const linker = {
    /** Queues the decision for the active ingest and waits for its answer. */
    async decide(action: LinkDecision['action'], a: string, b: string): Promise<void> {
      const q: QueuedDecision = { id: randomBytes(9).toString('base64url'), action, a, b }
      await client.lPush(keys.decisions, JSON.stringify(q))
      const end = Date.now() + decisionTimeoutMs
      while (Date.now() < end) {
        const answer = await client.get(keys.decided(q.id))
        if (typeof answer === 'string' && answer.startsWith('ok')) {
          // `ok <epoch> <seq>`: answer once this edge has the delta carrying the decision's
          // ops, as the one process answers once they are on its hub
          const [, epoch, seq] = answer.split(' ')
          while (replica.epoch === epoch && replica.seq < Number(seq) && Date.now() < end)
            await sleep(10)
          await refreshMeta()
          return
        }
        if (typeof answer === 'string') throw new Error(`the ingest refused it (${answer})`)
        await sleep(25)
      }
      throw new Error(`no ingest answered within ${decisionTimeoutMs} ms (the decision is queued)`)
    },
  }

  const refreshMeta = async (): Promise<void> => {
    const [feeds, list] = await client.mGet([keys.feeds, keys.links])
    if (typeof feeds === 'string') replica.setFeeds(JSON.parse(feeds) as FeedStatus[])
    else if (feeds === null)
      // no ingest has stored its statuses for 5 s: say so rather than show them live
      replica.setFeeds(replica.feeds().map((f) => ({ ...f, state: 'down' as const })))
    if (typeof list === 'string') links = JSON.parse(list) as LinkDecision[]
  }
  const metaTimer = setInterval(() => {
    refreshMeta().catch(() => {})
  }, 1000)

  /** Loads the stored snapshot; returns the stream id to read after, or null when none. */
  const load = async (): Promise<string | null> => {
    const raw = await client.get(keys.snapshot)
    if (raw === null) return null
    const snap = JSON.parse(raw) as StoredSnapshot
    if (snap.epoch !== replica.epoch || snap.seq !== replica.seq) replica.load(snap)
    return `${snap.base}-${snap.seq}`
  }

  const follow = async (): Promise<void> => {
    let after: string | null = null
    let lastLoad: string | null = null
    let failing = false
    while (!stopped) {
      if (paused !== null) {
        await paused.wait
        continue
      }
      try {
        if (after === null) {
          after = await load()
          if (after === null) await sleep(200, abort.signal)
          // the same snapshot as at the last reload, and it did not get this edge through:
          // wait for the ingest to store a newer one rather than spin
          else if (after === lastLoad) await sleep(100, abort.signal)
          lastLoad = after
          continue
        }
        const r = await reader.xRead({ key: keys.deltas, id: after }, { BLOCK: 1000, COUNT: 1000 })
        if (failing) {
          failing = false
          log.info({ position: replica.position() }, 'edge reading the stream again')
        }
        if (r === null || paused !== null) continue
        const messages = (r as { messages: { id: string; message: Record<string, string> }[] }[])[0]
          ?.messages
        for (const m of messages ?? []) {
          counters.entries++
          const { epoch, seq, d } = m.message as { epoch: string; seq: string; d?: string }
          if (epoch !== replica.epoch) {
            counters.epochChanges++
            log.info({ from: replica.epoch, to: epoch }, 'edge sees a new epoch')
            after = null
            break
          }
          after = m.id
          if (Number(seq) <= replica.seq) continue // the epoch's start marker, or had it already
          // a gap: a marker (the ingest could not write those deltas) or a trimmed stream
          if (d === undefined || Number(seq) !== replica.seq + 1) {
            counters.gaps++
            log.warn(
              { at: replica.position(), next: Number(seq) },
              'edge missed deltas the stream no longer holds: reloading the snapshot',
            )
            after = null
            break
          }
          try {
            replica.apply(d)
            lastLoad = null
          } catch (err) {
            counters.gaps++
            log.warn({ err: (err as Error).message }, 'edge could not apply a delta: reloading')
            after = null
            break
          }
        }
      } catch (err) {
        if (stopped) return
        counters.failures++
        if (!failing) {
          failing = true
          log.warn({ err: redactSecrets((err as Error).message) }, 'edge cannot read the stream')
        }
        await sleep(250, abort.signal)
      }
    }
  }

  const allowedOrigins = effectiveOrigins(config, port)
  const relay = new Relay({
    hub: replica,
    allowedOrigins,
    maxBufferBytes: config.relayMaxBufferBytes,
    logger: childLogger(logger, { component: 'relay' }),
    ...(options.pingIntervalMs !== undefined && { pingIntervalMs: options.pingIntervalMs }),
    ...(options.feedsIntervalMs !== undefined && { feedsIntervalMs: options.feedsIntervalMs }),
  })
  relay.attach(server)
  const registry = createMetrics(replica, relay)
  for (const [name, help, key] of [
    ['oddsboard_edge_stream_entries_total', 'Stream entries read from Redis', 'entries'],
    ['oddsboard_edge_gaps_total', 'Snapshot reloads after a gap in the stream', 'gaps'],
    ['oddsboard_edge_epoch_changes_total', 'Snapshot reloads after a new epoch', 'epochChanges'],
    ['oddsboard_edge_read_failures_total', 'Stream reads that failed (Redis away)', 'failures'],
  ] as const)
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset()
        this.inc(counters[key])
      },
    })
  server.on(
    'request',
    createHttpApp({
      hub: replica,
      history,
      registry,
      linker,
      links: { list: () => links },
      allowedOrigins,
      webDist: config.webDist,
      logger: childLogger(logger, { component: 'http' }),
    }),
  )
  await refreshMeta().catch(() => {})
  const following = follow()

  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  log.info({ url }, 'edge started')
  let closing: Promise<void> | null = null
  return {
    role: 'edge',
    url,
    port,
    replica,
    hub: replica,
    relay,
    history,
    counters,
    async pause() {
      if (paused !== null) return
      let resume = () => {}
      const wait = new Promise<void>((r) => (resume = r))
      paused = { resume, wait }
      // the blocked read in flight ends within its 1 s BLOCK; nothing it returns is applied
      await sleep(1100)
    },
    resume() {
      const p = paused
      paused = null
      p?.resume()
    },
    close() {
      closing ??= (async () => {
        stopped = true
        abort.abort()
        paused?.resume()
        clearInterval(metaTimer)
        await relay.close()
        dropRedis(reader)
        await following
        replica.close()
        await client.close().catch(() => dropRedis(client))
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      })()
      return closing
    },
  }
}
