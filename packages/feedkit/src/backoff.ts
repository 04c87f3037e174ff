// Browser-safe: no Node imports here (the web app's relay client uses this module).

/**
 * Exponential backoff with full jitter: attempt 0 waits about `initialMs`, each further
 * attempt doubles up to `maxMs`; the wait is drawn uniformly from [50 %, 100 %] of that.
 * `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  initialMs = 500,
  maxMs = 15_000,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt))
  return Math.round(base * (0.5 + random() * 0.5))
}
