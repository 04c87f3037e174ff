/**
 * Odds arithmetic. Decimal odds D pay D units per unit staked (stake included);
 * fractional odds n/d pay n/d of profit, so D = 1 + n/d; implied probability = 1/D;
 * a market's overround (bookmaker margin) = Σ 1/Dᵢ − 1.
 */

/** Thrown for odds text or values that are not valid odds. */
export class OddsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OddsError'
  }
}

const FRACTION = /^(\d+)\/(\d+)$/

/**
 * Parses fractional odds text such as `"9/2"` into decimal odds (`5.5`), computed as
 * `1 + n/d` and rounded to 6 decimals to hide binary noise. `"0/0"` means unpriced
 * (bet365 seed: `OD=0/0`) and returns null.
 * @throws OddsError for text that is not `n/d` with integers, or a zero denominator
 *   with a non-zero numerator.
 */
export function fractionalToDecimal(text: string): number | null {
  const m = FRACTION.exec(text.trim())
  if (m === null) throw new OddsError(`not fractional odds: ${JSON.stringify(text.slice(0, 20))}`)
  const n = Number(m[1])
  const d = Number(m[2])
  if (n === 0 && d === 0) return null
  if (d === 0) throw new OddsError(`fractional odds with zero denominator: ${text}`)
  return Math.round((1 + n / d) * 1e6) / 1e6
}

/**
 * Turns decimal odds into the nearest simple fraction, e.g. `5.5` → `"9/2"`, `1.5` → `"1/2"`.
 * Denominators up to `maxDenominator` (default 100) are tried (continued fractions).
 * @throws OddsError when `decimal` is not a finite number above 1.
 */
export function decimalToFractional(decimal: number, maxDenominator = 100): string {
  if (!Number.isFinite(decimal) || decimal <= 1) {
    throw new OddsError(`decimal odds must be a finite number above 1, got ${decimal}`)
  }
  const x = decimal - 1
  // Continued-fraction convergents: h/k approximates x.
  let [h0, h1, k0, k1] = [0, 1, 1, 0]
  let r = x
  for (let i = 0; i < 32; i++) {
    const a = Math.floor(r)
    const h2 = a * h1 + h0
    const k2 = a * k1 + k0
    if (k2 > maxDenominator) break
    ;[h0, h1, k0, k1] = [h1, h2, k1, k2]
    const frac = r - a
    if (Math.abs(h1 / k1 - x) < 1e-9 || frac < 1e-12) break
    r = 1 / frac
  }
  return `${h1}/${k1}`
}

/**
 * Implied probability of decimal odds, in [0, 1]: `1 / decimal`.
 * @throws OddsError when `decimal` is not a finite number of at least 1.
 */
export function impliedProbability(decimal: number): number {
  if (!Number.isFinite(decimal) || decimal < 1) {
    throw new OddsError(`decimal odds must be a finite number ≥ 1, got ${decimal}`)
  }
  return 1 / decimal
}

/**
 * Overround (bookmaker margin) of one market as a fraction: `Σ 1/oddsᵢ − 1`, e.g. 0.05 for
 * a 5 % margin. Returns null when any selection is unpriced (null) or there are fewer than
 * two, since a partial market has no meaningful margin.
 * @throws OddsError when a price is not valid decimal odds.
 */
export function overround(decimals: readonly (number | null)[]): number | null {
  if (decimals.length < 2) return null
  let sum = 0
  for (const d of decimals) {
    if (d === null) return null
    sum += impliedProbability(d)
  }
  return sum - 1
}

/**
 * Validates a decimal price from upstream: a finite number above 1, or null.
 * Returns the number, or throws; used by normalizers so a bad price never enters the state.
 * @throws OddsError when the value is not a number above 1 (strings are not coerced).
 */
export function checkDecimalOdds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    throw new OddsError(`decimal odds must be a finite number ≥ 1, got ${JSON.stringify(value)}`)
  }
  return value
}
