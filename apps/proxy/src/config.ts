import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import type { Source } from '@oddsboard/model'
import { SOURCES } from '@oddsboard/model'

/**
 * Where one feed connects: `'sim'` = a simulator the proxy starts on loopback, `'live'` =
 * the book's real endpoint (the constant exported by its package), or an explicit URL.
 */
export type FeedTarget = 'sim' | 'live' | { url: string }

/** The proxy's whole configuration, validated (shared/DESIGN.md, "Modes and configuration"). */
export interface ProxyConfig {
  host: string
  /** 0 = an ephemeral port (tests, e2e). */
  port: number
  /** The feeds to run, in display order, each with where it connects. */
  feeds: { source: Source; target: FeedTarget }[]
  winamax: { routes?: string[] }
  kwiff: { sports?: number[]; countries: string[]; refreshMs?: number }
  /** `sessionId` and `token` are secrets: never logged, never sent to a browser. */
  bet365: { topics: string[]; sessionId?: string; token?: string }
  /**
   * Origins allowed to open `/ws`; `null` = the proxy's own origins with the actual bound
   * port (http://127.0.0.1:PORT, http://localhost:PORT) plus the vite dev server
   * (http://localhost:5173, http://127.0.0.1:5173). `['*']` allows every origin.
   */
  allowedOrigins: string[] | null
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /**
   * `json`: one JSON object per line (pino), for machines and log shippers; `pretty`:
   * coloured one-line text for a person at a terminal; `auto`: pretty when stdout is a TTY.
   */
  logFormat: 'auto' | 'json' | 'pretty'
  /** A relay client whose socket buffer exceeds this many bytes is closed with 4008. */
  relayMaxBufferBytes: number
  /**
   * Upstream ops are coalesced into one delta over at most this many ms (1–50; default 10).
   * Under a steady flow the first batch of each window waits about the whole window, so the
   * window is a floor of the relay's p99 latency (budget 25 ms; see bench/relay.ts).
   */
  coalesceMs: number
  /** Deltas kept for resume. */
  ringSize: number
  /** Price points kept per selection for `/api/history`. */
  historyPoints: number
  /** Folder of the built web app (index.html + assets). */
  webDist: string
}

/** A configuration value that is not acceptable; the message names the variable and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'ConfigError'
  }
}

/** Every variable with its CLI flag (`--winamax-url` mirrors WINAMAX_URL) and its meaning. */
export const CONFIG_VARIABLES = {
  HOST: 'interface to listen on (default 127.0.0.1)',
  PORT: 'port to listen on, 0 = ephemeral (default 8080)',
  FEEDS: 'sim | live | comma list of winamax,bet365,kwiff (default sim)',
  WINAMAX_URL: 'Socket.IO endpoint of Winamax (http(s):// or ws(s)://)',
  WINAMAX_ROUTES: 'comma list of routes, e.g. sport:5,hot:live',
  KWIFF_URL: 'Socket.IO endpoint of Kwiff',
  KWIFF_SPORTS: 'comma list of Kwiff sport ids, e.g. 11',
  KWIFF_COUNTRIES: 'comma list of country codes (default GB)',
  KWIFF_REFRESH_MS: 'Kwiff event-list refresh interval in ms',
  BET365_URL: 'zap endpoint, e.g. ws://127.0.0.1:9000/zap/',
  BET365_TOPICS: 'comma list of zap topics (default OVInPlay_1_3)',
  BET365_SESSION: 'bet365 session id (secret)',
  BET365_TOKEN: 'bet365 token (secret)',
  ALLOWED_ORIGINS: 'comma list of origins allowed on /ws, or * (default: own origins)',
  LOG_LEVEL: 'fatal | error | warn | info | debug | trace | silent (default info)',
  LOG_FORMAT: 'auto | json | pretty (default auto: pretty on a terminal, else JSON lines)',
  RELAY_MAX_BUFFER_BYTES: 'per-client socket buffer limit before close 4008 (default 4194304)',
  RELAY_COALESCE_MS: 'delta coalescing window in ms, 1–50 (default 10)',
  RELAY_RING_SIZE: 'deltas kept for resume (default 2000)',
  HISTORY_POINTS: 'price points kept per selection (default 60)',
  WEB_DIST: 'folder of the built web app (default apps/web/dist)',
} as const

type VarName = keyof typeof CONFIG_VARIABLES

const flagOf = (name: string) => name.toLowerCase().replace(/_/g, '-')

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')

const int = (min: number, max: number, what = `an integer ${min}–${max}`) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be ${what}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be ${what}`)

const url = (schemes: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (s) => {
        try {
          return schemes.includes(new URL(s).protocol)
        } catch {
          return false
        }
      },
      `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`,
    )

const origin = z.string().refine((s) => {
  if (s === '*') return true
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s.replace(/\/$/, '')
  } catch {
    return false
  }
}, 'must be * or a comma list of origins like http://localhost:8080 (scheme://host[:port], no path)')

const socketUrl = url(['http:', 'https:', 'ws:', 'wss:'])

const schema = z.object({
  HOST: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or IP address')
    .default('127.0.0.1'),
  PORT: int(0, 65535).default(8080),
  FEEDS: z
    .string()
    .trim()
    .refine(
      (s) => s === 'sim' || s === 'live' || list(s).every((x) => SOURCES.includes(x as Source)),
      `must be sim, live, or a comma list of ${SOURCES.join(', ')}`,
    )
    .refine((s) => list(s).length > 0, 'must name at least one feed')
    .default('sim'),
  WINAMAX_URL: socketUrl.optional(),
  WINAMAX_ROUTES: z
    .string()
    .transform(list)
    .refine((r) => r.length > 0 && r.every((x) => /^[a-z]+:[\w-]+$/.test(x)), {
      message: 'must be a comma list of routes like sport:5,hot:live',
    })
    .optional(),
  KWIFF_URL: socketUrl.optional(),
  KWIFF_SPORTS: z
    .string()
    .transform(list)
    .refine((r) => r.length > 0 && r.every((x) => /^\d+$/.test(x)), {
      message: 'must be a comma list of sport ids (integers), e.g. 11',
    })
    .transform((r) => r.map(Number))
    .optional(),
  KWIFF_COUNTRIES: z
    .string()
    .transform(list)
    .refine((r) => r.length > 0 && r.every((x) => /^[A-Z]{2}$/.test(x)), {
      message: 'must be a comma list of two-letter country codes, e.g. GB',
    })
    .default(['GB']),
  KWIFF_REFRESH_MS: int(
    500,
    3_600_000,
    'an integer number of ms between 500 and 3600000',
  ).optional(),
  BET365_URL: url(['ws:', 'wss:']).optional(),
  BET365_TOPICS: z
    .string()
    .transform(list)
    .refine((r) => r.length > 0 && r.every((x) => /^[\w-]+$/.test(x)), {
      message: 'must be a comma list of zap topics, e.g. OVInPlay_1_3',
    })
    .default(['OVInPlay_1_3']),
  // Secrets: validated for shape only; the value never appears in a message.
  BET365_SESSION: z
    .string()
    .regex(/^[\w-]{1,200}$/, 'must be letters, digits, _ or - (at most 200)')
    .optional(),
  BET365_TOKEN: z
    .string()
    .regex(/^[\w=+/.~-]{1,500}$/, 'must be a token without spaces or commas (at most 500)')
    .optional(),
  ALLOWED_ORIGINS: z
    .string()
    .transform(list)
    .refine((r) => r.length > 0, { message: 'must list at least one origin' })
    .pipe(z.array(origin))
    .transform((r) => r.map((o) => o.replace(/\/$/, '')))
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LOG_FORMAT: z
    .enum(['auto', 'json', 'pretty'], { message: 'must be one of auto, json, pretty' })
    .default('auto'),
  RELAY_MAX_BUFFER_BYTES: int(
    1024,
    1 << 30,
    'an integer number of bytes between 1024 and 1073741824',
  ).default(4 * 1024 * 1024),
  RELAY_COALESCE_MS: int(1, 50).default(10),
  RELAY_RING_SIZE: int(1, 100_000).default(2000),
  HISTORY_POINTS: int(1, 10_000).default(60),
  WEB_DIST: z.string().min(1).optional(),
})

const SECRET_VARS = new Set<string>(['BET365_SESSION', 'BET365_TOKEN'])

/**
 * Reads the configuration from environment variables, overridden by CLI flags that mirror
 * them (`--port 9000` for PORT, `--winamax-url …` for WINAMAX_URL). Empty variables count
 * as unset.
 *
 * FEEDS: `sim` runs all three feeds, each against its `*_URL` when set, else a simulator;
 * `live` runs all three against their `*_URL` when set, else the real endpoint; a comma
 * list runs those feeds, each against its `*_URL` when set, else a simulator.
 *
 * @throws ConfigError naming every bad variable and why, e.g.
 *   `PORT: must be an integer 0–65535, got "abc"` (secret values are never echoed).
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = [],
): ProxyConfig {
  const names = Object.keys(CONFIG_VARIABLES) as VarName[]
  let flags: Record<string, string | boolean | undefined>
  try {
    flags = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [flagOf(n), { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values
  } catch (err) {
    throw new ConfigError([`command line: ${(err as Error).message}`])
  }
  const raw: Partial<Record<VarName, string>> = {}
  for (const n of names) {
    const v = (flags[flagOf(n)] as string | undefined) ?? env[n]
    if (v !== undefined && v.trim() !== '') raw[n] = v
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?')
      const value = raw[name as VarName]
      const got =
        SECRET_VARS.has(name) || value === undefined ? '' : `, got ${JSON.stringify(value)}`
      return `${name}: ${issue.message}${got}`
    })
    throw new ConfigError([...new Set(problems)])
  }
  const c = parsed.data
  const explicit: Record<Source, string | undefined> = {
    winamax: c.WINAMAX_URL,
    bet365: c.BET365_URL,
    kwiff: c.KWIFF_URL,
  }
  const sources = c.FEEDS === 'sim' || c.FEEDS === 'live' ? [...SOURCES] : list(c.FEEDS)
  const fallback: FeedTarget = c.FEEDS === 'live' ? 'live' : 'sim'
  const feeds = SOURCES.filter((s) => sources.includes(s)).map((source) => {
    const u = explicit[source]
    return { source, target: u !== undefined ? { url: u } : fallback }
  })
  return {
    host: c.HOST,
    port: c.PORT,
    feeds,
    winamax: { ...(c.WINAMAX_ROUTES && { routes: c.WINAMAX_ROUTES }) },
    kwiff: {
      countries: c.KWIFF_COUNTRIES,
      ...(c.KWIFF_SPORTS && { sports: c.KWIFF_SPORTS }),
      ...(c.KWIFF_REFRESH_MS !== undefined && { refreshMs: c.KWIFF_REFRESH_MS }),
    },
    bet365: {
      topics: c.BET365_TOPICS,
      ...(c.BET365_SESSION !== undefined && { sessionId: c.BET365_SESSION }),
      ...(c.BET365_TOKEN !== undefined && { token: c.BET365_TOKEN }),
    },
    allowedOrigins: c.ALLOWED_ORIGINS ?? null,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
    relayMaxBufferBytes: c.RELAY_MAX_BUFFER_BYTES,
    coalesceMs: c.RELAY_COALESCE_MS,
    ringSize: c.RELAY_RING_SIZE,
    historyPoints: c.HISTORY_POINTS,
    webDist: c.WEB_DIST ?? path.resolve(import.meta.dirname, '../../web/dist'),
  }
}

/**
 * A URL as it may be logged: scheme, host and path only. Credentials (`user:pass@`) and the
 * query (which may carry ids and tokens, e.g. Kwiff's `identifier`, bet365's `uid`) are cut.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '[unparseable url]'
  }
}

/**
 * The configuration as it may be logged: secrets replaced by `"[set]"`, feed URLs shown
 * without credentials or query ({@link redactUrl}).
 */
export function describeConfig(config: ProxyConfig): object {
  const { sessionId, token, ...bet365 } = config.bet365
  return {
    ...config,
    feeds: config.feeds.map(
      (f) => `${f.source}=${typeof f.target === 'string' ? f.target : redactUrl(f.target.url)}`,
    ),
    bet365: {
      ...bet365,
      ...(sessionId !== undefined && { sessionId: '[set]' }),
      ...(token !== undefined && { token: '[set]' }),
    },
  }
}

/** Usage text for `--help`: every variable, its flag and meaning. */
export function usage(): string {
  const lines = Object.entries(CONFIG_VARIABLES).map(
    ([n, d]) => `  ${n.padEnd(24)} --${flagOf(n).padEnd(24)} ${d}`,
  )
  return `oddsboard proxy: configuration by environment variable or the mirrored flag\n${lines.join('\n')}\n`
}

/**
 * The origins allowed on `/ws` for a proxy bound to `host:port` (the actual port): the
 * configured list, or by default the proxy's own origins plus the vite dev server.
 */
export function effectiveOrigins(config: ProxyConfig, port: number): string[] {
  if (config.allowedOrigins !== null) return config.allowedOrigins
  const own = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  const wildcard = config.host === '0.0.0.0' || config.host === '::'
  if (!wildcard)
    own.add(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`)
  for (const o of ['http://localhost:5173', 'http://127.0.0.1:5173']) own.add(o)
  return [...own]
}
