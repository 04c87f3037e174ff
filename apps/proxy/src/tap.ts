/**
 * The browser tap (issue 11, opt-in: `TAP_CDP_URL`). It attaches to a Chromium the user
 * started with `--remote-debugging-port` (playwright-core's `connectOverCDP`) and reads the
 * page's own WebSocket frames over the Chrome DevTools Protocol (`Network.webSocketCreated`,
 * `Network.webSocketFrameReceived`, `Network.webSocketFrameSent`; for Winamax also the
 * Engine.IO polling requests and their bodies, `Network.requestWillBeSent` /
 * `Network.getResponseBody`, as its subscription and first snapshot travel over polling
 * before the websocket upgrade: captures/README "winamax/").
 *
 * The frames are served by a local bridge that speaks the book's protocol (the replay
 * servers of ./replay.ts, fed live instead of from a file), so the book's own, unchanged feed,
 * codec and normalizer read them. The tap never logs in, never solves a challenge and never
 * sends anything upstream: it only listens to what the user's own page receives.
 */
import type { Page } from 'playwright-core'
import type { Source } from '@oddsboard/model'
import type { FrameSink, Logger } from '@oddsboard/feedkit'
import { decodeEnginePacket, decodePayload, decodeSocketIoPacket } from '@oddsboard/engineio'
import type { ReplayServer } from './replay'
import { startWinamaxBridge, startZapBridge } from './replay'

/** A frame of the page's socket, as the tap saw it; `t` is ms since the tap attached. */
export interface TappedFrame {
  t: number
  dir: 'in' | 'out'
  data: string
  transport?: 'polling'
}

/** Frames kept for a feed that (re)connects to the bridge; the oldest go first beyond this. */
const MAX_KEPT_FRAMES = 100_000

/** Which of the page's sockets belong to a book (its real URLs; simulators' paths too). */
export const TAP_SOCKET_MATCH: Partial<Record<Source, RegExp>> = {
  // wss://premws-pt1.365lpodds.com/zap/?uid=… (captures antibagr har, mahendrakalkura)
  bet365: /\/zap\/?(\?|$)/,
  // wss://sports-eu-west-3.winamax.fr/uof-sports-server/socket.io/?…&EIO=3 (captures/winamax)
  winamax: /\/uof-sports-server\/socket\.io\//,
}

/**
 * A CDP WebSocket frame's text: text frames (opcode 1) as they are, binary ones (opcode 2,
 * base64 in CDP) as UTF-8, as the feeds read a `ws` Buffer; control frames: undefined.
 */
function frameText(frame: { opcode: number; payloadData: string }): string | undefined {
  if (frame.opcode === 1) return frame.payloadData
  if (frame.opcode === 2) return Buffer.from(frame.payloadData, 'base64').toString('utf8')
  return undefined
}

/** A live CDP attachment: every frame of the page's matching sockets goes to the listeners. */
interface Tap {
  onFrame(listener: (frame: TappedFrame) => void): () => void
  /** Called when the page opens a new matching socket (a reconnect or a reload). */
  onSocket(listener: () => void): () => void
  close(): Promise<void>
}

/**
 * Attaches over CDP and follows every page (present and future) of every browser context.
 * @throws when the browser cannot be reached at `cdpUrl` (10 s).
 */
async function attach(
  cdpUrl: string,
  match: RegExp,
  logger: Logger,
  frames?: FrameSink,
): Promise<Tap> {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.connectOverCDP(cdpUrl, { timeout: 10_000 })
  const start = Date.now()
  const frameListeners = new Set<(f: TappedFrame) => void>()
  const socketListeners = new Set<() => void>()
  const emit = (dir: 'in' | 'out', data: string, transport?: 'polling') => {
    frames?.(dir, data, transport)
    const f: TappedFrame = { t: Date.now() - start, dir, data, ...(transport && { transport }) }
    for (const l of [...frameListeners]) l(f)
  }
  const sessions: { detach(): Promise<void> }[] = []
  const watch = async (page: Page) => {
    const cdp = await page.context().newCDPSession(page)
    sessions.push(cdp)
    const sockets = new Set<string>()
    const polls = new Map<string, string>()
    cdp.on('Network.webSocketCreated', (e) => {
      if (!match.test(e.url)) return
      sockets.add(e.requestId)
      logger.info({ url: e.url.replace(/\?.*$/, '') }, 'tap: the page opened a book socket')
      for (const l of [...socketListeners]) l()
    })
    cdp.on('Network.webSocketClosed', (e) => sockets.delete(e.requestId))
    cdp.on('Network.webSocketFrameReceived', (e) => {
      if (sockets.has(e.requestId)) {
        const text = frameText(e.response)
        if (text !== undefined) emit('in', text)
      }
    })
    cdp.on('Network.webSocketFrameSent', (e) => {
      if (sockets.has(e.requestId)) {
        const text = frameText(e.response)
        if (text !== undefined) emit('out', text)
      }
    })
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!match.test(e.request.url) || !/[?&]transport=polling/.test(e.request.url)) return
      polls.set(e.requestId, e.request.method)
      if (e.request.method === 'POST' && typeof e.request.postData === 'string')
        emit('out', e.request.postData, 'polling')
    })
    cdp.on('Network.loadingFinished', (e) => {
      const method = polls.get(e.requestId)
      polls.delete(e.requestId)
      if (method !== 'GET') return
      cdp
        .send('Network.getResponseBody', { requestId: e.requestId })
        .then((r) =>
          emit(
            'in',
            r.base64Encoded ? Buffer.from(r.body, 'base64').toString() : r.body,
            'polling',
          ),
        )
        .catch(() => {})
    })
    await cdp.send('Network.enable')
  }
  for (const context of browser.contexts()) {
    for (const page of context.pages()) await watch(page).catch(() => {})
    context.on('page', (page) => void watch(page).catch(() => {}))
  }
  logger.info(
    { pages: browser.contexts().reduce((n, c) => n + c.pages().length, 0) },
    'tap attached',
  )
  return {
    onFrame: (l) => {
      frameListeners.add(l)
      return () => frameListeners.delete(l)
    },
    onSocket: (l) => {
      socketListeners.add(l)
      return () => socketListeners.delete(l)
    },
    close: async () => {
      frameListeners.clear()
      await Promise.allSettled(sessions.map((s) => s.detach()))
      // For a browser reached over CDP, close() only disconnects: the user's browser stays.
      await browser.close().catch(() => {})
    },
  }
}

/** Keeps the frames a feed needs on (re)connecting, and tells followers of new ones. */
class Kept<T> {
  items: T[] = []
  private readonly followers = new Set<(item: T) => void>()
  push(item: T): void {
    this.items.push(item)
    if (this.items.length > MAX_KEPT_FRAMES)
      this.items.splice(0, this.items.length - MAX_KEPT_FRAMES)
    for (const f of [...this.followers]) f(item)
  }
  follow = (listener: (item: T) => void): (() => void) => {
    this.followers.add(listener)
    return () => this.followers.delete(listener)
  }
}

/**
 * Starts the tap for `source` (Bet365 or Winamax): attaches to the browser at `cdpUrl` and
 * serves the page's frames on a local bridge; resolves with the URL the book's feed should
 * connect to. `frames` (the recorder, `RECORD_DIR`) sees the page's own frames, in and out. Closing it detaches from the browser (which stays open).
 * @throws when the book cannot be tapped or the browser cannot be reached.
 */
export async function startTap(
  source: Source,
  cdpUrl: string,
  logger: Logger,
  frames?: FrameSink,
): Promise<ReplayServer> {
  const match = TAP_SOCKET_MATCH[source]
  if (match === undefined) throw new Error(`${source} cannot be tapped (Bet365 and Winamax can)`)
  const tap = await attach(cdpUrl, match, logger, frames)
  let bridge: ReplayServer
  try {
    if (source === 'bet365') {
      const kept = new Kept<{ t: number; data: string }>()
      // A new socket of the page brings its own loads: what came before is of no use.
      tap.onSocket(() => {
        kept.items = []
      })
      tap.onFrame((f) => {
        // Handshake replies are answered fresh by the bridge; the rest is the book's data.
        // eslint-disable-next-line no-control-regex -- zap handshake replies: `100\x02<id>`
        if (f.dir === 'in' && !/^\d{3}\x02/.test(f.data)) kept.push({ t: f.t, data: f.data })
      })
      bridge = await startZapBridge({
        frames: () => kept.items,
        speed: 'max',
        follow: (l) => kept.follow((f) => l(f.data)),
        logger,
      })
    } else {
      const kept = new Kept<{ t: number; payload: Record<string, unknown> }>()
      const routes = new Map<string, string>()
      tap.onSocket(() => {
        // The websocket of an Engine.IO session comes after its polling handshake, which
        // already carried the subscription and often the snapshot: nothing is dropped here.
      })
      tap.onFrame((f) => {
        let packets: string[]
        try {
          packets = f.transport === 'polling' ? decodePayload(f.data) : [f.data]
        } catch {
          return
        }
        for (const p of packets) {
          try {
            const e = decodeEnginePacket(p)
            if (e.type !== 'message' || e.data === undefined) continue
            const s = decodeSocketIoPacket(e.data, Infinity)
            if (s.type !== 'event' || s.name !== 'm') continue
            const arg = s.args[0] as Record<string, unknown> | undefined
            if (arg === null || typeof arg !== 'object') continue
            if (f.dir === 'out') {
              if (typeof arg.route === 'string' && typeof arg.requestId === 'string')
                routes.set(arg.requestId, arg.route)
            } else {
              kept.push({ t: f.t, payload: arg })
            }
          } catch {
            // Not a Socket.IO event: nothing for the feed.
          }
        }
      })
      bridge = await startWinamaxBridge({
        pushes: () => kept.items,
        routeOf: (id) => routes.get(id),
        anyRoute: true,
        speed: 'max',
        follow: (l) => kept.follow(l),
        logger,
      })
    }
  } catch (e) {
    await tap.close()
    throw e
  }
  logger.info({ source, bridge: bridge.url }, 'tap: the feed reads the page through a local bridge')
  return {
    url: bridge.url,
    progress: bridge.progress,
    close: async () => {
      await bridge.close()
      await tap.close()
    },
  }
}
