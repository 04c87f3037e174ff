import {
  compareEvent,
  isTennisScore,
  type EntityState,
  type Event,
  type MarketIndex,
  type PricePoint,
  type TennisScore,
} from '@oddsboard/model'
import { SEVERITY, type AlertRule, type HotRule, type MoveRule, type Severity } from './rules'

/**
 * Evaluation of alert rules on one change of the board: the state before and after a
 * relay delta (or snapshot) is applied. Pure: the caller passes the clock and keeps the
 * {@link AlertMemory} between calls.
 */

/** One alert that fired. */
export interface AlertFire {
  ruleId: string
  kind: AlertRule['kind']
  severity: Severity
  /** When it fired, epoch ms (the caller's `now`, in the hub's time). */
  ts: number
  /** Short headline: the rule's label. */
  title: string
  /** What happened, e.g. "2.40 → 2.60 (crossed 2.50)". */
  body: string
}

/** What evaluation remembers between changes; start with {@link emptyMemory}. */
export interface AlertMemory {
  /** Epoch ms each windowed rule (move, hot) last fired: it fires again only after its window. */
  lastFired: Record<string, number>
  /** Recent `hotUsers` samples per selection id, [epoch ms, users], oldest first. */
  hot: Record<string, [number, number][]>
  /** Last known surebet flag per canonical event id. */
  surebet: Record<string, boolean>
}

/** Nothing remembered. */
export function emptyMemory(): AlertMemory {
  return { lastFired: {}, hot: {}, surebet: {} }
}

/** One change of the board, as evaluation sees it. */
export interface BoardChange {
  prev: EntityState
  next: EntityState
  /** Price history per selection id, oldest first, already including this change's points. */
  history: ReadonlyMap<string, readonly PricePoint[]>
  /** Epoch ms, in the hub's time (the delta's `ts`, or the page's estimate of the hub's clock). */
  now: number
  /** Market index of `next` (`indexMarkets`), for surebet rules; built when missing. */
  index?: MarketIndex
}

/** Samples of `hotUsers` kept per selection (about an hour at Winamax's cadence). */
const HOT_SAMPLES = 400

const odds2 = (v: number) => v.toFixed(2)

/**
 * The alerts `rules` raise on `change`, and the memory to keep for the next call
 * (`memory` is not mutated). A rule fires on the change that makes its condition true:
 * - price: the decimal odds go from below `value` to at or above it (`above`), or from
 *   above to at or below (`below`); an unpriced or suspended side never crosses;
 * - move: the selection's price changed and differs by more than `pct` % from a price it
 *   had within the last `mins` minutes (its history, including the price held at the
 *   window's start); then quiet for `mins` minutes;
 * - surebet: `compareEvent(...).surebet` of the canonical event (or of each one) goes from
 *   false to true (before: the remembered flag, else the flag in `prev`); a canonical
 *   event that `prev` lacks (e.g. the first snapshot) only records its flag;
 * - tennis: a game won by the receiving player (`TennisScore.server` before the change),
 *   tiebreaks excepted (break), or one more set in `sets`, or the match ending (set);
 * - hot: `hotUsers` rose by more than `by` users (or `by` % of the lowest count) above
 *   its lowest count within the last `mins` minutes; then quiet for `mins` minutes.
 */
export function evaluateRules(
  rules: readonly AlertRule[],
  change: BoardChange,
  memory: AlertMemory,
): { fires: AlertFire[]; memory: AlertMemory } {
  const mem: AlertMemory = {
    lastFired: { ...memory.lastFired },
    hot: { ...memory.hot },
    surebet: { ...memory.surebet },
  }
  const fires: AlertFire[] = []
  const { prev, next, now } = change
  const fire = (r: AlertRule, body: string) =>
    fires.push({
      ruleId: r.id,
      kind: r.kind,
      severity: SEVERITY[r.kind],
      ts: now,
      title: r.label,
      body,
    })

  // hotUsers samples, once per selection watched by a hot rule.
  const hotSeen = new Set<string>()
  for (const r of rules) {
    if (r.kind !== 'hot' || hotSeen.has(r.sel)) continue
    hotSeen.add(r.sel)
    recordHot(
      mem,
      r.sel,
      prev.selection.get(r.sel)?.hotUsers,
      next.selection.get(r.sel)?.hotUsers,
      now,
    )
  }

  let surebetNow: Map<string, boolean> | null = null
  for (const r of rules) {
    switch (r.kind) {
      case 'price': {
        const a = prev.selection.get(r.sel)
        const b = next.selection.get(r.sel)
        if (a === b || a?.odds == null || b?.odds == null || a.suspended || b.suspended) break
        if (r.dir === 'above' && a.odds < r.value && b.odds >= r.value)
          fire(r, `${odds2(a.odds)} → ${odds2(b.odds)} (rose to ≥ ${odds2(r.value)})`)
        if (r.dir === 'below' && a.odds > r.value && b.odds <= r.value)
          fire(r, `${odds2(a.odds)} → ${odds2(b.odds)} (fell to ≤ ${odds2(r.value)})`)
        break
      }
      case 'move': {
        const body = moveFired(r, change, mem)
        if (body !== null) fire(r, body)
        break
      }
      case 'hot': {
        const body = hotFired(r, next.selection.get(r.sel)?.hotUsers, now, mem)
        if (body !== null) fire(r, body)
        break
      }
      case 'tennis': {
        const a = prev.event.get(r.event)
        const b = next.event.get(r.event)
        if (a === undefined || b === undefined || a === b) break
        for (const what of tennisEvents(a, b)) {
          if (r.on === 'any' || r.on === what.type) fire(r, what.text)
        }
        break
      }
      case 'surebet': {
        surebetNow ??= surebets(change, rules)
        for (const [id, sure] of surebetNow) {
          if (r.canonical !== null && r.canonical !== id) continue
          if (!sure) continue
          // Not seen before (a rule just added): the flag in the state before this change.
          const known = memory.surebet[id]
          const was = prev.canonical.get(id)
          const before = known ?? (was === undefined ? undefined : compareEvent(prev, was).surebet)
          if (before === false) {
            const c = next.canonical.get(id)
            fire(
              r.canonical === null && c !== undefined ? { ...r, label: `Surebet: ${c.name}` } : r,
              'Σ 1/best < 1 at the best prices of its books',
            )
          }
        }
        break
      }
    }
  }
  if (surebetNow !== null) for (const [id, sure] of surebetNow) mem.surebet[id] = sure
  return { fires, memory: mem }
}

/** Adds a `hotUsers` sample when it changed (and the value before it, the first time). */
function recordHot(
  mem: AlertMemory,
  sel: string,
  before: number | undefined,
  after: number | undefined,
  now: number,
): void {
  if (after === undefined || before === after) return
  const list = (mem.hot[sel] ?? []).slice(-HOT_SAMPLES + 2)
  if (list.length === 0 && before !== undefined) list.push([now, before])
  list.push([now, after])
  mem.hot[sel] = list
}

function hotFired(
  r: HotRule,
  users: number | undefined,
  now: number,
  mem: AlertMemory,
): string | null {
  if (users === undefined) return null
  const since = now - r.mins * 60_000
  if ((mem.lastFired[r.id] ?? -Infinity) > since) return null
  const samples = mem.hot[r.sel] ?? []
  if (samples.length === 0 || samples[samples.length - 1]![0] !== now) return null
  let low = Infinity
  for (let i = samples.length - 1; i >= 0; i--) {
    const [ts, v] = samples[i]!
    low = Math.min(low, v)
    if (ts < since) break // the count held at the window's start
  }
  const rise = users - low
  const hit = r.unit === 'users' ? rise > r.by : low > 0 && (rise / low) * 100 > r.by
  if (!hit) return null
  mem.lastFired[r.id] = now
  const pct = low > 0 ? ` (+${((rise / low) * 100).toFixed(0)} %)` : ''
  return `Hot users ${low} → ${users}${pct} within ${r.mins} min`
}

function moveFired(r: MoveRule, change: BoardChange, mem: AlertMemory): string | null {
  const a = change.prev.selection.get(r.sel)
  const b = change.next.selection.get(r.sel)
  if (a === undefined || b === undefined || b.odds === null || a.odds === b.odds) return null
  const now = change.now
  const since = now - r.mins * 60_000
  if ((mem.lastFired[r.id] ?? -Infinity) > since) return null
  const points = change.history.get(r.sel) ?? []
  const refs: number[] = a.odds === null ? [] : [a.odds]
  for (let i = points.length - 1; i >= 0; i--) {
    const [ts, v] = points[i]!
    refs.push(v)
    if (ts < since) break // the price held at the window's start
  }
  let worst = 0
  let from = b.odds
  for (const v of refs) {
    const d = Math.abs(b.odds / v - 1)
    if (d > worst) {
      worst = d
      from = v
    }
  }
  if (worst * 100 <= r.pct) return null
  mem.lastFired[r.id] = now
  const sign = b.odds > from ? '+' : '−'
  return `${odds2(from)} → ${odds2(b.odds)} (${sign}${(worst * 100).toFixed(1)} % within ${r.mins} min)`
}

/** What changed in a tennis score between two versions of an event. */
export interface TennisChange {
  type: 'break' | 'set'
  text: string
}

/**
 * Breaks of serve and set ends between two versions of one tennis event: a game added to
 * the player who was not serving before (`server`, when known; not in a tiebreak at 6-6),
 * a new set in `sets`, or the match ending. Names are the event's participants.
 */
export function tennisEvents(a: Event, b: Event): TennisChange[] {
  const out: TennisChange[] = []
  const sa = a.score
  const sb = b.score
  const name = (i: 0 | 1) => b.participants[i] || `Player ${i + 1}`
  if (sa === undefined || sb === undefined || !isTennisScore(sa) || !isTennisScore(sb)) return out
  const n = sa.sets.length
  if (n === 0 || sb.sets.length < n) return out
  // The set that was being played before the change, as it stands after.
  const before = sa.sets[n - 1]!
  const after = sb.sets[n - 1]!
  const dA = after[0] - before[0]
  const dB = after[1] - before[1]
  const tiebreak = before[0] === 6 && before[1] === 6
  if (dA + dB === 1 && sa.server !== null && !tiebreak) {
    const winner: 0 | 1 = dA === 1 ? 0 : 1
    if (winner !== sa.server)
      out.push({
        type: 'break',
        text: `${name(winner)} breaks ${name(sa.server)}: ${setsText(sb)}`,
      })
  }
  if (sb.sets.length > n) {
    const w: 0 | 1 = after[0] > after[1] ? 0 : 1
    out.push({
      type: 'set',
      text: `Set ${n} to ${name(w)} ${after[0]}-${after[1]}: ${setsText(sb)}`,
    })
  } else if (a.status !== 'ended' && b.status === 'ended') {
    out.push({ type: 'set', text: `Match over: ${setsText(sb)}` })
  }
  return out
}

const setsText = (s: TennisScore) => s.sets.map(([x, y]) => `${x}-${y}`).join(' ')

/** Surebet flag of the canonical events the surebet rules watch (all of them when one rule watches any). */
function surebets(change: BoardChange, rules: readonly AlertRule[]): Map<string, boolean> {
  const out = new Map<string, boolean>()
  const any = rules.some((r) => r.kind === 'surebet' && r.canonical === null)
  const ids = any
    ? [...change.next.canonical.keys()]
    : rules.flatMap((r) => (r.kind === 'surebet' && r.canonical !== null ? [r.canonical] : []))
  for (const id of ids) {
    const c = change.next.canonical.get(id)
    if (c === undefined) continue
    out.set(id, compareEvent(change.next, c, {}, change.index).surebet)
  }
  return out
}
