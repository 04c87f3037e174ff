import type { Redis } from './redis'

// Renew: extend our own lock; take it back when it is gone (Redis restarted without
// persistence, or it expired while nobody else took it); say 0 when another holds it.
const RENEW = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`
// Release: delete the lock only while it is still ours.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/**
 * The one-active-ingest lock (issue 10): a Redis key holding the holder's random id with a
 * TTL, taken with `SET key id NX PX ttl`, renewed by its holder well within the TTL and
 * deleted on a clean stop, so a standby takes over at once after a clean stop and within
 * about one TTL after the holder dies. Every method throws the client's error when Redis
 * cannot be reached.
 */
export class IngestLock {
  constructor(
    private readonly client: Redis,
    /** The lock's key. */
    readonly key: string,
    /** This ingest's id (random, one per process). */
    readonly id: string,
    /** Time to live, ms. */
    readonly ttlMs: number,
  ) {}

  /** Takes the lock when nobody holds it; true when it is now ours. */
  async tryAcquire(): Promise<boolean> {
    const r = await this.client.set(this.key, this.id, {
      condition: 'NX',
      expiration: { type: 'PX', value: this.ttlMs },
    })
    return r === 'OK'
  }

  /** Extends the TTL of our lock (taking it back when it vanished); false when another holds it. */
  async renew(): Promise<boolean> {
    const r = await this.client.eval(RENEW, {
      keys: [this.key],
      arguments: [this.id, String(this.ttlMs)],
    })
    return r === 1
  }

  /** Deletes the lock when it is ours; true when it was. */
  async release(): Promise<boolean> {
    const r = await this.client.eval(RELEASE, { keys: [this.key], arguments: [this.id] })
    return r === 1
  }

  /** The current holder's id, or null. */
  async holder(): Promise<string | null> {
    return (await this.client.get(this.key)) as string | null
  }
}
