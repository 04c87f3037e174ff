/**
 * Alert rules: what a user asked to be told about, and their compact encoding for the URL
 * (`?alerts=…`) and localStorage. Pure: no store, no DOM.
 */

/** How loud an alert is: its sound, and its colour in the log. */
export type Severity = 'info' | 'warn' | 'alarm'

interface RuleBase {
  /** Short random id; also the Notification `tag`, so one rule's notifications replace each other. */
  id: string
  /** What the rule is about, as the user saw it when setting it ("Arsenal v Chelsea · Arsenal (Bet365)"). */
  label: string
}

/** A selection's decimal odds cross `value`: up through it (`above`) or down through it (`below`). */
export interface PriceRule extends RuleBase {
  kind: 'price'
  sel: string
  dir: 'above' | 'below'
  /** Decimal odds. */
  value: number
}

/** A selection's decimal odds move by more than `pct` % (either way) within `mins` minutes. */
export interface MoveRule extends RuleBase {
  kind: 'move'
  sel: string
  pct: number
  mins: number
}

/** A surebet appears (Σ 1/best < 1, `comparePrices`) on one canonical event, or on any (`canonical` null). */
export interface SurebetRule extends RuleBase {
  kind: 'surebet'
  canonical: string | null
}

/** A tennis match's break of serve, end of a set, or either (from its `TennisScore` changes). */
export interface TennisRule extends RuleBase {
  kind: 'tennis'
  event: string
  on: 'break' | 'set' | 'any'
}

/**
 * A selection's `hotUsers` (Winamax's count of users backing it) rises by more than `by`
 * users (`unit` users) or `by` % (`unit` pct) within `mins` minutes.
 */
export interface HotRule extends RuleBase {
  kind: 'hot'
  sel: string
  by: number
  unit: 'users' | 'pct'
  mins: number
}

/** Any alert rule. */
export type AlertRule = PriceRule | MoveRule | SurebetRule | TennisRule | HotRule

/** Severity of each kind: a surebet is money on the table; a price line or move asks for a look; match events inform. */
export const SEVERITY: Readonly<Record<AlertRule['kind'], Severity>> = {
  surebet: 'alarm',
  price: 'warn',
  move: 'warn',
  tennis: 'info',
  hot: 'info',
}

/** A new rule id: 6 random base-36 characters. */
export function newRuleId(): string {
  const bytes = new Uint8Array(6)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('')
}

/** What a rule asks, in words ("Price ≥ 2.50", "Move > 5 % in 10 min"). */
export function describeRule(r: AlertRule): string {
  switch (r.kind) {
    case 'price':
      return `Price ${r.dir === 'above' ? 'rises to ≥' : 'falls to ≤'} ${r.value.toFixed(2)}`
    case 'move':
      return `Price moves > ${r.pct} % within ${r.mins} min`
    case 'surebet':
      return r.canonical === null ? 'A surebet appears on any match' : 'A surebet appears'
    case 'tennis':
      return r.on === 'break' ? 'Break of serve' : r.on === 'set' ? 'Set ends' : 'Break or set end'
    case 'hot':
      return `Hot users +${r.by}${r.unit === 'pct' ? ' %' : ''} within ${r.mins} min`
  }
}

// Compact form: one array per rule, its fields in a fixed order, as base64url JSON.
type Packed = (string | number | null)[]

function pack(r: AlertRule): Packed {
  switch (r.kind) {
    case 'price':
      return ['p', r.id, r.label, r.sel, r.dir === 'above' ? 1 : 0, r.value]
    case 'move':
      return ['m', r.id, r.label, r.sel, r.pct, r.mins]
    case 'surebet':
      return ['s', r.id, r.label, r.canonical]
    case 'tennis':
      return ['t', r.id, r.label, r.event, r.on === 'break' ? 'b' : r.on === 'set' ? 's' : 'a']
    case 'hot':
      return ['h', r.id, r.label, r.sel, r.by, r.unit === 'pct' ? 1 : 0, r.mins]
  }
}

const str = (v: unknown, max = 300): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max
const pos = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0

/** One packed rule back, or null when any field is missing or out of range. */
function unpack(a: unknown): AlertRule | null {
  if (!Array.isArray(a)) return null
  const [k, id, label] = a as unknown[]
  if (!str(id, 16) || typeof label !== 'string' || label.length > 300) return null
  const base = { id, label }
  switch (k) {
    case 'p': {
      const [, , , sel, up, value] = a as unknown[]
      return str(sel) && (up === 0 || up === 1) && pos(value)
        ? { ...base, kind: 'price', sel, dir: up === 1 ? 'above' : 'below', value }
        : null
    }
    case 'm': {
      const [, , , sel, pct, mins] = a as unknown[]
      return str(sel) && pos(pct) && pos(mins)
        ? { ...base, kind: 'move', sel, pct, mins: Math.min(mins, 240) }
        : null
    }
    case 's': {
      const c = (a as unknown[])[3]
      return c === null || str(c) ? { ...base, kind: 'surebet', canonical: c } : null
    }
    case 't': {
      const [, , , event, on] = a as unknown[]
      const o = on === 'b' ? 'break' : on === 's' ? 'set' : on === 'a' ? 'any' : null
      return str(event) && o !== null ? { ...base, kind: 'tennis', event, on: o } : null
    }
    case 'h': {
      const [, , , sel, by, pct, mins] = a as unknown[]
      return str(sel) && pos(by) && (pct === 0 || pct === 1) && pos(mins)
        ? {
            ...base,
            kind: 'hot',
            sel,
            by,
            unit: pct === 1 ? 'pct' : 'users',
            mins: Math.min(mins, 240),
          }
        : null
    }
    default:
      return null
  }
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): string {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))
}

/**
 * Rules as one URL-safe token (base64url of a JSON array of packed rules, e.g.
 * `["p","k3x9qa","Arsenal v Chelsea · Arsenal","bet365:s1",1,2.5]`); "" for none.
 */
export function encodeRules(rules: readonly AlertRule[]): string {
  return rules.length === 0 ? '' : toBase64Url(JSON.stringify(rules.map(pack)))
}

/** The rules of a token written by {@link encodeRules}; malformed rules (or a malformed token) are dropped, at most 50 kept. */
export function decodeRules(token: string | null): AlertRule[] {
  if (token === null || token === '' || token.length > 20_000) return []
  try {
    const list: unknown = JSON.parse(fromBase64Url(token))
    if (!Array.isArray(list)) return []
    const out: AlertRule[] = []
    const ids = new Set<string>()
    for (const a of list) {
      const r = unpack(a)
      if (r !== null && !ids.has(r.id) && out.length < 50) {
        ids.add(r.id)
        out.push(r)
      }
    }
    return out
  } catch {
    return []
  }
}

/** `a` with the rules of `b` whose ids it lacks appended (a shared link adds to the user's own rules). */
export function mergeRules(a: readonly AlertRule[], b: readonly AlertRule[]): AlertRule[] {
  const ids = new Set(a.map((r) => r.id))
  return [...a, ...b.filter((r) => !ids.has(r.id))].slice(0, 50)
}
