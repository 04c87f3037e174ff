import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, describeConfig, loadConfig } from '../config'

const root = path.resolve(import.meta.dirname, '../../../..')

function problems(env: Record<string, string>, argv: string[] = []): string {
  try {
    loadConfig(env, argv)
  } catch (err) {
    if (err instanceof ConfigError) return err.message
    throw err
  }
  return ''
}

describe('roles (ROLE, REDIS_URL, REDIS_PREFIX, LOCK_TTL_MS)', () => {
  it('defaults to the one process, which needs no Redis', () => {
    const c = loadConfig({})
    expect(c.role).toBe('all')
    expect(c.redisUrl).toBeUndefined()
    expect(c.redisPrefix).toBe('oddsboard')
    expect(c.lockTtlMs).toBe(3000)
  })

  it('reads the role from the environment or the mirrored flag', () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379' }
    expect(loadConfig({ ...env, ROLE: 'edge' }).role).toBe('edge')
    expect(loadConfig(env, ['--role', 'ingest', '--lock-ttl-ms', '2000'])).toMatchObject({
      role: 'ingest',
      lockTtlMs: 2000,
    })
  })

  it('names each bad value', () => {
    expect(problems({ ROLE: 'boss' })).toContain(
      'ROLE: must be one of all, ingest, edge, got "boss"',
    )
    expect(problems({ ROLE: 'edge' })).toContain('REDIS_URL: required with ROLE=edge')
    expect(problems({ ROLE: 'ingest', REDIS_URL: 'http://x:1' })).toContain(
      'REDIS_URL: must be a URL starting with redis:// or rediss://',
    )
    expect(problems({ REDIS_PREFIX: 'a b' })).toContain('REDIS_PREFIX: ')
    expect(problems({ LOCK_TTL_MS: '10' })).toContain('LOCK_TTL_MS: must be an integer 1000–60000')
  })

  it('never shows the password of REDIS_URL', () => {
    const c = loadConfig({ ROLE: 'edge', REDIS_URL: 'redis://user:s3cretpw@10.0.0.1:6380/2' })
    expect(c.redisUrl).toBe('redis://user:s3cretpw@10.0.0.1:6380/2')
    const shown = JSON.stringify(describeConfig(c))
    expect(shown).toContain('redis://10.0.0.1:6380/2')
    expect(shown).not.toContain('s3cretpw')
  })

  it('npm start exits with 2 naming ROLE on a bad role', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
      cwd: root,
      env: { ...process.env, ROLE: 'boss', PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('ROLE: must be one of all, ingest, edge')
  })
})
