import { WebSocket } from 'ws'
import type { RawData } from 'ws'
import type { CookieJar } from 'tough-cookie'
import type { FrameSink, Logger } from '@oddsboard/feedkit'
import { registerSecret } from '@oddsboard/feedkit'
import type { Transport } from './api'
import {
  PacketError,
  decodeEnginePacket,
  decodeHandshake,
  decodePayload,
  encodePayload,
} from './codec'
import type { EnginePacket, Handshake } from './codec'

/** What one Engine.IO connection needs: everything already merged for this attempt. */
export interface EngineOptions {
  /** Endpoint with its path and the user's own query (any scheme of http/https/ws/wss). */
  url: string
  query: Record<string, string>
  headers: Record<string, string>
  transport: Transport
  /** Cookies kept across polls, the upgrade and reconnects (e.g. a load balancer's). */
  jar: CookieJar
  logger: Logger
  /** Sees every raw frame in and out (websocket frames; polling payloads marked `polling`). */
  onFrame?: FrameSink
}

/** Callbacks of one Engine.IO connection; `close` is called at most once, never after `close()`. */
export interface EngineHandlers {
  open(handshake: Handshake): void
  /** The data of a `4` message packet (a Socket.IO packet). */
  message(data: string): void
  /** Any packet received. */
  packet(): void
  badPacket(raw: string, reason: string): void
  /** The connection failed or the server closed it; it is already torn down. */
  close(reason: string): void
}

/** How long a graceful close waits for the close packet / websocket close handshake (ms). */
const CLOSE_WAIT_MS = 1000

/**
 * One Engine.IO v3 connection (one sid): polling handshake then websocket upgrade, or
 * websocket only; client-side heartbeat. Holds its sockets and timers; `close()` releases all.
 * Protocol: shared/DESIGN.md "Upstream protocol facts"; engine.io-client v3 (`Socket.probe`,
 * `Polling.pause`, `Socket.setPing`).
 */
export class EngineConnection {
  private closed = false
  private closing?: Promise<void>
  private handshake?: Handshake
  private transport: Transport
  private readonly abort = new AbortController()
  /** The websocket carrying the session (websocket-only, or after the upgrade). */
  private ws?: WebSocket
  /** The websocket being probed during an upgrade. */
  private probe?: WebSocket
  /** `3probe` received: writes wait until the upgrade completes. */
  private upgrading = false
  private pollingPaused = false
  private onPollingIdle?: () => void
  private pollInFlight = false
  private postInFlight = false
  private writeBuffer: string[] = []
  private pingTimer?: NodeJS.Timeout
  private pongTimer?: NodeJS.Timeout
  private counter = 0

  constructor(
    private readonly opts: EngineOptions,
    private readonly handlers: EngineHandlers,
  ) {
    this.transport = opts.transport
  }

  /** Starts the handshake on the configured transport. */
  start(): void {
    if (this.transport === 'polling') void this.poll()
    else this.attachWebSocket(this.openWebSocket(), 'main')
  }

  /** Queues an encoded Engine.IO packet (e.g. `42["m",{}]`) and sends it when possible. */
  send(packet: string): void {
    if (this.closed) return
    this.writeBuffer.push(packet)
    this.flush()
  }

  /**
   * Closes for good. Graceful: queued packets and the close packet `1` are sent (polling) or
   * the websocket is closed cleanly, waiting at most a second. Resolves once nothing is left.
   */
  close(graceful = true): Promise<void> {
    if (this.closing) return this.closing
    this.closed = true
    clearTimeout(this.pingTimer)
    clearTimeout(this.pongTimer)
    this.abort.abort()
    const pending = graceful ? this.writeBuffer : []
    this.writeBuffer = []
    const waits: Promise<void>[] = []
    if (this.transport === 'polling' && this.handshake && graceful) {
      waits.push(this.postFinal([...pending, '1']))
    }
    if (this.ws) {
      const last = this.transport === 'websocket' ? pending : []
      if (this.ws.readyState === WebSocket.OPEN) for (const p of last) this.opts.onFrame?.('out', p)
      waits.push(closeWebSocket(this.ws, last))
    }
    if (this.probe) waits.push(closeWebSocket(this.probe, []))
    this.closing = Promise.all(waits).then(() => undefined)
    return this.closing
  }

  private fail(reason: string): void {
    if (this.closed) return
    this.opts.logger.debug(
      { reason, sid: sidHint(this.handshake?.sid) },
      'engine.io connection lost',
    )
    void this.close(false)
    this.handlers.close(reason)
  }

  // ---- URLs, headers, cookies -------------------------------------------------------------

  private urlFor(transport: Transport): URL {
    const url = new URL(this.opts.url)
    const secure = url.protocol === 'https:' || url.protocol === 'wss:'
    if (transport === 'polling') url.protocol = secure ? 'https:' : 'http:'
    else url.protocol = secure ? 'wss:' : 'ws:'
    for (const [k, v] of Object.entries(this.opts.query)) url.searchParams.set(k, v)
    url.searchParams.set('EIO', '3')
    url.searchParams.set('transport', transport)
    if (transport === 'polling') {
      url.searchParams.set('t', `${Date.now().toString(36)}.${(this.counter++).toString(36)}`)
      // Ask for string payloads: engine.io's EIO3 polling sends binary-framed payloads
      // unless `b64` is set (engine.io transport.js `supportsBinary = !req._query.b64`).
      url.searchParams.set('b64', '1')
    }
    if (this.handshake) url.searchParams.set('sid', this.handshake.sid)
    return url
  }

  /** The user's headers with the jar's cookies for `url` appended to any user `Cookie`. */
  private headersFor(url: URL): Record<string, string> {
    const headers: Record<string, string> = {}
    let userCookie = ''
    for (const [k, v] of Object.entries(this.opts.headers)) {
      if (k.toLowerCase() === 'cookie') userCookie = v
      else headers[k] = v
    }
    const jarCookie = this.opts.jar.getCookieStringSync(httpUrl(url))
    const cookie = mergeCookies(userCookie, jarCookie)
    if (cookie !== '') headers['Cookie'] = cookie
    return headers
  }

  private storeCookies(url: URL, setCookies: readonly string[] | undefined): void {
    for (const c of setCookies ?? []) {
      // A session cookie is a secret: never in a log line or a status text.
      registerSecret(/^[^=;]*=([^;]*)/.exec(c)?.[1], { ephemeral: true })
      try {
        this.opts.jar.setCookieSync(c, httpUrl(url), { ignoreError: true })
      } catch {
        // A cookie the jar refuses is dropped, as a browser would.
      }
    }
  }

  // ---- polling ----------------------------------------------------------------------------

  private async poll(): Promise<void> {
    if (this.closed || this.pollInFlight) return
    this.pollInFlight = true
    let body: string | null
    try {
      body = await this.request(this.handshake ? 'poll' : 'handshake')
    } finally {
      this.pollInFlight = false
    }
    if (body === null || this.closed) return
    this.onPayload(body)
    if (this.closed) return
    if (this.pollingPaused) this.checkPollingIdle()
    else if (this.transport === 'polling') void this.poll()
  }

  /**
   * One HTTP request of this session (a GET poll, or a POST of `packets`), cookies kept.
   * Resolves with the body, or null once it has failed the connection (status or transport).
   */
  private async request(
    what: 'poll' | 'handshake' | 'post',
    packets?: string[],
  ): Promise<string | null> {
    const url = this.urlFor('polling')
    const headers = this.headersFor(url)
    if (packets !== undefined) this.opts.onFrame?.('out', encodePayload(packets), 'polling')
    try {
      const res = await fetch(url, {
        ...(packets !== undefined && {
          method: 'POST',
          body: encodePayload(packets),
          headers: { ...headers, 'Content-Type': 'text/plain;charset=UTF-8' },
        }),
        ...(packets === undefined && { headers }),
        signal: this.abort.signal,
      })
      this.storeCookies(url, res.headers.getSetCookie())
      const body = await res.text()
      if (packets === undefined && res.ok) this.opts.onFrame?.('in', body, 'polling')
      if (res.ok) return body
      this.fail(`${what} HTTP ${res.status}`)
    } catch (e) {
      this.fail(`transport error: ${errorMessage(e)}`)
    }
    return null
  }

  private onPayload(body: string): void {
    let packets: string[]
    try {
      packets = decodePayload(body)
    } catch (e) {
      if (!(e instanceof PacketError)) throw e
      if (!this.handshake) this.fail(`bad handshake: ${e.message}`)
      else this.handlers.badPacket(body, e.message)
      return
    }
    for (const p of packets) {
      if (this.closed) return
      this.onPacketText(p)
    }
  }

  private async post(packets: string[]): Promise<void> {
    this.postInFlight = true
    let body: string | null
    try {
      body = await this.request('post', packets)
    } finally {
      this.postInFlight = false
    }
    if (body === null || this.closed) return
    if (this.pollingPaused) this.checkPollingIdle()
    this.flush()
  }

  /** The last POST of a graceful close (its own short deadline: the session signal is aborted). */
  private async postFinal(packets: string[]): Promise<void> {
    const url = this.urlFor('polling')
    this.opts.onFrame?.('out', encodePayload(packets), 'polling')
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: encodePayload(packets),
        headers: { ...this.headersFor(url), 'Content-Type': 'text/plain;charset=UTF-8' },
        signal: AbortSignal.timeout(CLOSE_WAIT_MS),
      })
      await res.text()
    } catch {
      // Best effort: the server times the session out anyway.
    }
  }

  /** Stops polling once the in-flight GET and POST are done (engine.io-client `Polling.pause`). */
  private pausePolling(onIdle: () => void): void {
    this.pollingPaused = true
    this.onPollingIdle = onIdle
    this.checkPollingIdle()
  }

  private checkPollingIdle(): void {
    if (this.pollInFlight || this.postInFlight || !this.onPollingIdle) return
    const f = this.onPollingIdle
    this.onPollingIdle = undefined
    f()
  }

  // ---- websocket --------------------------------------------------------------------------

  private openWebSocket(): WebSocket {
    const url = this.urlFor('websocket')
    const ws = new WebSocket(url, { headers: this.headersFor(url) })
    ws.on('upgrade', (res) => this.storeCookies(url, res.headers['set-cookie']))
    return ws
  }

  private attachWebSocket(ws: WebSocket, role: 'main' | 'probe'): void {
    if (role === 'main') this.ws = ws
    else this.probe = ws
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (this.closed) return
      if (!isBinary) this.opts.onFrame?.('in', rawText(data))
      if (ws === this.ws) {
        if (isBinary) this.handlers.badPacket('<binary frame>', 'binary frames are not supported')
        else this.onPacketText(rawText(data))
      } else if (ws === this.probe) {
        this.onProbeFrame(ws, isBinary ? '' : rawText(data))
      }
    })
    ws.on('open', () => {
      if (!this.closed && ws === this.probe) this.wsSend(ws, '2probe')
    })
    const lost = (reason: string) => {
      if (this.closed) return
      if (ws === this.ws) this.fail(reason)
      else if (ws === this.probe) this.abandonProbe(reason)
    }
    ws.on('error', (e) => lost(`transport error: ${e.message}`))
    ws.on('close', (code) => lost(`transport close (${code})`))
  }

  /** Sends one websocket frame, seen by `onFrame` first. */
  private wsSend(ws: WebSocket, text: string): void {
    this.opts.onFrame?.('out', text)
    ws.send(text)
  }

  private startUpgrade(): void {
    this.attachWebSocket(this.openWebSocket(), 'probe')
  }

  private onProbeFrame(ws: WebSocket, text: string): void {
    if (this.upgrading) return
    if (text !== '3probe') {
      this.abandonProbe(`unexpected probe answer '${text.slice(0, 20)}'`)
      return
    }
    this.upgrading = true
    this.pausePolling(() => {
      if (this.closed || ws !== this.probe) return
      this.wsSend(ws, '5')
      this.probe = undefined
      this.ws = ws
      this.transport = 'websocket'
      this.upgrading = false
      this.pollingPaused = false
      this.opts.logger.debug(
        { sid: sidHint(this.handshake?.sid) },
        'engine.io upgraded to websocket',
      )
      this.flush()
    })
  }

  /** The upgrade failed: keep polling, as engine.io-client does. */
  private abandonProbe(reason: string): void {
    const ws = this.probe
    if (!ws) return
    this.opts.logger.debug({ reason }, 'engine.io upgrade abandoned')
    this.probe = undefined
    ws.terminate()
    this.upgrading = false
    this.onPollingIdle = undefined
    if (this.pollingPaused) {
      this.pollingPaused = false
      void this.poll()
    }
    this.flush()
  }

  // ---- packets ----------------------------------------------------------------------------

  private flush(): void {
    if (this.closed || this.upgrading || this.writeBuffer.length === 0) return
    if (this.transport === 'websocket') {
      const ws = this.ws
      if (!ws || ws.readyState !== WebSocket.OPEN) return
      for (const p of this.writeBuffer) this.wsSend(ws, p)
      this.writeBuffer = []
    } else {
      if (this.postInFlight || !this.handshake || this.pollingPaused) return
      const packets = this.writeBuffer
      this.writeBuffer = []
      void this.post(packets)
    }
  }

  private onPacketText(raw: string): void {
    let packet: EnginePacket
    try {
      packet = decodeEnginePacket(raw)
    } catch (e) {
      if (!(e instanceof PacketError)) throw e
      if (!this.handshake) this.fail(`bad handshake: ${e.message}`)
      else this.handlers.badPacket(raw, e.message)
      return
    }
    this.handlers.packet()
    if (this.closed) return
    if (!this.handshake) {
      this.onOpenPacket(packet)
      return
    }
    switch (packet.type) {
      case 'open':
        this.handlers.badPacket(raw, 'second open packet')
        break
      case 'close':
        this.fail('server close')
        break
      case 'ping':
        this.send('3' + (packet.data ?? ''))
        break
      case 'pong':
        if (packet.data === undefined) this.onPong()
        break
      case 'message':
        this.handlers.message(packet.data ?? '')
        break
      case 'upgrade':
      case 'noop':
        break
    }
  }

  private onOpenPacket(packet: EnginePacket): void {
    if (packet.type !== 'open') {
      this.fail(`bad handshake: expected an open packet, got '${packet.type}'`)
      return
    }
    try {
      this.handshake = decodeHandshake(packet.data ?? '')
      registerSecret(this.handshake.sid, { ephemeral: true })
    } catch (e) {
      this.fail(`bad handshake: ${errorMessage(e)}`)
      return
    }
    this.opts.logger.debug(
      { sid: sidHint(this.handshake.sid), transport: this.transport },
      'engine.io open',
    )
    this.schedulePing()
    this.handlers.open(this.handshake)
    if (this.closed) return
    if (this.transport === 'polling' && this.handshake.upgrades.includes('websocket')) {
      this.startUpgrade()
    }
    this.flush()
  }

  /** EIO3: the client pings every `pingInterval` and wants a pong within `pingTimeout`. */
  private schedulePing(): void {
    const h = this.handshake
    if (!h) return
    clearTimeout(this.pingTimer)
    this.pingTimer = setTimeout(() => {
      this.send('2')
      clearTimeout(this.pongTimer)
      this.pongTimer = setTimeout(() => this.fail('ping timeout'), h.pingTimeout)
    }, h.pingInterval)
  }

  private onPong(): void {
    clearTimeout(this.pongTimer)
    this.pongTimer = undefined
    this.schedulePing()
  }
}

function closeWebSocket(ws: WebSocket, pending: string[]): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) {
      resolve()
      return
    }
    const timer = setTimeout(() => ws.terminate(), CLOSE_WAIT_MS)
    ws.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    if (ws.readyState === WebSocket.OPEN) {
      for (const p of pending) ws.send(p)
      ws.close(1000)
    } else if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate()
    }
  })
}

/**
 * The first characters of an Engine.IO sid, for logs: enough to tell sessions apart, not
 * enough to act on one (the sid authorizes polls and posts of a live session, so it is a
 * secret under shared/DESIGN.md "Security stance").
 */
function sidHint(sid: string | undefined): string | undefined {
  return sid === undefined ? undefined : `${sid.slice(0, 4)}…`
}

/** The http(s) form of a URL, for the cookie jar (cookies are shared by polling and ws). */
function httpUrl(url: URL): string {
  const u = new URL(url)
  if (u.protocol === 'ws:') u.protocol = 'http:'
  else if (u.protocol === 'wss:') u.protocol = 'https:'
  return u.toString()
}

/** `user` first, then the jar's cookies whose names the user did not give. */
export function mergeCookies(user: string, jar: string): string {
  if (user === '') return jar
  if (jar === '') return user
  const names = new Set(user.split(';').map((c) => c.split('=')[0]!.trim()))
  const extra = jar.split('; ').filter((c) => !names.has(c.split('=')[0]!.trim()))
  return [user, ...extra].join('; ')
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause
    return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message
  }
  return String(e)
}
