/**
 * Cross-book comparison of one canonical event (issue 9): which market the books share,
 * each book's price per canonical outcome side by side, the best price per outcome, the
 * margin of the best-of-books combination and whether it is a surebet; the stake split of a
 * surebet; and which book moved first on the latest price move.
 *
 * The meaning lives here, decided once; the browser only calls these and renders.
 * Pure: no Node or DOM types; time always comes in as data (epoch ms).
 */

import {
  MARKET_OUTCOMES,
  type MarketType,
  type MatchClock,
  type Outcome,
  type SportKey,
} from './canonical'
import type {
  CanonicalEvent,
  Event,
  EventStatus,
  Market,
  Selection,
  SimpleScore,
  Source,
  TennisScore,
} from './entities'
import { isTennisScore } from './entities'
import type { EntityState } from './ops'
import type { PricePoint } from './relay'

/**
 * Market types a comparison can be made on, most preferred first: a match result (1X2,
 * football) before a two-way winner (tennis match winner, money line), then an over/under
 * (only between markets with the same line), a handicap (same canonical line), and a
 * next-goal market last (books number goals differently). Outrights and `other` markets
 * are never compared: their outcomes are not typed.
 */
export const COMPARE_MARKET_PREFERENCE: readonly MarketType[] = [
  '1x2',
  'winner',
  'over-under',
  'handicap',
  'next-goal',
]

/**
 * The market a comparison is made on: a type and, for `over-under` and `handicap`, the
 * line. A handicap's `line` is the canonical home side's (a swapped member's line negated).
 */
export interface CompareMarketKey {
  type: MarketType
  line?: number
}

/** One member book's part of a comparison: its market of the compared key and its selections. */
export interface CompareMember {
  eventId: string
  source: Source
  /** True when the book lists the canonical away side first (see `CanonicalMember.swapped`). */
  swapped: boolean
  /** The member's market of the compared key; null when this book has no such market. */
  marketId: string | null
  /**
   * The member's selection id per **canonical** outcome: a swapped member's `home`
   * selection is filed under `away` and the other way round.
   */
  selections: Partial<Record<Outcome, string>>
}

/**
 * The structure of a comparison (which market, which selection of each book stands for
 * each canonical outcome), without prices: it changes only when markets, selections or the
 * canonical membership change, so a view can keep it while prices move.
 */
export interface CompareLayout {
  canonicalId: string
  sport: SportKey
  /** The compared market; null when no member has a comparable market. */
  market: CompareMarketKey | null
  /** The canonical outcomes compared, in column order (`MARKET_OUTCOMES` of the type). */
  outcomes: Outcome[]
  /** Every member whose event is in the state, in the canonical event's order. */
  members: CompareMember[]
  /** How many members have the compared market. */
  shared: number
}

/** Markets and selections indexed for {@link compareLayout}; build once per state with {@link indexMarkets}. */
export interface MarketIndex {
  /** Markets by event id. */
  byEvent: ReadonlyMap<string, readonly Market[]>
  /** Selections by market id, by `order`. */
  byMarket: ReadonlyMap<string, readonly Selection[]>
}

/** Indexes every market by event and every selection by market (one pass each). */
export function indexMarkets(state: Pick<EntityState, 'market' | 'selection'>): MarketIndex {
  const byEvent = new Map<string, Market[]>()
  for (const m of state.market.values()) {
    let list = byEvent.get(m.eventId)
    if (list === undefined) byEvent.set(m.eventId, (list = []))
    list.push(m)
  }
  const byMarket = new Map<string, Selection[]>()
  for (const s of state.selection.values()) {
    let list = byMarket.get(s.marketId)
    if (list === undefined) byMarket.set(s.marketId, (list = []))
    list.push(s)
  }
  for (const list of byMarket.values()) list.sort((a, b) => a.order - b.order)
  return { byEvent, byMarket }
}

/** A swapped member's outcome in canonical terms: home ↔ away; draw, over, under, none unchanged. */
export function canonicalOutcome(outcome: Outcome, swapped: boolean): Outcome {
  if (!swapped) return outcome
  return outcome === 'home' ? 'away' : outcome === 'away' ? 'home' : outcome
}

/** The comparison key of one member's market, or null when the market cannot be compared. */
function keyOf(m: Market, swapped: boolean): CompareMarketKey | null {
  if (!COMPARE_MARKET_PREFERENCE.includes(m.type)) return null
  if (m.type === 'over-under') return m.line === undefined ? null : { type: m.type, line: m.line }
  if (m.type === 'handicap') {
    if (m.line === undefined) return null
    // The line is added to the book's home side; for a swapped book that is the canonical away.
    const line = swapped ? -m.line : m.line
    return { type: m.type, line: line === 0 ? 0 : line }
  }
  return { type: m.type }
}

const keyText = (k: CompareMarketKey) => `${k.type}|${k.line ?? ''}`

/**
 * The structure of the comparison of `canonical`'s main market across its books:
 * - the market: among the market types of {@link COMPARE_MARKET_PREFERENCE} (over/under and
 *   handicap keyed by their line), the one held by the most members; ties go to the
 *   preferred type, then to the key that is the books' main market (`Market.main`) most
 *   often, then to the lower line. Only markets with at least two typed selections count.
 * - per member, its market of that key (its main market first, then the one with most
 *   typed selections) and its selection per canonical outcome (a swapped member's
 *   home/away exchanged; the lowest `order` wins when two selections claim one outcome).
 * Members whose event is not in `state` are left out.
 * @param index markets and selections of `state` ({@link indexMarkets}); built when omitted.
 */
export function compareLayout(
  state: Pick<EntityState, 'event' | 'market' | 'selection'>,
  canonical: CanonicalEvent,
  index: MarketIndex = indexMarkets(state),
): CompareLayout {
  type Candidate = { key: CompareMarketKey; members: Map<string, Market>; main: number }
  const candidates = new Map<string, Candidate>()
  const present = canonical.members.filter((m) => state.event.has(m.eventId))
  for (const member of present) {
    for (const m of index.byEvent.get(member.eventId) ?? []) {
      const key = keyOf(m, member.swapped)
      if (key === null) continue
      const typed = (index.byMarket.get(m.id) ?? []).filter((s) => s.outcome !== undefined)
      if (typed.length < 2) continue
      const text = keyText(key)
      let c = candidates.get(text)
      if (c === undefined) candidates.set(text, (c = { key, members: new Map(), main: 0 }))
      const held = c.members.get(member.eventId)
      if (held === undefined || betterMarket(m, held, index)) {
        if (held?.main) c.main--
        c.members.set(member.eventId, m)
        if (m.main) c.main++
      }
    }
  }
  const ranked = [...candidates.values()].sort(
    (a, b) =>
      b.members.size - a.members.size ||
      COMPARE_MARKET_PREFERENCE.indexOf(a.key.type) -
        COMPARE_MARKET_PREFERENCE.indexOf(b.key.type) ||
      b.main - a.main ||
      (a.key.line ?? 0) - (b.key.line ?? 0),
  )
  const chosen = ranked[0]
  const members: CompareMember[] = []
  const seen = new Set<Outcome>()
  for (const member of present) {
    const market = chosen?.members.get(member.eventId)
    const selections: Partial<Record<Outcome, string>> = {}
    if (market !== undefined) {
      for (const s of index.byMarket.get(market.id) ?? []) {
        if (s.outcome === undefined) continue
        const o = canonicalOutcome(s.outcome, member.swapped)
        if (selections[o] !== undefined) continue
        selections[o] = s.id
        seen.add(o)
      }
    }
    members.push({
      eventId: member.eventId,
      source: member.source,
      swapped: member.swapped,
      marketId: market?.id ?? null,
      selections,
    })
  }
  return {
    canonicalId: canonical.id,
    sport: canonical.sport,
    market: chosen === undefined ? null : chosen.key,
    outcomes:
      chosen === undefined ? [] : MARKET_OUTCOMES[chosen.key.type].filter((o) => seen.has(o)),
    members,
    shared: chosen?.members.size ?? 0,
  }
}

function betterMarket(a: Market, b: Market, index: MarketIndex): boolean {
  if (a.main !== b.main) return a.main
  const typed = (m: Market) =>
    (index.byMarket.get(m.id) ?? []).filter((s) => s.outcome !== undefined).length
  const d = typed(a) - typed(b)
  return d !== 0 ? d > 0 : a.id < b.id
}

/** One book's price for one canonical outcome. */
export interface BookPrice {
  source: Source
  eventId: string
  selectionId: string
  /** Decimal odds; null while unpriced. */
  odds: number | null
  /** The price as the book shows it (e.g. "9/2"). */
  oddsText?: string
  /**
   * True when the price cannot be taken: the selection, its market, or its event is
   * suspended (or the event has ended).
   */
  suspended: boolean
  /** The selection's `updatedAt`, epoch ms (the proxy's receive time of the last change). */
  updatedAt: number
  /** True when this is (one of) the best price(s) of its outcome. */
  best: boolean
}

/** One canonical outcome compared across books. */
export interface OutcomeComparison {
  outcome: Outcome
  /** One entry per member of the layout, in member order; null where the book has no such selection. */
  prices: (BookPrice | null)[]
  /**
   * The highest decimal odds among the prices that can be taken (not suspended, priced,
   * book not excluded); null when there is none.
   */
  best: number | null
  /** The books offering `best` (all of them on a tie), in member order. */
  bestSources: Source[]
  /** `updatedAt` of the best price (on a tie, the newest of the tied books'), epoch ms; null with `best`. */
  bestUpdatedAt: number | null
}

/** The comparison of one canonical event's market across books at one moment. */
export interface EventComparison {
  layout: CompareLayout
  /** One entry per outcome of the layout, in column order. */
  outcomes: OutcomeComparison[]
  /**
   * Margin of the best-of-books combination as a fraction: Σ 1/best − 1 over every outcome
   * (negative for a surebet); null when an outcome has no best price, or fewer than two
   * outcomes are compared.
   */
  margin: number | null
  /**
   * Epoch ms of the oldest best price's `updatedAt` (the combination's age is now − this);
   * null when `margin` is null.
   */
  bestSince: number | null
  /** True when Σ 1/best < 1: backing every outcome at the best prices returns more than the stakes. */
  surebet: boolean
  /**
   * Each member's own margin over the compared outcomes (Σ 1/odds − 1), in member order;
   * null where a price is missing, unpriced or suspended.
   */
  bookMargins: (number | null)[]
}

/** Options of {@link comparePrices} and {@link compareEvent}. */
export interface CompareOptions {
  /**
   * Books whose prices are shown but never count as best (e.g. a book whose feed is stale:
   * its prices may no longer be on offer).
   */
  exclude?: ReadonlySet<Source>
}

const UNBETTABLE: ReadonlySet<EventStatus> = new Set(['suspended', 'ended'])

/**
 * The prices of a {@link CompareLayout} in `state`, side by side, with the best price per
 * outcome (highest decimal odds; suspended, unpriced and excluded books ignored), the
 * margin of the best-of-books combination (Σ 1/best − 1), its age and the surebet flag
 * (Σ 1/best < 1).
 */
export function comparePrices(
  layout: CompareLayout,
  state: Pick<EntityState, 'event' | 'market' | 'selection'>,
  options: CompareOptions = {},
): EventComparison {
  const exclude = options.exclude
  const blocked = layout.members.map((m) => {
    const e = state.event.get(m.eventId)
    const market = m.marketId === null ? undefined : state.market.get(m.marketId)
    return (e !== undefined && UNBETTABLE.has(e.status)) || market?.suspended === true
  })
  const outcomes: OutcomeComparison[] = layout.outcomes.map((outcome) => {
    const prices = layout.members.map((m, i): BookPrice | null => {
      const id = m.selections[outcome]
      const s = id === undefined ? undefined : state.selection.get(id)
      if (s === undefined) return null
      return {
        source: m.source,
        eventId: m.eventId,
        selectionId: s.id,
        odds: s.odds,
        ...(s.oddsText !== undefined && { oddsText: s.oddsText }),
        suspended: s.suspended || blocked[i]!,
        updatedAt: s.updatedAt,
        best: false,
      }
    })
    let best: number | null = null
    for (const p of prices) {
      if (p === null || p.suspended || p.odds === null || exclude?.has(p.source)) continue
      if (best === null || p.odds > best) best = p.odds
    }
    const bestSources: Source[] = []
    let bestUpdatedAt: number | null = null
    if (best !== null) {
      for (const p of prices) {
        if (p === null || p.suspended || p.odds !== best || exclude?.has(p.source)) continue
        p.best = true
        bestSources.push(p.source)
        bestUpdatedAt = Math.max(bestUpdatedAt ?? p.updatedAt, p.updatedAt)
      }
    }
    return { outcome, prices, best, bestSources, bestUpdatedAt }
  })
  let sum = 0
  let bestSince: number | null = null
  let complete = outcomes.length >= 2
  for (const o of outcomes) {
    if (o.best === null || o.best <= 0) {
      complete = false
      break
    }
    sum += 1 / o.best
    bestSince = Math.min(bestSince ?? o.bestUpdatedAt!, o.bestUpdatedAt!)
  }
  const bookMargins = layout.members.map((_, i) => {
    if (outcomes.length < 2) return null
    let s = 0
    for (const o of outcomes) {
      const p = o.prices[i]
      if (p === null || p === undefined || p.suspended || p.odds === null || p.odds <= 0)
        return null
      s += 1 / p.odds
    }
    return s - 1
  })
  return {
    layout,
    outcomes,
    margin: complete ? sum - 1 : null,
    bestSince: complete ? bestSince : null,
    surebet: complete && sum < 1,
    bookMargins,
  }
}

/**
 * The comparison of `canonical`'s main market across its books at the state's prices:
 * {@link compareLayout} then {@link comparePrices}.
 */
export function compareEvent(
  state: Pick<EntityState, 'event' | 'market' | 'selection'>,
  canonical: CanonicalEvent,
  options: CompareOptions = {},
  index?: MarketIndex,
): EventComparison {
  return comparePrices(compareLayout(state, canonical, index), state, options)
}

/** Canonical event id per member event id (an event belongs to at most one canonical event). */
export function canonicalOfEvent(
  canonicals: ReadonlyMap<string, CanonicalEvent>,
): Map<string, string> {
  const out = new Map<string, string>()
  for (const c of canonicals.values()) for (const m of c.members) out.set(m.eventId, c.id)
  return out
}

/** A score in canonical side order: a swapped member's sides exchanged (tennis: games, points and server). */
export function canonicalScore(
  score: TennisScore | SimpleScore,
  swapped: boolean,
): TennisScore | SimpleScore {
  if (!swapped) return score
  if (isTennisScore(score))
    return {
      sets: score.sets.map(([a, b]): [number, number] => [b, a]),
      points: [score.points[1], score.points[0]],
      server: score.server === null ? null : score.server === 0 ? 1 : 0,
      // the loser's tiebreak points belong to the set, not to a side
      ...(score.tiebreaks !== undefined && { tiebreaks: score.tiebreaks }),
    }
  return { home: score.away, away: score.home }
}

/** What a canonical row shows of the match's state, taken from its members' events. */
export interface CanonicalMatchState {
  /** `live` when any member is live; else suspended, then prematch; `ended` when all ended. */
  status: EventStatus
  /** The newest match clock (largest `at`) of a live member; absent when none has one. */
  clock?: MatchClock
  /** Phase as a book names it (the clock's period, or a member's `period`). */
  period?: string
  /** The score in canonical side order, from the member with the most detail (a tennis score with sets first), newest first. */
  score?: TennisScore | SimpleScore
  /** The book the score was taken from. */
  scoreSource?: Source
}

const STATUS_RANK: Readonly<Record<EventStatus, number>> = {
  live: 0,
  suspended: 1,
  prematch: 2,
  ended: 3,
}

/**
 * The match state of a canonical row from its members' events (each with its member's
 * `swapped`): status, clock, period and score, the score turned to canonical side order.
 */
export function canonicalMatchState(
  members: readonly { event: Event; swapped: boolean }[],
): CanonicalMatchState {
  let status: EventStatus = 'ended'
  for (const { event } of members)
    if (STATUS_RANK[event.status] < STATUS_RANK[status]) status = event.status
  if (members.length === 0) status = 'prematch'
  const out: CanonicalMatchState = { status }
  let clockAt = -Infinity
  for (const { event } of members) {
    if (event.status !== status || event.clock === undefined) continue
    if (event.clock.at > clockAt) {
      clockAt = event.clock.at
      out.clock = event.clock
    }
  }
  const period =
    out.clock?.period ??
    members.find((m) => m.event.status === status && m.event.period)?.event.period
  if (period !== undefined) out.period = period
  let chosen: { event: Event; swapped: boolean } | undefined
  for (const m of members) {
    if (m.event.score === undefined || m.event.status !== status) continue
    if (chosen === undefined) {
      chosen = m
      continue
    }
    const detail = (e: Event) => (isTennisScore(e.score) ? 1 : 0)
    const d = detail(m.event) - detail(chosen.event)
    if (d > 0 || (d === 0 && m.event.updatedAt > chosen.event.updatedAt)) chosen = m
  }
  if (chosen !== undefined) {
    out.score = canonicalScore(chosen.event.score!, chosen.swapped)
    out.scoreSource = chosen.event.source
  }
  return out
}

/** The stakes of one bet on every outcome, from {@link stakeSplit}. Amounts in currency units (e.g. euros). */
export interface StakeSplit {
  /** Stake per outcome, a multiple of the step, in the order of the odds given. */
  stakes: number[]
  /** What each outcome pays if it wins: stake × decimal odds, rounded to the cent (half up). */
  returns: number[]
  /** Sum of the stakes (the asked total, give or take the rounding to the step). */
  staked: number
  /** The smallest return: paid whichever outcome wins. */
  guaranteed: number
  /** `guaranteed − staked`: positive for a surebet the rounding has not eaten. */
  profit: number
}

/**
 * Splits `totalStake` over outcomes priced at `bestOdds` (decimal odds) so every outcome
 * returns about the same: stakes proportional to 1/odds, each rounded to the nearest
 * multiple of `step` (so the sum may differ from `totalStake`), returns = stake × odds
 * rounded to the cent, the guaranteed return (the smallest) and the profit (guaranteed −
 * staked). Sums are computed in whole cents, so no binary noise reaches a displayed total.
 * A stake that rounds to 0 (a step too large for it) stays 0, and its return is 0.
 * @throws RangeError when fewer than two odds are given, any odds is not a finite number
 *   above 1, `totalStake` is not a positive finite number, or `step` is not a positive
 *   whole number of cents (0.01, 0.5, 1, 5…).
 */
export function stakeSplit(
  bestOdds: readonly number[],
  totalStake: number,
  step: number,
): StakeSplit {
  if (bestOdds.length < 2) throw new RangeError('a stake split needs at least two outcomes')
  for (const o of bestOdds)
    if (!Number.isFinite(o) || o <= 1)
      throw new RangeError(`decimal odds must be a finite number above 1, got ${o}`)
  if (!Number.isFinite(totalStake) || totalStake <= 0)
    throw new RangeError(`the total stake must be a positive number, got ${totalStake}`)
  const stepCents = Math.round(step * 100)
  if (!Number.isFinite(step) || stepCents < 1 || Math.abs(step * 100 - stepCents) > 1e-6)
    throw new RangeError(`the step must be a positive whole number of cents, got ${step}`)
  const totalCents = Math.round(totalStake * 100)
  let inverse = 0
  for (const o of bestOdds) inverse += 1 / o
  const stakeCents = bestOdds.map(
    (o) => Math.round(totalCents / o / inverse / stepCents) * stepCents,
  )
  // stake (whole cents) × odds (at most 6 decimals from the feeds): round to 1e-6 cent first so
  // a product such as 2.5 cents is not read as 2.4999999 and rounded down.
  const returnCents = stakeCents.map((c, i) =>
    Math.floor(Math.round(c * bestOdds[i]! * 1e6) / 1e6 + 0.5),
  )
  const stakedCents = stakeCents.reduce((a, b) => a + b, 0)
  const guaranteedCents = Math.min(...returnCents)
  return {
    stakes: stakeCents.map((c) => c / 100),
    returns: returnCents.map((c) => c / 100),
    staked: stakedCents / 100,
    guaranteed: guaranteedCents / 100,
    profit: (guaranteedCents - stakedCents) / 100,
  }
}

/** One book's price history for one outcome (its selection's points, oldest first, hub times). */
export interface BookHistory {
  source: Source
  points: readonly PricePoint[]
}

/** One book's change within a move, from {@link movedFirst}. */
export interface BookMove {
  source: Source
  /** When the book's price changed, epoch ms. */
  ts: number
  /** Decimal odds before and after. */
  from: number
  to: number
  /** How long after the first book this one moved, ms (0 for the first book). */
  lagMs: number
}

/** The latest price move of one outcome across books: who moved first and who followed. */
export interface MovedFirst {
  /** 1 = odds went up (longer), -1 = down (shorter). */
  dir: 1 | -1
  /** The book whose price changed first. */
  leader: BookMove
  /** The other books that changed the same way within the window, in order of their change. */
  followers: BookMove[]
  /** Books (in the order given) that have not changed that way within the window. */
  notMoved: Source[]
  /** Epoch ms of the latest change (the move's last step). */
  latestAt: number
}

/** How far back from the latest change the other books' changes count as the same move: 2 minutes. */
export const MOVED_FIRST_WINDOW_MS = 120_000

/**
 * Which book moved first on the latest move of one outcome. The latest move is the most
 * recent price change among `histories` (direction `dir`) and every other change in the
 * same direction within `windowMs` before it; per book, its earliest such change counts.
 * The leader is the book whose change came first (on a tie, the first in `histories`);
 * each other book that moved lags it by the difference; the rest have not moved.
 * Returns null when no book's price has changed. Points are [epoch ms, decimal odds] on the
 * hub's clock, so the books' times are comparable.
 */
export function movedFirst(
  histories: readonly BookHistory[],
  windowMs: number = MOVED_FIRST_WINDOW_MS,
): MovedFirst | null {
  type Change = { ts: number; from: number; to: number; dir: 1 | -1 }
  const changes = histories.map((h) => {
    const out: Change[] = []
    for (let i = 1; i < h.points.length; i++) {
      const [ts, to] = h.points[i]!
      const from = h.points[i - 1]![1]
      if (to !== from) out.push({ ts, from, to, dir: to > from ? 1 : -1 })
    }
    return out
  })
  let latest: Change | null = null
  for (const list of changes) {
    const last = list[list.length - 1]
    if (last !== undefined && (latest === null || last.ts > latest.ts)) latest = last
  }
  if (latest === null) return null
  const { dir, ts: latestAt } = latest
  const moved: { source: Source; change: Change; index: number }[] = []
  const notMoved: Source[] = []
  histories.forEach((h, index) => {
    const first = changes[index]!.find(
      (c) => c.dir === dir && c.ts >= latestAt - windowMs && c.ts <= latestAt,
    )
    if (first === undefined) notMoved.push(h.source)
    else moved.push({ source: h.source, change: first, index })
  })
  moved.sort((a, b) => a.change.ts - b.change.ts || a.index - b.index)
  const start = moved[0]!.change.ts
  const toMove = (m: (typeof moved)[number]): BookMove => ({
    source: m.source,
    ts: m.change.ts,
    from: m.change.from,
    to: m.change.to,
    lagMs: m.change.ts - start,
  })
  return {
    dir,
    leader: toMove(moved[0]!),
    followers: moved.slice(1).map(toMove),
    notMoved,
    latestAt,
  }
}
