/**
 * The shared simulated world (issue 9 item 5): plays the fixture list on a clock, keeps one
 * true probability per match and derives each book's prices from it with the book's margin,
 * bias, lag and rounding. Deterministic given its seed and clock: everything happens inside
 * {@link SimulatedWorld.tick}, which the timer calls once a second while the world is
 * retained and tests call directly with their own clock.
 */
import type {
  Logger,
  SharedWorld,
  WorldChange,
  WorldFixture,
  WorldFootballState,
  WorldMatch,
  WorldPrices,
  WorldSport,
  WorldStatus,
  WorldTennisState,
} from '@oddsboard/feedkit'
import { mulberry32 } from '@oddsboard/feedkit'
import { SOURCES, type Source } from '@oddsboard/model'
import { FOOTBALL_SECONDS, footballProbabilities } from './football'
import { worldFixtures, type FixtureRecord } from './fixtures'
import { bookOdds } from './pricing'
import { newTennisScore, playPoint, tennisProbability, type Side, type TennisScore } from './tennis'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** Options of {@link createSharedWorld}. */
export interface SharedWorldOptions {
  /** PRNG seed (mulberry32); the same seed and clock replay the same world. Default 1. */
  seed?: number
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** The fixture list; default the stored one from the captures. */
  fixtures?: readonly FixtureRecord[]
  logger?: Logger
}

/** Play timings (documented in the package README). */
export const TIMINGS = {
  /** Half-time break, real time. */
  halfTimeMs: 15 * MINUTE,
  /** Ended matches stay listed this long (min, max) before leaving. */
  endedStayMs: [3 * MINUTE, 5 * MINUTE] as const,
  /** Seconds between tennis points (min, max); plus a changeover pause after odd games. */
  pointMs: [25 * SECOND, 45 * SECOND] as const,
  changeoverMs: 60 * SECOND,
  setBreakMs: 120 * SECOND,
  /** Share of the list live when the world starts. */
  liveShareAtStart: 0.5,
  /** A returning fixture starts this far ahead (min, max). */
  returnAfterMs: [20 * MINUTE, 4 * HOUR] as const,
}

/**
 * Each book's pricing behaviour: how often it reprices (min, max ms), its lag behind the true
 * probability on ordinary drift (max ms; redrawn every few minutes so the order of the books
 * changes), how fast it suspends after a goal or a break, and the chance it is slow to notice.
 */
export const BOOK_BEHAVIOUR: Readonly<
  Record<Source, { repriceMs: readonly [number, number]; lagMs: number; slowShare: number }>
> = {
  bet365: { repriceMs: [3 * SECOND, 7 * SECOND], lagMs: 12 * SECOND, slowShare: 0.03 },
  kwiff: { repriceMs: [5 * SECOND, 10 * SECOND], lagMs: 18 * SECOND, slowShare: 0.05 },
  winamax: { repriceMs: [6 * SECOND, 14 * SECOND], lagMs: 20 * SECOND, slowShare: 0.05 },
}

/**
 * Held prices per hour on the whole board: a book's trader keeps one outcome of a live match
 * 8-20 % (log) longer than the book's model for 20-60 s (a price not yet cut, or pushed to
 * attract money). With the lag after goals, it is what makes a surebet appear now and then.
 */
export const HOLDS_PER_HOUR = 10

/** Per-book bias: an Ornstein–Uhlenbeck process on log probability, per outcome. */
const BIAS_SD = 0.04
const BIAS_TAU_MS = 3 * MINUTE
const HISTORY_MS = 60 * SECOND
/** Share of a book's lag it takes to react to a tennis point (points come every 25-45 s). */
const TENNIS_LAG_SHARE = 0.2
/** A tennis point that moves the true probability this much suspends the books like a break. */
const TENNIS_SWING = 0.06

interface BookQuote {
  odds: number[]
  fractional?: string[]
  suspended: boolean
  at: number
  bias: number[]
  /** Epoch ms the bias was last stepped. */
  biasAt: number
  lagMs: number
  lagRedrawAt: number
  nextRepriceAt: number
  /** Tennis: the true probability as of the last point this book has reacted to. */
  seen: number[]
  /** A trader's price: one outcome held long (negative log bias) until `until`. */
  hold?: { outcome: number; size: number; until: number }
  /** The book never reads the true probability from before this time (its last reopening). */
  floorAt: number
  /** Tennis: when the book reacts to the latest point. */
  reactAt?: number
  /** After a goal/break: the book has not noticed until `suspendAt`, reopens at `reopenAt`. */
  shock?: { at: number; suspendAt: number; reopenAt: number }
}

interface FootballPlay {
  sport: 'football'
  period: WorldFootballState['period']
  /** Epoch ms when the current period started (1H/2H) or HT began. */
  periodStart: number
  /** Real length of each half including added time, ms. */
  halfMs: [number, number]
  goals: [number, number]
  rates: [number, number]
  nextGoalAt: number
}

interface TennisPlay {
  sport: 'tennis'
  score: TennisScore
  serve: [number, number]
  nextPointAt: number
  /** Markov model cache for this `serve` pair. */
  memo: Map<string, number>
}

interface MatchSim {
  record: FixtureRecord
  fixture: WorldFixture
  status: WorldStatus
  play: FootballPlay | TennisPlay
  truth: number[]
  history: { t: number; p: number[] }[]
  endedAt?: number
  removeAt?: number
  quotes: Map<Source, BookQuote>
  rng: () => number
  instance: number
}

function hashString(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

function between(rng: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * rng()
}

function normal(rng: () => number): number {
  const u = Math.max(1e-12, rng())
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

/**
 * The concrete world. Implements {@link SharedWorld}; `tick()` advances it to the clock's
 * time (tests call it with their own clock; the timer calls it every second while retained).
 */
export class SimulatedWorld implements SharedWorld {
  private readonly now: () => number
  private readonly seed: number
  private readonly logger: Logger | undefined
  private readonly records: readonly FixtureRecord[]
  private readonly sims = new Map<string, MatchSim>()
  private readonly listeners = new Set<(change: WorldChange) => void>()
  private readonly rng: () => number
  private clock: number
  private users = 0
  private timer: ReturnType<typeof setInterval> | undefined
  private instances = new Map<string, number>()
  private waiting: { record: FixtureRecord; at: number }[] = []

  constructor(options: SharedWorldOptions = {}) {
    this.now = options.now ?? Date.now
    this.seed = options.seed ?? 1
    this.logger = options.logger
    this.records = options.fixtures ?? worldFixtures()
    this.rng = mulberry32(this.seed)
    this.clock = this.now()
    for (const record of this.records) {
      const live = this.rng() < TIMINGS.liveShareAtStart
      const start = live
        ? this.clock - between(this.rng, record.sport === 'football' ? [1, 110] : [1, 100]) * MINUTE
        : roundTo(this.clock + between(this.rng, [5 * MINUTE, 6 * HOUR]), 5 * MINUTE)
      this.addMatch(record, start, false)
    }
    // play the live ones forward to now, silently, earliest start first (so a player already
    // on court holds back their next match)
    const byStart = [...this.sims.values()].sort(
      (a, b) => a.fixture.startTime - b.fixture.startTime,
    )
    for (const sim of byStart) this.advanceMatch(sim, this.clock, false)
    for (const sim of this.sims.values()) {
      sim.truth = truthOf(sim, this.clock)
      this.initQuotes(sim)
    }
    this.logger?.info(
      {
        fixtures: this.records.length,
        live: [...this.sims.values()].filter((m) => m.status === 'live').length,
        seed: this.seed,
      },
      'shared world created',
    )
  }

  matches(book: Source): WorldMatch[] {
    return [...this.sims.values()]
      .filter((s) => s.fixture.books.includes(book))
      .sort(
        (a, b) =>
          a.fixture.startTime - b.fixture.startTime || (a.fixture.id < b.fixture.id ? -1 : 1),
      )
      .map((s) => this.view(s))
  }

  match(id: string): WorldMatch | undefined {
    const sim = this.sims.get(id)
    return sim === undefined ? undefined : this.view(sim)
  }

  prices(book: Source, id: string): WorldPrices | undefined {
    const sim = this.sims.get(id)
    if (sim === undefined || !sim.fixture.books.includes(book)) return undefined
    const q = sim.quotes.get(book)
    if (q === undefined) return undefined
    const swap = sim.fixture.swapped?.[book] === true
    const order = <T>(xs: readonly T[]): T[] => (swap ? [...xs].reverse() : [...xs])
    return {
      odds: order(q.odds),
      ...(q.fractional === undefined ? {} : { fractional: order(q.fractional) }),
      suspended: q.suspended || sim.status === 'ended',
      at: q.at,
    }
  }

  /** True probabilities of match `id`'s main market in world order (home, [draw,] away). */
  trueProbabilities(id: string): readonly number[] | undefined {
    return this.sims.get(id)?.truth
  }

  onChange(listener: (change: WorldChange) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  retain(): () => void {
    this.users++
    if (this.users === 1) {
      this.timer = setInterval(() => this.tick(), SECOND)
      this.timer.unref?.()
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.users--
      if (this.users === 0 && this.timer !== undefined) {
        clearInterval(this.timer)
        this.timer = undefined
      }
    }
  }

  /** How many users hold the world now (see {@link retain}). */
  get retainCount(): number {
    return this.users
  }

  /** Stops the timer whatever the users (for shutdown). */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
    this.users = 0
  }

  /**
   * Advances the world to `at` (default: the clock) in steps of at most one second, emitting
   * changes. A jump of more than an hour (a suspended process) is played in coarser steps.
   */
  tick(at: number = this.now()): void {
    if (at <= this.clock) return
    const step = at - this.clock > HOUR ? Math.ceil((at - this.clock) / 3600) : SECOND
    while (this.clock < at) {
      this.clock = Math.min(at, this.clock + step)
      this.step(this.clock)
    }
  }

  private emit(change: WorldChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch (err) {
        this.logger?.warn({ err, change }, 'world listener threw')
      }
    }
  }

  private step(t: number): void {
    for (const sim of [...this.sims.values()]) {
      this.advanceMatch(sim, t, true)
      if (sim.removeAt !== undefined && t >= sim.removeAt) {
        this.sims.delete(sim.fixture.id)
        this.emit({ type: 'removed', id: sim.fixture.id })
        this.waiting.push({ record: sim.record, at: t })
        continue
      }
      this.recordTruth(sim, t)
      for (const book of sim.fixture.books) this.updateQuote(sim, book, t)
    }
    // now and then a book's trader holds one outcome long for a while
    if (this.rng() < HOLDS_PER_HOUR / 3600) this.startHold(t)
    // fixtures come back with a new start time
    const back = this.waiting.filter((w) => t - w.at >= SECOND)
    this.waiting = this.waiting.filter((w) => t - w.at < SECOND)
    for (const w of back) {
      const start = roundTo(t + between(this.rng, TIMINGS.returnAfterMs), 5 * MINUTE)
      this.addMatch(w.record, start, true)
    }
  }

  /** Gives one book of one live multi-book match a held price (see {@link HOLDS_PER_HOUR}). */
  private startHold(t: number): void {
    const live = [...this.sims.values()].filter(
      (s) => s.status === 'live' && s.fixture.books.length > 1,
    )
    if (live.length === 0) return
    const sim = live[Math.floor(this.rng() * live.length)]!
    const book = sim.fixture.books[Math.floor(this.rng() * sim.fixture.books.length)]!
    const q = sim.quotes.get(book)
    if (q === undefined || q.hold !== undefined) return
    q.hold = {
      outcome: Math.floor(this.rng() * sim.truth.length),
      size: -between(this.rng, [0.2, 0.4]),
      until: t + between(this.rng, [20 * SECOND, 60 * SECOND]),
    }
    q.nextRepriceAt = t
  }

  private addMatch(record: FixtureRecord, startTime: number, announce: boolean): MatchSim {
    const instance = (this.instances.get(record.id) ?? 0) + 1
    this.instances.set(record.id, instance)
    const id = instance === 1 ? record.id : `${record.id}~${instance}`
    const { capturedStart: _c, source: _s, bestOf: _b, ...rest } = record
    const fixture: WorldFixture = { ...rest, id, startTime }
    const rng = mulberry32(hashString(`${this.seed}:${id}`))
    const play: FootballPlay | TennisPlay =
      record.sport === 'football' ? newFootball(rng, startTime) : newTennis(rng, record, startTime)
    const sim: MatchSim = {
      record,
      fixture,
      status: 'prematch',
      play,
      truth: [],
      history: [],
      quotes: new Map(),
      rng,
      instance,
    }
    sim.truth = truthOf(sim)
    this.sims.set(id, sim)
    if (announce) {
      // priced before it is announced, so a listener can render it at once
      this.initQuotes(sim)
      this.emit({ type: 'added', id })
    }
    return sim
  }

  private initQuotes(sim: MatchSim): void {
    for (const book of sim.fixture.books) {
      const n = sim.truth.length
      const bias = Array.from({ length: n }, () => normal(sim.rng) * BIAS_SD)
      const { odds, fractional } = bookOdds(book, sim.fixture.sport, sim.truth, bias)
      sim.quotes.set(book, {
        odds,
        ...(fractional === undefined ? {} : { fractional }),
        // a match already decided when it is first priced starts off the board, as a
        // reprice would take it (see DECIDED_PROBABILITY)
        suspended: Math.max(...sim.truth) > DECIDED_PROBABILITY,
        at: this.clock,
        bias,
        biasAt: this.clock,
        seen: sim.truth,
        floorAt: this.clock,
        lagMs: sim.rng() * BOOK_BEHAVIOUR[book].lagMs,
        lagRedrawAt: this.clock + between(sim.rng, [2 * MINUTE, 5 * MINUTE]),
        nextRepriceAt: this.clock + between(sim.rng, BOOK_BEHAVIOUR[book].repriceMs),
      })
    }
    sim.history = [{ t: this.clock, p: sim.truth }]
  }

  /** Plays match `sim` up to `t`: status changes, goals, points. */
  private advanceMatch(sim: MatchSim, t: number, emit: boolean): void {
    if (sim.status === 'ended') return
    if (sim.status === 'prematch' && t < sim.fixture.startTime) return
    if (sim.play.sport === 'tennis' && sim.status === 'live' && sim.play.nextPointAt > t) return
    const changed = () => {
      if (emit) this.emit({ type: 'state', id: sim.fixture.id })
    }
    if (sim.status === 'prematch') {
      if (t < sim.fixture.startTime) return
      if (sim.play.sport === 'tennis' && this.playerBusy(sim)) {
        // order of play slips: the player is still on court in another match
        sim.fixture = { ...sim.fixture, startTime: sim.fixture.startTime + 10 * MINUTE }
        changed()
        return
      }
      sim.status = 'live'
      if (sim.play.sport === 'football') {
        sim.play.period = '1H'
        sim.play.periodStart = sim.fixture.startTime
        sim.play.nextGoalAt = nextGoal(sim.rng, sim.play, sim.fixture.startTime)
      } else {
        sim.play.nextPointAt = sim.fixture.startTime + between(sim.rng, TIMINGS.pointMs)
      }
      changed()
    }
    if (sim.play.sport === 'football') this.advanceFootball(sim, sim.play, t, changed)
    else this.advanceTennis(sim, sim.play, t, changed)
  }

  private advanceFootball(sim: MatchSim, f: FootballPlay, t: number, changed: () => void): void {
    for (let guard = 0; guard < 100; guard++) {
      const periodEnd =
        f.period === '1H'
          ? f.periodStart + f.halfMs[0]
          : f.period === 'HT'
            ? f.periodStart + TIMINGS.halfTimeMs
            : f.periodStart + f.halfMs[1]
      const running = f.period === '1H' || f.period === '2H'
      if (running && f.nextGoalAt <= Math.min(t, periodEnd)) {
        const share = f.rates[0] / (f.rates[0] + f.rates[1])
        const side = sim.rng() < share ? 0 : 1
        f.goals[side]++
        const at = f.nextGoalAt
        this.shock(sim, at)
        f.nextGoalAt = nextGoal(sim.rng, f, at)
        sim.truth = truthOf(sim, at)
        changed()
        continue
      }
      if (t < periodEnd) return
      if (f.period === '1H') {
        f.period = 'HT'
        f.periodStart = periodEnd
      } else if (f.period === 'HT') {
        f.period = '2H'
        f.periodStart = periodEnd
        f.nextGoalAt = nextGoal(sim.rng, f, periodEnd)
      } else {
        f.period = 'FT'
        this.end(sim, periodEnd)
        changed()
        return
      }
      changed()
    }
  }

  private advanceTennis(sim: MatchSim, p: TennisPlay, t: number, changed: () => void): void {
    for (let guard = 0; guard < 200 && p.nextPointAt <= t; guard++) {
      const at = p.nextPointAt
      const server = p.score.server
      const winner: Side = sim.rng() < p.serve[server] ? server : ((1 - server) as Side)
      const before = sim.truth[0] ?? 0.5
      const result = playPoint(p.score, winner)
      sim.truth = truthOf(sim, at)
      // books suspend after a break, a set, or any point that swings the match (a set point
      // saved, a tiebreak mini-break late on)
      const swing = Math.abs((sim.truth[0] ?? 0.5) - before) >= TENNIS_SWING
      if (result.breakOfServe || result.set || swing) this.shock(sim, at, result.set ? 0.5 : 0.8)
      else this.pointPlayed(sim, at)
      changed()
      if (result.match) {
        this.end(sim, at)
        return
      }
      const games = p.score.sets.reduce((s, g) => s + g[0] + g[1], 0)
      const pause = result.set
        ? TIMINGS.setBreakMs
        : result.game && games % 2 === 1
          ? TIMINGS.changeoverMs
          : 0
      p.nextPointAt = at + pause + between(sim.rng, TIMINGS.pointMs)
    }
  }

  private end(sim: MatchSim, at: number): void {
    sim.status = 'ended'
    sim.endedAt = at
    sim.removeAt = at + between(sim.rng, TIMINGS.endedStayMs)
  }

  private playerBusy(sim: MatchSim): boolean {
    const mine = playersOf(sim.record)
    for (const other of this.sims.values()) {
      if (other === sim || other.status !== 'live' || other.record.sport !== 'tennis') continue
      if (playersOf(other.record).some((p) => mine.includes(p))) return true
    }
    return false
  }

  /**
   * A goal or a break at `at`: each book keeps its stale prices until it notices (a second
   * or a few; now and then much later), suspends, and reopens on the new probability.
   * `scale` < 1 shortens the reaction for smaller moves (tennis).
   */
  private shock(sim: MatchSim, at: number, scale = 1): void {
    for (const book of sim.fixture.books) {
      const q = sim.quotes.get(book)
      if (q === undefined) continue
      const slow = sim.rng() < BOOK_BEHAVIOUR[book].slowShare
      const notice = slow
        ? between(sim.rng, [5 * SECOND, 9 * SECOND])
        : between(sim.rng, [1 * SECOND, 4 * SECOND])
      const suspendAt = at + notice * scale
      const reopenAt = suspendAt + between(sim.rng, [5 * SECOND, 15 * SECOND]) * scale
      q.shock = { at, suspendAt, reopenAt }
    }
  }

  /**
   * A tennis point: each book reacts after its own delay (one second plus a share of its
   * current lag), so the books move in a varied order, seconds apart.
   */
  private pointPlayed(sim: MatchSim, at: number): void {
    for (const q of sim.quotes.values()) {
      const reactAt = at + SECOND + q.lagMs * TENNIS_LAG_SHARE
      q.reactAt = q.reactAt === undefined ? reactAt : Math.min(q.reactAt, reactAt)
    }
  }

  private recordTruth(sim: MatchSim, t: number): void {
    // the football clock moves the probability slowly: recomputed every 5 s (and at goals)
    if (sim.status === 'live' && sim.play.sport === 'football' && t % (5 * SECOND) < SECOND) {
      sim.truth = truthOf(sim, t)
    }
    const last = sim.history[sim.history.length - 1]
    if (last === undefined || last.p !== sim.truth) sim.history.push({ t, p: sim.truth })
    // keep the newest entry older than the longest lag, so truthAt always has a value
    while (sim.history.length > 1 && sim.history[1]!.t < t - HISTORY_MS) sim.history.shift()
  }

  private truthAt(sim: MatchSim, t: number): number[] {
    let p = sim.history[0]?.p ?? sim.truth
    for (const h of sim.history) {
      if (h.t > t) break
      p = h.p
    }
    return p
  }

  private updateQuote(sim: MatchSim, book: Source, t: number): void {
    const q = sim.quotes.get(book)
    if (q === undefined) return
    if (t >= q.lagRedrawAt) {
      q.lagMs = sim.rng() * BOOK_BEHAVIOUR[book].lagMs
      q.lagRedrawAt = t + between(sim.rng, [2 * MINUTE, 5 * MINUTE])
    }
    if (sim.status === 'ended') {
      if (!q.suspended) {
        q.suspended = true
        q.at = t
        this.emit({ type: 'prices', id: sim.fixture.id, book })
      }
      return
    }
    if (q.shock !== undefined) {
      const s = q.shock
      if (t < s.suspendAt) return // has not noticed: stale prices stay up
      if (t < s.reopenAt) {
        if (!q.suspended) {
          q.suspended = true
          q.at = t
          this.emit({ type: 'prices', id: sim.fixture.id, book })
        }
        return
      }
      q.shock = undefined
      q.seen = sim.truth
      q.floorAt = t
      q.reactAt = undefined
      this.reprice(sim, book, q, t, sim.truth, true)
      q.nextRepriceAt = t + between(sim.rng, BOOK_BEHAVIOUR[book].repriceMs)
      return
    }
    if (q.reactAt !== undefined && t >= q.reactAt) {
      q.reactAt = undefined
      q.seen = sim.truth
      this.reprice(sim, book, q, t, q.seen, false)
      return
    }
    if (q.hold !== undefined && t >= q.hold.until) {
      q.hold = undefined
      q.nextRepriceAt = t
    }
    if (t < q.nextRepriceAt) return
    const prematch = sim.status === 'prematch'
    const [lo, hi] = BOOK_BEHAVIOUR[book].repriceMs
    q.nextRepriceAt = t + between(sim.rng, prematch ? [lo * 6, hi * 6] : [lo, hi])
    // football drifts with the clock: the book reads the true probability `lagMs` late;
    // tennis moves by points: the book holds what it saw at its last reaction
    const truth =
      sim.play.sport === 'tennis' ? q.seen : this.truthAt(sim, Math.max(q.floorAt, t - q.lagMs))
    this.reprice(sim, book, q, t, truth, false)
  }

  private reprice(
    sim: MatchSim,
    book: Source,
    q: BookQuote,
    t: number,
    truth: readonly number[],
    reopen: boolean,
  ): void {
    // the bias drifts as an Ornstein–Uhlenbeck process, stepped exactly over the time elapsed
    const a = Math.exp(-(t - q.biasAt) / BIAS_TAU_MS)
    q.bias = q.bias.map((b) => b * a + BIAS_SD * Math.sqrt(1 - a * a) * normal(sim.rng))
    q.biasAt = t
    // a decided match is taken off the board: a favourite the book would have to price under
    // its 1.01 floor would carry a negative margin (the only source of the 1.01 / 200
    // "surebets" a board of decided matches showed), so the market closes instead
    if (Math.max(...truth) > DECIDED_PROBABILITY) {
      if (q.suspended) return
      q.suspended = true
      q.at = t
      this.emit({ type: 'prices', id: sim.fixture.id, book })
      return
    }
    const hold = q.hold
    const bias =
      hold === undefined ? q.bias : q.bias.map((b, i) => (i === hold.outcome ? b + hold.size : b))
    const { odds, fractional } = bookOdds(book, sim.fixture.sport, truth, bias)
    const same = odds.every((o, i) => o === q.odds[i])
    if (same && !(reopen && q.suspended)) return
    q.odds = odds
    if (fractional !== undefined) q.fractional = fractional
    q.suspended = false
    q.at = t
    this.emit({ type: 'prices', id: sim.fixture.id, book })
  }

  private view(sim: MatchSim): WorldMatch {
    return { fixture: sim.fixture, status: sim.status, state: stateOf(sim, this.clock) }
  }
}

/**
 * True probability of the favourite beyond which every book suspends the match's market
 * (late in a decided match, as in-play books do), rather than quote it at its 1.01 floor.
 */
export const DECIDED_PROBABILITY = 0.985

function roundTo(ms: number, unit: number): number {
  return Math.round(ms / unit) * unit
}

function newFootball(rng: () => number, startTime: number): FootballPlay {
  // ~2.7 goals per 90 minutes, home slightly stronger on average (share ~0.55)
  const total = 2.7 * Math.exp(0.15 * normal(rng))
  const share = 1 / (1 + Math.exp(-(0.2 + 0.5 * normal(rng))))
  return {
    sport: 'football',
    period: 'prematch',
    periodStart: startTime,
    halfMs: [
      (45 + Math.floor(between(rng, [1, 5]))) * MINUTE,
      (45 + Math.floor(between(rng, [2, 7]))) * MINUTE,
    ],
    goals: [0, 0],
    rates: [total * share, total * (1 - share)],
    nextGoalAt: Number.POSITIVE_INFINITY,
  }
}

function newTennis(rng: () => number, record: FixtureRecord, startTime: number): TennisPlay {
  const server: Side = rng() < 0.5 ? 0 : 1
  return {
    sport: 'tennis',
    score: newTennisScore(record.bestOf ?? 3, server),
    serve: [between(rng, [0.58, 0.7]), between(rng, [0.58, 0.7])],
    nextPointAt: startTime,
    memo: new Map(),
  }
}

/** Next goal time after `from` (ms) at the match's total rate per 90 minutes of play. */
function nextGoal(rng: () => number, f: FootballPlay, from: number): number {
  const perMs = (f.rates[0] + f.rates[1]) / (FOOTBALL_SECONDS * SECOND)
  return from - Math.log(Math.max(1e-12, rng())) / perMs
}

/** Regulation seconds left at `t` (added time counts as zero left). */
function footballSecondsLeft(f: FootballPlay, t: number): number {
  switch (f.period) {
    case 'prematch':
      return FOOTBALL_SECONDS
    case '1H':
      return FOOTBALL_SECONDS - Math.min(45 * 60, (t - f.periodStart) / SECOND)
    case 'HT':
      return 45 * 60
    case '2H':
      return 45 * 60 - Math.min(45 * 60, (t - f.periodStart) / SECOND)
    case 'FT':
      return 0
  }
}

function truthOf(sim: MatchSim, t: number = sim.fixture.startTime): number[] {
  const play = sim.play
  if (play.sport === 'football') {
    return footballProbabilities(play.goals, play.rates, footballSecondsLeft(play, t))
  }
  const home = tennisProbability(play.score, play.serve, play.memo)
  return [home, 1 - home]
}

function stateOf(sim: MatchSim, now: number): WorldFootballState | WorldTennisState {
  const play = sim.play
  if (play.sport === 'football') {
    const running = play.period === '1H' || play.period === '2H'
    const seconds =
      play.period === 'prematch'
        ? 0
        : play.period === '1H'
          ? Math.floor((now - play.periodStart) / SECOND)
          : play.period === 'HT'
            ? 45 * 60
            : play.period === '2H'
              ? 45 * 60 + Math.floor((now - play.periodStart) / SECOND)
              : 90 * 60
    return {
      sport: 'football',
      period: play.period,
      seconds: Math.max(0, seconds),
      running,
      clockAt: now,
      goals: [play.goals[0], play.goals[1]],
    }
  }
  const s = play.score
  const tiebreaks: Record<number, readonly [number, number]> = {}
  for (const [k, v] of Object.entries(s.tiebreaks)) tiebreaks[Number(k)] = [v[0], v[1]]
  return {
    sport: 'tennis',
    sets: s.sets.map((x) => [x[0], x[1]] as const),
    points: [s.points[0], s.points[1]],
    server: s.server,
    tiebreak: s.tiebreak,
    tiebreaks,
    bestOf: s.bestOf,
  }
}

/** Player keys of a tennis fixture (surnames, doubles partners included), folded. */
export function playersOf(record: Pick<FixtureRecord, 'home' | 'away' | 'sport'>): string[] {
  if (record.sport !== 'tennis') return []
  const names = [record.home.bet365, record.away.bet365]
  return names.flatMap((n) =>
    n.split('/').map((p) =>
      (p.trim().split(/\s+/).pop() ?? '')
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase(),
    ),
  )
}

/**
 * Creates the shared simulated world (see {@link SimulatedWorld}). Its timer runs only while
 * retained (`retain()` returns the release), ticks once a second and is unref'd.
 */
export function createSharedWorld(options: SharedWorldOptions = {}): SimulatedWorld {
  return new SimulatedWorld(options)
}

/** Sports the world plays, for callers that iterate. */
export const WORLD_SPORTS: readonly WorldSport[] = ['football', 'tennis']
export { SOURCES }
