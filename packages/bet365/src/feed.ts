import { randomBytes, randomInt } from 'node:crypto'
import WebSocket from 'ws'
import {
  FeedBase,
  Reconnector,
  registerSecret,
  splitCredentials,
  type Feed,
  type FrameSink,
  type Logger,
} from '@oddsboard/feedkit'
import {
  decodeServerFrame,
  encodeClientHandshake,
  encodeSubscribe,
  ZapDecodeError,
  type ZapMessage,
} from './codec'
import { Bet365Normalizer } from './normalize'
import { TIME_TOPIC, TopicTree, TreeError, type ApplyResult } from './tree'

/** The real zap endpoint (DESIGN.md "Bet365 (zap)"); the live socket wants a real session. */
export const BET365_LIVE_URL = 'wss://premws-pt1.365lpodds.com/zap/'
/** Topics subscribed by default: the in-play overview (captures mahendrakalkura "OVInPlay_1_3"). */
export const DEFAULT_BET365_TOPICS: readonly string[] = ['OVInPlay_1_3']
/** WebSocket subprotocol the zap server expects (DESIGN.md; the 2023 har shows v2 with the same framing). */
export const ZAP_SUBPROTOCOL = 'zap-protocol-v1'
/** Origin header of the bet365 web app. */
export const BET365_ORIGIN = 'https://www.bet365.com'

/**
 * Bet365's expected cadence, ms: the server sends a `__time` heartbeat
 * (`__time|IN;TI=…;UF=…;|`, seeds/001 "Heartbeat", captures mahendrakalkura time_delta) every
 * few seconds on top of the data; 15 s without any frame means stale, and the feed then
 * reconnects (a zap socket that stopped talking does not come back by itself).
 */
export const BET365_STALE_AFTER_MS = 15_000

/** Options of {@link createBet365Feed}. */
export interface Bet365FeedOptions {
  /**
   * Zap endpoint, e.g. `ws://127.0.0.1:9000/zap/` or {@link BET365_LIVE_URL}; `uid` is added.
   * `user:pass@` in it is sent as `Authorization: Basic` on the upgrade, never shown.
   */
  url: string
  /** Topics to subscribe after the handshake; default {@link DEFAULT_BET365_TOPICS}. */
  topics?: string[]
  /** Session id (`S_` item of the handshake) from the user's own browser session; random when absent. */
  sessionId?: string
  /** Optional `A_` token from the user's own browser session. Never logged. */
  token?: string
  logger?: Logger
  /** No `__time` or data for this long (ms) → `stale` → reconnect. Default {@link BET365_STALE_AFTER_MS}. */
  staleAfterMs?: number
  /** Sees every raw frame in and out (recording, issue 11). */
  frames?: FrameSink
}

/** A random 16-digit `uid` query value, as the web app sends (captures antibagr har). */
function randomUid(): string {
  let s = String(randomInt(1, 10))
  for (let i = 0; i < 15; i++) s += String(randomInt(0, 10))
  return s
}

/**
 * Creates the Bet365 feed: a `ws` client (subprotocol `zap-protocol-v1`, `Origin:
 * https://www.bet365.com`, `?uid=<16 digits>`) that sends the client handshake
 * `#\x03P\x01__time,S_<session>[,A_<token>]\x00`, waits for `100`, subscribes to `topics`,
 * keeps a {@link TopicTree} and emits the ops that change the normalized state.
 *
 * Lifecycle: `connecting` → `live` on the `100` reply; no message for `staleAfterMs` →
 * `stale` → `reconnecting` with feedkit's {@link Reconnector}; a `111` reply (session rejected) →
 * `down` with an error and no retry. After a reconnect the new `F` load replaces the old
 * topic, and entities missing from it are removed. A `101` challenge is waited out, never
 * answered: nothing here tries to defeat bot protection. Malformed frames are counted,
 * logged with a short sample and skipped; nothing thrown by a frame escapes the feed.
 */
export function createBet365Feed(options: Bet365FeedOptions): Feed {
  return new Bet365Feed(options)
}

class Bet365Feed extends FeedBase {
  private readonly topics: string[]
  private readonly sessionId: string
  /** The endpoint without user info, and the `Authorization` header that stands for it. */
  private readonly url: string
  private readonly authorization: Record<string, string>
  private readonly reconnector = new Reconnector(() => this.connect())
  private readonly tree = new TopicTree()
  private readonly normalizer = new Bet365Normalizer()
  private ws: WebSocket | null = null
  private rejected = false
  /** The projection of frames applied to the tree but not yet normalized (see onFrame). */
  private pendingEmit: NodeJS.Immediate | null = null

  constructor(private readonly options: Bet365FeedOptions) {
    super({
      source: 'bet365',
      logger: options.logger,
      staleAfterMs: options.staleAfterMs ?? BET365_STALE_AFTER_MS,
    })
    this.topics = options.topics ?? [...DEFAULT_BET365_TOPICS]
    this.sessionId = options.sessionId ?? `${randomBytes(16).toString('hex').toUpperCase()}000003`
    // The user's own session: never in a log line or a status text (nor a recording).
    registerSecret(options.sessionId)
    registerSecret(this.sessionId, { ephemeral: true })
    registerSecret(options.token)
    const { url, authorization } = splitCredentials(options.url)
    this.url = url
    this.authorization = authorization === undefined ? {} : { Authorization: authorization }
  }

  protected onStart(): void {
    this.connect()
  }

  protected async onStop(): Promise<void> {
    this.reconnector.cancel()
    if (this.pendingEmit !== null) clearImmediate(this.pendingEmit)
    this.pendingEmit = null
    const ws = this.ws
    this.ws = null
    if (ws !== null && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const done = setTimeout(() => {
          ws.terminate()
          resolve()
        }, 1000)
        ws.once('close', () => {
          clearTimeout(done)
          resolve()
        })
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate()
        else ws.close()
      })
    }
  }

  /** Silence means stale while a socket is open (or opening): the handshake must be answered too. */
  protected override expectsMessages(): boolean {
    return this.ws !== null && !this.rejected
  }

  /** Stale: drop the silent socket and reconnect. */
  protected override onStale(idleMs: number): void {
    this.logger.warn({ source: 'bet365', staleAfterMs: this.staleAfterMs, idleMs }, 'bet365 stale')
    const ws = this.ws
    this.ws = null
    ws?.terminate()
    this.scheduleReconnect()
  }

  private connect(): void {
    if (this.stopped || this.rejected) return
    const url = new URL(this.url)
    url.searchParams.set('uid', randomUid())
    this.awaitMessages()
    let ws: WebSocket
    try {
      ws = new WebSocket(url, [ZAP_SUBPROTOCOL], {
        headers: { Origin: BET365_ORIGIN, ...this.authorization },
        handshakeTimeout: Math.max(1000, this.staleAfterMs),
      })
    } catch (e) {
      this.setState('down', `bad bet365 url: ${(e as Error).message}`)
      return
    }
    this.ws = ws
    ws.on('open', () => {
      const handshake = encodeClientHandshake({
        topics: [TIME_TOPIC],
        sessionId: this.sessionId,
        ...(this.options.token !== undefined ? { token: this.options.token } : {}),
      })
      this.send(ws, handshake)
    })
    ws.on('message', (data: WebSocket.RawData) => {
      if (ws !== this.ws) return
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data)
      this.options.frames?.('in', text)
      try {
        this.onFrame(ws, text)
      } catch (e) {
        // Defensive: nothing from a frame may crash the feed.
        this.badFrame(String(data), `unexpected: ${(e as Error).message}`)
      }
    })
    ws.on('error', (err: Error) => {
      this.logger.warn({ source: 'bet365', err: err.message }, 'bet365 socket error')
      // The reason (DNS, TCP, an HTTP status on the upgrade) is news for the status too.
      if (ws === this.ws) this.setState(this.state, `socket error: ${err.message}`)
    })
    ws.on('close', (code: number) => {
      if (ws !== this.ws) return
      this.ws = null
      if (this.stopped || this.rejected) return
      this.logger.info({ source: 'bet365', code }, 'bet365 socket closed')
      this.scheduleReconnect()
    })
  }

  /** Sends one frame upstream, seen by the `frames` sink first. */
  private send(ws: WebSocket, text: string): void {
    this.options.frames?.('out', text)
    ws.send(text)
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.rejected || this.reconnector.pending) return
    this.setState('reconnecting', this.error)
    this.reconnector.schedule()
  }

  /** Every frame (data or the `__time` heartbeat) is a Bet365 message. */
  private onFrame(ws: WebSocket, text: string): void {
    this.message()
    let frame
    try {
      frame = decodeServerFrame(text)
    } catch (e) {
      if (!(e instanceof ZapDecodeError)) throw e
      this.badFrame(text, e.reason)
      return
    }
    if (frame.kind === 'control') {
      // A ping is a message (counted above) and is not answered: no capture shows an answer.
      // A close request ends this connection; the feed reconnects as after a server close.
      if (frame.control === 'close') {
        this.logger.info({ source: 'bet365' }, 'bet365 close request (0x1d); reconnecting')
        ws.close()
      }
      return
    }
    if (frame.kind === 'handshake') {
      if (frame.status === '100') {
        this.send(ws, encodeSubscribe(this.topics))
        this.setState('live')
      } else if (frame.status === '111') {
        this.rejected = true
        this.setState(
          'down',
          'bet365 rejected the session (handshake 111): set a valid BET365 session id/token',
        )
        this.ws = null
        ws.close()
      } else {
        this.logger.info({ source: 'bet365' }, 'bet365 handshake challenge (101); waiting for 100')
      }
      return
    }
    const before = this.tree.version
    // A frame is applied whole or not at all (TopicTree.applyFrame).
    let results
    try {
      results = this.tree.applyFrame(frame.messages)
    } catch (e) {
      if (!(e instanceof TreeError)) throw e
      this.badFrame(text, e.reason)
      return
    }
    frame.messages.forEach((message, i) => this.afterMessage(message, results[i]!))
    if (this.tree.version !== before) this.scheduleEmit()
  }

  /**
   * Normalizes the tree once for every frame read in this turn of the event loop: the
   * projection walks the whole tree (O(tree), not O(frame)), so when frames queue up (a busy
   * process, 1,000 changes/s in 100 frames/s) it runs once per batch instead of once per
   * frame. An idle feed loses nothing: `setImmediate` runs right after the I/O callbacks of
   * the turn that read the frame (bench/e2e-latency.ts measures it).
   */
  private scheduleEmit(): void {
    if (this.pendingEmit !== null) return
    this.pendingEmit = setImmediate(() => {
      this.pendingEmit = null
      this.emit(Date.now())
    })
  }

  private afterMessage(message: ZapMessage, result: ApplyResult): void {
    if (message.kind === 'load' && this.topics.includes(message.topic)) {
      this.reconnector.reset()
      if (this.error !== undefined) this.setState('live')
    }
    for (const err of result.errors) {
      this.logger.warn({ source: 'bet365', code: err.code, topic: err.topic }, err.message)
      this.setState(this.state, err.message)
    }
  }

  private emit(receivedAt: number): void {
    const { ops, issues } = this.normalizer.sync(this.tree, receivedAt)
    for (const issue of issues.slice(0, 5)) {
      this.logger.warn({ source: 'bet365', ...issue }, 'bet365 record not normalized as is')
    }
    this.emitOps(ops)
  }
}
