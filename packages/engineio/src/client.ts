import { CookieJar } from 'tough-cookie'
import { Reconnector, silentLogger, splitCredentials } from '@oddsboard/feedkit'
import type { Logger } from '@oddsboard/feedkit'
import { AckTimeoutError, NotConnectedError } from './api'
import type {
  ClientEvents,
  ClientState,
  SocketIoClientApi,
  SocketIoClientOptions,
  Transport,
} from './api'
import { PacketError, decodeSocketIoPacket, encodeSocketIoMessage } from './codec'
import type { SocketIoPacket } from './codec'
import { EngineConnection } from './engine'

interface PendingAck {
  event: string
  resolve: (args: unknown[]) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

type Listeners = { [K in keyof ClientEvents]: Set<ClientEvents[K]> }

/**
 * Socket.IO client over Engine.IO v3 (`EIO=3`), for Winamax and Kwiff: polling handshake then
 * websocket upgrade (or websocket only), client pings, events and acks both ways, custom
 * headers, a cookie jar for cookies set during polling, reconnect with backoff (feedkit's
 * {@link Reconnector}). Credentials in the URL (`http://user:pass@host/…`) are taken out of
 * it and sent as `Authorization: Basic` on every poll and on the websocket upgrade (Node's
 * `fetch` refuses a URL with credentials); they are registered as secrets, so no log line or
 * status text shows them.
 * See {@link SocketIoClientApi} for the contract and shared/DESIGN.md for the protocol facts.
 *
 * States: `closed` before {@link connect} and after {@link close}; `connecting` during the
 * first attempt; `reconnecting` (with the reason) from a loss or failed attempt until the
 * namespace is connected again; `open` once `40` arrived. `close()` is final.
 */
export class SocketIoClient implements SocketIoClientApi {
  private current: ClientState = 'closed'
  private started = false
  private stopped = false
  private engine?: EngineConnection
  private nspConnected = false
  private connectTimer?: NodeJS.Timeout
  private readonly reconnector: Reconnector
  /** The endpoint without user info, and the `Authorization` header that stands for it. */
  private readonly url: string
  private readonly authorization: Record<string, string>
  private nextAckId = 0
  private readonly pendingAcks = new Map<number, PendingAck>()
  private readonly closing = new Set<Promise<void>>()
  private readonly jar = new CookieJar()
  private readonly logger: Logger
  private readonly nsp: string
  private readonly transport: Transport
  private readonly listeners: Listeners = {
    connect: new Set(),
    disconnect: new Set(),
    event: new Set(),
    state: new Set(),
    packet: new Set(),
    badPacket: new Set(),
  }

  constructor(private readonly options: SocketIoClientOptions) {
    this.logger = options.logger ?? silentLogger
    this.nsp = options.namespace ?? '/'
    this.transport = options.transport ?? 'polling'
    // Throws a TypeError now rather than on every attempt.
    const { url, authorization } = splitCredentials(options.url)
    this.url = url
    this.authorization = authorization === undefined ? {} : { Authorization: authorization }
    const backoff = options.reconnect === false ? {} : (options.reconnect ?? {})
    this.reconnector = new Reconnector(() => this.attempt(), {
      initialDelayMs: backoff.initialDelayMs,
      maxDelayMs: backoff.maxDelayMs,
    })
  }

  get state(): ClientState {
    return this.current
  }

  connect(): void {
    if (this.started || this.stopped) return
    this.started = true
    this.setState('connecting')
    this.attempt()
  }

  async close(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true
      clearTimeout(this.connectTimer)
      this.reconnector.cancel()
      const engine = this.engine
      this.engine = undefined
      const wasOpen = this.nspConnected
      this.nspConnected = false
      if (engine) {
        if (wasOpen) engine.send(encodeSocketIoMessage({ type: 'disconnect', nsp: this.nsp }))
        this.track(engine.close())
      }
      this.rejectAcks(new NotConnectedError('client closed before the ack'))
      if (wasOpen) this.fire('disconnect', 'client close')
      this.setState('closed')
    }
    await Promise.all([...this.closing])
  }

  emit(event: string, ...args: unknown[]): void {
    const engine = this.openEngine()
    if (!engine) throw new NotConnectedError()
    engine.send(encodeSocketIoMessage({ type: 'event', nsp: this.nsp, name: event, args }))
  }

  emitWithAck(event: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    const engine = this.openEngine()
    if (!engine) return Promise.reject(new NotConnectedError())
    const id = this.nextAckId++
    let text: string
    try {
      text = encodeSocketIoMessage({ type: 'event', nsp: this.nsp, id, name: event, args })
    } catch (e) {
      return Promise.reject(e as Error)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(id)
        reject(new AckTimeoutError(event, timeoutMs))
      }, timeoutMs)
      this.pendingAcks.set(id, { event, resolve, reject, timer })
      engine.send(text)
    })
  }

  on<K extends keyof ClientEvents>(name: K, listener: ClientEvents[K]): () => void {
    const set = this.listeners[name] as Set<ClientEvents[K]>
    set.add(listener)
    return () => set.delete(listener)
  }

  // ---- lifecycle --------------------------------------------------------------------------

  private attempt(): void {
    if (this.stopped) return
    let extra: ReturnType<NonNullable<SocketIoClientOptions['prepare']>>
    try {
      extra = this.options.prepare?.() ?? {}
    } catch (e) {
      this.lost(`prepare failed: ${e instanceof Error ? e.message : String(e)}`)
      return
    }
    const engine: EngineConnection = new EngineConnection(
      {
        url: this.url,
        query: { ...this.options.query, ...extra.query },
        headers: mergeHeaders(
          mergeHeaders(this.authorization, this.options.headers ?? {}),
          extra.headers ?? {},
        ),
        transport: this.transport,
        jar: this.jar,
        logger: this.logger,
        ...(this.options.onFrame !== undefined && { onFrame: this.options.onFrame }),
      },
      {
        open: () => {
          // EIO3 servers connect `/` by themselves; other namespaces are asked for.
          if (this.engine === engine && this.nsp !== '/') {
            engine.send(encodeSocketIoMessage({ type: 'connect', nsp: this.nsp }))
          }
        },
        message: (data) => {
          if (this.engine === engine) this.onMessage(engine, data)
        },
        packet: () => {
          if (this.engine === engine) this.fire('packet')
        },
        badPacket: (raw, reason) => {
          if (this.engine === engine) this.bad(raw, reason)
        },
        close: (reason) => {
          if (this.engine === engine) this.lost(reason)
        },
      },
    )
    this.engine = engine
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined
      if (this.engine === engine && !this.nspConnected) this.lost('connect timeout')
    }, timeoutMs)
    engine.start()
  }

  /** The connection is gone (or the attempt failed): tell, then reconnect unless told not to. */
  private lost(reason: string): void {
    clearTimeout(this.connectTimer)
    const engine = this.engine
    this.engine = undefined
    if (engine) this.track(engine.close())
    const wasOpen = this.nspConnected
    this.nspConnected = false
    this.rejectAcks(new NotConnectedError(`disconnected before the ack (${reason})`))
    this.logger.info({ reason, nsp: this.nsp }, 'socket.io connection lost')
    if (wasOpen) this.fire('disconnect', reason)
    if (this.stopped) return
    const reconnect = this.options.reconnect
    if (reconnect === false) {
      this.stopped = true
      this.setState('closed', reason)
      return
    }
    this.setState('reconnecting', reason)
    this.reconnector.schedule()
  }

  private onMessage(engine: EngineConnection, data: string): void {
    let packet: SocketIoPacket
    try {
      packet = decodeSocketIoPacket(data, this.options.maxDepth)
    } catch (e) {
      if (!(e instanceof PacketError)) throw e
      this.bad('4' + data, e.message)
      return
    }
    if (packet.nsp !== this.nsp) {
      this.logger.debug({ nsp: packet.nsp }, 'socket.io packet for another namespace ignored')
      return
    }
    switch (packet.type) {
      case 'connect':
        if (this.nspConnected) return
        clearTimeout(this.connectTimer)
        this.nspConnected = true
        this.reconnector.reset()
        this.setState('open')
        this.fire('connect')
        return
      case 'disconnect':
        this.lost('server disconnect')
        return
      case 'error':
        this.lost(`connect error: ${errorDetail(packet.data)}`)
        return
      case 'event': {
        // Events may precede `40` (Kwiff sends `42["response",…]` before it): deliver them.
        const id = packet.id
        const ack =
          id === undefined
            ? undefined
            : once((...args: unknown[]) => {
                if (this.engine === engine) {
                  engine.send(encodeSocketIoMessage({ type: 'ack', nsp: this.nsp, id, args }))
                }
              })
        this.fire('event', packet.name, packet.args, ack)
        return
      }
      case 'ack': {
        const pending = this.pendingAcks.get(packet.id)
        if (!pending) {
          this.logger.debug({ id: packet.id }, 'socket.io ack without a pending emit ignored')
          return
        }
        clearTimeout(pending.timer)
        this.pendingAcks.delete(packet.id)
        pending.resolve(packet.args)
        return
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private openEngine(): EngineConnection | undefined {
    return this.current === 'open' && this.nspConnected ? this.engine : undefined
  }

  private bad(raw: string, reason: string): void {
    this.logger.debug({ reason, length: raw.length }, 'malformed engine.io/socket.io packet')
    this.fire('badPacket', raw, reason)
  }

  private rejectAcks(error: Error): void {
    for (const [id, p] of this.pendingAcks) {
      clearTimeout(p.timer)
      this.pendingAcks.delete(id)
      p.reject(error)
    }
  }

  private track(p: Promise<void>): void {
    this.closing.add(p)
    void p.finally(() => this.closing.delete(p))
  }

  private setState(state: ClientState, error?: string): void {
    if (state === this.current && error === undefined) return
    this.current = state
    this.fire('state', state, error)
  }

  /** Calls every listener of `name`; a throwing listener is logged, never breaks the client. */
  private fire<K extends keyof ClientEvents>(name: K, ...args: Parameters<ClientEvents[K]>): void {
    for (const l of [...this.listeners[name]]) {
      try {
        ;(l as (...a: Parameters<ClientEvents[K]>) => void)(...args)
      } catch (e) {
        this.logger.error({ err: e, event: name }, 'socket.io client listener threw')
      }
    }
  }
}

/** `extra` over `base`, header names compared case-insensitively. */
function mergeHeaders(
  base: Record<string, string>,
  extra: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = { ...base }
  for (const [k, v] of Object.entries(extra)) {
    for (const existing of Object.keys(out)) {
      if (existing.toLowerCase() === k.toLowerCase()) delete out[existing]
    }
    out[k] = v
  }
  return out
}

/** Longest detail of a server's ERROR packet kept in the state's reason (characters). */
const ERROR_DETAIL_MAX = 200

/**
 * A short text of an ERROR packet's data for the `reconnecting` reason. The codec already
 * bounded its nesting (`MAX_PACKET_DEPTH`), so `JSON.stringify` cannot overflow here.
 */
function errorDetail(data: unknown): string {
  const text = JSON.stringify(data) ?? 'no detail'
  return text.length > ERROR_DETAIL_MAX ? `${text.slice(0, ERROR_DETAIL_MAX)}…` : text
}

function once<A extends unknown[]>(f: (...args: A) => void): (...args: A) => void {
  let done = false
  return (...args) => {
    if (done) return
    done = true
    f(...args)
  }
}
