/**
 * Test doubles and helpers shared by every package's tests (`@oddsboard/feedkit/testing`).
 * Browser-safe: the web app's tests use them too.
 */
import type { FeedState, FeedStatus, Op, Source } from '@oddsboard/model'
import type { Feed } from './feed'
import { FeedTracker } from './feed'
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
 * An in-process {@link Feed} driven by hand, for tests and the relay benchmark: no socket.
 * `emit` hands ops to listeners exactly as a real feed would; `setState` moves its status.
 */
export class FakeFeed implements Feed {
  readonly tracker: FeedTracker
  started = false
  stopped = false

  constructor(
    readonly source: Source = 'winamax',
    logger: Logger = silentLogger,
  ) {
    this.tracker = new FeedTracker(source, logger)
  }

  start(): void {
    if (this.started) return
    this.started = true
    this.tracker.setState('live')
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.tracker.setState('down')
  }

  status(): FeedStatus {
    return this.tracker.status()
  }

  onOps(listener: (ops: Op[]) => void): () => void {
    return this.tracker.onOps(listener)
  }

  onStatus(listener: (status: FeedStatus) => void): () => void {
    return this.tracker.onStatus(listener)
  }

  /** Counts one upstream message and emits `ops` as one batch. */
  emit(ops: Op[]): void {
    this.tracker.message()
    this.tracker.emitOps(ops)
  }

  setState(state: FeedState, error?: string): void {
    this.tracker.setState(state, error)
  }
}
