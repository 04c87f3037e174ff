/** Issue 11's configuration: RECORD_DIR, REPLAY_SPEED, TAP_CDP_URL and `replay:FILE` endpoints. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, describeConfig, loadConfig } from './config'

const dir = mkdtempSync(path.join(tmpdir(), 'oddsboard-cfg-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = path.join(dir, 'winamax.ndjson')
writeFileSync(file, '{"capture":"winamax"}\n')

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  return []
}

describe('issue 11 variables', () => {
  it('reads them, with replay:FILE as any book’s endpoint', () => {
    const c = loadConfig({
      WINAMAX_URL: `replay:${file}`,
      REPLAY_SPEED: '4',
      RECORD_DIR: path.join(dir, 'rec'),
      TAP_CDP_URL: 'http://127.0.0.1:9222',
    })
    expect(c.feeds.find((f) => f.source === 'winamax')?.target).toEqual({ url: `replay:${file}` })
    expect(c.replaySpeed).toBe(4)
    expect(c.recordDir).toBe(path.join(dir, 'rec'))
    expect(c.tapCdpUrl).toBe('http://127.0.0.1:9222')
    expect(loadConfig({ BET365_URL: `replay:${file},${file}` }).feeds[1]?.target).toEqual({
      url: `replay:${file},${file}`,
    })
    expect(problems({ BET365_URL: `replay:${file},/no/such` })[0]).toMatch(/^BET365_URL: must be/)
    expect(loadConfig({ REPLAY_SPEED: 'max' }).replaySpeed).toBe('max')
    expect(loadConfig({}).replaySpeed).toBe(1)
    expect(loadConfig({}).recordDir).toBeUndefined()
    // The start-up log names the tapped books as such.
    expect(
      (describeConfig(loadConfig({ TAP_CDP_URL: 'http://127.0.0.1:9222' })) as { feeds: string[] })
        .feeds,
    ).toEqual(['winamax=tap', 'bet365=tap', 'kwiff=sim'])
  })

  it('names the variable and why for a bad value', () => {
    expect(problems({ KWIFF_URL: 'replay:/no/such/recording.ndjson' })).toEqual([
      'KWIFF_URL: must be replay:FILE (or FILE,FILE… of one session) naming recordings that exist, got "replay:/no/such/recording.ndjson"',
    ])
    expect(problems({ REPLAY_SPEED: '0' })[0]).toMatch(/^REPLAY_SPEED: must be a number > 0/)
    expect(problems({ REPLAY_SPEED: 'fast' })[0]).toMatch(/^REPLAY_SPEED: .*, or max, got "fast"/)
    expect(problems({ RECORD_DIR: file })[0]).toMatch(/^RECORD_DIR: must be a folder/)
    expect(problems({ TAP_CDP_URL: '9222' })[0]).toMatch(/^TAP_CDP_URL: must be a URL/)
    expect(problems({ BET365_URL: 'http://x/zap/' })[0]).toMatch(
      /^BET365_URL: must be a URL starting with ws:/,
    )
  })
})
