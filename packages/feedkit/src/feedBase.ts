import type { FeedState, FeedStatus, Op, Source } from '@oddsboard/model'
import { FeedTracker } from './feed'
import type { Feed } from './feed'
import type { Logger } from './logger'
import { silentLogger } from './logger'

/** Options of {@link FeedBase}; times in ms. */
export interface FeedBaseOptions {
  source: Source
  logger?: Logger
  /**
   * The book's expected cadence: no upstream message (data or heartbeat) for longer than
   * this means `stale`. Each book documents its value and what counts as a message.
   */
  staleAfterMs: number
  /** Clock, epoch ms; default `Date.now` (tests inject one). */
  now?: () => number
}

/**
 * The lifecycle every feed shares, so it is written once:
 * - `start()` twice, or after `stop()`, is a no-op; `stop()` always ends in `down` and
 *   notifies the status listeners, however the feed was doing (also when never started).
 * - status, ops and status listeners, message rate, bad frames counted with sampled logging
 *   ({@link FeedTracker}).
 * - ONE meaning of stale: no upstream message ({@link FeedBase.message}) for longer than
 *   `staleAfterMs` while the feed expects messages ({@link FeedBase.expectsMessages}; by
 *   default while `live`). The feed then goes `stale` and {@link FeedBase.onStale} runs:
 *   what to do about it (wait, reconnect, refresh) is the book's own choice.
 * - every error text is redacted (`redactSecrets`) before it becomes status.
 *
 * A book's feed extends it and implements {@link FeedBase.onStart} and
 * {@link FeedBase.onStop} (its sockets and timers).
 */
export abstract class FeedBase implements Feed {
  readonly source: Source
  protected readonly logger: Logger
  protected readonly staleAfterMs: number
  protected readonly now: () => number
  private readonly tracker: FeedTracker
  private started = false
  private stopping: Promise<void> | null = null
  private watchdog: ReturnType<typeof setInterval> | undefined
  /** When the feed last heard from upstream, or began waiting to (epoch ms). */
  private heardAt = 0

  constructor(options: FeedBaseOptions) {
    this.source = options.source
    this.logger = options.logger ?? silentLogger
    this.staleAfterMs = options.staleAfterMs
    this.now = options.now ?? Date.now
    this.tracker = new FeedTracker(options.source, this.logger, this.now)
  }

  /** Connects (via {@link FeedBase.onStart}); a no-op when started before or stopped. */
  start(): void {
    if (this.started || this.stopping !== null) return
    this.started = true
    this.heardAt = this.now()
    this.setState('connecting')
    const every = Math.max(20, Math.min(1000, Math.floor(this.staleAfterMs / 4)))
    this.watchdog = setInterval(() => this.checkStale(), every)
    this.onStart()
  }

  /** Stops for good: {@link FeedBase.onStop}, then `down` (always, and notified once). */
  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping
    clearInterval(this.watchdog)
    this.watchdog = undefined
    const run = async () => {
      try {
        if (this.started) await this.onStop()
      } finally {
        this.setState('down')
      }
    }
    this.stopping = run()
    return this.stopping
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

  /** True once `stop()` was called: callbacks still arriving should do nothing. */
  protected get stopped(): boolean {
    return this.stopping !== null
  }

  /** The current state. */
  protected get state(): FeedState {
    return this.tracker.status().state
  }

  /** Opens the book's sockets and timers; called once, from the first `start()`. */
  protected abstract onStart(): void

  /** Closes everything {@link FeedBase.onStart} opened; resolves once nothing is left running. */
  protected abstract onStop(): Promise<void>

  /**
   * Called once when the feed goes `stale` (`idleMs` since the last message). Default:
   * nothing (the feed waits, and the book brings it back to `live`).
   */
  protected onStale(_idleMs: number): void {}

  /** Whether silence now means stale; default: while `live`. */
  protected expectsMessages(): boolean {
    return this.state === 'live'
  }

  /** Records one upstream message (data or heartbeat): rate, `lastMessageAt`, freshness. */
  protected message(): void {
    this.heardAt = this.now()
    this.tracker.message()
  }

  /** Starts the stale clock without a message, e.g. when a new connection attempt begins. */
  protected awaitMessages(): void {
    this.heardAt = this.now()
  }

  /** Counts a malformed upstream frame and logs a short, redacted sample (the first 5, then every 100th). */
  protected badFrame(frame: string | Uint8Array, reason: string): void {
    this.tracker.badFrame(frame, reason)
  }

  /** Sends a batch of ops to the listeners; an empty batch is not sent. */
  protected emitOps(ops: Op[]): void {
    this.tracker.emitOps(ops)
  }

  /**
   * Moves to `state` with `error` (undefined clears it; redacted before it is kept) and
   * notifies on a change. After `stop()` only `down` is accepted.
   */
  protected setState(state: FeedState, error?: string): void {
    if (this.stopping !== null && state !== 'down') return
    this.tracker.setState(state, error)
  }

  /** The latest error text, if any. */
  protected get error(): string | undefined {
    return this.tracker.status().error
  }

  private checkStale(): void {
    if (this.stopped || this.state === 'stale' || !this.expectsMessages()) return
    const idle = this.now() - this.heardAt
    if (idle <= this.staleAfterMs) return
    this.setState(
      'stale',
      `no upstream message for ${seconds(idle)} s (expected within ${seconds(this.staleAfterMs)} s)`,
    )
    try {
      this.onStale(idle)
    } catch (err) {
      // A timer callback: nothing may escape it and take the process down.
      this.logger.error({ source: this.source, err: String(err) }, 'feed stale handler failed')
    }
  }
}

/** ms as seconds for a status text: one decimal under 10 s, whole seconds above. */
function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000))
}
