import type { Logger } from '@oddsboard/feedkit'
import { redactSecrets, silentLogger } from '@oddsboard/feedkit'
import type { Hub } from '../hub'
import type { ClusterKeys, Redis } from './redis'
import { sleep } from './redis'

// Appends deltas, only while the lock is ours (fencing: a deposed ingest writes nothing).
// KEYS: lock, stream. ARGV: holder id, maxlen, epoch, then (entry id, seq, payload)…
// Returns the number of entries added, or -1 when the lock is not ours.
const APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local n = 0
for i = 4, #ARGV, 3 do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], ARGV[i], 'epoch', ARGV[3], 'seq', ARGV[i+1], 'd', ARGV[i+2])
  n = n + 1
end
return n`
// Stores the snapshot and, optionally, a marker entry without a delta (seq 0: the start of
// an epoch; seq N: the deltas up to N are not in the stream, load this snapshot), lock
// permitting. KEYS: lock, snapshot, stream.
// ARGV: holder id, snapshot JSON, marker id or '', epoch, maxlen, marker seq.
const SNAPSHOT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if ARGV[3] ~= '' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], ARGV[3], 'epoch', ARGV[4], 'seq', ARGV[6])
end
redis.call('SET', KEYS[2], ARGV[2])
return 1`

/** Options of a {@link StreamPublisher}. */
export interface StreamPublisherOptions {
  client: Redis
  keys: ClusterKeys
  hub: Hub
  /** The active ingest's lock id: every write checks it in Redis first. */
  holderId: string
  /** The stream's bound: `XADD … MAXLEN ~ ringSize` (the hub's ring size). */
  ringSize: number
  /** Store the snapshot after this many deltas (default ringSize / 4, at least 1). */
  snapshotEveryDeltas?: number
  /** …and at least this often while deltas flow, ms (default 5000). */
  snapshotEveryMs?: number
  /** Feed statuses are stored every this many ms, with a TTL of 5 of them (default 1000). */
  feedsEveryMs?: number
  logger?: Logger
}

/** What a {@link StreamPublisher} counts. */
export interface PublisherCounters {
  /** Deltas appended to the stream. */
  appended: number
  /** Snapshots stored. */
  snapshots: number
  /** Deltas that fell out of the hub's ring before Redis took them (edges resync). */
  skipped: number
  /** Writes refused because the lock was not ours at that moment. */
  fenced: number
  /** Writes that failed (Redis unreachable). */
  failures: number
}

/**
 * The ingest's side of the Redis Streams fan-out (issue 10): appends every delta the hub
 * publishes, in seq order, to the `deltas` stream as `<base>-<seq>` (the delta's JSON as
 * the hub made it, so any op the hub emits flows through unchanged), bounded with
 * `MAXLEN ~ ringSize`; stores the snapshot at the start of the epoch, every
 * `snapshotEveryDeltas` deltas, every `snapshotEveryMs` while deltas flow, and after any
 * failure (Redis may have restarted empty); stores the feeds' statuses every second.
 *
 * One pump writes, in order, batches of up to 500 deltas read from the hub's ring; while
 * Redis is unreachable it retries every 200 ms and the hub's ring holds the backlog; what
 * fell out of the ring meanwhile is skipped (the snapshot covers it; edges see the gap and
 * reload the snapshot). Every write is a Lua script that first checks the lock is ours.
 */
export class StreamPublisher {
  readonly counters: PublisherCounters = {
    appended: 0,
    snapshots: 0,
    skipped: 0,
    fenced: 0,
    failures: 0,
  }
  /** The epoch's base (the ms part of its stream ids); set by {@link StreamPublisher.start}. */
  base = 0
  private written = 0
  private snapshotSeq = -1
  private snapshotAt = 0
  private needSnapshot = true
  private pumping: Promise<void> | null = null
  private closed = false
  private readonly abort = new AbortController()
  private readonly timers: NodeJS.Timeout[] = []
  private readonly unsubscribers: (() => void)[] = []
  private readonly o: Required<Omit<StreamPublisherOptions, 'logger'>> & { logger: Logger }

  constructor(options: StreamPublisherOptions) {
    this.o = {
      snapshotEveryDeltas: Math.max(1, Math.floor(options.ringSize / 4)),
      snapshotEveryMs: 5000,
      feedsEveryMs: 1000,
      logger: silentLogger,
      ...options,
    }
  }

  /**
   * Starts the epoch in Redis: picks the base above every id in the stream, appends the
   * epoch's marker and stores the snapshot (one script), then follows the hub.
   * @throws when Redis cannot be reached or the lock is not ours.
   */
  async start(): Promise<void> {
    const { client, keys, hub } = this.o
    const last = await client.xRevRange(keys.deltas, '+', '-', { COUNT: 1 })
    const lastMs = last !== null && last.length > 0 ? Number(last[0]!.id.split('-')[0]) : 0
    this.base = Math.max(lastMs + 1, Date.now())
    const ok = await this.storeSnapshot('epoch')
    if (!ok) throw new Error('the ingest lock is not ours')
    this.written = hub.seq
    this.unsubscribers.push(
      hub.onDelta(() => this.kick()),
      hub.onFeeds(() => void this.storeFeeds()),
    )
    this.timers.push(
      setInterval(() => {
        if (this.snapshotSeq !== this.o.hub.seq) this.kick()
      }, this.o.snapshotEveryMs),
      setInterval(() => void this.storeFeeds(), this.o.feedsEveryMs),
    )
    void this.storeFeeds()
    this.kick()
  }

  /** Asks for a snapshot at the next write (e.g. Redis came back, maybe empty). */
  resync(): void {
    this.needSnapshot = true
    this.kick()
  }

  /** The seq of the last delta Redis took. */
  get writtenSeq(): number {
    return this.written
  }

  /**
   * Stops following the hub. With `drain`, first waits (at most `graceMs`) for the pump to
   * write what it holds.
   */
  async close(drain = false, graceMs = 2000): Promise<void> {
    if (drain) {
      const end = Date.now() + graceMs
      while (this.written < this.o.hub.seq && Date.now() < end) {
        this.kick()
        await sleep(20)
      }
    }
    this.closed = true
    this.abort.abort()
    for (const t of this.timers.splice(0)) clearInterval(t)
    for (const u of this.unsubscribers.splice(0)) u()
    await this.pumping
  }

  private kick(): void {
    if (this.closed || this.pumping !== null) return
    this.pumping = this.pump().finally(() => {
      this.pumping = null
      if (!this.closed && this.written < this.o.hub.seq) this.kick()
    })
  }

  private async pump(): Promise<void> {
    const { hub } = this.o
    while (!this.closed) {
      try {
        const due =
          this.needSnapshot ||
          (this.snapshotSeq < hub.seq &&
            (this.written - this.snapshotSeq >= this.o.snapshotEveryDeltas ||
              Date.now() - this.snapshotAt >= this.o.snapshotEveryMs))
        if (due && !(await this.storeSnapshot('none'))) {
          await sleep(100, this.abort.signal)
          continue
        }
        if (this.written >= hub.seq) return
        const deltas = hub.deltasSince(this.written)
        if (deltas === null) {
          // fell out of the ring before Redis took them (Redis away, or a burst faster than
          // Redis): store the snapshot with a gap marker, so edges reload it at once
          const from = this.written + 1
          const seq = hub.seq
          if (!(await this.storeSnapshot('gap'))) {
            await sleep(100, this.abort.signal)
            continue
          }
          this.counters.skipped += seq - from + 1
          this.o.logger.warn(
            { from, to: seq },
            'deltas lost before Redis took them: edges reload the snapshot',
          )
          this.written = seq
          continue
        }
        const batch = deltas.slice(0, 500)
        const args: string[] = [this.o.holderId, String(this.o.ringSize), hub.epoch]
        batch.forEach((payload, i) => {
          const seq = this.written + 1 + i
          args.push(`${this.base}-${seq}`, String(seq), payload.toString('utf8'))
        })
        const n = await this.o.client.eval(APPEND, {
          keys: [this.o.keys.lock, this.o.keys.deltas],
          arguments: args,
        })
        if (n === -1) {
          this.counters.fenced++
          await sleep(100, this.abort.signal)
          continue
        }
        this.written += batch.length
        this.counters.appended += batch.length
      } catch (err) {
        this.counters.failures++
        this.needSnapshot = true
        this.o.logger.debug({ err: redactSecrets((err as Error).message) }, 'stream write failed')
        await sleep(200, this.abort.signal)
      }
    }
  }

  /**
   * Stores the hub's snapshot, with the epoch's start marker (`epoch`), a gap marker at its
   * seq (`gap`) or no entry (`none`); false when the lock is not ours.
   */
  private async storeSnapshot(marker: 'epoch' | 'gap' | 'none'): Promise<boolean> {
    const { hub, keys } = this.o
    const seq = hub.seq
    const json = `{"base":${this.base},${hub.snapshotJson().slice(1)}`
    const markerSeq = marker === 'epoch' ? 0 : seq
    const r = await this.o.client.eval(SNAPSHOT, {
      keys: [keys.lock, keys.snapshot, keys.deltas],
      arguments: [
        this.o.holderId,
        json,
        marker === 'none' ? '' : `${this.base}-${markerSeq}`,
        hub.epoch,
        String(this.o.ringSize),
        String(markerSeq),
      ],
    })
    if (r !== 1) {
      this.counters.fenced++
      return false
    }
    this.needSnapshot = false
    this.snapshotSeq = seq
    this.snapshotAt = Date.now()
    this.counters.snapshots++
    return true
  }

  private async storeFeeds(): Promise<void> {
    if (this.closed) return
    try {
      await this.o.client.set(this.o.keys.feeds, JSON.stringify(this.o.hub.feeds()), {
        expiration: { type: 'PX', value: this.o.feedsEveryMs * 5 },
      })
    } catch {
      // Redis away: the pump logs and retries; the next tick stores them again
    }
  }
}
