import type { Entity, Source } from './entities'
import type { Op } from './ops'

/**
 * Messages of the relay protocol between the proxy and browsers, JSON over `ws://HOST:PORT/ws`
 * (shared/DESIGN.md, "Relay protocol"; modelled on Centrifugo's epoch + offset streams).
 */

/** Connection state of one upstream feed. */
export type FeedState = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'down'

/** What the proxy reports of one feed. */
export interface FeedStatus {
  source: Source
  state: FeedState
  /** Last upstream message (data or heartbeat), epoch ms; null before the first. */
  lastMessageAt: number | null
  /** Reconnects since the proxy started. */
  reconnects: number
  /** Upstream messages per second over the last few seconds. */
  messagesPerSec: number
  /** Upstream messages received since start. */
  messages: number
  /** Malformed upstream frames counted and skipped since start. */
  badFrames: number
  /** The latest error, human readable; never contains secrets. */
  error?: string
}

/** First message on every connection: the whole state at `seq`. */
export interface SnapshotMessage {
  type: 'snapshot'
  /** Changes whenever the proxy restarts or rebuilds its state. */
  epoch: string
  seq: number
  /** Parents first: sports, competitions, events, markets, selections. */
  entities: Entity[]
  feeds: FeedStatus[]
}

/** Ops coalesced over a short window (≤ 50 ms); `seq` is the previous seq + 1. */
export interface DeltaMessage {
  type: 'delta'
  epoch: string
  seq: number
  /** When the hub published it, epoch ms. */
  ts: number
  ops: Op[]
}

/** Sent whenever a feed changes state (and periodically, for ages and rates). */
export interface FeedsMessage {
  type: 'feeds'
  feeds: FeedStatus[]
}

/** Every message the proxy sends. */
export type ServerMessage = SnapshotMessage | DeltaMessage | FeedsMessage

/** A reconnecting client asks for the deltas after `seq` of `epoch`. */
export interface ResumeMessage {
  type: 'resume'
  epoch: string
  seq: number
}

/** A client that saw a gap asks for a fresh snapshot. */
export interface SnapshotRequestMessage {
  type: 'snapshot'
}

/** Every message a browser may send. */
export type ClientMessage = ResumeMessage | SnapshotRequestMessage

/** Close code for a client whose socket buffer went over the limit; it should resume. */
export const CLOSE_TOO_SLOW = 4008

/** One point of a selection's price history: [epoch ms, decimal odds]. */
export type PricePoint = [ts: number, odds: number]
