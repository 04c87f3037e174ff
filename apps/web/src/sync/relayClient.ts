import { RELAY_PROTOCOL, type ClientMessage, type ServerMessage } from '@oddsboard/model'
import { Reconnector } from '@oddsboard/feedkit/backoff'

/**
 * State of the browser's own connection to the proxy's relay. `incompatible`: the proxy
 * speaks another relay protocol version than this page; the client has stopped (reloading
 * the page, which the proxy serves, fetches a matching app).
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'incompatible'

/** What {@link RelayClientOptions.onState} is told beside the state. */
export interface ConnectionInfo {
  reconnects: number
  /** Wait before the next attempt, ms (state `reconnecting`). */
  retryInMs?: number
  /** Why the client stopped, human readable (state `incompatible`). */
  error?: string
}

/**
 * Whether `msg`, the first message of a connection, says the proxy speaks
 * {@link RELAY_PROTOCOL}: it must be a `snapshot` or `resumed` carrying `protocol`. Returns
 * null when it does, else the reason (version 1 proxies sent no `protocol` at all).
 */
export function protocolMismatch(msg: ServerMessage): string | null {
  const protocol =
    msg.type === 'snapshot' || msg.type === 'resumed'
      ? (msg as { protocol?: unknown }).protocol
      : undefined
  if (protocol === RELAY_PROTOCOL) return null
  const theirs = typeof protocol === 'number' ? `version ${protocol}` : 'an older version (1)'
  return `the proxy speaks relay protocol ${theirs}, this page speaks version ${RELAY_PROTOCOL}: reload the page`
}

/** What the relay client needs from the page: how to open a socket, timers, and callbacks. */
export interface RelayClientOptions {
  /** e.g. `ws://127.0.0.1:8080/ws`. */
  url: string
  /** Called for every parsed server message, in order. */
  onMessage(msg: ServerMessage): void
  onState(state: ConnectionState, info: ConnectionInfo): void
  /** The position to resume from (named in the URL of each connection), or null to get a snapshot. */
  position(): { epoch: string; seq: number } | null
  /** Defaults to the global `WebSocket`. */
  createSocket?: (url: string) => WebSocket
  /** Backoff for attempt n (0-based), ms; defaults to feedkit's `backoffDelay`. */
  delay?: (attempt: number) => number
}

/**
 * Keeps one WebSocket to the relay (apps/proxy/README.md, "Relay protocol"): parses
 * messages, reconnects with exponential backoff and jitter after any close (including 4008,
 * "too slow"). A reconnect names its last applied position in the URL (`/ws?epoch=E&seq=N`),
 * the protocol's one way to resume, so the proxy can replay just the missed deltas instead
 * of the opening snapshot.
 *
 * The first message of every connection must carry `protocol` = {@link RELAY_PROTOCOL}
 * (a `snapshot` or `resumed`); otherwise the client logs the mismatch with
 * `console.error`, reports state `incompatible` with the reason, closes the socket and
 * does not reconnect. Nothing of that connection reaches `onMessage`.
 */
export class RelayClient {
  private socket: WebSocket | null = null
  private reconnects = 0
  /** The project's one reconnect loop (feedkit): backoff with jitter, one retry pending at most. */
  private readonly reconnector: Reconnector
  private stopped = false
  /** Code of the last close, e.g. 4008 when the server found us too slow. */
  lastCloseCode: number | null = null

  constructor(private readonly opts: RelayClientOptions) {
    this.reconnector = new Reconnector(() => this.open(), { delay: opts.delay })
  }

  /** Opens the socket; calling twice is a no-op. */
  start(): void {
    if (this.socket !== null || this.reconnector.pending) return
    this.stopped = false
    this.open()
  }

  /** Closes the socket and cancels any pending reconnect. */
  stop(): void {
    this.stopped = true
    this.reconnector.cancel()
    const s = this.socket
    this.socket = null
    if (s !== null) s.close(1000)
    this.opts.onState('closed', { reconnects: this.reconnects })
  }

  /** Sends a client message if the socket is open; returns whether it was sent. */
  send(msg: ClientMessage): boolean {
    const s = this.socket
    if (s === null || s.readyState !== 1) return false
    s.send(JSON.stringify(msg))
    return true
  }

  /** Asks for a fresh snapshot (after a seq gap). */
  requestSnapshot(): boolean {
    return this.send({ type: 'snapshot' })
  }

  private open(): void {
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url))
    this.opts.onState(this.reconnects === 0 ? 'connecting' : 'reconnecting', {
      reconnects: this.reconnects,
    })
    const at = this.opts.position()
    const url =
      at === null
        ? this.opts.url
        : `${this.opts.url}?epoch=${encodeURIComponent(at.epoch)}&seq=${at.seq}`
    let socket: WebSocket
    try {
      socket = create(url)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    let first = true
    socket.onopen = () => {
      if (this.socket !== socket) return
      this.reconnector.reset()
      this.opts.onState('open', { reconnects: this.reconnects })
    }
    socket.onmessage = (ev: MessageEvent) => {
      if (this.socket !== socket || typeof ev.data !== 'string') return
      let msg: ServerMessage
      try {
        msg = JSON.parse(ev.data) as ServerMessage
      } catch {
        return
      }
      if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') return
      if (first) {
        first = false
        const mismatch = protocolMismatch(msg)
        if (mismatch !== null) return this.incompatible(mismatch)
      }
      this.opts.onMessage(msg)
    }
    socket.onclose = (ev: CloseEvent) => {
      if (this.socket !== socket) return
      this.socket = null
      // 4008 (CLOSE_TOO_SLOW) and every other close: come back and resume from our position.
      this.lastCloseCode = ev.code
      this.scheduleReconnect()
    }
    socket.onerror = () => {
      /* a close event follows */
    }
  }

  /** Stops for good: the proxy speaks another protocol, so reconnecting cannot help. */
  private incompatible(error: string): void {
    console.error(`oddsboard relay: ${error}`)
    this.stopped = true
    const s = this.socket
    this.socket = null
    if (s !== null) s.close(1000)
    this.opts.onState('incompatible', { reconnects: this.reconnects, error })
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    const wait = this.reconnector.schedule()
    if (wait === null) return
    this.reconnects++
    this.opts.onState('reconnecting', { reconnects: this.reconnects, retryInMs: wait })
  }
}
