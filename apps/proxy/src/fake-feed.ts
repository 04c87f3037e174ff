import type { FeedState, FeedStatus, Op, Source } from '@oddsboard/model'
import type { Feed } from '@oddsboard/feedkit'
import { FeedTracker, silentLogger } from '@oddsboard/feedkit'

/**
 * An in-process {@link Feed} driven by hand, for tests and the relay benchmark: no socket.
 * `emit` hands ops to the hub exactly as a real feed would; `setState` moves its status.
 */
export class FakeFeed implements Feed {
  readonly tracker: FeedTracker
  started = false
  stopped = false

  constructor(readonly source: Source = 'winamax') {
    this.tracker = new FeedTracker(source, silentLogger)
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
