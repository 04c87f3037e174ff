import { statSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import type { Source } from '@oddsboard/model'
import type { BookAdapter } from '@oddsboard/feedkit'
import { redactSecrets, registerSecret, splitCredentials } from '@oddsboard/feedkit'
import { BOOKS } from './books'

/**
 * Where one feed connects: `'sim'` = a simulator the proxy starts on loopback, `'live'` =
 * the book's real endpoint (its adapter's `liveUrl`), or an explicit URL.
 */
export type FeedTarget = 'sim' | 'live' | { url: string }

/** One book the proxy runs: its adapter, where its feed connects, and its own settings. */
export interface BookRun {
  source: Source
  adapter: BookAdapter
  target: FeedTarget
  /** The book's settings, validated: its adapter's `configSchema` output (may hold secrets). */
  config: unknown
  /** The book's variables as given (raw text, may hold secrets); see {@link describeConfig}. */
  settings: Readonly<Record<string, string>>
}

/** The proxy's whole configuration, validated (shared/DESIGN.md, "Modes and configuration"). */
export interface ProxyConfig {
  host: string
  /** 0 = an ephemeral port (tests, e2e). */
  port: number
  /** The books to run, in display order (the order of the adapter list). */
  feeds: BookRun[]
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
  /** Folder of the built web app (index.html + assets). */
  webDist: string
  /**
   * Issue 11. `recordDir`: each feed's raw upstream frames are recorded there
   * (`RECORD_DIR`, absolute; absent = no recording). `replaySpeed`: the pace of every
   * `replay:FILE` endpoint (`REPLAY_SPEED`: a factor > 0, or `max`; default 1).
   * `tapCdpUrl`: Bet365 and Winamax read a user's Chromium over CDP (`TAP_CDP_URL`).
   */
  recordDir?: string
  replaySpeed?: number | 'max'
  tapCdpUrl?: string
  /**
   * Absolute path of the folder where the proxy keeps what must survive a restart: the
   * user's link/unlink decisions in `links.json` (`DATA_DIR`, default `./data` relative to
   * the working directory at start-up).
   */
  dataDir: string
  /**
   * Issue 10. `all`: the one process (feeds, hub, web app; no Redis). `ingest`: feeds → hub
   * → Redis, one active per cluster (a lock), the others standby. `edge`: the web app, `/ws`
   * and `/api/*` from Redis, no upstream socket. ingest and edge need `redisUrl`.
   */
  role: 'all' | 'ingest' | 'edge'
  /** `redis://[user:pass@]host:port[/db]` (REDIS_URL); secret parts are never logged. */
  redisUrl?: string
  /** Prefix of every Redis key of this cluster (REDIS_PREFIX, default `oddsboard`). */
  redisPrefix: string
  /** The ingest lock's time to live, ms (LOCK_TTL_MS, default 3000): the standby's take-over delay. */
  lockTtlMs: number
}

/** A configuration value that is not acceptable; the message names the variable and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'ConfigError'
  }
}

/** One configuration variable: its meaning for `--help`, and whether its value is secret. */
interface Variable {
  description: string
  secret?: boolean
}

const flagOf = (name: string) => name.toLowerCase().replace(/_/g, '-')

/** The endpoint variable of a book, read by the proxy for every book: `WINAMAX_URL`. */
export const urlVariable = (source: string) => `${source.toUpperCase()}_URL`

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

const url = (schemes: readonly string[]) =>
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

/** A book's endpoint: a URL of one of its schemes, or `replay:FILE` naming a readable file. */
const endpoint = (schemes: readonly string[]) => {
  const asUrl = url(schemes)
  return z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      if (!s.startsWith('replay:')) {
        const r = asUrl.safeParse(s)
        if (!r.success) ctx.addIssue({ code: 'custom', message: r.error.issues[0]!.message })
        return
      }
      const isFile = (f: string) => {
        try {
          return statSync(f).isFile()
        } catch {
          return false // missing or unreadable: reported below
        }
      }
      if (!s.slice('replay:'.length).split(',').every(isFile))
        ctx.addIssue({
          code: 'custom',
          message:
            'must be replay:FILE (or FILE,FILE… of one session) naming recordings that exist',
        })
    })
}

const origin = z.string().refine((s) => {
  if (s === '*') return true
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s.replace(/\/$/, '')
  } catch {
    return false
  }
}, 'must be * or a comma list of origins like http://localhost:8080 (scheme://host[:port], no path)')

/** The proxy's own variables, before and after the books' ones in `--help`. */
const HEAD_VARIABLES = (books: readonly BookAdapter[]): Record<string, Variable> => ({
  HOST: { description: 'interface to listen on (default 127.0.0.1)' },
  PORT: { description: 'port to listen on, 0 = ephemeral (default 8080)' },
  FEEDS: {
    description: `sim | live | comma list of ${books.map((b) => b.source).join(',')} (default sim)`,
  },
})
const TAIL_VARIABLES: Record<string, Variable> = {
  ALLOWED_ORIGINS: {
    description: 'comma list of origins allowed on /ws, or * (default: own origins)',
  },
  LOG_LEVEL: { description: 'fatal | error | warn | info | debug | trace | silent (default info)' },
  LOG_FORMAT: {
    description: 'auto | json | pretty (default auto: pretty on a terminal, else JSON lines)',
  },
  RELAY_MAX_BUFFER_BYTES: {
    description: 'per-client socket buffer limit before close 4008 (default 4194304)',
  },
  RELAY_COALESCE_MS: { description: 'delta coalescing window in ms, 1–50 (default 3)' },
  RELAY_RING_SIZE: { description: 'deltas kept for resume (default 2000)' },
  WEB_DIST: { description: 'folder of the built web app (default apps/web/dist)' },
  RECORD_DIR: { description: 'record every raw upstream frame there, one file per book per hour' },
  REPLAY_SPEED: {
    description:
      'pace of <BOOK>_URL=replay:FILE (a recording): a factor like 4, or max (default 1)',
  },
  TAP_CDP_URL: {
    description: 'read Bet365/Winamax from your own Chromium over CDP, e.g. http://127.0.0.1:9222',
  },
  DATA_DIR: {
    description: 'folder for state kept across restarts: links.json (default ./data)',
  },
  ROLE: {
    description: 'all | ingest | edge: one process, or a cluster role over Redis (default all)',
  },
  REDIS_URL: { description: 'redis://host:port of the cluster (ROLE=ingest and ROLE=edge)' },
  REDIS_PREFIX: { description: "prefix of the cluster's Redis keys (default oddsboard)" },
  LOCK_TTL_MS: {
    description: 'ingest lock TTL in ms, 1000–60000: a standby takes over after it (default 3000)',
  },
}

/**
 * Every variable, in `--help` order: the proxy's, then per book its endpoint
 * (`<SOURCE>_URL`) and its adapter's own variables, then the rest of the proxy's.
 */
function variablesOf(books: readonly BookAdapter[]): Map<string, Variable> {
  const out = new Map<string, Variable>(Object.entries(HEAD_VARIABLES(books)))
  for (const b of books) {
    out.set(urlVariable(b.source), {
      description: `${b.source} endpoint (${b.urlSchemes.map((s) => `${s}//`).join(' ')}); default its simulator, or its live site with FEEDS=live`,
    })
    for (const [name, v] of Object.entries(b.variables)) out.set(name, v)
  }
  for (const [name, v] of Object.entries(TAIL_VARIABLES)) out.set(name, v)
  return out
}

/** The schema of the proxy's own variables and of every book's endpoint variable. */
function proxySchema(books: readonly BookAdapter[]) {
  const sources = books.map((b) => b.source as string)
  return z.object({
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
        (s) => s === 'sim' || s === 'live' || list(s).every((x) => sources.includes(x)),
        `must be sim, live, or a comma list of ${sources.join(', ')}`,
      )
      .refine((s) => list(s).length > 0, 'must name at least one feed')
      .default('sim'),
    ...Object.fromEntries(
      books.map((b) => [urlVariable(b.source), endpoint(b.urlSchemes).optional()] as const),
    ),
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
    RELAY_COALESCE_MS: int(1, 50).default(3),
    RELAY_RING_SIZE: int(1, 100_000).default(2000),
    WEB_DIST: z.string().min(1).optional(),
    RECORD_DIR: z
      .string()
      .trim()
      .refine((s) => {
        try {
          return statSync(s).isDirectory()
        } catch {
          return true // created on the first frame
        }
      }, 'must be a folder (it names a file)')
      .optional(),
    REPLAY_SPEED: z
      .string()
      .trim()
      .refine(
        (s) => s === 'max' || (/^\d+(\.\d+)?$/.test(s) && Number(s) > 0 && Number(s) <= 10_000),
        'must be a number > 0 (at most 10000), e.g. 4, or max',
      )
      .transform((s) => (s === 'max' ? ('max' as const) : Number(s)))
      .optional(),
    TAP_CDP_URL: url(['http:', 'https:', 'ws:', 'wss:']).optional(),
    DATA_DIR: z
      .string()
      .trim()
      .refine((s) => !s.includes('\0'), 'must be a folder path')
      .refine((s) => {
        try {
          return statSync(s).isDirectory()
        } catch {
          return true // created on the first write
        }
      }, 'must be a folder (it names a file)')
      .default('data'),
    ROLE: z
      .enum(['all', 'ingest', 'edge'], { message: 'must be one of all, ingest, edge' })
      .default('all'),
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    REDIS_PREFIX: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1–64 letters, digits or : _ . -')
      .default('oddsboard'),
    LOCK_TTL_MS: int(1000, 60_000).default(3000),
  })
}

/**
 * Reads the configuration from environment variables, overridden by CLI flags that mirror
 * them (`--port 9000` for PORT, `--winamax-url …` for WINAMAX_URL). Empty variables count
 * as unset. The proxy's own variables are checked here; each book's endpoint
 * (`<SOURCE>_URL`, with the schemes its adapter accepts) here too; each book's own
 * variables by its adapter's `configSchema` (every book's, whether it runs or not, so a
 * typo never waits for the day that book is turned on).
 *
 * FEEDS: `sim` runs every book, each against its `*_URL` when set, else a simulator;
 * `live` runs every book against its `*_URL` when set, else the real endpoint; a comma
 * list runs those books, each against its `*_URL` when set, else a simulator.
 *
 * The secrets it reads (variables an adapter marks `secret`, `user:pass` of a `*_URL`) are
 * registered with feedkit's `registerSecret`, so no log line or status text carries them.
 *
 * @param books the adapters to know, in display order (default: every book, {@link BOOKS}).
 * @throws ConfigError naming every bad variable and why, e.g.
 *   `PORT: must be an integer 0–65535, got "abc"` (secret values are never echoed).
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = [],
  books: readonly BookAdapter[] = BOOKS,
): ProxyConfig {
  const variables = variablesOf(books)
  const names = [...variables.keys()]
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
  const raw: Record<string, string> = {}
  for (const n of names) {
    const v = (flags[flagOf(n)] as string | undefined) ?? env[n]
    if (v !== undefined && v.trim() !== '') raw[n] = v
  }
  const problems: string[] = []
  const report = (issues: readonly z.core.$ZodIssue[], fallback: string) => {
    for (const issue of issues) {
      const name = String(issue.path[0] ?? fallback)
      const value = raw[name]
      const secret = variables.get(name)?.secret === true
      // A bad URL may still carry user:pass; the message shows it censored.
      const got =
        secret || value === undefined ? '' : `, got ${JSON.stringify(redactSecrets(value))}`
      problems.push(`${name}: ${issue.message}${got}`)
    }
  }
  const parsed = proxySchema(books).safeParse(raw)
  if (!parsed.success) report(parsed.error.issues, '?')
  const bookConfigs = books.map((b) => {
    const own = Object.fromEntries(
      Object.keys(b.variables)
        .filter((n) => raw[n] !== undefined)
        .map((n) => [n, raw[n]!]),
    )
    const r = b.configSchema.safeParse(own)
    if (!r.success) report(r.error.issues, b.source.toUpperCase())
    return { adapter: b, settings: own, config: r.success ? r.data : undefined }
  })
  if (parsed.success && parsed.data.ROLE !== 'all' && parsed.data.REDIS_URL === undefined)
    problems.push(`REDIS_URL: required with ROLE=${parsed.data.ROLE} (e.g. redis://127.0.0.1:6379)`)
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)])
  const c = parsed.data
  if (c.REDIS_URL !== undefined) splitCredentials(c.REDIS_URL)
  const explicit = (b: BookAdapter) =>
    c[urlVariable(b.source) as keyof typeof c] as string | undefined
  // Known from here on: no log line or status text may carry them (redactSecrets).
  for (const [name, v] of variables) if (v.secret === true) registerSecret(raw[name])
  for (const b of books) {
    const u = explicit(b)
    if (u !== undefined) splitCredentials(u)
  }
  const chosen = c.FEEDS === 'sim' || c.FEEDS === 'live' ? null : list(c.FEEDS)
  const fallback: FeedTarget = c.FEEDS === 'live' ? 'live' : 'sim'
  const feeds: BookRun[] = bookConfigs
    .filter(({ adapter }) => chosen === null || chosen.includes(adapter.source))
    .map(({ adapter, settings, config }) => {
      const u = explicit(adapter)
      return {
        source: adapter.source,
        adapter,
        target: u !== undefined ? { url: u } : fallback,
        config,
        settings,
      }
    })
  return {
    host: c.HOST,
    port: c.PORT,
    feeds,
    allowedOrigins: c.ALLOWED_ORIGINS ?? null,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
    relayMaxBufferBytes: c.RELAY_MAX_BUFFER_BYTES,
    coalesceMs: c.RELAY_COALESCE_MS,
    ringSize: c.RELAY_RING_SIZE,
    webDist: c.WEB_DIST ?? path.resolve(import.meta.dirname, '../../web/dist'),
    ...(c.RECORD_DIR !== undefined && { recordDir: path.resolve(c.RECORD_DIR) }),
    replaySpeed: c.REPLAY_SPEED ?? 1,
    ...(c.TAP_CDP_URL !== undefined && { tapCdpUrl: c.TAP_CDP_URL }),
    dataDir: path.resolve(c.DATA_DIR),
    role: c.ROLE,
    ...(c.REDIS_URL !== undefined && { redisUrl: c.REDIS_URL }),
    redisPrefix: c.REDIS_PREFIX,
    lockTtlMs: c.LOCK_TTL_MS,
  }
}

/**
 * Whether `run` is read through the browser tap: `TAP_CDP_URL` is set, the book can be tapped
 * (Bet365, Winamax) and no `*_URL` of its own is set (issue 11).
 */
export function tapped(run: BookRun, config: ProxyConfig): boolean {
  return (
    config.tapCdpUrl !== undefined &&
    typeof run.target === 'string' &&
    (run.source === 'bet365' || run.source === 'winamax')
  )
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
 * The configuration as it may be logged: per running book its target (`bet365=sim`, URLs
 * without credentials or query, {@link redactUrl}) and its variables as given, with the
 * values of those its adapter marks secret replaced by `"[set]"`.
 */
export function describeConfig(config: ProxyConfig): object {
  const { feeds, ...rest } = config
  return {
    ...rest,
    ...(rest.redisUrl !== undefined && { redisUrl: redactUrl(rest.redisUrl) }),
    feeds: feeds.map(
      (f) =>
        `${f.source}=${tapped(f, config) ? 'tap' : typeof f.target === 'string' ? f.target : redactUrl(f.target.url)}`,
    ),
    books: Object.fromEntries(
      feeds.map((f) => [
        f.source,
        Object.fromEntries(
          Object.entries(f.settings).map(([name, value]) => [
            name,
            f.adapter.variables[name]?.secret === true ? '[set]' : value,
          ]),
        ),
      ]),
    ),
  }
}

/** Usage text for `--help`: every variable (the proxy's and every book's), its flag and meaning. */
export function usage(books: readonly BookAdapter[] = BOOKS): string {
  const lines = [...variablesOf(books)].map(
    ([n, v]) => `  ${n.padEnd(24)} --${flagOf(n).padEnd(24)} ${v.description}`,
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
