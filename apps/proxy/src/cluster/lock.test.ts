import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '@oddsboard/feedkit'
import { IngestLock } from './lock'
import type { Redis } from './redis'
import { connectRedis } from './redis'
import type { TestRedis } from './testing'
import { startRedisServer } from './testing'

let redis: TestRedis
let client: Redis
beforeAll(async () => {
  redis = await startRedisServer()
  client = await connectRedis(redis.url, silentLogger, 'test')
}, 15_000)
afterAll(async () => {
  await client?.close()
  await redis?.stop()
})

describe('IngestLock (real redis-server)', () => {
  it('has one holder at a time; renew keeps it, release frees it for the next', async () => {
    const a = new IngestLock(client, 'l1:lock', 'a', 5000)
    const b = new IngestLock(client, 'l1:lock', 'b', 5000)
    expect(await a.tryAcquire()).toBe(true)
    expect(await b.tryAcquire()).toBe(false)
    expect(await a.renew()).toBe(true)
    expect(await b.renew()).toBe(false) // another holds it: b must not run
    expect(await b.release()).toBe(false) // nor take it away
    expect(await a.holder()).toBe('a')
    expect(await a.release()).toBe(true)
    expect(await b.tryAcquire()).toBe(true)
    expect(await a.holder()).toBe('b')
  })

  it('expires after its TTL when the holder stops renewing', async () => {
    const a = new IngestLock(client, 'l2:lock', 'a', 1000)
    const b = new IngestLock(client, 'l2:lock', 'b', 1000)
    expect(await a.tryAcquire()).toBe(true)
    const ttl = await client.pTTL('l2:lock')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(1000)
    let taken = false
    for (let i = 0; i < 40 && !taken; i++) {
      taken = await b.tryAcquire()
      if (!taken) await new Promise((r) => setTimeout(r, 100))
    }
    expect(taken).toBe(true)
  })

  it('is taken back by its holder when it vanished (Redis restarted empty)', async () => {
    const a = new IngestLock(client, 'l3:lock', 'a', 5000)
    expect(await a.tryAcquire()).toBe(true)
    await client.del('l3:lock')
    expect(await a.renew()).toBe(true)
    expect(await a.holder()).toBe('a')
  })
})
