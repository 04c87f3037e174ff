import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { BookAdapter } from '@oddsboard/feedkit'
import { BOOKS } from './books'
import type { ProxyConfig } from './config'
import { ConfigError, describeConfig, effectiveOrigins, loadConfig, usage } from './config'

function problems(
  env: Record<string, string>,
  argv: string[] = [],
  books: readonly BookAdapter[] = BOOKS,
): string[] {
  try {
    loadConfig(env, argv, books)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

/** The validated settings of one running book (its adapter's configSchema output). */
const settingsOf = (c: ProxyConfig, source: string) =>
  c.feeds.find((f) => f.source === source)?.config

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      allowedOrigins: null,
      relayMaxBufferBytes: 4 * 1024 * 1024,
      coalesceMs: 3,
    })
    expect(c.feeds.map((f) => [f.source, f.target, f.adapter])).toEqual([
      ['winamax', 'sim', BOOKS[0]],
      ['bet365', 'sim', BOOKS[1]],
      ['kwiff', 'sim', BOOKS[2]],
    ])
    expect(settingsOf(c, 'winamax')).toEqual({})
    expect(settingsOf(c, 'bet365')).toEqual({ topics: ['OVInPlay_1_3'] })
    expect(settingsOf(c, 'kwiff')).toEqual({ countries: ['GB'] })
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
    const c = loadConfig({ BET365_SESSION: 'abc123', BET365_TOKEN: 'tok0' })
    expect(settingsOf(c, 'bet365')).toMatchObject({ sessionId: 'abc123', token: 'tok0' })
    const shown = JSON.stringify(describeConfig(c))
    expect(shown).not.toContain('abc123')
    expect(shown).not.toContain('tok0')
    expect(shown).toContain('"BET365_SESSION":"[set]"')
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
    expect(settingsOf(c, 'winamax')).toEqual({ routes: ['sport:5', 'hot:live'] })
    expect(problems({}, ['--prot', '1'])[0]).toMatch(/^command line: /)
  })

  it('resolves FEEDS into targets', () => {
    expect(loadConfig({ FEEDS: 'live' }).feeds.map((f) => f.target)).toEqual([
      'live',
      'live',
      'live',
    ])
    expect(
      loadConfig({
        FEEDS: 'kwiff, winamax',
        WINAMAX_URL: 'https://ws.example/socket.io/',
      }).feeds.map((f) => [f.source, f.target]),
    ).toEqual([
      ['winamax', { url: 'https://ws.example/socket.io/' }],
      ['kwiff', 'sim'],
    ])
    expect(
      loadConfig({ FEEDS: 'sim', BET365_URL: 'ws://127.0.0.1:9000/zap/' }).feeds[1],
    ).toMatchObject({
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

describe('book adapters', () => {
  /** A made-up book with one ordinary and one secret variable, standing for a fourth book. */
  const extra: BookAdapter<{ markets: string[]; key?: string }> = {
    source: 'kwiff',
    liveUrl: 'wss://odds.example/feed',
    urlSchemes: ['wss:'],
    variables: {
      EXTRA_MARKETS: { description: 'comma list of market codes' },
      EXTRA_KEY: { description: 'api key (secret)', secret: true },
    },
    configSchema: z
      .object({
        EXTRA_MARKETS: z
          .string()
          .regex(/^[A-Z,]+$/, 'must be a comma list of market codes, e.g. FT,HT')
          .default('FT'),
        EXTRA_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
      })
      .transform((c) => ({
        markets: c.EXTRA_MARKETS.split(','),
        ...(c.EXTRA_KEY !== undefined && { key: c.EXTRA_KEY }),
      })),
    createFeed: () => {
      throw new Error('not used')
    },
    startSim: () => Promise.reject(new Error('not used')),
  }
  const books = [BOOKS[0]!, extra as BookAdapter]

  it('reads each book’s own variables through its schema, and its endpoint as <SOURCE>_URL', () => {
    const c = loadConfig({ EXTRA_MARKETS: 'FT,HT', EXTRA_KEY: 'k3y-k3y-k3y' }, [], books)
    expect(c.feeds.map((f) => f.source)).toEqual(['winamax', 'kwiff'])
    expect(settingsOf(c, 'kwiff')).toEqual({ markets: ['FT', 'HT'], key: 'k3y-k3y-k3y' })
    const flagged = loadConfig(
      {},
      ['--extra-markets', 'HT', '--kwiff-url', 'wss://x.example/'],
      books,
    )
    expect(settingsOf(flagged, 'kwiff')).toEqual({ markets: ['HT'] })
    expect(flagged.feeds[1]!.target).toEqual({ url: 'wss://x.example/' })
    expect(JSON.stringify(describeConfig(c))).toContain('"EXTRA_KEY":"[set]"')
    expect(JSON.stringify(describeConfig(c))).not.toContain('k3y-k3y-k3y')
  })

  it('stops with the variable and why, never echoing a secret, and knows the variables for --help', () => {
    expect(problems({ EXTRA_MARKETS: 'ft' }, [], books)).toEqual([
      'EXTRA_MARKETS: must be a comma list of market codes, e.g. FT,HT, got "ft"',
    ])
    expect(problems({ EXTRA_KEY: 'short' }, [], books)).toEqual([
      'EXTRA_KEY: must be at least 8 characters',
    ])
    expect(problems({ KWIFF_URL: 'ws://x.example/' }, [], books)[0]).toMatch(
      /^KWIFF_URL: must be a URL starting with wss:\/\//,
    )
    expect(problems({ FEEDS: 'bet365' }, [], books)[0]).toMatch(
      /^FEEDS: must be sim, live, or a comma list of winamax, kwiff/,
    )
    // a book's variable of another list is not known
    expect(problems({}, ['--bet365-topics', 'X'], books)[0]).toMatch(/^command line: /)
    const help = usage(books)
    expect(help).toMatch(/EXTRA_MARKETS +--extra-markets +comma list of market codes/)
    expect(help).toMatch(/KWIFF_URL +--kwiff-url +kwiff endpoint \(wss:\/\/\)/)
    expect(help).not.toContain('BET365')
  })

  it('lists every book’s variables in the default --help', () => {
    const help = usage()
    for (const name of [
      'WINAMAX_URL',
      'WINAMAX_ROUTES',
      'BET365_URL',
      'BET365_TOPICS',
      'BET365_SESSION',
      'BET365_TOKEN',
      'KWIFF_URL',
      'KWIFF_SPORTS',
      'KWIFF_COUNTRIES',
      'KWIFF_REFRESH_MS',
      'RELAY_COALESCE_MS',
    ])
      expect(help).toContain(`  ${name} `)
  })
})
