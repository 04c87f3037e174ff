import type { FeedState, FeedStatus, Op, Source } from '@oddsboard/model'
import type { Logger } from './logger'
import { redactSecrets } from './redact'

/** How much of a bad frame is redacted and sampled for the log. */
const SAMPLE_SOURCE_CHARS = 1000

/**
 * One upstream sportsbook connection. A feed owns its socket(s), keeps reconnecting until
 * stopped, and emits batches of ops; the hub applies each batch as one unit.
 */
export interface Feed {
  readonly source: Source
  /** Connects and keeps the feed alive until {@link Feed.stop}; calling twice is a no-op. */
  start(): void
  /** Closes sockets and timers; resolves once nothing of the feed is left running. */
  stop(): Promise<void>
  status(): FeedStatus
  /** Registers a listener for batches of ops; returns its unsubscribe function. */
  onOps(listener: (ops: Op[]) => void): () => void
  /** Registers a listener called on every state change (not on every message). */
  onStatus(listener: (status: FeedStatus) => void): () => void
}

// Control bytes are the point here: zap frames are built from them.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x1f]/g
const hexEscape = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`

/** A short, single-line sample of a bad frame for logs: at most `max` characters, controls escaped. */
export function frameSample(frame: string | Uint8Array, max = 120): string {
  const text = typeof frame === 'string' ? frame : new TextDecoder().decode(frame)
  const escaped = text.slice(0, max).replace(CONTROL_CHARS, hexEscape)
  return text.length > max ? `${escaped}…(${text.length} chars)` : escaped
}

/**
 * The bookkeeping every feed shares: state transitions, message rate over a sliding window,
 * bad-frame counting with rate-limited logging, and listeners for ops and status.
 * Holds no sockets or timers; `now` is injectable for tests.
 */
export class FeedTracker {
  private current: FeedStatus
  private readonly opsListeners = new Set<(ops: Op[]) => void>()
  private readonly statusListeners = new Set<(s: FeedStatus) => void>()
  /** Message counts per second bucket, for the rate. */
  private readonly buckets: number[] = []
  private bucketSecond = 0
  private readonly windowSeconds = 5

  constructor(
    readonly source: Source,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.current = {
      source,
      state: 'connecting',
      lastMessageAt: null,
      reconnects: 0,
      messagesPerSec: 0,
      messages: 0,
      badFrames: 0,
    }
  }

  /** The current status, with the message rate brought up to date. */
  status(): FeedStatus {
    return { ...this.current, messagesPerSec: this.rate() }
  }

  /**
   * Moves to `state`; notifies listeners when the state or error changed. Pass `error` to set
   * it (undefined clears it); it is kept redacted ({@link redactSecrets}).
   */
  setState(state: FeedState, rawError?: string): void {
    // The one place a feed's error becomes status text (snapshot, /healthz, relay): redacted.
    const error = rawError === undefined ? undefined : redactSecrets(rawError)
    const changed = state !== this.current.state || error !== this.current.error
    if (state === 'reconnecting' && this.current.state !== 'reconnecting') this.current.reconnects++
    this.current = { ...this.current, state }
    if (error === undefined) delete this.current.error
    else this.current.error = error
    if (changed) this.emitStatus()
  }

  /** Records one upstream message (data or heartbeat) received now. */
  message(): void {
    const t = this.now()
    this.current.lastMessageAt = t
    this.current.messages++
    const second = Math.floor(t / 1000)
    this.advance(second)
    this.buckets[this.buckets.length - 1]!++
  }

  /**
   * Counts a malformed upstream frame and logs it with a short sample, secrets redacted
   * ({@link redactSecrets}): the first 5, then every 100th, so a flood of bad frames cannot
   * flood the log.
   */
  badFrame(frame: string | Uint8Array, reason: string): void {
    const n = ++this.current.badFrames
    if (n <= 5 || n % 100 === 0) {
      const text = typeof frame === 'string' ? frame : new TextDecoder().decode(frame)
      // Redacted before sampling, so a secret cut at the sample's end cannot leak a part.
      const head = redactSecrets(text.slice(0, SAMPLE_SOURCE_CHARS))
      this.logger.warn(
        {
          source: this.source,
          badFrames: n,
          reason: redactSecrets(reason),
          length: text.length,
          sample: frameSample(head),
        },
        'skipped malformed upstream frame',
      )
    }
  }

  /** Sends a batch of ops to every listener; an empty batch is not sent. */
  emitOps(ops: Op[]): void {
    if (ops.length === 0) return
    for (const l of this.opsListeners) l(ops)
  }

  /** Registers a listener for batches of ops; returns its unsubscribe function. */
  onOps(listener: (ops: Op[]) => void): () => void {
    this.opsListeners.add(listener)
    return () => this.opsListeners.delete(listener)
  }

  /** Registers a listener called on every state or error change; returns its unsubscribe function. */
  onStatus(listener: (s: FeedStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  private emitStatus(): void {
    const s = this.status()
    for (const l of this.statusListeners) l(s)
  }

  private advance(second: number): void {
    if (this.buckets.length === 0) {
      this.bucketSecond = second
      this.buckets.push(0)
      return
    }
    while (this.bucketSecond < second) {
      this.bucketSecond++
      this.buckets.push(0)
      if (this.buckets.length > this.windowSeconds + 1) this.buckets.shift()
    }
  }

  private rate(): number {
    if (this.buckets.length === 0) return 0
    this.advance(Math.floor(this.now() / 1000))
    // Complete seconds only: the current bucket is still filling.
    const complete = this.buckets.slice(0, -1)
    if (complete.length === 0) return 0
    return Math.round((complete.reduce((a, b) => a + b, 0) / complete.length) * 10) / 10
  }
}
