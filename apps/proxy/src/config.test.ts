import { describe, expect, it } from 'vitest'
import { ConfigError, describeConfig, effectiveOrigins, loadConfig } from './config'

function problems(env: Record<string, string>, argv: string[] = []): string[] {
  try {
    loadConfig(env, argv)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      allowedOrigins: null,
      relayMaxBufferBytes: 4 * 1024 * 1024,
      coalesceMs: 10,
      kwiff: { countries: ['GB'] },
      bet365: { topics: ['OVInPlay_1_3'] },
    })
    expect(c.feeds).toEqual([
      { source: 'winamax', target: 'sim' },
      { source: 'bet365', target: 'sim' },
      { source: 'kwiff', target: 'sim' },
    ])
    expect(c.webDist).toMatch(/apps\/web\/dist$/)
  })

  it('names the variable and the bad value', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT: must be an integer 0–65535, got "abc"'])
    expect(problems({ PORT: '70000' })).toEqual(['PORT: must be an integer 0–65535, got "70000"'])
    expect(problems({ FEEDS: 'winamax,pinnacle' })[0]).toMatch(
      /^FEEDS: must be sim, live, or a comma list/,
    )
    expect(problems({ WINAMAX_URL: 'ftp://x' })[0]).toMatch(
      /^WINAMAX_URL: must be a URL starting with http:\/\//,
    )
    expect(problems({ BET365_URL: 'http://x/zap/' })[0]).toMatch(
      /^BET365_URL: must be a URL starting with ws:\/\//,
    )
    expect(problems({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL: must be one of/)
    expect(problems({ LOG_FORMAT: 'xml' })[0]).toMatch(
      /^LOG_FORMAT: must be one of auto, json, pretty/,
    )
    expect(problems({ ALLOWED_ORIGINS: 'http://a.example/path' })[0]).toMatch(
      /^ALLOWED_ORIGINS: must be \*/,
    )
    expect(problems({ KWIFF_SPORTS: '11,tennis' })[0]).toMatch(
      /^KWIFF_SPORTS: must be a comma list of sport ids/,
    )
    expect(problems({ RELAY_COALESCE_MS: '100' })[0]).toMatch(
      /^RELAY_COALESCE_MS: must be an integer 1–50/,
    )
  })

  it('reports every bad variable at once', () => {
    expect(
      problems({ PORT: '-1', HOST: 'a b' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['HOST', 'PORT'])
  })

  it('never echoes a secret value', () => {
    const [p] = problems({ BET365_TOKEN: 'sec ret,value' })
    expect(p).toMatch(/^BET365_TOKEN: /)
    expect(p).not.toContain('sec ret')
    const c = loadConfig({ BET365_SESSION: 'abc123', BET365_TOKEN: 'tok' })
    expect(c.bet365).toMatchObject({ sessionId: 'abc123', token: 'tok' })
    const shown = JSON.stringify(describeConfig(c))
    expect(shown).not.toContain('abc123')
    expect(shown).not.toContain('"tok"')
  })

  it('logs feed URLs without credentials or query', () => {
    const c = loadConfig({
      FEEDS: 'winamax,kwiff',
      WINAMAX_URL: 'https://user:pa55@example.test/uof-sports-server/socket.io/?token=T0K',
      KWIFF_URL: 'wss://example.test/socket.io/?identifier=1234-uuid',
    })
    const shown = JSON.stringify(describeConfig(c))
    expect(shown).toContain('winamax=https://example.test/uof-sports-server/socket.io/')
    expect(shown).toContain('kwiff=wss://example.test/socket.io/')
    expect(shown).not.toMatch(/pa55|T0K|1234-uuid|user/)
    // The feed itself still gets the whole URL.
    expect(c.feeds[0]!.target).toEqual({
      url: 'https://user:pa55@example.test/uof-sports-server/socket.io/?token=T0K',
    })
  })

  it('reads mirrored CLI flags over the environment, and refuses unknown flags', () => {
    const c = loadConfig({ PORT: '1000' }, [
      '--port',
      '9000',
      '--winamax-routes',
      'sport:5,hot:live',
    ])
    expect(c.port).toBe(9000)
    expect(c.winamax.routes).toEqual(['sport:5', 'hot:live'])
    expect(problems({}, ['--prot', '1'])[0]).toMatch(/^command line: /)
  })

  it('resolves FEEDS into targets', () => {
    expect(loadConfig({ FEEDS: 'live' }).feeds.map((f) => f.target)).toEqual([
      'live',
      'live',
      'live',
    ])
    expect(
      loadConfig({ FEEDS: 'kwiff, winamax', WINAMAX_URL: 'https://ws.example/socket.io/' }).feeds,
    ).toEqual([
      { source: 'winamax', target: { url: 'https://ws.example/socket.io/' } },
      { source: 'kwiff', target: 'sim' },
    ])
    expect(loadConfig({ FEEDS: 'sim', BET365_URL: 'ws://127.0.0.1:9000/zap/' }).feeds[1]).toEqual({
      source: 'bet365',
      target: { url: 'ws://127.0.0.1:9000/zap/' },
    })
  })

  it('allows the own origins with the actual port by default', () => {
    const origins = effectiveOrigins(loadConfig({ PORT: '0' }), 43123)
    expect(origins).toEqual(
      expect.arrayContaining([
        'http://127.0.0.1:43123',
        'http://localhost:43123',
        'http://localhost:5173',
        'http://127.0.0.1:5173',
      ]),
    )
    expect(effectiveOrigins(loadConfig({ ALLOWED_ORIGINS: 'https://a.example/,*' }), 1)).toEqual([
      'https://a.example',
      '*',
    ])
  })
})
