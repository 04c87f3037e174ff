import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../../..')

describe('main', () => {
  it('stops with exit code 2 and names the variable on a bad configuration', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'abc', BET365_TOKEN: 'has space' },
      encoding: 'utf8',
      timeout: 15_000,
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('PORT: must be an integer 0–65535, got "abc"')
    expect(r.stderr).toContain('BET365_TOKEN: ')
    expect(r.stderr).not.toContain('has space')
  })
})
