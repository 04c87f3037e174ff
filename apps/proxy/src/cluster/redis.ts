import { createClient } from 'redis'
import type { Entity, FeedStatus } from '@oddsboard/model'
import type { Logger } from '@oddsboard/feedkit'
import { redactSecrets } from '@oddsboard/feedkit'

/** A node-redis client as {@link connectRedis} makes it (RESP2, no modules). */
export type Redis = ReturnType<typeof createClient>

/**
 * The Redis keys of one cluster, all under `prefix` (REDIS_PREFIX, default `oddsboard`), so
 * several clusters can share one Redis:
 * - `deltas`: the stream of published deltas. Entry id `<base>-<seq>` (base: the epoch's
 *   first millisecond, see {@link StoredSnapshot.base}), fields `epoch`, `seq`, `d` (the
 *   delta message's JSON exactly as the hub published it). Id `<base>-0` with no `d` marks a
 *   new epoch. Explicit ids also fence a stale ingest: Redis refuses an id at or below the
 *   stream's last, and a new epoch's base is above every id of the previous one.
 * - `snapshot`: the ingest's {@link StoredSnapshot}, JSON.
 * - `feeds`: the ingest's feed statuses, JSON `FeedStatus[]`, with a TTL (gone = no ingest).
 * - `lock`: the active ingest's id, with a TTL (SET NX PX, renewed).
 * - `decisions`: a list of link decisions sent by edges (JSON {@link QueuedDecision}),
 *   consumed by the active ingest; `decided:<id>` its answer (`ok` or `error: …`), for 60 s.
 * - `links`: the ingest's decisions (`LinkStore.list()`), JSON, for edges' `GET /api/links`.
 */
export function clusterKeys(prefix: string) {
  return {
    deltas: `${prefix}:deltas`,
    snapshot: `${prefix}:snapshot`,
    feeds: `${prefix}:feeds`,
    lock: `${prefix}:lock`,
    decisions: `${prefix}:decisions`,
    decided: (id: string) => `${prefix}:decided:${id}`,
    links: `${prefix}:links`,
  }
}

/** The keys of one cluster; see {@link clusterKeys}. */
export type ClusterKeys = ReturnType<typeof clusterKeys>

/** The ingest's snapshot as kept in Redis: the state at `seq` of `epoch`. */
export interface StoredSnapshot {
  epoch: string
  /**
   * The epoch's base: the millisecond part of every stream id of this epoch (`<base>-<seq>`),
   * chosen at take-over above every id already in the stream.
   */
  base: number
  seq: number
  entities: Entity[]
  feeds: FeedStatus[]
}

/** A link decision on its way from an edge to the active ingest. */
export interface QueuedDecision {
  /** Random id; the ingest answers under `decided:<id>`. */
  id: string
  action: 'link' | 'unlink'
  a: string
  b: string
}

/**
 * A connected node-redis client for `url` that reconnects by itself after any loss (every
 * 50 ms × attempts, at most 1 s apart, for ever) and fails commands at once while
 * disconnected (no offline queue: the callers retry at their own pace). Connection errors
 * are logged once per outage (warn), without the URL's credentials.
 * Resolves once connected; keeps retrying until then.
 */
export async function connectRedis(url: string, logger: Logger, name: string): Promise<Redis> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 1000),
    },
  })
  let down = false
  client.on('error', (err: Error) => {
    if (down) return
    down = true
    logger.warn({ err: redactSecrets(err.message), connection: name }, 'redis connection lost')
  })
  client.on('ready', () => {
    if (!down) return
    down = false
    logger.info({ connection: name }, 'redis connection back')
  })
  await client.connect()
  return client as Redis
}

/** Closes a client without waiting for replies (blocked reads included); never throws. */
export function dropRedis(client: Redis | null | undefined): void {
  if (client === null || client === undefined) return
  try {
    client.destroy()
  } catch {
    // already closed
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve()
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
