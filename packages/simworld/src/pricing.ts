/**
 * How each book turns the one true probability of a match into its prices (pure): its margin
 * (overround) measured in the captures, a small slowly varying bias of its own, and its way of
 * rounding (Bet365 and Kwiff: the UK fractional ladder; Winamax: decimal odds to 2 places).
 */
import type { Source } from '@oddsboard/model'
import type { WorldSport } from '@oddsboard/feedkit'

/**
 * Each book's margin (overround: Σ implied probability − 1) on the main market, by sport.
 * Measured on the project's captures by `measureCaptureMargins` (see `margins.test.ts`):
 * - Winamax football 1X2: median 16.6 % over the 3-way main bets of
 *   packages/winamax/fixtures/winamax-2025-11-04.ndjson.
 * - Bet365 football "Fulltime Result" (MA 1777): median 8.7 %; tennis "To Win Match"
 *   (MA 1763): median 6.7 %, both over packages/bet365/fixtures/inplay-2026-05-30-body.txt.
 * - Kwiff: no whole market was captured (the README sample abridges two of three prices), so
 *   Bet365's figures are used, a little under them (ASSUMED, as issue 9 asks: "in Bet365's
 *   range").
 * - Winamax tennis: no Winamax tennis capture; 7.5 % ASSUMED (between its football margin's
 *   typical two-way equivalent and Bet365's).
 */
export const BOOK_MARGINS: Readonly<Record<WorldSport, Readonly<Record<Source, number>>>> = {
  football: { winamax: 0.166, bet365: 0.087, kwiff: 0.08 },
  tennis: { winamax: 0.075, bet365: 0.067, kwiff: 0.062 },
}

/**
 * The UK fractional odds ladder, shortest first: the steps of Kwiff's simulator
 * (packages/kwiff/src/simWorld.ts `ODDS_LADDER`, with 2/17 put before 1/8 where it belongs)
 * plus the ladder prices the Bet365 2026 load shows that it lacks (1/80, 1/66, 1/40, 19/20,
 * 17/10, 21/10, 15/4, 22/1, 28/1). Left out from the load: 1/500 and 1/125 (beyond the ends)
 * and 20/23, 28/25 (American football handicap prices).
 */
export const FRACTIONAL_LADDER: readonly string[] = [
  '1/100', '1/80', '1/66', '1/50', '1/40', '1/33', '1/25', '1/20', '1/16', '1/14', '1/12', '1/10',
  '1/9', '2/17', '1/8', '1/7', '2/13', '1/6', '2/11', '1/5', '2/9', '1/4', '2/7', '3/10', '1/3',
  '4/11', '2/5', '4/9', '1/2', '8/15', '4/7', '8/13', '4/6', '8/11', '4/5', '5/6', '10/11',
  '19/20', '1/1', '21/20', '11/10', '6/5', '5/4', '11/8', '7/5', '6/4', '8/5', '13/8', '17/10',
  '7/4', '9/5', '15/8', '2/1', '21/10', '85/40', '11/5', '9/4', '12/5', '5/2', '13/5', '11/4',
  '3/1', '10/3', '7/2', '15/4', '4/1', '9/2', '5/1', '11/2', '6/1', '13/2', '7/1', '15/2', '8/1',
  '17/2', '9/1', '10/1', '11/1', '12/1', '14/1', '16/1', '18/1', '20/1', '22/1', '25/1', '28/1',
  '33/1', '40/1', '50/1', '66/1', '80/1', '100/1',
] // prettier-ignore

/** Exact decimal odds of a fractional price `n/d` (1 + n/d). */
export function fractionalToDecimal(fraction: string): number {
  const [n, d] = fraction.split('/').map(Number) as [number, number]
  return 1 + n / d
}

const LADDER_DECIMALS = FRACTIONAL_LADDER.map(fractionalToDecimal)

/**
 * The ladder price nearest to `decimal` in implied probability, clamped to the ladder's ends
 * (1/100 .. 100/1). Nearest, not always shorter, so that the margin after rounding stays the
 * book's measured one (the capture medians are of rounded prices).
 * @returns the fraction text and its decimal odds rounded to 2 places, as Kwiff sends them
 */
export function toLadder(decimal: number): { fractional: string; odds: number } {
  const target = 1 / decimal
  let best = 0
  for (let i = 1; i < LADDER_DECIMALS.length; i++) {
    if (
      Math.abs(1 / LADDER_DECIMALS[i]! - target) < Math.abs(1 / LADDER_DECIMALS[best]! - target)
    ) {
      best = i
    }
  }
  return {
    fractional: FRACTIONAL_LADDER[best]!,
    odds: Math.round(LADDER_DECIMALS[best]! * 100) / 100,
  }
}

/** Winamax's rounding: decimal odds to 2 places, never under 1.01, capped at 500. */
export function toWinamaxDecimal(decimal: number): number {
  return Math.min(500, Math.max(1.01, Math.round(decimal * 100) / 100))
}

/**
 * Spreads a margin over outcomes by the power method: implied probabilities p_i^k with k ≤ 1
 * chosen so they sum to 1 + margin. Long shots carry more of the margin than favourites (the
 * favourite–longshot bias books price in), and no implied probability exceeds 1 unless the
 * true one nearly does.
 * @returns implied probabilities (sum 1 + margin)
 */
export function powerMargin(probabilities: readonly number[], margin: number): number[] {
  const sum = (k: number) => probabilities.reduce((s, p) => s + p ** k, 0)
  let lo = 0.3
  let hi = 1
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2
    if (sum(mid) > 1 + margin) lo = mid
    else hi = mid
  }
  const k = (lo + hi) / 2
  return probabilities.map((p) => p ** k)
}

/**
 * The margin a book takes on one market: its median margin `median`, more on a balanced market
 * and less on a decided one (the favourite cannot go under 1.01, so the margin cannot be
 * loaded on it). In the Bet365 load, lopsided markets carry 5.5-6.5 % (Sutjeska Foca 40/1,
 * 22/1, 1/80: 5.6 %; NK Zagora 1/125, 25/1, 40/1: 5.5 %) against a median of 8.7 %. The
 * factor runs from 0.78 (decided) to 1.28 (all outcomes equally likely), chosen so that the
 * median over a live board is the book's measured median (`board.test.ts` checks it).
 */
export function marginFor(median: number, probabilities: readonly number[]): number {
  const n = probabilities.length
  const top = Math.max(...probabilities)
  const balance = Math.min(1, Math.max(0, (1 - top) / (1 - 1 / n)))
  return median * (0.78 + 0.5 * balance)
}

/**
 * A book's prices from true probabilities: each probability is tilted by the book's bias
 * (log-scale, per outcome), renormalized, given the book's margin for that market
 * ({@link marginFor}) by the power method ({@link powerMargin}), inverted and rounded the
 * book's way.
 * @param probabilities true probabilities per outcome (sum 1)
 * @param bias per-outcome log bias (small, e.g. ±0.03)
 * @returns decimal odds per outcome and, for fractional books, their fractions
 */
export function bookOdds(
  book: Source,
  sport: WorldSport,
  probabilities: readonly number[],
  bias: readonly number[],
): { odds: number[]; fractional?: string[] } {
  const tilted = probabilities.map(
    (p, i) => Math.min(0.998, Math.max(0.002, p)) * Math.exp(bias[i] ?? 0),
  )
  const total = tilted.reduce((s, p) => s + p, 0)
  const normalized = tilted.map((p) => p / total)
  const implied = powerMargin(normalized, marginFor(BOOK_MARGINS[sport][book], normalized))
  // a near-impossible outcome is not priced at a fraction of its fair odds: the margin a
  // decided market cannot load on its 1.01 favourite is left out
  const fair = implied.map(
    (q, i) => 1 / Math.min(q, Math.max(normalized[i]! * 2.5, normalized[i]! + 0.01)),
  )
  if (book === 'winamax') return { odds: fair.map(toWinamaxDecimal) }
  const rungs = fair.map(toLadder)
  return { odds: rungs.map((r) => r.odds), fractional: rungs.map((r) => r.fractional) }
}
