import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { z } from 'zod'
import type { ClientMessage, FeedStatus, FeedsMessage, ResumedMessage } from '@oddsboard/model'
import type { Logger } from '@oddsboard/feedkit'
import { CLOSE_TOO_SLOW, RELAY_PROTOCOL } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { textFrame } from './frame'
import type { Hub, PublishedDelta } from './hub'
import type { StateSource } from './source'

/** Options of a {@link Relay}. */
export interface RelayOptions {
  /** The state it relays: the Hub, or an edge's replica (issue 10). */
  hub: StateSource
  /** Origins allowed to open `/ws` (`'*'` allows all). A request without `Origin` (not a browser) is allowed. */
  allowedOrigins: readonly string[]
  /** A client whose socket buffer goes over this many bytes is closed with 4008 (default 4 MiB). */
  maxBufferBytes?: number
  /** Largest client message, bytes (default 4 KiB); a larger one closes the socket with 1009. */
  maxPayloadBytes?: number
  /** Ws-level ping period, ms; a client that missed the previous pong is dropped (default 15 s). */
  pingIntervalMs?: number
  /** Period of the `feeds` message, ms (ages and rates move; default 1 s). */
  feedsIntervalMs?: number
  logger?: Logger
}

/** Counters the relay keeps for `/metrics`. */
export interface RelayCounters {
  /** Delta messages written to clients (one per client per delta, replays included). */
  deltasSent: number
  /** Bytes of delta frames written to clients (headers included; replays included). */
  deltaBytesSent: number
  snapshotsSent: number
  /** Clients closed with 4008 because their socket buffer went over the limit. */
  slowClientDisconnects: number
  /** Client messages that were not valid JSON, not a known message, binary, or too large. */
  badClientMessages: number
  /** Connections opened at a position answered with `resumed` + the missed deltas / with a snapshot. */
  resumesReplayed: number
  resumesWithSnapshot: number
  /** Upgrades refused (wrong path or origin not allowed). */
  upgradesRefused: number
  /** Clients dropped because they did not answer a ping. */
  deadClients: number
}

/**
 * The client messages of protocol {@link RELAY_PROTOCOL}: only the snapshot request (a
 * client resumes by the position in the URL, never by a message). Extra fields are ignored.
 */
const clientMessage: z.ZodType<ClientMessage> = z.object({ type: z.literal('snapshot') })

interface Client {
  ws: WebSocket
  /** The socket `ws` runs on (the one handed to `handleUpgrade`): broadcasts write their frames here. */
  socket: Duplex
  alive: boolean
}

/** Close code for a client message that is not valid (RFC 6455 policy violation). */
export const CLOSE_POLICY = 1008

/**
 * The `/ws` relay, protocol {@link RELAY_PROTOCOL} (apps/proxy/README.md, "Relay protocol").
 * On connect a client gets the hub's snapshot, then every delta, and a `feeds` message on
 * every feed state change and every second.
 *
 * Frame once: a delta is serialized AND framed once by the hub ({@link PublishedDelta.frame},
 * built with ws's own `Sender.frame`), and the relay writes that same buffer to every
 * client's socket, instead of `ws.send` framing the payload again per client; `feeds`
 * messages likewise; resumes write the ring's frames. That is sound because
 * permessage-deflate is off (no client frame is compressed, so every client gets the same
 * bytes) and because `ws` itself writes to the socket synchronously in call order when it
 * neither compresses nor sends Blobs (lib/sender.js: its queue is used only then), so the
 * relay's frames and `ws`'s own (snapshot, ping, close) never interleave within a frame.
 * Frames are written only while the socket is OPEN (never after a close frame).
 *
 * Resume, the one way: a client that opens `/ws?epoch=E&seq=N` gets, instead of the
 * snapshot, a `resumed` message echoing E and N followed by the deltas after N from the
 * ring buffer, when E is current and they are all still there; else the snapshot. Either
 * way the first message of a connection carries `protocol`. `{"type":"snapshot"}` always
 * gets a snapshot. Any other client message (including version 1's `resume`) is counted
 * and answered by closing with 1008; one over `maxPayloadBytes` is closed by `ws` with 1009
 * (also counted).
 *
 * Refuses upgrades to other paths (404) and from origins outside `allowedOrigins` (403).
 * A client whose `bufferedAmount` goes over `maxBufferBytes` after a write is taken out of
 * the broadcast at once and closed with 4008 (`CLOSE_TOO_SLOW`), so it never slows others.
 */
export class Relay {
  readonly counters: RelayCounters = {
    deltasSent: 0,
    deltaBytesSent: 0,
    snapshotsSent: 0,
    slowClientDisconnects: 0,
    badClientMessages: 0,
    resumesReplayed: 0,
    resumesWithSnapshot: 0,
    upgradesRefused: 0,
    deadClients: 0,
  }
  private readonly wss: WebSocketServer
  private readonly clientSet = new Set<Client>()
  private readonly hub: StateSource
  private readonly origins: Set<string>
  private readonly maxBufferBytes: number
  private readonly logger: Logger
  private readonly timers: NodeJS.Timeout[] = []
  private readonly unsubscribers: (() => void)[] = []
  private servers: {
    server: Server
    onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  }[] = []
  private closing = false

  constructor(options: RelayOptions) {
    this.hub = options.hub
    this.origins = new Set(options.allowedOrigins)
    this.maxBufferBytes = options.maxBufferBytes ?? 4 * 1024 * 1024
    this.logger = options.logger ?? silentLogger
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes ?? 4096,
      perMessageDeflate: false,
    })
    this.unsubscribers.push(
      this.hub.onDelta((d) => this.broadcastDelta(d)),
      this.hub.onFeeds((feeds) => this.broadcastFeeds(feeds)),
      // an edge's replica reloaded a snapshot (new epoch, or a gap): every client needs it
      this.hub.onReset?.(() => {
        for (const client of this.clientSet) this.sendSnapshot(client)
      }) ?? (() => {}),
    )
    this.timers.push(
      setInterval(() => this.broadcastFeeds(this.hub.feeds()), options.feedsIntervalMs ?? 1000),
      setInterval(() => this.pingAll(), options.pingIntervalMs ?? 15_000),
    )
  }

  /** Connected clients. */
  get clients(): number {
    return this.clientSet.size
  }

  /** Handles WebSocket upgrades of `server` (path `/ws`). */
  attach(server: Server): void {
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head)
    server.on('upgrade', onUpgrade)
    this.servers.push({ server, onUpgrade })
  }

  /**
   * Stops the timers, closes every client with 1001 (going away) and resolves once they
   * are gone; clients that do not finish the close handshake within `graceMs` are cut.
   */
  async close(graceMs = 2000): Promise<void> {
    this.closing = true
    for (const t of this.timers.splice(0)) clearInterval(t)
    for (const u of this.unsubscribers.splice(0)) u()
    for (const { server, onUpgrade } of this.servers) server.off('upgrade', onUpgrade)
    this.servers = []
    const sockets = [...this.wss.clients]
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve()
            const cut = setTimeout(() => ws.terminate(), graceMs)
            ws.once('close', () => {
              clearTimeout(cut)
              resolve()
            })
            if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'server shutting down')
          }),
      ),
    )
    this.clientSet.clear()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://relay.invalid')
    if (url.pathname !== '/ws') return this.refuse(socket, 404, 'Not Found', 'no such endpoint')
    if (this.closing) return this.refuse(socket, 503, 'Service Unavailable', 'shutting down')
    const origin = req.headers.origin
    if (origin !== undefined && !this.origins.has('*') && !this.origins.has(origin)) {
      this.logger.warn({ origin }, 'refused a /ws upgrade from an origin not allowed')
      return this.refuse(socket, 403, 'Forbidden', 'origin not allowed')
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, socket, url))
  }

  private refuse(socket: Duplex, status: number, reason: string, body: string): void {
    this.counters.upgradesRefused++
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
    socket.destroy()
  }

  private connected(ws: WebSocket, socket: Duplex, url: URL): void {
    const client: Client = { ws, socket, alive: true }
    this.clientSet.add(client)
    ws.on('pong', () => {
      client.alive = true
    })
    ws.on('message', (data, isBinary) => this.message(client, data as Buffer, isBinary))
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.counters.badClientMessages++
      this.logger.debug({ err: err.message, code: err.code }, 'relay client socket error')
    })
    ws.on('close', () => this.clientSet.delete(client))
    const epoch = url.searchParams.get('epoch')
    if (epoch !== null) this.resume(client, epoch, url.searchParams.get('seq'))
    else this.sendSnapshot(client)
  }

  private message(client: Client, data: Buffer, isBinary: boolean): void {
    let parsed: ClientMessage | null = null
    if (!isBinary) {
      try {
        const r = clientMessage.safeParse(JSON.parse(data.toString('utf8')))
        if (r.success) parsed = r.data
      } catch {
        // not JSON: handled as invalid below
      }
    }
    if (parsed === null) {
      this.counters.badClientMessages++
      this.logger.debug({ bytes: data.length }, 'closed a relay client after an invalid message')
      this.clientSet.delete(client)
      client.ws.close(CLOSE_POLICY, 'invalid message')
      return
    }
    this.sendSnapshot(client)
  }

  /**
   * Opens a connection at the position `epoch`/`seq` (from the URL): when `epoch` is
   * current and every delta after `seq` is still buffered, a `resumed` message then those
   * deltas; else (another epoch, a seq that is not a whole number, too old or from the
   * future) the snapshot. Runs synchronously at connect, so no live delta can come between.
   */
  private resume(client: Client, epoch: string, seqText: string | null): void {
    const seq = Number(seqText ?? NaN)
    const frames = epoch === this.hub.epoch && seqText !== '' ? this.framesSince(seq) : null
    if (frames === null) {
      this.counters.resumesWithSnapshot++
      this.sendSnapshot(client)
      return
    }
    this.counters.resumesReplayed++
    const resumed: ResumedMessage = {
      type: 'resumed',
      protocol: RELAY_PROTOCOL,
      epoch,
      seq,
      ts: Date.now(),
    }
    if (!this.send(client, JSON.stringify(resumed))) return
    for (const frame of frames) {
      this.counters.deltasSent++
      this.counters.deltaBytesSent += frame.length
      if (!this.write(client, frame)) return
    }
  }

  /**
   * The frames of the deltas after `seq` (null when not all buffered): the source's own
   * pre-encoded frames when it keeps them (the Hub's ring), else its payloads framed here.
   */
  private framesSince(seq: number): Buffer[] | null {
    const source: Pick<Hub, 'deltasSince'> & Partial<Pick<Hub, 'framesSince'>> = this.hub
    if (typeof source.framesSince === 'function') return source.framesSince(seq)
    return source.deltasSince(seq)?.map((payload) => textFrame(payload).frame) ?? null
  }

  private sendSnapshot(client: Client): void {
    this.counters.snapshotsSent++
    this.send(client, this.hub.snapshotJson())
  }

  private broadcastDelta(d: PublishedDelta): void {
    // a source that does not frame its deltas (PublishedDelta from elsewhere) is framed here, once
    const frame = d.frame ?? textFrame(d.payload).frame
    for (const client of this.clientSet) {
      this.counters.deltasSent++
      this.counters.deltaBytesSent += frame.length
      this.write(client, frame)
    }
  }

  private broadcastFeeds(feeds: FeedStatus[]): void {
    if (this.clientSet.size === 0) return
    const message: FeedsMessage = { type: 'feeds', feeds }
    const { frame } = textFrame(Buffer.from(JSON.stringify(message)))
    for (const client of this.clientSet) this.write(client, frame)
  }

  /** Sends one message of this client's own (framed by `ws`); see {@link Relay.checkBuffer}. */
  private send(client: Client, data: string): boolean {
    const ws = client.ws
    if (ws.readyState !== WebSocket.OPEN || !this.clientSet.has(client)) return false
    ws.send(data, { binary: false })
    return this.checkBuffer(client)
  }

  /**
   * Writes one whole WebSocket frame, as is, to the client's socket (the same buffer for
   * every client); closes the client with 4008 when its buffer is then over the limit.
   */
  private write(client: Client, frame: Buffer): boolean {
    if (client.ws.readyState !== WebSocket.OPEN || !this.clientSet.has(client)) return false
    client.socket.write(frame)
    return this.checkBuffer(client)
  }

  /**
   * True when the client's buffer is within the limit; else takes it out of the broadcast
   * and closes it with 4008. `bufferedAmount` is what the socket has not yet written
   * (ws: the socket's writable length, which holds the frames written above, plus its own
   * queue), so it counts what was just written.
   */
  private checkBuffer(client: Client): boolean {
    const ws = client.ws
    if (ws.bufferedAmount <= this.maxBufferBytes) return true
    this.counters.slowClientDisconnects++
    this.clientSet.delete(client)
    this.logger.info(
      { bufferedAmount: ws.bufferedAmount, limit: this.maxBufferBytes },
      'closed a relay client that cannot keep up (4008)',
    )
    ws.close(CLOSE_TOO_SLOW, 'too slow')
    return false
  }

  private pingAll(): void {
    for (const client of this.clientSet) {
      if (!client.alive) {
        this.counters.deadClients++
        this.clientSet.delete(client)
        client.ws.terminate()
        continue
      }
      client.alive = false
      client.ws.ping()
    }
  }
}
