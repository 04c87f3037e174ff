import { spawn, spawnSync } from 'node:child_process'
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

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'logs JSON lines, serves, and shuts down cleanly with exit code 0 on %s',
    async (signal) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
        cwd: root,
        env: {
          ...process.env,
          PORT: '0',
          FEEDS: 'winamax',
          LOG_LEVEL: 'info',
          WEB_DIST: '/nonexistent-dist',
          BET365_TOKEN: 'T0KEN-never-logged',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      )
      const killer = setTimeout(() => child.kill('SIGKILL'), 25_000)
      try {
        // Wait (bounded) for the "listening" line, which carries the actual URL.
        let url: string | undefined
        for (let i = 0; i < 200 && url === undefined; i++) {
          await new Promise((r) => setTimeout(r, 100))
          const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)","epoch"/.exec(out)
          url = m?.[1]
        }
        expect(url, `no "listening" line in:\n${out}`).toBeDefined()
        const health = await fetch(`${url!}/healthz`)
        expect([200, 503]).toContain(health.status)
        child.kill(signal)
        expect(await exited).toBe(0)
      } finally {
        clearTimeout(killer)
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      const lines = out.trim().split('\n')
      const records = lines.map(
        (l) => JSON.parse(l) as { level: number; time: number; msg: string },
      )
      for (const r of records) {
        expect(typeof r.level).toBe('number')
        expect(typeof r.time).toBe('number')
        expect(typeof r.msg).toBe('string')
      }
      const msgs = records.map((r) => r.msg)
      expect(msgs).toContain('oddsboard shutting down')
      expect(msgs.at(-1)).toBe('oddsboard stopped')
      expect(out).not.toContain('T0KEN-never-logged')
    },
    30_000,
  )
})
