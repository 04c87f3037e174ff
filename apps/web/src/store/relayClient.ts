import { type ClientMessage, type ServerMessage } from '@oddsboard/model'
import { backoffDelay } from '@oddsboard/feedkit/backoff'

/** State of the browser's own connection to the proxy's relay. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** What the relay client needs from the page: how to open a socket, timers, and callbacks. */
export interface RelayClientOptions {
  /** e.g. `ws://127.0.0.1:8080/ws`. */
  url: string
  /** Called for every parsed server message, in order. */
  onMessage(msg: ServerMessage): void
  onState(state: ConnectionState, info: { reconnects: number; retryInMs?: number }): void
  /** The last position to resume from, or null to get a snapshot. */
  position(): { epoch: string; seq: number } | null
  /** Defaults to the global `WebSocket`. */
  createSocket?: (url: string) => WebSocket
  /** Backoff for attempt n (0-based), ms; defaults to the model's `backoffDelay`. */
  delay?: (attempt: number) => number
}

/**
 * Keeps one WebSocket to the relay (shared/DESIGN.md, "Relay protocol"): parses messages,
 * reconnects with exponential backoff and jitter after any close (including 4008, "too
 * slow"). A reconnect names its last applied position in the URL (`/ws?epoch=E&seq=N`) so
 * the proxy can replay just the missed deltas instead of the opening snapshot, and also
 * sends the protocol's `resume` message (the proxy answers it relative to what it already
 * sent, so nothing arrives twice).
 */
export class RelayClient {
  private socket: WebSocket | null = null
  private attempt = 0
  private reconnects = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private stopped = false
  /** Code of the last close, e.g. 4008 when the server found us too slow. */
  lastCloseCode: number | null = null

  constructor(private readonly opts: RelayClientOptions) {}

  /** Opens the socket; calling twice is a no-op. */
  start(): void {
    if (this.socket !== null || this.timer !== null) return
    this.stopped = false
    this.open()
  }

  /** Closes the socket and cancels any pending reconnect. */
  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
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
    this.timer = null
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
    socket.onopen = () => {
      if (this.socket !== socket) return
      this.attempt = 0
      const pos = this.opts.position()
      if (pos !== null) this.send({ type: 'resume', epoch: pos.epoch, seq: pos.seq })
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

  private scheduleReconnect(): void {
    if (this.stopped) return
    const wait = (this.opts.delay ?? backoffDelay)(this.attempt++)
    this.reconnects++
    this.opts.onState('reconnecting', { reconnects: this.reconnects, retryInMs: wait })
    this.timer = setTimeout(() => this.open(), wait)
  }
}
