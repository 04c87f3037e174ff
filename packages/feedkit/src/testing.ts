/**
 * Test doubles and helpers shared by every package's tests (`@oddsboard/feedkit/testing`).
 * Browser-safe: the web app's tests use them too.
 */
import type { FeedState, Op, Source } from '@oddsboard/model'
import { FeedBase } from './feedBase'
import type { Logger } from './logger'
import { silentLogger } from './logger'

/** Options of {@link waitUntil}; times in ms. */
export interface WaitOptions {
  /** Give up after this long; default 5000. */
  timeoutMs?: number
  /** Pause between two checks; default 20. */
  intervalMs?: number
  /** What is awaited, for the error message. */
  what?: string
}

/**
 * Checks `check` every `intervalMs` until it returns a truthy value, and resolves with that
 * value: the one poll helper of the tests (a bounded wait, never a timing assertion).
 * @throws Error `timed out after N ms waiting for <what>` (with the last value seen).
 */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 5000, intervalMs = 20, what = 'condition' } = options
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v as NonNullable<T>
    if (Date.now() > end) {
      const seen =
        typeof v === 'boolean' ? '' : ` (last: ${String(JSON.stringify(v)).slice(0, 300)})`
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`)
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/**
 * `promise`, or a rejection `timed out after N ms waiting for <what>` if it has not settled
 * within `timeoutMs` (for waiting on one event rather than polling a condition).
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    )
    promise.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(t)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })
}

/** One line a {@link recordingLogger} received. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  obj: object
  msg?: string
}

/** A {@link Logger} that keeps every line, for assertions. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, ...(msg !== undefined && { msg }) })
    }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/**
 * An in-process `Feed` driven by hand, for tests and the relay benchmark: no socket.
 * The real lifecycle ({@link FeedBase}): live on start, down on stop; `emit` hands ops to
 * listeners exactly as a real feed would; `setState` and `badFrame` are open to the test.
 * It never goes stale by itself.
 */
export class FakeFeed extends FeedBase {
  constructor(source: Source = 'winamax', logger: Logger = silentLogger) {
    super({ source, logger, staleAfterMs: Number.MAX_SAFE_INTEGER })
  }

  protected onStart(): void {
    this.setState('live')
  }

  protected async onStop(): Promise<void> {}

  /** Counts one upstream message and emits `ops` as one batch. */
  emit(ops: Op[]): void {
    this.message()
    this.emitOps(ops)
  }

  /** Moves the fake to `state` (with `error`), as a real feed's socket events would. */
  override setState(state: FeedState, error?: string): void {
    super.setState(state, error)
  }

  /** Counts a malformed frame, as a real feed would on a bad upstream frame. */
  override badFrame(frame: string | Uint8Array, reason: string): void {
    super.badFrame(frame, reason)
  }
}
export { TestWorld, footballFixture } from './testingWorld'
