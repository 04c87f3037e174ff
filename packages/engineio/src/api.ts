import type { FrameSink, Logger } from '@oddsboard/feedkit'

/**
 * Public surface of the Engine.IO v3 / Socket.IO client (shared/DESIGN.md, "Upstream protocol
 * facts"). Implemented by `SocketIoClient` in ./client.ts.
 */

/** How the client reaches the server. */
export type Transport = 'polling' | 'websocket'

/** Options of `SocketIoClient` (only `url` is required); times are in ms. */
export interface SocketIoClientOptions {
  /**
   * Endpoint with its path, `http(s)://` or `ws(s)://`, without `EIO`/`transport`,
   * e.g. `https://sports-eu-west-3.winamax.fr/uof-sports-server/socket.io/`.
   * Query parameters already in the URL are kept; `EIO=3` and `transport` are added.
   * Credentials (`http://user:pass@host/…`) are taken out and sent as `Authorization: Basic`
   * on every poll and on the websocket upgrade (a header in `headers` wins).
   */
  url: string
  /** Extra query parameters (e.g. Kwiff's `identifier`). */
  query?: Record<string, string>
  /** Extra HTTP headers on every poll and on the websocket upgrade (`Origin`, `Cookie`, `User-Agent`). */
  headers?: Record<string, string>
  /**
   * `'polling'` (default): polling handshake, then upgrade to websocket with the same sid
   * (`2probe` → `3probe` → `5`), as browsers do. `'websocket'`: websocket only.
   */
  transport?: Transport
  /** Socket.IO namespace; default `/` (connected by the server by itself with EIO=3). */
  namespace?: string
  /** Reconnect with exponential backoff and jitter (feedkit's `Reconnector`); `false` disables it. */
  reconnect?: false | { initialDelayMs?: number; maxDelayMs?: number }
  /**
   * Called before every connection attempt (first and reconnects); what it returns is merged
   * over `query` and `headers` for that attempt. Kwiff uses it for a fresh UUID per connection.
   */
  prepare?: () => { query?: Record<string, string>; headers?: Record<string, string> }
  /**
   * Deepest nesting of EVENT and ACK data accepted (the `["name", …]` array is level 1);
   * deeper packets are skipped whole as `badPacket`s. Default 64 (`MAX_PACKET_DEPTH`), one
   * walk of each packet's data. `Infinity` hands the data to listeners unwalked, for a feed
   * that bounds what it follows itself (Winamax's store), so a large snapshot is not walked
   * for nothing. CONNECT and ERROR data is always held to `MAX_PACKET_DEPTH`.
   */
  maxDepth?: number
  /** Give up on one connection attempt after this long (ms); default 10 000. */
  connectTimeoutMs?: number
  logger?: Logger
  /**
   * Sees every raw frame received and sent, for recording (`RECORD_DIR`): websocket frames as
   * they are, polling payloads (one HTTP body each) with `transport: 'polling'`.
   */
  onFrame?: FrameSink
}

/** Connection state: `open` means the Socket.IO namespace is connected. */
export type ClientState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** Listener for a Socket.IO EVENT; `ack` is present when the server asked for an acknowledgement. */
export type EventListener = (
  name: string,
  args: unknown[],
  ack?: (...args: unknown[]) => void,
) => void

/** The events `SocketIoClient.on` accepts. */
export interface ClientEvents {
  /** The namespace is connected (`40` received). */
  connect: () => void
  /** The connection was lost or closed; `reason` says why (e.g. 'ping timeout', 'server disconnect'). */
  disconnect: (reason: string) => void
  /** A Socket.IO EVENT packet from the server. */
  event: EventListener
  /** Every state change. */
  state: (state: ClientState, error?: string) => void
  /** Any packet received (data, ping answer, ...): feeds use it for `lastMessageAt`. */
  packet: () => void
  /** A malformed Engine.IO / Socket.IO packet, skipped; `raw` is the packet text. */
  badPacket: (raw: string, reason: string) => void
}

/** Rejection of `emitWithAck` when no ack arrives in time. */
export class AckTimeoutError extends Error {
  constructor(
    readonly event: string,
    readonly timeoutMs: number,
  ) {
    super(`no ack for '${event}' within ${timeoutMs} ms`)
    this.name = 'AckTimeoutError'
  }
}

/** Thrown/rejected when emitting while the namespace is not connected, or when it disconnects before the ack. */
export class NotConnectedError extends Error {
  constructor(message = 'socket is not connected') {
    super(message)
    this.name = 'NotConnectedError'
  }
}

/** What `SocketIoClient` offers. */
export interface SocketIoClientApi {
  /** Starts connecting (and reconnecting, unless disabled); a no-op when already started. */
  connect(): void
  /** Closes for good: no more reconnects; resolves once the socket and timers are gone. */
  close(): Promise<void>
  /** Current state. */
  readonly state: ClientState
  /** Sends a Socket.IO EVENT `42["name",...args]`. @throws NotConnectedError when not open. */
  emit(event: string, ...args: unknown[]): void
  /**
   * Sends an EVENT with an ack id (`42<id>["name",...args]`) and resolves with the ack's
   * arguments (`43<id>[...]`). Rejects with AckTimeoutError after `timeoutMs`, or
   * NotConnectedError if not open or the connection drops first.
   */
  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]>
  on<K extends keyof ClientEvents>(name: K, listener: ClientEvents[K]): () => void
}
