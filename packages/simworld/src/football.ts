/**
 * Football in-play model (pure): goals as two independent Poisson processes, one per side,
 * with constant rates over the 90 minutes (the classic Maher / Dixon–Coles starting point,
 * without the low-score correction). The same rates drive the simulated goals and the true
 * 1X2 probability, so prices and play agree.
 */

/** Regulation length in seconds (two halves of 45 minutes). */
export const FOOTBALL_SECONDS = 90 * 60

/** Largest number of further goals per side the probability sums consider (P(>12) ≈ 0). */
const MAX_GOALS = 12

/** Poisson probabilities P(N = k) for k = 0..MAX_GOALS, mean `mean` (≥ 0). */
function poisson(mean: number): number[] {
  const out: number[] = []
  let p = Math.exp(-mean)
  for (let k = 0; k <= MAX_GOALS; k++) {
    out.push(p)
    p = (p * mean) / (k + 1)
  }
  return out
}

/**
 * True 1X2 probabilities [home, draw, away] from the current score and the time left.
 * @param goals goals so far [home, away]
 * @param rates expected goals per 90 minutes [home, away]
 * @param secondsLeft regulation seconds still to play (0 at full time; clamped at 0)
 * @returns probabilities summing to 1 (to rounding)
 */
export function footballProbabilities(
  goals: readonly [number, number],
  rates: readonly [number, number],
  secondsLeft: number,
): [number, number, number] {
  const share = Math.max(0, secondsLeft) / FOOTBALL_SECONDS
  const ph = poisson(rates[0] * share)
  const pa = poisson(rates[1] * share)
  const lead = goals[0] - goals[1]
  let home = 0
  let draw = 0
  let away = 0
  for (let i = 0; i <= MAX_GOALS; i++) {
    for (let j = 0; j <= MAX_GOALS; j++) {
      const p = ph[i]! * pa[j]!
      const d = lead + i - j
      if (d > 0) home += p
      else if (d < 0) away += p
      else draw += p
    }
  }
  const total = home + draw + away
  return [home / total, draw / total, away / total]
}
