import { fractionalToDecimal } from '@oddsboard/model'
import { formatBet365Time } from './canonical'
import type { ZapFields, ZapMessage } from './codec'
import { ordinal } from './football'
import { priceFractional } from './tennis'
import type { TopicNode, TopicTree } from './tree'

/**
 * American football for the simulator: the 2026 load's one match (Munich Ravens @ Frankfurt
 * Galaxy, EFA, `SS=23-6`, `ED=2nd Quarter;CP=Q2`, clock `TM=6;TS=30;TT=0`, handicap market
 * 120201 with `HA=-20.5`/`+20.5` at 20/23 each) plays on, so it is not shown live and frozen.
 *
 * As the load writes it: the clock counts DOWN inside a quarter (`TM`/`TS` left as of `TU`,
 * `TT=1` running), the period is `ED` "2nd Quarter" and `CP` "Q2", `SS` is in name order
 * (`A @ B`: A's points first), and the handicap's `HA`/`HD` (`-20.5` / ` -20.5`) is each
 * named side's line. Play: the clock runs in real time through four 15-minute quarters
 * (two-minute breaks, fifteen at half time, shortened by `speed`), is re-synced every
 * 45-90 s, and stops at 0:00; scores (touchdown 7, field goal 3) come as a Poisson process
 * on the game clock whose rates reproduce the loaded line (the line is the expected final
 * margin, so the loaded 20/23 each is an even market); a score suspends the market for 8-20
 * s and reopens it on the new line; prices are requoted every 6-20 s from P(cover), the
 * final margin taken as normal around its expectation with a spread of 13.5 points a game;
 * at the end the market is suspended and the event leaves with `D` a minute later.
 */

/** Seconds in a quarter. */
const QUARTER = 15 * 60
/** Standard deviation of a whole game's final margin, in points (13.5: the usual NFL figure). */
const GAME_SD = 13.5
/** Scoring plays per game second, both sides (about 7.5 a game). */
const SCORE_RATE = 7.5 / (4 * QUARTER)
/** Mean points per scoring play (touchdown with the kick 65 %, field goal 35 %). */
const MEAN_SCORE = 0.65 * 7 + 0.35 * 3
/** The book's margin on a two-way line (20/23 each in the load: 6.9 %). */
const MARGIN = 0.069

/** Φ(x), the standard normal CDF (Abramowitz-Stegun 7.1.26 erf, error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * z)
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-z * z)
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}

/**
 * P(the first named side covers its handicap `line` (e.g. -20.5: it must win by 21 or
 * more)) when it leads by `lead` points with `remaining` game seconds to play and is expected
 * to gain `drift` points per game second: the final margin is normal with mean
 * `lead + drift·remaining` and variance `GAME_SD²·remaining/3600`. A finished game (remaining
 * 0) gives 1 or 0.
 */
export function coverProbability(
  lead: number,
  line: number,
  remaining: number,
  drift: number,
): number {
  const mean = lead + drift * remaining + line
  if (remaining <= 0) return mean > 0 ? 1 : 0
  const sd = GAME_SD * Math.sqrt(remaining / (4 * QUARTER))
  return normalCdf(mean / sd)
}

/** The half-point line of the first named side for an expected final margin `mean` (20.3 → -20.5). */
export function lineFor(mean: number): number {
  return -(Math.floor(mean) + 0.5)
}

/** `HA` text of a line: `-20.5`, `+20.5` (the load's form). */
export function lineText(line: number): string {
  return `${line > 0 ? '+' : ''}${line}`
}

/** What the American-football play needs from the simulator. */
export interface AmericanFootballHost {
  readonly tree: TopicTree
  broadcast(messages: ZapMessage[]): void
  /** Speed factor of what is not on the game clock (breaks, quote gaps, syncs, leaving). */
  readonly speed: number
  /** A deterministic random source for an event (by `IT`). */
  rngFor(it: string): () => number
  /** Removes an event (with `D`). */
  remove(it: string): void
}

interface Match {
  evIt: string
  maIt: string
  paIts: [string, string]
  quarter: number
  /** Seconds left in the quarter at epoch ms `at`, counting down when `running`. */
  clock: { left: number; at: number; running: boolean }
  phase: 'play' | 'break' | 'full'
  resumeAt: number
  endedAt: number | null
  /** Points, in name order. */
  points: [number, number]
  /** Scoring plays per game second of each named side. */
  rates: [number, number]
  /** Expected points per game second the first named side gains on the other. */
  drift: number
  /** The first named side's handicap. */
  line: number
  rng: () => number
  /** Game seconds played (all quarters) at which the next score falls. */
  nextScoreAt: number
  nextPriceAt: number
  nextSyncAt: number
  reopenAt: number | null
}

/** The American-football matches being played; {@link AmericanFootballPlay.tick} moves them. */
export interface AmericanFootballPlay {
  /** Starts playing the load event `ev` when it is an American-football match with a handicap market. */
  add(ev: TopicNode, now: number): boolean
  /** Advances every match to `now` (epoch ms), sending what changed. */
  tick(now: number): void
  /** Stops playing `it` (removed, or taken over). */
  forget(it: string): void
  /** `IT`s of the matches played. */
  events(): string[]
}

/** The play of American-football matches (see the module comment). */
export function americanFootballPlay(host: AmericanFootballHost): AmericanFootballPlay {
  const { tree } = host
  const matches = new Map<string, Match>()
  const scaled = (ms: number): number => ms / host.speed
  const u = (it: string, fields: ZapFields): ZapMessage => ({
    kind: 'delta',
    topic: it,
    op: 'U',
    records: [{ type: '', fields }],
  })
  const left = (m: Match, now: number): number =>
    Math.max(0, m.clock.left - (m.clock.running ? (now - m.clock.at) / 1000 : 0))
  const played = (m: Match, now: number): number =>
    (m.quarter - 1) * QUARTER + QUARTER - left(m, now)
  const remaining = (m: Match, now: number): number => 4 * QUARTER - played(m, now)
  const scoreGap = (m: Match): number =>
    -Math.log(1 - m.rng()) / Math.max(1e-9, m.rates[0] + m.rates[1])

  /** Sets the clock at the last whole second and says so (`TM`/`TS`/`TT`/`TU`). */
  const clockFields = (m: Match, now: number, running: boolean, seconds?: number): ZapFields => {
    const at = Math.floor(now / 1000) * 1000
    const s = Math.max(0, Math.ceil(seconds ?? left(m, at)))
    m.clock = { left: s, at, running }
    return {
      TM: String(Math.floor(s / 60)),
      TS: String(s % 60),
      TT: running ? '1' : '0',
      TU: formatBet365Time(at),
    }
  }

  const suspend = (m: Match): ZapMessage[] =>
    [m.maIt, ...m.paIts].filter((it) => tree.get(it) !== undefined).map((it) => u(it, { SU: '1' }))

  /** The market at the current line and prices; `reopen` lifts `SU`, `reline` recentres the line. */
  const quote = (m: Match, now: number, reopen: boolean, reline: boolean): ZapMessage[] => {
    const rest = remaining(m, now)
    const lead = m.points[0] - m.points[1]
    if (reline) m.line = lineFor(lead + m.drift * rest)
    let p = coverProbability(lead, m.line, rest, m.drift)
    if (p < 0.2 || p > 0.8) {
      m.line = lineFor(lead + m.drift * rest)
      p = coverProbability(lead, m.line, rest, m.drift)
    }
    const out: ZapMessage[] = []
    const ods = [priceFractional(p, MARGIN), priceFractional(1 - p, MARGIN)]
    m.paIts.forEach((it, i) => {
      const node = tree.get(it)
      if (node === undefined) return
      const ha = lineText(i === 0 ? m.line : -m.line)
      const want: ZapFields = { HA: ha, HD: ` ${ha}`, OD: ods[i]! }
      if (reopen) want.SU = '0'
      const fields: ZapFields = {}
      for (const [k, v] of Object.entries(want)) if (node.fields[k] !== v) fields[k] = v
      if (Object.keys(fields).length > 0) out.push(u(it, fields))
    })
    if (reopen && tree.get(m.maIt)?.fields.SU === '1') out.push(u(m.maIt, { SU: '0' }))
    return out
  }

  const add = (ev: TopicNode, now: number): boolean => {
    const ma = ev.children.find((c) => c.type === 'MA')
    const pas = ma?.children.filter((c) => c.type === 'PA') ?? []
    const p0 = pas.find((p) => p.fields.OR === '0')
    const p1 = pas.find((p) => p.fields.OR === '1')
    const ss = /^(\d+)-(\d+)$/.exec(ev.fields.SS ?? '')
    const q = /^Q(\d)$/.exec(ev.fields.CP ?? '') ?? /^(\d)\w\w Quarter$/.exec(ev.fields.ED ?? '')
    const line = Number(p0?.fields.HA || p0?.fields.HD || 'x')
    if (ma === undefined || p0 === undefined || p1 === undefined || !Number.isFinite(line))
      return false
    const rng = host.rngFor(ev.it)
    const quarter = q === null ? 1 : Math.min(4, Math.max(1, Number(q[1])))
    const clockLeft = Number(ev.fields.TM ?? 15) * 60 + Number(ev.fields.TS ?? 0)
    const points: [number, number] = ss === null ? [0, 0] : [Number(ss[1]), Number(ss[2])]
    // Loaded prices near even mean the line is the expected final margin; else shade it.
    let shade = 0
    try {
      const d0 = fractionalToDecimal(p0.fields.OD ?? '')
      const d1 = fractionalToDecimal(p1.fields.OD ?? '')
      if (d0 !== null && d1 !== null) shade = (1 / d0 / (1 / d0 + 1 / d1) - 0.5) * GAME_SD
    } catch {
      // Unpriced: take the line as it is.
    }
    const m: Match = {
      evIt: ev.it,
      maIt: ma.it,
      paIts: [p0.it, p1.it],
      quarter,
      clock: { left: Math.min(QUARTER, clockLeft), at: now, running: false },
      phase: 'play',
      resumeAt: now + scaled(5000 + rng() * 35_000),
      endedAt: null,
      points,
      rates: [SCORE_RATE / 2, SCORE_RATE / 2],
      drift: 0,
      line,
      rng,
      nextScoreAt: 0,
      nextPriceAt: now + scaled(2000 + rng() * 14_000),
      nextSyncAt: now + scaled(45_000 + rng() * 45_000),
      reopenAt: ma.fields.SU === '1' ? now + scaled(3000 + rng() * 12_000) : null,
    }
    const rest = Math.max(60, remaining(m, now))
    m.drift = (-line + shade - (points[0] - points[1])) / rest
    const split = Math.max(-0.8, Math.min(0.8, m.drift / MEAN_SCORE / SCORE_RATE))
    m.rates = [(SCORE_RATE * (1 + split)) / 2, (SCORE_RATE * (1 - split)) / 2]
    m.nextScoreAt = played(m, now) + scoreGap(m)
    matches.set(ev.it, m)
    return true
  }

  const tickOne = (m: Match, now: number): void => {
    if (m.endedAt !== null) {
      if (now - m.endedAt >= scaled(60_000)) {
        matches.delete(m.evIt)
        host.remove(m.evIt)
      }
      return
    }
    if (m.reopenAt !== null && now >= m.reopenAt) {
      m.reopenAt = null
      const out = quote(m, now, true, true)
      if (out.length > 0) host.broadcast(out)
    }
    if (!m.clock.running) {
      if (now < m.resumeAt) return
      const fields: ZapFields = {}
      if (m.phase === 'break') {
        m.quarter++
        m.phase = 'play'
        fields.ED = `${ordinal(m.quarter)} Quarter`
        fields.CP = `Q${m.quarter}`
        Object.assign(fields, clockFields(m, now, true, QUARTER))
      } else Object.assign(fields, clockFields(m, now, true))
      host.broadcast([u(m.evIt, fields)])
      m.nextSyncAt = now + scaled(45_000 + m.rng() * 45_000)
      return
    }
    if (left(m, now) <= 0) {
      const messages = [u(m.evIt, clockFields(m, now, false, 0))]
      if (m.quarter >= 4) {
        m.phase = 'full'
        m.endedAt = now
        m.reopenAt = null
        messages.push(...suspend(m))
      } else {
        m.phase = 'break'
        m.resumeAt = now + scaled(m.quarter === 2 ? 15 * 60_000 : 2 * 60_000)
      }
      host.broadcast(messages)
      return
    }
    if (played(m, now) >= m.nextScoreAt) {
      const side = m.rng() < m.rates[0] / (m.rates[0] + m.rates[1]) ? 0 : 1
      m.points[side] += m.rng() < 0.65 ? 7 : 3
      m.nextScoreAt = played(m, now) + scoreGap(m)
      host.broadcast([...suspend(m), u(m.evIt, { SS: `${m.points[0]}-${m.points[1]}` })])
      m.reopenAt = now + scaled(8000 + m.rng() * 12_000)
      return
    }
    if (now >= m.nextSyncAt) {
      host.broadcast([u(m.evIt, clockFields(m, now, true))])
      m.nextSyncAt = now + scaled(45_000 + m.rng() * 45_000)
    }
    if (now >= m.nextPriceAt) {
      m.nextPriceAt = now + scaled(6000 + m.rng() * 14_000)
      if (m.reopenAt === null) {
        const out = quote(m, now, false, false)
        if (out.length > 0) host.broadcast(out)
      }
    }
  }

  return {
    add,
    tick(now) {
      for (const m of [...matches.values()]) if (matches.has(m.evIt)) tickOne(m, now)
    },
    forget(it) {
      matches.delete(it)
    },
    events: () => [...matches.keys()],
  }
}
