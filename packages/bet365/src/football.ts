/**
 * Football (and Esoccer) for the simulator: goal-scoring rates and the prices of the match
 * result and next-goal markets. Pure: randomness and time come in as arguments.
 *
 * Model: each side scores as a Poisson process with its own rate (goals per second of
 * play), independent of the other (the textbook in-play model). Rates are fitted to the
 * real load's prices, so a match the book made PSG 5/1 against stays a match where PSG is
 * the outsider, and prices drift as the clock runs (a level match's draw shortens).
 */

/** P(X = k) for X ~ Poisson(mu), k = 0..n. */
function poisson(mu: number, n: number): number[] {
  const out: number[] = [Math.exp(-mu)]
  for (let k = 1; k <= n; k++) out.push((out[k - 1]! * mu) / k)
  return out
}

const MAX_GOALS = 24

/**
 * Probabilities of home win / draw / away win at full time, given the current goal
 * difference `lead` (home minus away) and the expected goals still to come of each side.
 */
export function resultProbabilities(
  lead: number,
  homeToCome: number,
  awayToCome: number,
): [number, number, number] {
  const ph = poisson(homeToCome, MAX_GOALS)
  const pa = poisson(awayToCome, MAX_GOALS)
  let home = 0
  let draw = 0
  let total = 0
  for (let i = 0; i <= MAX_GOALS; i++) {
    for (let j = 0; j <= MAX_GOALS; j++) {
      const p = ph[i]! * pa[j]!
      total += p
      const d = lead + i - j
      if (d > 0) home += p
      else if (d === 0) draw += p
    }
  }
  return [home / total, draw / total, (total - home - draw) / total]
}

/** Probabilities that the next goal is the home side's, that there is none, the away side's. */
export function nextGoalProbabilities(
  homeToCome: number,
  awayToCome: number,
): [number, number, number] {
  const all = homeToCome + awayToCome
  const none = Math.exp(-all)
  if (all === 0) return [0, 1, 0]
  return [((1 - none) * homeToCome) / all, none, ((1 - none) * awayToCome) / all]
}

/**
 * The per-side scoring rates (goals per second of play) whose result probabilities, with
 * `remaining` seconds to play at goal difference `lead`, come closest to `target`
 * (home/draw/away, summing to 1). `total` bounds the sum of both sides' goals over a whole
 * match of `length` seconds: [min, max]. A coarse grid search: fine for ~40 matches once.
 * A decided match (one outcome above 90 %) gets an even split of typical size (the geometric
 * mean of `total`): its prices are the book's limits and say nothing about the rates.
 */
export function fitRates(
  target: readonly [number, number, number],
  lead: number,
  remaining: number,
  length: number,
  total: readonly [number, number],
): [number, number] {
  const typical = Math.sqrt(total[0] * total[1])
  // A decided match's prices (1/500, 50/1, 50/1) are the book's limits, not a view on rates.
  if (Math.max(...target) > 0.9) return [typical / 2 / length, typical / 2 / length]
  let best: [number, number] = [total[0] / 2 / length, total[0] / 2 / length]
  let bestErr = Infinity
  const steps = 24
  for (let a = 0; a <= steps; a++) {
    const perMatch = total[0] * (total[1] / total[0]) ** (a / steps)
    for (let b = 1; b < steps; b++) {
      const share = b / steps
      const rh = (perMatch * share) / length
      const ra = (perMatch * (1 - share)) / length
      const p = resultProbabilities(lead, rh * remaining, ra * remaining)
      // A light pull toward an even split of typical size, so a decided match (1/500,
      // 50/1, 50/1), whose prices say little about the rates, gets ordinary ones.
      const prior = 2e-4 * (4 * (share - 0.5) ** 2 + Math.log(perMatch / typical) ** 2)
      const err =
        (p[0] - target[0]) ** 2 + (p[1] - target[1]) ** 2 + (p[2] - target[2]) ** 2 + prior
      if (err < bestErr) {
        bestErr = err
        best = [rh, ra]
      }
    }
  }
  return best
}

/** "1st", "2nd", "3rd", "4th", … "11th", "21st": the ordinal Bet365 names Nth-goal markets with. */
export function ordinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  const suffix = n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th'
  return `${n}${suffix}`
}
