/**
 * Where a feed's frames come from and what the user is told about it (issue 11):
 * `replay:FILE` endpoints (./replay.ts), the browser tap (./tap.ts), recording
 * (`RECORD_DIR`, feedkit's `FrameRecorder`), the feed status's `mode`, and live-mode
 * diagnostics: a feed's raw error ("fetch failed: getaddrinfo ENOTFOUND …", "handshake HTTP
 * 403", a Bet365 `111`) explained in words a user can act on, logged once per change and
 * carried by the status (hence `/healthz`, `/api/snapshot` and the dashboard).
 */
import type { FeedMode, FeedStatus, Op } from '@oddsboard/model'
import type { Feed, FrameSink, Logger, SimServer } from '@oddsboard/feedkit'
import { FrameRecorder } from '@oddsboard/feedkit'
import type { BookRun, ProxyConfig } from './config'
import { tapped } from './config'
import type { ReplaySpeed } from './replay'
import { replayFile } from './replay'

/** ms after start without any data (ops) before a connected feed is diagnosed as silent. */
export const NO_DATA_AFTER_MS = 20_000

/** Protocol line of each book's recording header. */
const RECORDING_PROTOCOL: Record<string, string> = {
  winamax:
    'engine.io v3 / socket.io frames; polling payloads marked transport=polling; t = ms since capturedAt; dir in = server->client',
  kwiff:
    'engine.io v3 / socket.io websocket frames; t = ms since capturedAt; dir in = server->client',
  bet365: 'zap websocket frames; t = ms since capturedAt; dir in = server->client',
}

/** What an HTTP status on a handshake means for the user. */
function httpReason(status: number, what: string): string {
  const head = `the ${what} was answered with HTTP ${status}`
  if (status === 403)
    return `${head}: a geo-block (the site serves only some countries) or a bot gateway in front of it refused this machine; the proxy does not get around either: run it where the site opens in a browser, or read your own browser's session with the tap (TAP_CDP_URL)`
  if (status === 401 || status === 407)
    return `${head}: credentials are wanted (user:pass@ in the *_URL for a gateway of your own)`
  if (status === 404) return `${head}: nothing at that path: check the *_URL`
  if (status === 429) return `${head}: rate limited: wait, and keep one proxy per machine`
  if (status >= 500) return `${head}: the site or a gateway in front of it failed: try again later`
  return `${head}: unexpected for this protocol: check the *_URL`
}

/**
 * A feed's raw error (`FeedStatus.error`) in words a user can act on, or undefined when
 * there is nothing to add. Pure; `source` names the book.
 *
 * - DNS: `getaddrinfo ENOTFOUND|EAI_AGAIN <host>` (Node's resolver, through `fetch` or `ws`)
 * - TCP: `connect ECONNREFUSED <addr>`, `ETIMEDOUT`, `ENETUNREACH`, `EHOSTUNREACH`, `ECONNRESET`
 * - HTTP status of the polling handshake (`handshake HTTP 403`, `poll HTTP …`, the Engine.IO
 *   client) or of a websocket upgrade (`Unexpected server response: 403`, `ws`)
 * - Bet365's handshake reply `111` (seed 001; captures MohamedRouatbi: the session is refused)
 * - Bet365's in-band errors: the `EMPTY` notice of a topic that does not exist (captures
 *   mahendrakalkura #5), an `ER` record on the session's own `S_…` topic (captures antibagr
 *   har and MohamedRouatbi, right after the handshake)
 * - no data after subscribing: Winamax's `no snapshot from upstream`, or `silentMs` given
 */
export function explainFeedError(
  source: string,
  error: string | undefined,
  silentMs?: number,
): string | undefined {
  const e = error ?? ''
  let m: RegExpExecArray | null
  if ((m = /getaddrinfo (ENOTFOUND|EAI_AGAIN|ENODATA) ?([^\s:),]*)/.exec(e)))
    return `${source}: DNS lookup of ${m[2] || 'the host'} failed (${m[1]}): no network or no DNS on this machine, or a wrong host in the URL`
  if ((m = /ECONNREFUSED ?([^\s),]*)/.exec(e)))
    return `${source}: TCP connection to ${m[1] || 'the host'} refused: nothing listens there (wrong host or port) or a firewall rejects it`
  if ((m = /(ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ECONNRESET|connect timeout)/.exec(e)))
    return `${source}: TCP connection failed (${m[1]}): the host is unreachable from this machine (no route, a firewall dropping packets, or the network is down)`
  if ((m = /(?:handshake|poll) HTTP (\d{3})/.exec(e)))
    return `${source}: ${httpReason(Number(m[1]), 'polling handshake')}`
  if ((m = /Unexpected server response: (\d{3})/.exec(e)))
    return `${source}: ${httpReason(Number(m[1]), 'websocket upgrade')}`
  if (/handshake 111/.test(e))
    return `${source}: refused the session (handshake 111): session token missing or expired: use the browser tap (TAP_CDP_URL), or set BET365_SESSION and BET365_TOKEN from your own logged-in browser session`
  if ((m = /no such topic: (\S+)/.exec(e)))
    return `${source}: the server says topic ${m[1]} does not exist (its EMPTY notice): check BET365_TOPICS`
  if ((m = /server error record( RT=\d+)? on topic S_/.exec(e)))
    return `${source}: the server sent an error record${m[1] ?? ''} on the session's own topic: the session is likely not valid for this socket: use the browser tap (TAP_CDP_URL)`
  if (/no snapshot from upstream/.test(e) || silentMs !== undefined)
    return `${source}: connected and subscribed, but no data came in ${Math.round((silentMs ?? NO_DATA_AFTER_MS) / 1000)} s: the subscription may name nothing that exists (routes/topics), or the site answers this client with nothing`
  return undefined
}

/** Options of {@link ObservedFeed}. */
interface ObserveOptions {
  mode: FeedMode
  replaySpeed?: ReplaySpeed
  /** Closed once the feed stopped. */
  recorder?: FrameRecorder
  /** Explain errors and silence ({@link explainFeedError}); off for simulators. */
  diagnose: boolean
  noDataAfterMs?: number
  logger: Logger
}

/**
 * A feed as the proxy runs it: the book's feed, its status with `mode` (and `replaySpeed`),
 * its error explained when `diagnose` is on (the raw reason kept in brackets), the diagnosis
 * logged once per change, and its recorder closed after it stops. Ops pass through as they are.
 */
export class ObservedFeed implements Feed {
  readonly source
  private readonly listeners = new Set<(s: FeedStatus) => void>()
  private silent = false
  private gotData = false
  private timer: NodeJS.Timeout | undefined
  private lastDiagnosis: string | undefined

  constructor(
    private readonly inner: Feed,
    private readonly options: ObserveOptions,
  ) {
    this.source = inner.source
    inner.onStatus((s) => this.emit(this.decorate(s)))
    inner.onOps(() => {
      if (this.gotData) return
      this.gotData = true
      if (this.silent) {
        this.silent = false
        this.emit(this.status())
      }
    })
  }

  start(): void {
    this.inner.start()
    if (!this.options.diagnose) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      // Connected (messages came) but nothing to show: say so.
      if (!this.gotData && this.inner.status().messages > 0) {
        this.silent = true
        this.emit(this.status())
      }
    }, this.options.noDataAfterMs ?? NO_DATA_AFTER_MS)
    this.timer.unref?.()
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    try {
      await this.inner.stop()
    } finally {
      this.options.recorder?.close()
    }
  }

  status(): FeedStatus {
    return this.decorate(this.inner.status())
  }

  onOps(listener: (ops: Op[]) => void): () => void {
    return this.inner.onOps(listener)
  }

  onStatus(listener: (status: FeedStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private decorate(s: FeedStatus): FeedStatus {
    const out: FeedStatus = { ...s, mode: this.options.mode }
    if (this.options.mode === 'replay' && this.options.replaySpeed !== undefined)
      out.replaySpeed = this.options.replaySpeed
    if (this.options.diagnose) {
      // Silence is only news before the first data.
      const why = explainFeedError(
        s.source,
        s.error,
        this.silent && !this.gotData ? (this.options.noDataAfterMs ?? NO_DATA_AFTER_MS) : undefined,
      )
      if (why !== undefined) out.error = s.error === undefined ? why : `${why} [${s.error}]`
      if (why !== this.lastDiagnosis) {
        this.lastDiagnosis = why
        if (why !== undefined) this.options.logger.warn({ source: s.source }, why)
      }
    }
    return out
  }

  private emit(s: FeedStatus): void {
    for (const l of [...this.listeners]) l(s)
  }
}

/** How one book's feed is to be built: its URL, extra feed options, and the wrapper. */
export interface Upstream {
  url: string
  /** A server started for it (replay, tap bridge), closed with the simulators. */
  server?: SimServer
  /** Extra options for the adapter's `createFeed` (the recorder's sink). */
  feedOptions: { frames?: FrameSink }
  /** Wraps the built feed ({@link ObservedFeed}). */
  wrap(feed: Feed): Feed
}

/**
 * Resolves where `run`'s feed connects, for `buildFeeds`: a `replay:FILE` endpoint starts a
 * replay server; `TAP_CDP_URL` taps Bet365 and Winamax (when no `*_URL` is set); otherwise
 * `fallback()` (a simulator, the live site, or the URL given). Adds the recorder when
 * `RECORD_DIR` is set, the status `mode`, and diagnostics for every mode but `sim`.
 * @throws when a replay or tap cannot start.
 */
export async function upstreamFor(
  run: BookRun,
  config: ProxyConfig,
  logger: Logger,
  fallback: () => Promise<string>,
): Promise<Upstream> {
  const target = run.target
  const explicit = typeof target === 'object' ? target.url : undefined
  const file = explicit === undefined ? undefined : replayFile(explicit)
  const recorder =
    config.recordDir === undefined
      ? undefined
      : (recordUrl: string) =>
          new FrameRecorder(
            {
              dir: config.recordDir!,
              source: run.source,
              url: recordUrl,
              protocol: RECORDING_PROTOCOL[run.source],
            },
            (err) =>
              logger.error(
                { source: run.source, err: err.message },
                'recording stopped: cannot write to RECORD_DIR',
              ),
          )
  /** The recording, once its URL is known; a tapped book records the page's own frames. */
  let recording: FrameRecorder | undefined
  let mode: FeedMode = target === 'sim' ? 'sim' : target === 'live' ? 'live' : 'url'
  let url: string
  let server: SimServer | undefined
  if (file !== undefined) {
    const { startReplay } = await import('./replay')
    const replay = await startReplay(run.source, file, config.replaySpeed ?? 1, logger)
    server = replay
    url = replay.url
    mode = 'replay'
    logger.info({ source: run.source, file, speed: config.replaySpeed ?? 1 }, 'replaying')
  } else if (tapped(run, config)) {
    const { startTap } = await import('./tap')
    // The page's own frames are what is worth recording (its real socket), not the bridge's.
    recording = recorder?.(run.adapter.liveUrl)
    const tap = await startTap(run.source, config.tapCdpUrl!, logger, recording?.sink)
    server = tap
    url = tap.url
    mode = 'tap'
  } else {
    url = await fallback()
  }
  const feedRecording = mode === 'tap' ? undefined : recorder?.(url)
  recording ??= feedRecording
  return {
    url,
    ...(server !== undefined && { server }),
    feedOptions: feedRecording === undefined ? {} : { frames: feedRecording.sink },
    wrap: (feed) =>
      new ObservedFeed(feed, {
        mode,
        ...(mode === 'replay' && { replaySpeed: config.replaySpeed ?? 1 }),
        ...(recording !== undefined && { recorder: recording }),
        diagnose: mode !== 'sim',
        logger,
      }),
  }
}
