import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { FeedState } from '@oddsboard/model'
import type { StateSource } from './source'
import type { Relay } from './relay'

const FEED_STATES: readonly FeedState[] = ['connecting', 'live', 'stale', 'reconnecting', 'down']

/**
 * A counter whose value is read from a plain number kept elsewhere (the hub, the relay, a
 * FeedStatus) at scrape time, so those stay free of prom-client.
 */
function mirroredCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | [Record<string, string>, number][],
  labelNames: string[] = [],
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset()
      const v = read()
      if (typeof v === 'number') this.inc(v)
      else for (const [labels, n] of v) this.inc(labels, n)
    },
  })
}

/**
 * The proxy's Prometheus registry: default process metrics plus `oddsboard_*` gauges and
 * counters read from the hub, the relay and the feeds at scrape time. One registry per
 * server, so several servers in one process (tests) do not collide.
 */
export function createMetrics(hub: StateSource, relay: Relay): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const perFeed = (pick: (s: ReturnType<StateSource['feeds']>[number]) => number) => () =>
    hub.feeds().map((s): [Record<string, string>, number] => [{ source: s.source }, pick(s)])

  new Gauge({
    name: 'oddsboard_relay_clients',
    help: 'WebSocket clients connected to /ws',
    registers: [registry],
    collect() {
      this.set(relay.clients)
    },
  })
  const rc = relay.counters
  mirroredCounter(
    registry,
    'oddsboard_relay_deltas_sent_total',
    'Delta messages written to clients',
    () => rc.deltasSent,
  )
  mirroredCounter(
    registry,
    'oddsboard_relay_delta_bytes_sent_total',
    'Bytes of delta frames written to clients (one frame per delta, the same bytes to each)',
    () => rc.deltaBytesSent,
  )
  mirroredCounter(
    registry,
    'oddsboard_relay_snapshots_sent_total',
    'Snapshot messages written to clients',
    () => rc.snapshotsSent,
  )
  mirroredCounter(
    registry,
    'oddsboard_relay_slow_client_disconnects_total',
    'Clients closed with 4008 because their socket buffer went over the limit',
    () => rc.slowClientDisconnects,
  )
  mirroredCounter(
    registry,
    'oddsboard_relay_bad_client_messages_total',
    'Client messages that were invalid or too large (the client is closed)',
    () => rc.badClientMessages,
  )
  mirroredCounter(
    registry,
    'oddsboard_relay_resumes_total',
    'Connections opened at a position (/ws?epoch=E&seq=N), by how they were answered',
    () => [
      [{ result: 'replay' }, rc.resumesReplayed],
      [{ result: 'snapshot' }, rc.resumesWithSnapshot],
    ],
    ['result'],
  )
  mirroredCounter(
    registry,
    'oddsboard_relay_upgrades_refused_total',
    'Refused /ws upgrades (path or origin)',
    () => rc.upgradesRefused,
  )
  mirroredCounter(
    registry,
    'oddsboard_relay_dead_clients_total',
    'Clients dropped for a missed ping',
    () => rc.deadClients,
  )

  const hc = hub.counters
  mirroredCounter(
    registry,
    'oddsboard_hub_ops_applied_total',
    'Ops applied to the state (after coalescing)',
    () => hc.opsApplied,
  )
  mirroredCounter(registry, 'oddsboard_hub_deltas_total', 'Deltas published', () => hc.deltas)
  mirroredCounter(
    registry,
    'oddsboard_hub_bad_batches_total',
    'Op batches refused by applyOps and dropped whole',
    () => hc.badBatches,
  )
  new Gauge({
    name: 'oddsboard_hub_seq',
    help: 'Seq of the latest delta',
    registers: [registry],
    collect() {
      this.set(hub.seq)
    },
  })
  new Gauge({
    name: 'oddsboard_state_entities',
    help: 'Entities in the normalized state, by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const [kind, n] of Object.entries(hub.sizes())) this.set({ kind }, n)
    },
  })

  mirroredCounter(
    registry,
    'oddsboard_feed_messages_total',
    'Upstream messages received',
    perFeed((s) => s.messages),
    ['source'],
  )
  mirroredCounter(
    registry,
    'oddsboard_feed_bad_frames_total',
    'Malformed upstream frames counted and skipped',
    perFeed((s) => s.badFrames),
    ['source'],
  )
  mirroredCounter(
    registry,
    'oddsboard_feed_reconnects_total',
    'Upstream reconnects',
    perFeed((s) => s.reconnects),
    ['source'],
  )
  new Gauge({
    name: 'oddsboard_feed_messages_per_second',
    help: 'Upstream messages per second over the last few seconds',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      for (const s of hub.feeds()) this.set({ source: s.source }, s.messagesPerSec)
    },
  })
  new Gauge({
    name: 'oddsboard_feed_state',
    help: 'Feed connection state: 1 for the current state, 0 for the others',
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      for (const s of hub.feeds())
        for (const state of FEED_STATES)
          this.set({ source: s.source, state }, s.state === state ? 1 : 0)
    },
  })
  new Gauge({
    name: 'oddsboard_feed_last_message_age_seconds',
    help: 'Seconds since the last upstream message (absent before the first)',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset()
      const now = Date.now()
      for (const s of hub.feeds())
        if (s.lastMessageAt !== null) this.set({ source: s.source }, (now - s.lastMessageAt) / 1000)
    },
  })
  return registry
}
