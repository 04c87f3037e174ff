import type { Logger } from '@oddsboard/feedkit'
import type { ProxyConfig } from '../config'
import type { RunningEdge } from './edge'
import { startEdge } from './edge'
import type { RunningIngest } from './ingest'
import { startIngest } from './ingest'

export type { RunningEdge } from './edge'
export type { RunningIngest } from './ingest'

/**
 * Starts the cluster role `config.role` (issue 10): an ingest ({@link startIngest}) or an
 * edge ({@link startEdge}). `config.redisUrl` must be set (loadConfig checks it).
 * @throws Error for ROLE=all (that is `startProxy`), or when the port cannot be bound.
 */
export async function startClusterNode(
  config: ProxyConfig,
  logger: Logger,
): Promise<RunningIngest | RunningEdge> {
  if (config.redisUrl === undefined) throw new Error(`ROLE=${config.role} needs REDIS_URL`)
  if (config.role === 'ingest') return startIngest(config, logger)
  if (config.role === 'edge') return startEdge(config, logger)
  throw new Error('ROLE=all runs startProxy, not a cluster node')
}
