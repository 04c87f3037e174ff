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

/** The timer functions a {@link Reconnector} uses; the globals by default, fakes in tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Options of {@link Reconnector}; times in ms. */
export interface ReconnectorOptions {
  /** First wait (before jitter); default 500. */
  initialDelayMs?: number
  /** Longest wait (before jitter); default 15 000. */
  maxDelayMs?: number
  /** Uniform [0, 1) source for the jitter; default `Math.random`. */
  random?: () => number
  /** Replaces the whole backoff: the wait before retry `attempt` (0-based), ms. */
  delay?: (attempt: number) => number
  /** Default the global `setTimeout`/`clearTimeout`. */
  timers?: Timers
}

/**
 * The one reconnect loop of the project (Engine.IO client, Bet365 feed, the browser's relay
 * client): after each failure {@link Reconnector.schedule} runs `retry` once after
 * {@link backoffDelay} for the number of failures since the last {@link Reconnector.reset}
 * (exponential, full jitter in [50 %, 100 %]); {@link Reconnector.cancel} drops a pending
 * retry. At most one retry is pending at a time. Holds no socket: the caller decides what a
 * retry does and when a connection counts as good. Browser-safe.
 */
export class Reconnector {
  private failures = 0
  private handle: unknown = undefined
  private readonly timers: Timers

  constructor(
    private readonly retry: () => void,
    private readonly options: ReconnectorOptions = {},
  ) {
    this.timers = options.timers ?? globalTimers
  }

  /** Failures since the last {@link Reconnector.reset}. */
  get attempts(): number {
    return this.failures
  }

  /** Whether a retry is scheduled. */
  get pending(): boolean {
    return this.handle !== undefined
  }

  /**
   * Counts one failure and schedules `retry` after the backoff for it.
   * @returns the wait in ms, or null when a retry is already pending (nothing changes).
   */
  schedule(): number | null {
    if (this.handle !== undefined) return null
    const attempt = this.failures++
    const o = this.options
    const wait =
      o.delay !== undefined
        ? o.delay(attempt)
        : backoffDelay(attempt, o.initialDelayMs, o.maxDelayMs, o.random)
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined
      this.retry()
    }, wait)
    return wait
  }

  /** A connection that works: the next failure waits about `initialDelayMs` again. */
  reset(): void {
    this.failures = 0
  }

  /** Drops the pending retry, if any; `schedule` may be called again afterwards. */
  cancel(): void {
    if (this.handle === undefined) return
    this.timers.clearTimeout(this.handle)
    this.handle = undefined
  }
}
