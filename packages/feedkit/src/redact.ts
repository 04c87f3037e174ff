/**
 * The one redaction of the project (shared/DESIGN.md "Security stance"; issue 13): every
 * text that leaves the process (a feed's status error, a log line) goes through
 * {@link redactSecrets} at the point where it becomes text, whatever path the error took.
 *
 * Two nets: the shapes secrets travel in (URL user info, auth headers, cookies, session-ish
 * query parameters, the bet365 handshake's `S_`/`A_` items), and the values themselves,
 * registered by whoever holds them ({@link registerSecret}: URL passwords, the bet365
 * session and token, Kwiff's per-connection uuid), so an upstream that echoes a secret in
 * its own words is caught too. Browser-safe; no Node imports.
 */

/** What a secret is replaced by. */
export const REDACTED = '[redacted]'

/** Secret values must be at least this long to be registered: shorter ones would censor words. */
const MIN_SECRET_LENGTH = 4
/** The same for values of one connection, whose length the upstream decides (cookies). */
const MIN_EPHEMERAL_LENGTH = 8
/** Values of connections kept; older ones (e.g. uuids of connections long gone) go first. */
const MAX_EPHEMERAL = 512

/** Configured secrets (passwords, session, token): kept for the life of the process. */
const lasting = new Set<string>()
/** Secrets of one connection (cookies, sids, Kwiff's uuid), the newest {@link MAX_EPHEMERAL}. */
const ephemeral = new Set<string>()
let secretPattern: RegExp | null = null

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Options of {@link registerSecret}. */
export interface SecretOptions {
  /**
   * A value of one connection (a cookie an upstream set, an Engine.IO sid, Kwiff's uuid):
   * registered only from 8 characters, and only the newest 512 such values are kept.
   * Otherwise (configured secrets) from 4 characters, for the life of the process.
   */
  ephemeral?: boolean
}

/**
 * Registers a secret value (a password, session id, token, cookie value) so that
 * {@link redactSecrets} censors it wherever it appears, in any form it is likely to be
 * written in (as is, URL-encoded, JSON-escaped). Process-wide.
 */
export function registerSecret(value: string | undefined, options: SecretOptions = {}): void {
  const once = options.ephemeral === true
  const min = once ? MIN_EPHEMERAL_LENGTH : MIN_SECRET_LENGTH
  if (value === undefined || value.length < min) return
  const into = once ? ephemeral : lasting
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]
  let added = false
  for (const f of forms) {
    if (f.length < min || lasting.has(f) || into.has(f)) continue
    into.add(f)
    added = true
  }
  if (!added) return
  while (ephemeral.size > MAX_EPHEMERAL) ephemeral.delete(ephemeral.values().next().value!)
  // Longest first, so a value that contains another is censored whole.
  const alternatives = [...lasting, ...ephemeral]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
  secretPattern = new RegExp(alternatives.join('|'), 'g')
}

/** Names of query parameters and cookies whose values identify a session or a user. */
const SENSITIVE_NAMES =
  'sid|identifier|uid|uuid|token|access_token|session|sessionid|password|pass|auth|apikey'

const SHAPES: [RegExp, string][] = [
  // scheme://user:pass@host → scheme://[redacted]@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>\\]+@/gi, `$1${REDACTED}@`],
  // Authorization: Basic …, Bearer …
  [/\b(Basic|Bearer)(\s+|%20)[A-Za-z0-9+/=._~-]+/g, `$1$2${REDACTED}`],
  // Cookie / Set-Cookie / Authorization header values, as text or JSON
  [/\b((?:set-)?cookie|authorization)("?\s*[:=]\s*"?)[^"\\\n]+/gi, `$1$2${REDACTED}`],
  // ?sid=… &identifier=… uuid=… token=… (query strings and cookie pairs)
  [new RegExp(`([?&;\\s"']|^)(${SENSITIVE_NAMES})=[^&;\\s"'#\\\\]+`, 'gi'), `$1$2=${REDACTED}`],
  // JSON fields: "token":"…", "sessionId":"…"
  [
    /("(?:sid|identifier|uuid|token|sessionId|session|password|cookie|authorization)"\s*:\s*")[^"\\]*"/gi,
    `$1${REDACTED}"`,
  ],
  // bet365 handshake items: `S_<session>` and `A_<token>` (seed "Client handshake")
  // eslint-disable-next-line no-control-regex -- zap separators are control bytes
  [/(^|[,\x01\s])([SA]_)[^,\x00-\x1f\s"\\]+/g, `$1$2${REDACTED}`],
]

/**
 * Value patterns stop at `"` and `\\`, so a redacted JSON line stays valid JSON (an escape
 * is never cut in half).
 *
 * `text` with every registered secret and every secret-shaped part censored as
 * `[redacted]`: URL user info, `Basic`/`Bearer` credentials, cookie and authorization
 * header values, `sid`/`identifier`/`uid`/`uuid`/`token`/… query or cookie values, JSON
 * fields of those names, and bet365's `S_`/`A_` handshake items. Never throws.
 */
export function redactSecrets(text: string): string {
  let out = secretPattern === null ? text : text.replace(secretPattern, REDACTED)
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement)
  return out
}

/**
 * Splits `user:pass@` off a URL: the URL without them, and the `Authorization: Basic`
 * value they stand for (RFC 7617: base64 of `user:pass`, percent-decoding undone, UTF-8),
 * or undefined when the URL has none. The user, password and header value are registered
 * with {@link registerSecret}. Node's `fetch` refuses a URL with credentials, so feeds send
 * this header on every poll and on the websocket upgrade instead.
 * @throws TypeError when `url` is not a URL.
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  const u = new URL(url)
  if (u.username === '' && u.password === '') return { url }
  const user = decodeURIComponent(u.username)
  const pass = decodeURIComponent(u.password)
  u.username = ''
  u.password = ''
  const bytes = new TextEncoder().encode(`${user}:${pass}`)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  const authorization = `Basic ${btoa(binary)}`
  registerSecret(user)
  registerSecret(pass)
  registerSecret(authorization.slice('Basic '.length))
  return { url: u.toString(), authorization }
}
