/**
 * Measures what a Compare view would see on the world's board over a stretch of simulated
 * time (pure given the world and its clock): surebets (Σ 1/best-of-books < 1 on a match's main
 * market, suspended prices left out), which book holds the best prices, which book moves
 * first after a jump of the true probability, and each book's margin. Used by tests and by
 * `scripts/measure.ts`, which prints the figures quoted in the README.
 */
import { SOURCES, type Source } from '@oddsboard/model'
import type { SimulatedWorld } from './world'

/** One surebet: a match whose best-of-books prices sum to < 1 for a while. */
export interface SurebetEpisode {
  id: string
  /** Books listing the match (2 or 3). */
  books: number
  start: number
  end: number
  /** Lowest Σ 1/best seen during the episode. */
  minSum: number
}

/** What {@link measureBoard} found. */
export interface BoardStats {
  hours: number
  episodes: SurebetEpisode[]
  /** Share of seconds × matches (listed by ≥ 2 books, all prices up) with a surebet. */
  surebetShare: number
  /** Per book: share of (match, outcome, second) where its price is the best (ties count for each). */
  bestShare: Record<Source, number>
  /** Per book: how many true-probability jumps it repriced first. */
  leads: Record<Source, number>
  /** Per book and sport: median margin of its live prices. */
  margins: Record<Source, { football: number; tennis: number }>
  /** The lowest margin (Σ 1/odds − 1) any one book showed on an open live market. */
  minBookMargin: number
  /** The longest price on any surebet's best-of-books combination (decimal odds). */
  maxSurebetOdds: number
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * Runs `world` for `durationMs` by calling `advance(stepMs)` (which must move the world's
 * clock and tick it) and samples the board after each step.
 * @param jump the change of a true probability in one step that counts as a move to lead
 */
export function measureBoard(
  world: SimulatedWorld,
  advance: (ms: number) => void,
  durationMs: number,
  stepMs = 1000,
  jump = 0.04,
): BoardStats {
  const open = new Map<string, SurebetEpisode>()
  const episodes: SurebetEpisode[] = []
  const best: Record<Source, number> = { winamax: 0, bet365: 0, kwiff: 0 }
  const leads: Record<Source, number> = { winamax: 0, bet365: 0, kwiff: 0 }
  const margins: Record<Source, { football: number[]; tennis: number[] }> = {
    winamax: { football: [], tennis: [] },
    bet365: { football: [], tennis: [] },
    kwiff: { football: [], tennis: [] },
  }
  let outcomes = 0
  let minBookMargin = Infinity
  let maxSurebetOdds = 0
  let samples = 0
  let surebetSamples = 0
  let clock = 0
  // a jump of the true probability waits for its first repricing book
  const pendingJump = new Map<string, number>()
  const lastTruth = new Map<string, readonly number[]>()
  const unsubscribe = world.onChange((c) => {
    if (c.type === 'prices' && pendingJump.has(c.id)) {
      const p = world.prices(c.book, c.id)
      if (p !== undefined && !p.suspended) {
        leads[c.book]++
        pendingJump.delete(c.id)
      }
    }
  })
  try {
    for (let elapsed = 0; elapsed < durationMs; elapsed += stepMs) {
      advance(stepMs)
      clock += stepMs
      const ids = new Set(SOURCES.flatMap((b) => world.matches(b).map((m) => m.fixture.id)))
      for (const id of ids) {
        const match = world.match(id)!
        const truth = world.trueProbabilities(id)
        const before = lastTruth.get(id)
        if (truth !== undefined) {
          if (before !== undefined && match.status === 'live') {
            if (truth.some((p, i) => Math.abs(p - (before[i] ?? p)) >= jump))
              pendingJump.set(id, clock)
          }
          lastTruth.set(id, truth)
        }
        if (match.status !== 'live') continue
        const quotes = match.fixture.books
          .map((book) => {
            const p = world.prices(book, id)
            if (p === undefined || p.suspended) return undefined
            // back to world order
            const odds = match.fixture.swapped?.[book] ? [...p.odds].reverse() : p.odds
            return { book, odds }
          })
          .filter((q) => q !== undefined)
        for (const q of quotes) {
          const margin = q.odds.reduce((s, o) => s + 1 / o, 0) - 1
          margins[q.book][match.fixture.sport].push(margin)
          minBookMargin = Math.min(minBookMargin, margin)
        }
        if (match.fixture.books.length < 2 || quotes.length !== match.fixture.books.length) {
          continue
        }
        samples++
        const n = quotes[0]!.odds.length
        let sum = 0
        let longest = 0
        for (let i = 0; i < n; i++) {
          const top = Math.max(...quotes.map((q) => q.odds[i]!))
          longest = Math.max(longest, top)
          sum += 1 / top
          outcomes++
          for (const q of quotes) if (q.odds[i] === top) best[q.book]++
        }
        const episode = open.get(id)
        if (sum < 1) {
          surebetSamples++
          maxSurebetOdds = Math.max(maxSurebetOdds, longest)
          if (episode === undefined) {
            open.set(id, { id, books: quotes.length, start: clock, end: clock, minSum: sum })
          } else {
            episode.end = clock
            episode.minSum = Math.min(episode.minSum, sum)
          }
        } else if (episode !== undefined) {
          episodes.push(episode)
          open.delete(id)
        }
      }
      // a match that left or whose prices went down closes its episode too
      for (const [id, episode] of open) {
        if (episode.end < clock) {
          episodes.push(episode)
          open.delete(id)
        }
      }
    }
  } finally {
    unsubscribe()
  }
  episodes.push(...open.values())
  const share = (x: number) => (outcomes === 0 ? 0 : x / outcomes)
  const m = (b: Source) => ({
    football: median(margins[b].football),
    tennis: median(margins[b].tennis),
  })
  return {
    hours: durationMs / 3_600_000,
    episodes,
    surebetShare: samples === 0 ? 0 : surebetSamples / samples,
    bestShare: {
      winamax: share(best.winamax),
      bet365: share(best.bet365),
      kwiff: share(best.kwiff),
    },
    leads,
    margins: { winamax: m('winamax'), bet365: m('bet365'), kwiff: m('kwiff') },
    minBookMargin,
    maxSurebetOdds,
  }
}
