import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { fractionalToDecimal } from '@oddsboard/model'
import {
  mulberry32,
  silentLogger,
  type Logger,
  type SharedWorld,
  type SimServer,
} from '@oddsboard/feedkit'
import {
  decodeBody,
  decodeClientFrame,
  decodeRecord,
  encodeFrame,
  encodeHandshakeReply,
  ZapDecodeError,
  type ZapFields,
  type ZapMessage,
  type ZapRecord,
} from './codec'
import { clockOf, esportsName, formatBet365Time, parseBet365Time, sportKeyOf } from './canonical'
import { INPLAY_2026_TOPIC, inPlay2026Body, navoneDarderiRecords } from './fixtures'
import { fitRates, nextGoalProbabilities, ordinal, resultProbabilities } from './football'
import { parseTennisScore } from './tennis'
import {
  formatTennisScore,
  matchWinProbability,
  newMatch,
  playPoint,
  priceFractional,
  scoreOf,
  stateFromScore,
  type MatchState,
} from './tennis'
import { formatZapTime, TIME_TOPIC, TopicTree, type TopicNode } from './tree'
import { renderWorld, type WorldRenderer } from './simWorld'
import { americanFootballPlay } from './simAmericanFootball'

/**
 * The Bet365 simulator: a `ws` server at `/zap/` that speaks the zap protocol exactly as the
 * feed expects from the real site (handshake `100\x02<id>\x00`, subprotocol
 * `zap-protocol-v1`, `\x14`/`\x15` messages joined by `\x08`). On an in-play subscription
 * it serves the REAL 2026-05-30 in-play load (fixtures/inplay-2026-05-30-body.txt) with the
 * seed's Navone v Darderi match added to the tennis section, then plays every tennis match
 * point by point with the scoring engine of `tennis.ts`: each point is one frame of `U`
 * deltas (selection odds first, then the event's `XP`/`SS`/`PI`, as the seed's "Mixed
 * update"), finished matches are deleted with `D` and replaced by a new match inserted with
 * `I`, and `__time` heartbeats go out every second. A money line the load has suspended
 * (`SU=1`) reopens (`SU=0` with new prices) at the match's next point. Play starts when the first client
 * subscribes; the points of each match are deterministic given `seed`.
 *
 * The load's football and Esoccer matches play on too, so nothing is shown live and frozen:
 * on the first subscription every `TU` is moved forward by the time between the load's
 * newest `TU` (its recording moment) and now, so each clock reads what it read when the
 * load was recorded (Central Ballester 77:51, NK Dinamo Predavac 82:56) and runs on in real
 * time. Each match then lives through its half time (the clock stops at 45:00 for 15
 * minutes; Esoccer 20 s), second half with stoppage time, full time (clock stopped, market
 * suspended) and leaves with `D` a minute later; an Esoccer match is followed by the
 * rematch, sides swapped, as Bet365's Esoccer leagues do. Goals come as a Poisson process
 * whose rates are fitted to the load's own prices; a goal suspends the main market for 8-20
 * s and reopens it with new prices; prices are requoted every 6-20 s as the clock runs (a
 * level match's draw shortens); a match decided in its second half leads with the next-goal
 * market instead, as the load's 7-0 and 6-1 matches do; the clock is re-synced
 * (`TM`/`TS`/`TU`) every 45-90 s. A football match the load lists in play but not kicked off
 * (`FS=0`: Universidad de Antioquia v Rionegro Aguilas Reserves) kicks off 30-120 s after the
 * first subscription (`FS=1`, clock 0:00 running) and plays on like the others.
 * The load's American football (Munich Ravens @ Frankfurt Galaxy) plays on as well: a clock
 * counting down through the quarters, scores, a handicap line that moves with them
 * (`simAmericanFootball.ts`). The load's two cricket events carry no market and a score the
 * model does not read (`124/2,200 All Out`), so they are left as recorded: their `updatedAt`
 * ages and the browser marks them stale (`EVENT_STALE_AFTER_MS`).
 *
 * With a shared world (`world`, issue 9), the world's Bet365 matches are served beside all
 * this (`simWorld.ts`), and a load match the world names as its own is played by the world
 * only.
 */

/** Options of {@link startBet365Sim}. */
export interface Bet365SimOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (an ephemeral port). */
  port?: number
  logger?: Logger
  /** Seed of every random draw (points, new matches). Default 365. */
  seed?: number
  /**
   * Time scale: 2 plays points twice as fast. Default 1: a point every 4–12 s per match (real
   * tennis is ~25–40 s; this keeps 23 matches lively, ~2 points/s, while the real 2026
   * matches stay on the board for the better part of an hour). Football clocks always run
   * in real time (the browser ticks them); `speed` shortens only half time, the gaps between
   * price quotes and clock syncs, and how long a finished match stays.
   */
  speed?: number
  /** Sessions to refuse with `111` (tests of the feed's rejected state). Default: none. */
  rejectSession?: (sessionId: string | null) => boolean
  /**
   * The shared simulated world (issue 9): its Bet365 matches are served beside the load
   * (`simWorld.ts`), and a load match the world names as its own is played by the world
   * only. The simulator retains the world from start to `close()`. Default: none (the load
   * alone, as a lone simulator or a test runs it).
   */
  world?: SharedWorld
}

/** A running simulator, with controls for tests. */
export interface Bet365SimServer extends SimServer {
  /** Closes every client socket (the server keeps running): the feed must reconnect. */
  dropConnections(): void
  /** Removes an event node (by `IT`) from the simulated world; `notify: false` sends no `D` (a delete missed while away). */
  removeEvent(it: string, notify?: boolean): void
  /** While frozen nothing is sent (no heartbeat, no points): the feed must see it as stale. */
  setFrozen(frozen: boolean): void
  /** `IT`s of the tennis events currently played. */
  tennisEvents(): string[]
  /** `IT`s of the football and Esoccer events currently played (empty before the first subscription). */
  footballEvents(): string[]
  /** `IT`s of the shared world's events (empty without a world). */
  worldEvents(): string[]
  /** `IT`s of the American-football events currently played (empty before the first subscription). */
  americanFootballEvents(): string[]
  /** `IT`s of football events listed but not kicked off yet, each kicking off soon. */
  pendingKickoffs(): string[]
}

const SUBPROTOCOLS = ['zap-protocol-v1', 'zap-protocol-v2']
const TENNIS_CL_IT = 'CL_13_1_3'
const SLAM = /^(French Open|Wimbledon|US Open|Australian Open)$/
/** First names of invented players, by draw: men's and women's tournaments. */
const FIRST_MEN = ['Luca', 'Mateo', 'Jonas', 'Nikola', 'Hugo']
const FIRST_WOMEN = ['Elena', 'Sofia', 'Marta', 'Ines', 'Anna']
/** Women's singles events of the 2026 load: `WTA…`, `W15/W35…`, `… Women`. */
const WOMEN = /^(WTA|W\d)|Women$/
/** Doubles events (`… MD`, `… WD`, `… XD`): their names are pairs, so none is invented. */
const DOUBLES = / (MD|WD|XD)$/
const LAST = [
  'Berger',
  'Ruiz',
  'Novak',
  'Lindqvist',
  'Moreau',
  'Kovac',
  'Ferreira',
  'Sato',
  'Brandt',
]

interface LiveMatch {
  evIt: string
  /** Money line selection `IT`s by `OR` (player 0, player 1). */
  paIts: [string, string] | null
  /** The money line market's `IT` (its `SU` is lifted with the selections'). */
  maIt: string | null
  state: MatchState
  rng: () => number
  /** Point-win probabilities on serve of player 0 and player 1. */
  p: [number, number]
  nextAt: number
  started: boolean
  endedAt: number | null
}

/** A football or Esoccer match of the load (or an Esoccer rematch) being played on. */
interface FootballMatch {
  evIt: string
  /** The event's main market (`OR=0`: 1777 Fulltime Result or 1778 Nth Goal) and its selections by `OR`. */
  maIt: string | null
  paIts: (string | undefined)[]
  nextGoal: boolean
  esoccer: boolean
  /** Seconds of play in a half (`ML` minutes / 2). */
  half: number
  phase: 'first' | 'break' | 'second' | 'full'
  /** The clock: `seconds` of play at epoch ms `at`, advancing when `running`. */
  clock: { seconds: number; at: number; running: boolean }
  /** Seconds of play at which the current half ends (stoppage time included). */
  endOfHalf: number
  /** Epoch ms at which a stopped clock restarts (half time, a pause). */
  resumeAt: number
  endedAt: number | null
  goals: [number, number]
  /** Goals per second of play, home and away. */
  rates: [number, number]
  rng: () => number
  nextPriceAt: number
  nextSyncAt: number
  /** While suspended after a goal: when the market reopens. */
  reopenAt: number | null
  /** Seconds of play at which the next goal falls (drawn from `rates`). */
  nextGoalAt: number
}

function hashSeed(seed: number, salt: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** Point-win probabilities that reproduce `target` = P(player 0 wins) at `state` (bisection). */
function calibrate(state: MatchState, target: number): [number, number] {
  const t = Math.min(0.97, Math.max(0.03, target))
  let lo = -0.3
  let hi = 0.3
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2
    if (matchWinProbability(state, 0.62 + mid / 2, 0.62 - mid / 2) < t) lo = mid
    else hi = mid
  }
  const d = (lo + hi) / 2
  return [0.62 + d / 2, 0.62 - d / 2]
}

/** Milliseconds until a match's next point at speed 1: uniform in 4–12 s. */
function pointGap(rng: () => number): number {
  return 4000 + rng() * 8000
}

/**
 * Starts the simulator on `host:port` (default 127.0.0.1, ephemeral port). Resolves once
 * listening with `url` = `ws://HOST:PORT/zap/`. `close()` stops every timer and socket.
 */
export async function startBet365Sim(options: Bet365SimOptions = {}): Promise<Bet365SimServer> {
  const logger = options.logger ?? silentLogger
  const seed = options.seed ?? 365
  const speed = options.speed ?? 1
  const worldRng = mulberry32(hashSeed(seed, 'world'))
  const tree = new TopicTree()
  const matches = new Map<string, LiveMatch>()
  const clients = new Set<WebSocket>()
  const subscribed = new Set<WebSocket>()
  let frozen = false
  let nextId = 900_000_000
  let connections = 0

  // The world: the real 2026 load with the seed's example appended to its tennis section.
  const loadRecords = decodeBody(inPlay2026Body()).records
  const navone = navoneDarderiRecords().map(decodeRecord)
  let insertAt = loadRecords.findIndex((r) => r.type === 'CL' && r.fields.ID === '13')
  while (insertAt + 1 < loadRecords.length && loadRecords[insertAt + 1]!.type !== 'CL') insertAt++
  loadRecords.splice(insertAt + 1, 0, ...navone)
  tree.apply({ kind: 'load', topic: INPLAY_2026_TOPIC, op: 'F', records: loadRecords })
  // The load's recording moment: its newest `TU` (before any world match joins the tree).
  let loadNewest = -Infinity
  for (const n of tree.nodes()) {
    const t = n.type === 'EV' ? parseBet365Time(n.fields.TU) : null
    if (t !== null && t > loadNewest) loadNewest = t
  }
  /** Renders the shared world's matches, once started (see below); null without a world. */
  let world: WorldRenderer | null = null
  const worldOwns = (it: string): boolean => world?.owns(it) === true
  const isTennis = (node: TopicNode): boolean => {
    for (let p = node.parent; p !== null; p = p.parent)
      if (p.type === 'CL') return p.it === TENNIS_CL_IT
    return false
  }
  // Singles tournaments of the load, from the tennis events' own `CT` field (the 2026 load's
  // EV records carry no `CL` field, so they are found by their place under the tennis CL).
  const competitions = [
    ...new Set(
      [...tree.nodes()]
        .filter((n) => n.type === 'EV' && isTennis(n))
        .map((n) => n.fields.CT ?? (n.parent?.type === 'CT' ? n.parent.fields.NA : '') ?? ''),
    ),
  ].filter((n) => n !== '' && !DOUBLES.test(n))

  const moneyLineMarket = (ev: TopicNode): TopicNode | undefined =>
    ev.children.find((c) => c.type === 'MA')
  const moneyLine = (ev: TopicNode): [string, string] | null => {
    const pas = moneyLineMarket(ev)?.children.filter((c) => c.type === 'PA') ?? []
    const p0 = pas.find((p) => p.fields.OR === '0')
    const p1 = pas.find((p) => p.fields.OR === '1')
    return p0 && p1 ? [p0.it, p1.it] : null
  }

  const addMatch = (ev: TopicNode, now: number): void => {
    const parsed = parseTennisScore(ev.fields.SS ?? '', ev.fields.XP, ev.fields.PI)
    if (!parsed.ok) {
      logger.warn({ it: ev.it, error: parsed.error }, 'bet365 sim: score not playable')
      return
    }
    let state: MatchState
    try {
      state = stateFromScore(parsed.score, SLAM.test(ev.fields.CT ?? '') ? 5 : 3)
    } catch (e) {
      logger.warn({ it: ev.it, error: (e as Error).message }, 'bet365 sim: score not playable')
      return
    }
    if (state.winner !== null) return
    const paIts = moneyLine(ev)
    let target = 0.5
    if (paIts !== null) {
      try {
        const d0 = fractionalToDecimal(tree.get(paIts[0])?.fields.OD ?? '')
        const d1 = fractionalToDecimal(tree.get(paIts[1])?.fields.OD ?? '')
        if (d0 !== null && d1 !== null) target = 1 / d0 / (1 / d0 + 1 / d1)
      } catch {
        // Unpriced or odd prices: start from an even match.
      }
    }
    const rng = mulberry32(hashSeed(seed, ev.it))
    matches.set(ev.it, {
      evIt: ev.it,
      paIts,
      maIt: paIts === null ? null : (moneyLineMarket(ev)?.it ?? null),
      state,
      rng,
      p: calibrate(state, target),
      nextAt: now + pointGap(rng) / speed,
      started: ev.fields.FS !== '0',
      endedAt: null,
    })
  }

  const now0 = Date.now()
  for (const node of tree.nodes()) if (node.type === 'EV' && isTennis(node)) addMatch(node, now0)

  // Football and Esoccer: see the module comment. Times of play are real seconds (the
  // browser ticks the same clock); `speed` shortens only what is not on the clock (half time,
  // the gaps between price quotes and clock syncs, how long a finished match stays).
  const football = new Map<string, FootballMatch>()
  const SOCCER_CL_IT = 'CL_1_1_3'
  let nextFootballId = 800_000_000
  /** A PA record (selection) of a simulated football market; `order` is its `OR`, `price` decimal odds. */
  const footballSelection = (fx: string, name: string, order: number, price: number): ZapRecord => {
    const pa = String(nextFootballId++)
    return {
      type: 'PA',
      fields: {
        FI: fx,
        HA: '',
        HD: '',
        ID: pa,
        IT: `L${fx}-${pa}_1_3`,
        NA: name,
        OD: priceFractional(price, 0.05),
        OR: String(order),
        SU: '0',
      },
    }
  }
  const scaled = (ms: number): number => ms / speed

  /** The canonical sport of an event, from its CL (ancestor record, else its own field). */
  const sportOf = (ev: TopicNode): ReturnType<typeof sportKeyOf> => {
    let cl: TopicNode | null = null
    for (let p = ev.parent; p !== null && cl === null; p = p.parent) if (p.type === 'CL') cl = p
    return sportKeyOf(cl?.fields.ID ?? ev.fields.CL ?? '', cl?.fields.NA)
  }

  const footballKind = (ev: TopicNode): 'football' | 'esoccer' | null => {
    if (sportOf(ev) !== 'football') return null
    return esportsName(ev.fields.CT, ev.fields.CK) === null ? 'football' : 'esoccer'
  }

  /** Moves every event's `TU` so the load's newest one is `now`: clocks read as recorded. */
  const rebase = (now: number): void => {
    if (!Number.isFinite(loadNewest)) return
    const shift = Math.floor((now - loadNewest) / 1000) * 1000
    for (const n of tree.nodes()) {
      // The world's matches carry the world's clock, already read on today's clock.
      const t = n.type === 'EV' && !worldOwns(n.it) ? parseBet365Time(n.fields.TU) : null
      if (t !== null) n.fields.TU = formatBet365Time(t + shift)
    }
  }

  const playSeconds = (m: FootballMatch, now: number): number =>
    m.clock.seconds + (m.clock.running ? (now - m.clock.at) / 1000 : 0)

  /** Seconds until the next goal of a match (either side), drawn from its rates. */
  const goalGap = (m: FootballMatch): number =>
    -Math.log(1 - m.rng()) / Math.max(1e-9, m.rates[0] + m.rates[1])

  const impliedProbabilities = (paIts: (string | undefined)[]): [number, number, number] | null => {
    const inv: number[] = []
    for (const it of paIts) {
      const od = it === undefined ? undefined : tree.get(it)?.fields.OD
      let d: number | null
      try {
        d = od === undefined ? null : fractionalToDecimal(od)
      } catch {
        d = null
      }
      if (d === null) return null
      inv.push(1 / d)
    }
    const sum = inv.reduce((a, b) => a + b, 0)
    return inv.length === 3 ? [inv[0]! / sum, inv[1]! / sum, inv[2]! / sum] : null
  }

  const addFootball = (ev: TopicNode, now: number): void => {
    const kind = footballKind(ev)
    if (kind === null || ev.fields.FS === '0') return
    const clock = clockOf(ev.fields, 'football', now)
    if (clock === undefined) return
    const ml = Number(ev.fields.ML)
    const length = (Number.isFinite(ml) && ml > 0 ? ml : 90) * 60
    const half = length / 2
    const rng = mulberry32(hashSeed(seed, ev.it))
    const mas = ev.children.filter((c) => c.type === 'MA')
    const ma = mas.find((c) => c.fields.OR === '0') ?? mas[0]
    const pas = ma?.children.filter((c) => c.type === 'PA') ?? []
    const paIts = [0, 1, 2].map((o) => pas.find((p) => p.fields.OR === String(o))?.it)
    const score = /^(\d+)-(\d+)$/.exec(ev.fields.SS ?? '')
    const goals: [number, number] = score === null ? [0, 0] : [Number(score[1]), Number(score[2])]
    const nextGoal = (ma?.fields.ID ?? ma?.fields.MA) === '1778'
    const stoppage = (first: boolean): number =>
      kind === 'esoccer' ? 0 : first ? 60 + rng() * 180 : 120 + rng() * 240
    const s = clock.seconds
    let phase: FootballMatch['phase'] = 'second'
    let endOfHalf = length + stoppage(false)
    let resumeAt = 0
    if (s < half) {
      phase = 'first'
      endOfHalf = half + stoppage(true)
    } else if (s === half && !clock.running) {
      phase = 'break'
      resumeAt = clock.at + scaled(kind === 'esoccer' ? 20_000 : 15 * 60_000)
    }
    if (!clock.running && phase !== 'break') resumeAt = now + scaled(5000 + rng() * 35_000)
    // Rates: fitted to the loaded match-result prices; a next-goal market gives the split.
    const total: [number, number] = kind === 'esoccer' ? [2, 14] : [0.8, 6]
    const base = (kind === 'esoccer' ? 6 : 2.6) / length
    let rates: [number, number] = [base / 2, base / 2]
    const probabilities = impliedProbabilities(paIts)
    if (probabilities !== null) {
      if (nextGoal) {
        const share = probabilities[0] / Math.max(1e-9, probabilities[0] + probabilities[2])
        rates = [base * share, base * (1 - share)]
      } else {
        const played = clock.running ? s + (now - clock.at) / 1000 : s
        const remaining = Math.max(60, length - played)
        rates = fitRates(probabilities, goals[0] - goals[1], remaining, length, total)
      }
    }
    const m: FootballMatch = {
      evIt: ev.it,
      maIt: ma?.it ?? null,
      paIts,
      nextGoal,
      esoccer: kind === 'esoccer',
      half,
      phase,
      clock: { seconds: s, at: clock.at, running: clock.running },
      endOfHalf,
      resumeAt,
      endedAt: null,
      goals,
      rates,
      rng,
      nextPriceAt: now + scaled(2000 + rng() * 14_000),
      nextSyncAt: now + scaled(45_000 + rng() * 45_000),
      // A market the load has suspended reopens a few seconds in, as after a goal.
      reopenAt:
        ma?.fields.SU === '1' || pas.some((p) => p.fields.SU === '1')
          ? now + scaled(3000 + rng() * 12_000)
          : null,
      nextGoalAt: 0,
    }
    m.nextGoalAt = Math.max(s, playSeconds(m, now)) + goalGap(m)
    football.set(ev.it, m)
  }

  /** The prices of a match's main market now: match result, or next goal. */
  const quote = (m: FootballMatch, now: number): [number, number, number] => {
    const remaining = m.phase === 'full' ? 0 : Math.max(0, 2 * m.half - playSeconds(m, now))
    const [rh, ra] = m.rates
    return m.nextGoal
      ? nextGoalProbabilities(rh * remaining, ra * remaining)
      : resultProbabilities(m.goals[0] - m.goals[1], rh * remaining, ra * remaining)
  }

  const priceMessages = (m: FootballMatch, now: number, reopen: boolean): ZapMessage[] => {
    const p = quote(m, now)
    const out: ZapMessage[] = []
    m.paIts.forEach((it, i) => {
      const node = it === undefined ? undefined : tree.get(it)
      if (node === undefined) return
      const fields: ZapFields = {}
      if (reopen && node.fields.SU === '1') fields.SU = '0'
      const od = priceFractional(p[i]!, 0.05)
      if (node.fields.OD !== od) fields.OD = od
      if (Object.keys(fields).length > 0) out.push(delta(node.it, 'U', [{ type: '', fields }]))
    })
    const ma = m.maIt === null ? undefined : tree.get(m.maIt)
    if (reopen && ma !== undefined && ma.fields.SU === '1') {
      out.push(delta(ma.it, 'U', [{ type: '', fields: { SU: '0' } }]))
    }
    return out
  }

  /** Sets the clock at the last whole second and says so (`TM`/`TS`/`TT`/`TU`). */
  const clockMessage = (
    m: FootballMatch,
    now: number,
    running: boolean,
    seconds?: number,
  ): ZapMessage => {
    const at = Math.floor(now / 1000) * 1000
    const s = Math.max(0, Math.floor(seconds ?? playSeconds(m, at)))
    m.clock = { seconds: s, at, running }
    const fields: ZapFields = {
      TM: String(Math.floor(s / 60)),
      TS: String(s % 60),
      TT: running ? '1' : '0',
      TU: formatBet365Time(at),
    }
    return delta(m.evIt, 'U', [{ type: '', fields }])
  }

  const suspendMessages = (m: FootballMatch, extra: (i: number) => ZapFields): ZapMessage[] => {
    const out: ZapMessage[] = []
    m.paIts.forEach((it, i) => {
      if (it !== undefined && tree.get(it) !== undefined) {
        out.push(delta(it, 'U', [{ type: '', fields: { SU: '1', ...extra(i) } }]))
      }
    })
    return out
  }

  const scoreGoal = (m: FootballMatch, now: number): void => {
    const side = m.rng() < m.rates[0] / (m.rates[0] + m.rates[1]) ? 0 : 1
    m.goals[side]++
    const next = ordinal(m.goals[0] + m.goals[1] + 1)
    const messages: ZapMessage[] = [
      delta(m.evIt, 'U', [{ type: '', fields: { SS: `${m.goals[0]}-${m.goals[1]}` } }]),
    ]
    const ma = m.maIt === null ? undefined : tree.get(m.maIt)
    if (ma !== undefined) {
      const fields: ZapFields = { SU: '1', GO: next }
      if (m.nextGoal) fields.NA = `${next} Goal`
      messages.push(delta(ma.it, 'U', [{ type: '', fields }]))
    }
    messages.push(
      ...suspendMessages(m, (i): ZapFields =>
        m.nextGoal && i === 1 ? { NA: `No ${next} Goal` } : {},
      ),
    )
    broadcast(messages)
    m.reopenAt = now + scaled(8000 + m.rng() * 12_000)
  }

  /**
   * A decided match's headline market becomes the next goal, as Bet365's overview shows it
   * (the 2026 load: 7-0, 6-1, 1-6 and 4-0 matches lead with "8th Goal" / "5th Goal"): the
   * Fulltime Result market leaves with `D`, an "Nth Goal" market comes in with `I`.
   */
  const switchToNextGoal = (m: FootballMatch, now: number): void => {
    const ev = tree.get(m.evIt)
    const names = (ev?.fields.NA ?? '').split(' v ')
    if (ev === undefined || names.length !== 2) return
    const fx = ev.fields.OI ?? ev.fields.FI ?? ''
    const next = ordinal(m.goals[0] + m.goals[1] + 1)
    const maIt = `${m.evIt}-1778`
    m.nextGoal = true
    const p = quote(m, now)
    const sides = [names[0]!, `No ${next} Goal`, names[1]!]
    const pas = sides.map((name, i) => footballSelection(fx, name, i, p[i]!))
    const ma: ZapRecord = {
      type: 'MA',
      fields: {
        CN: '3',
        FI: fx,
        GO: next,
        ID: '1778',
        IT: maIt,
        NA: `${next} Goal`,
        OR: '0',
        SU: '0',
      },
    }
    const messages: ZapMessage[] = []
    if (m.maIt !== null && tree.get(m.maIt) !== undefined) messages.push(delta(m.maIt, 'D', []))
    messages.push(delta(m.evIt, 'I', [ma, ...pas]))
    broadcast(messages)
    m.maIt = maIt
    m.paIts = pas.map((r) => r.fields.IT)
  }

  /** The rematch of a finished Esoccer match, sides swapped, kicking off now. */
  const rematch = (old: ZapFields, now: number): void => {
    const names = (old.NA ?? '').split(' v ')
    if (tree.get(SOCCER_CL_IT) === undefined || names.length !== 2) return
    const ev = String(nextFootballId++)
    const fx = String(nextFootballId++)
    const evIt = `L1-sim-${ev}_1_3`
    const ml = Number(old.ML) > 0 ? Number(old.ML) : 8
    const rate = 6 / (ml * 60) / 2
    const p = resultProbabilities(0, rate * ml * 60, rate * ml * 60)
    const sides = [names[1]!, 'Draw', names[0]!]
    const records: ZapRecord[] = [
      {
        type: 'EV',
        fields: {
          AU: '0',
          C1: '1',
          CK: old.CK ?? '',
          CL: '1',
          CT: old.CT ?? '',
          FI: ev,
          FS: '1',
          ID: `${ev}C1A_1_3`,
          IT: evIt,
          L3: old.L3 ?? '',
          ML: String(ml),
          NA: `${names[1]} v ${names[0]}`,
          OI: fx,
          SS: '0-0',
          TM: '0',
          TS: '0',
          TT: '1',
          TU: formatBet365Time(Math.floor(now / 1000) * 1000),
        },
      },
      {
        type: 'MA',
        fields: {
          CN: '3',
          FI: fx,
          GO: '1st',
          ID: '1777',
          IT: `L${ev}C1-1777_1_3`,
          NA: 'Fulltime Result',
          OR: '0',
          SU: '0',
        },
      },
      ...sides.map((name, i) => footballSelection(fx, name, i, p[i]!)),
    ]
    broadcast([delta(SOCCER_CL_IT, 'I', records)])
    const node = tree.get(evIt)
    if (node !== undefined) addFootball(node, now)
  }

  const tickFootball = (m: FootballMatch, now: number): void => {
    if (m.endedAt !== null) {
      if (now - m.endedAt >= scaled(m.esoccer ? 15_000 : 60_000)) {
        const fields = { ...(tree.get(m.evIt)?.fields ?? {}) }
        removeEvent(m.evIt)
        if (m.esoccer) rematch(fields, now)
      }
      return
    }
    if (m.reopenAt !== null && now >= m.reopenAt) {
      m.reopenAt = null
      if (m.phase !== 'full') broadcast(priceMessages(m, now, true))
    }
    if (!m.clock.running) {
      if (now < m.resumeAt) return
      if (m.phase === 'break') m.phase = 'second'
      broadcast([
        clockMessage(
          m,
          now,
          true,
          m.phase === 'second' && m.clock.seconds <= m.half ? m.half : undefined,
        ),
      ])
      m.nextGoalAt = m.clock.seconds + goalGap(m)
      m.nextSyncAt = now + scaled(45_000 + m.rng() * 45_000)
      return
    }
    const s = playSeconds(m, now)
    if (s >= m.endOfHalf) {
      if (m.phase === 'first') {
        broadcast([clockMessage(m, now, false, m.half)])
        m.phase = 'break'
        m.resumeAt = now + scaled(m.esoccer ? 20_000 : 15 * 60_000)
        m.endOfHalf = 2 * m.half + (m.esoccer ? 0 : 120 + m.rng() * 240)
      } else {
        m.phase = 'full'
        m.endedAt = now
        m.reopenAt = null
        const ma = m.maIt === null ? undefined : tree.get(m.maIt)
        broadcast([
          clockMessage(m, now, false),
          ...(ma === undefined ? [] : [delta(ma.it, 'U', [{ type: '', fields: { SU: '1' } }])]),
          ...suspendMessages(m, () => ({})),
        ])
      }
      return
    }
    if (s >= m.nextGoalAt) {
      scoreGoal(m, now)
      m.nextGoalAt = s + goalGap(m)
      return
    }
    if (now >= m.nextSyncAt) {
      broadcast([clockMessage(m, now, true)])
      m.nextSyncAt = now + scaled(45_000 + m.rng() * 45_000)
    }
    if (now >= m.nextPriceAt) {
      m.nextPriceAt = now + scaled(6000 + m.rng() * 14_000)
      if (m.reopenAt === null) {
        const p = m.nextGoal || m.phase !== 'second' ? null : quote(m, now)
        if (p !== null && Math.max(p[0], p[2]) > 0.97) {
          switchToNextGoal(m, now)
          return
        }
        const messages = priceMessages(m, now, false)
        if (messages.length > 0) broadcast(messages)
      }
    }
  }

  const send = (ws: WebSocket, frame: string): void => {
    if (ws.readyState === ws.OPEN) ws.send(frame)
  }
  const broadcast = (messages: ZapMessage[]): void => {
    for (const m of messages) tree.apply(m)
    if (frozen) return
    const frame = encodeFrame(messages)
    for (const ws of subscribed) send(ws, frame)
  }
  const delta = (topic: string, op: ZapMessage['op'], records: ZapRecord[]): ZapMessage => ({
    kind: 'delta',
    topic,
    op,
    records,
  })
  const timeRecord = (): ZapRecord => ({
    type: 'IN',
    fields: { TI: formatZapTime(Date.now()), UF: '55' },
  })

  const pointFor = (m: LiveMatch, now: number): void => {
    const server = m.state.server
    const pServe = m.p[server]
    const by = m.rng() < pServe ? server : server === 0 ? 1 : 0
    const before = m.state
    m.state = playPoint(m.state, by)
    m.nextAt = now + pointGap(m.rng) / speed
    const messages: ZapMessage[] = []
    if (m.paIts !== null) {
      const p0 = matchWinProbability(m.state, m.p[0], m.p[1])
      const odds = m.state.winner === null ? [priceFractional(p0), priceFractional(1 - p0)] : null
      m.paIts.forEach((it, i) => {
        const node = tree.get(it)
        if (node === undefined) return
        const fields: ZapFields = {}
        if (odds === null) fields.SU = '1'
        else {
          // A money line suspended in the load reopens with the next point's prices, the
          // seed's "unsuspend with new odds" (`SU=…;OD=7/4;`).
          if (node.fields.SU === '1') fields.SU = '0'
          if (node.fields.OD !== odds[i]) fields.OD = odds[i]!
        }
        if (Object.keys(fields).length > 0) messages.push(delta(it, 'U', [{ type: '', fields }]))
      })
      const ma = m.maIt === null ? undefined : tree.get(m.maIt)
      if (ma !== undefined && odds !== null && ma.fields.SU === '1') {
        messages.push(delta(ma.it, 'U', [{ type: '', fields: { SU: '0' } }]))
      }
    }
    const a = formatTennisScore(scoreOf(before))
    const b = formatTennisScore(scoreOf(m.state))
    const fields: ZapFields = {}
    if (a.PI !== b.PI) fields.PI = b.PI
    fields.XP = b.XP
    if (a.SS !== b.SS) fields.SS = b.SS
    if (!m.started) {
      fields.FS = '1'
      m.started = true
    }
    messages.push(delta(m.evIt, 'U', [{ type: '', fields }]))
    broadcast(messages)
    if (m.state.winner !== null) m.endedAt = now
  }

  const newName = (first: readonly string[]): string =>
    `${first[Math.floor(worldRng() * first.length)]} ${LAST[Math.floor(worldRng() * LAST.length)]}`

  const insertMatch = (now: number): void => {
    const cl = tree.get(TENNIS_CL_IT)
    if (cl === undefined) return
    const ev = String(nextId++)
    const fx = String(nextId++)
    const pa0 = String(nextId++)
    const pa1 = String(nextId++)
    const ct = competitions[Math.floor(worldRng() * competitions.length)] ?? 'Simulated'
    const first = WOMEN.test(ct) ? FIRST_WOMEN : FIRST_MEN
    const p0 = newName(first)
    let p1 = newName(first)
    while (p1 === p0) p1 = newName(first)
    const server = worldRng() < 0.5 ? 0 : 1
    const state = newMatch(SLAM.test(ct) ? 5 : 3, server)
    const pr = matchWinProbability(state, 0.62, 0.62)
    const evIt = `L13-sim-${ev}_1_3`
    const records: ZapRecord[] = [
      {
        type: 'EV',
        fields: {
          AU: '0',
          C1: '1',
          CL: '13',
          CT: ct,
          ES: '0',
          FI: ev,
          FS: '0',
          ID: `${ev}C13A_1_3`,
          IT: evIt,
          NA: `${p0} v ${p1}`,
          OI: fx,
          OR: String(cl.children.length),
          PI: server === 0 ? '0,1' : '1,0',
          SS: '0-0',
          XP: '0-0',
        },
      },
      {
        type: 'MA',
        fields: { CN: '2', FI: fx, ID: '1763', IT: `L${ev}C13-1763_1_3`, MA: '1763', OR: '0' },
      },
      ...[p0, p1].map((name, i): ZapRecord => ({
        type: 'PA',
        fields: {
          FI: fx,
          HA: '',
          HD: '',
          ID: i === 0 ? pa0 : pa1,
          IT: `L${fx}-${i === 0 ? pa0 : pa1}_1_3`,
          NA: name,
          OD: priceFractional(i === 0 ? pr : 1 - pr),
          OR: String(i),
          SU: '0',
        },
      })),
    ]
    broadcast([delta(TENNIS_CL_IT, 'I', records)])
    const node = tree.get(evIt)
    if (node !== undefined) addMatch(node, now)
  }

  const removeEvent = (it: string, notify = true): void => {
    matches.delete(it)
    football.delete(it)
    american.forget(it)
    kickoffs.delete(it)
    const message = delta(it, 'D', [])
    if (notify) broadcast([message])
    else tree.apply(message)
  }

  // The world starts moving when the first client subscribes, so that client sees every point.
  let playing = false
  const startPlaying = (): void => {
    if (playing) return
    playing = true
    const now = Date.now()
    const shift = now - now0
    for (const m of matches.values()) m.nextAt += shift
    rebase(now)
    for (const node of tree.nodes()) {
      if (node.type !== 'EV' || isTennis(node) || worldOwns(node.it)) continue
      if (footballKind(node) !== null && node.fields.FS === '0') {
        // Listed in play but not kicked off (Universidad de Antioquia v Rionegro Aguilas
        // Reserves in the load): it kicks off soon and plays on like the others.
        kickoffs.set(node.it, now + scaled(30_000 + worldRng() * 90_000))
      } else if (sportOf(node) === 'american-football') american.add(node, now)
      else addFootball(node, now)
    }
  }

  /** Load football matches not yet kicked off: `IT` → epoch ms of kick-off. */
  const kickoffs = new Map<string, number>()
  const kickOff = (it: string, now: number): void => {
    kickoffs.delete(it)
    const node = tree.get(it)
    if (node === undefined) return
    const at = Math.floor(now / 1000) * 1000
    const fields: ZapFields = { FS: '1', TM: '0', TS: '0', TT: '1', TU: formatBet365Time(at) }
    broadcast([delta(it, 'U', [{ type: '', fields }])])
    addFootball(node, now)
  }

  /** The load's American football (see simAmericanFootball.ts). */
  const american = americanFootballPlay({
    tree,
    speed,
    broadcast: (messages) => broadcast(messages),
    rngFor: (it) => mulberry32(hashSeed(seed, it)),
    remove: (it) => removeEvent(it),
  })

  const tick = (): void => {
    if (!playing) return
    const now = Date.now()
    for (const m of [...matches.values()]) {
      if (m.endedAt !== null) {
        if (now - m.endedAt >= 3000 / speed) {
          removeEvent(m.evIt)
          insertMatch(now)
        }
      } else if (now >= m.nextAt) {
        pointFor(m, now)
      }
    }
    for (const m of [...football.values()]) if (football.has(m.evIt)) tickFootball(m, now)
    for (const [it, at] of [...kickoffs]) if (now >= at) kickOff(it, now)
    american.tick(now)
  }

  if (options.world !== undefined) {
    world = renderWorld(
      options.world,
      {
        tree,
        broadcast,
        takeOver: (it) => {
          matches.delete(it)
          football.delete(it)
          american.forget(it)
          kickoffs.delete(it)
        },
      },
      { logger },
    )
  }

  const wss = new WebSocketServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    path: '/zap/',
    handleProtocols: (protocols) => SUBPROTOCOLS.find((p) => protocols.has(p)) ?? false,
  })

  /**
   * The in-play topic as `F` load records. A load nests records by kind (each EV under the
   * nearest CT before it), so a sport's events that hang straight off its CL (the 2026
   * load's, and matches inserted later with `I`) are written before its CT records: written
   * after the seed's CT "ATP Santiago" they would be read back as ATP Santiago matches.
   */
  const inPlayLoad = (): ZapRecord[] => {
    const out: ZapRecord[] = []
    const visit = (n: TopicNode): void => {
      out.push({ type: n.type, fields: { ...n.fields } })
      const direct = n.children.filter((c) => c.type !== 'CT')
      for (const c of [...direct, ...n.children.filter((c) => c.type === 'CT')]) visit(c)
    }
    for (const n of tree.roots(INPLAY_2026_TOPIC)) visit(n)
    return out
  }

  const serveTopics = (ws: WebSocket, topics: readonly string[]): void => {
    const messages: ZapMessage[] = []
    for (const topic of topics) {
      if (topic === TIME_TOPIC) continue
      if (topic.startsWith('OVInPlay')) {
        subscribed.add(ws)
        startPlaying()
        const records = inPlayLoad()
        messages.push({ kind: 'load', topic, op: 'F', records })
      } else {
        // Unknown topic: the EMPTY notice (captures mahendrakalkura #5).
        messages.push({ kind: 'load', topic: 'EMPTY', op: 'F', records: [] })
        messages[messages.length - 1]!.records.push({ type: 'IN', fields: { EM: '1', TO: topic } })
      }
    }
    if (messages.length > 0 && !frozen) send(ws, encodeFrame(messages))
  }

  wss.on('connection', (ws) => {
    clients.add(ws)
    let handshaken = false
    const id = `I1PIP${++connections}-${Math.floor(worldRng() * 2 ** 40).toString(36)}`
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data)
      let frame
      try {
        frame = decodeClientFrame(text)
      } catch (e) {
        if (!(e instanceof ZapDecodeError)) throw e
        logger.warn({ reason: e.reason }, 'bet365 sim: unknown client frame')
        return
      }
      if (frame.kind === 'handshake') {
        if (options.rejectSession?.(frame.sessionId) === true) {
          send(ws, encodeHandshakeReply('111', id))
          ws.close()
          return
        }
        handshaken = true
        send(ws, encodeHandshakeReply('100', id))
        send(
          ws,
          encodeFrame([{ kind: 'load', topic: TIME_TOPIC, op: 'F', records: [timeRecord()] }]),
        )
        serveTopics(ws, frame.topics)
      } else if (handshaken) {
        serveTopics(ws, frame.topics)
      }
    })
    ws.on('close', () => {
      clients.delete(ws)
      subscribed.delete(ws)
    })
    ws.on('error', () => ws.terminate())
  })

  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', (e) => {
      world?.close()
      reject(e)
    })
  })
  const heartbeat = setInterval(() => {
    if (frozen) return
    const frame = encodeFrame([delta(TIME_TOPIC, 'U', [timeRecord()])])
    for (const ws of clients) send(ws, frame)
  }, 1000)
  const ticker = setInterval(tick, Math.max(10, Math.min(100, 100 / speed)))
  const { port } = wss.address() as AddressInfo
  const host = options.host ?? '127.0.0.1'
  logger.info(
    { port, matches: matches.size, worldMatches: world?.events().length ?? 0 },
    'bet365 sim listening',
  )

  return {
    url: `ws://${host}:${port}/zap/`,
    async close() {
      world?.close()
      clearInterval(heartbeat)
      clearInterval(ticker)
      for (const ws of clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
    dropConnections() {
      for (const ws of clients) ws.terminate()
    },
    removeEvent,
    setFrozen(value: boolean) {
      frozen = value
    },
    tennisEvents() {
      return [...matches.keys()]
    },
    footballEvents() {
      return [...football.keys()]
    },
    worldEvents() {
      return world?.events() ?? []
    },
    americanFootballEvents() {
      return american.events()
    },
    pendingKickoffs() {
      return [...kickoffs.keys()]
    },
  }
}
