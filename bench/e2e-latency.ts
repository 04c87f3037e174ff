/**
 * End-to-end latency (issue 12, item 6): from an upstream frame leaving a simulator to the
 * changed price painted in Chromium, p50/p95 over a few hundred price changes, split into
 * the proxy, the network and the browser. Target: upstream frame → paint p95 ≤ 50 ms while
 * 1,000 price changes/s stream through the same path.
 *
 * Layout (three kinds of process, as in production):
 * - the proxy runs in a child process exactly as `npm start` builds it (default config: every
 *   book's simulator in the proxy process, one shared world, hub, relay, HTTP app serving
 *   apps/web/dist), plus ONE more Bet365 feed built by the real adapter
 *   (`bet365Adapter.createFeed`) pointed at this bench's own upstream;
 * - this process is that upstream: a zap server speaking Bet365's real wire format (the
 *   package's codec: handshake `100`, subprotocol `zap-protocol-v1`, an `OVInPlay_1_3` load,
 *   `U` deltas, `__time` heartbeats). It serves 4 marked football matches (pinned in the page,
 *   so they sit on top of the Live view) and 200 load matches (the first 12 pinned below them,
 *   so the load moves prices on screen too), writes the marked price changes
 *   (one every 50 ms, rotating over the 4 home prices, each a price never shown before:
 *   `OD=(100+n)/100` reads `2.01`, `2.02`…) and, in the loaded run, a paced load of 1,000
 *   price changes/s on the load matches (10 changes per frame every 10 ms, bounded in time);
 * - Chromium (Debian's /usr/bin/chromium via Playwright) opens the proxy's page.
 *
 * Timestamps, all `performance.timeOrigin + performance.now()` (epoch ms, sub-ms):
 * t0 upstream frame handed to `ws.send` (here); t1 frame received by the Bet365 feed (its
 * `frames` sink, the recording hook of issue 11, called before the frame is decoded; in the
 * proxy process); t2 the delta carrying the change handed to the relay's clients (a
 * `hub.onDelta` listener registered after the relay's, so it runs once the relay's broadcast
 * loop has written the frame); t3 the page's `message` event (a listener added first by a
 * WebSocket subclass installed with `page.addInitScript`, before the app's `onmessage`);
 * (t0→t1 is the upstream socket plus the proxy's event-loop wait before it reads the frame:
 * under load it is mostly proxy time; t2 is taken just after the write, so t2→t3 can read a
 * fraction of a ms below zero.)
 * t4 the new text in the DOM (a MutationObserver on the document, installed by the same init
 * script, reading the odds cell `[data-selection]`); t5 painted: the first
 * `requestAnimationFrame` after the mutation, then a MessageChannel task posted from it. The
 * rAF callback runs at the start of the rendering step that will draw the mutation (before
 * style, layout and paint); the task posted from it runs after that rendering step has
 * finished on the main thread (the same "after next paint" idiom the web-vitals library
 * uses), so t5 is an upper bound of the main-thread paint and the rAF time a lower bound.
 * MessageChannel rather than `setTimeout(0)`, which browsers may clamp. None of these hooks
 * is on the production path: the feed, hub, relay and app code are the shipped ones.
 *
 * One clock: everything runs on this machine, so the page's and each Node process's
 * `timeOrigin + now()` read the same system clock. Checked each run by round trips
 * (page ↔ this process over a bare WebSocket, proxy process ↔ this process over IPC): the
 * midpoint offset and the round trip are printed; the assumption holds when |offset| is
 * well under the stages measured.
 *
 * References in the same run and the same page: a bare `ws` server in this process sends a
 * small timestamped message every 50 ms (between the marked changes) to a second socket of
 * the page, whose handler sets the text of a fixed element; its send → message is the
 * machine's floor for the network stage, its message → paint the floor for the browser stage
 * (same page, same main thread, same load).
 *
 * Run: `npm run build && npx tsx bench/e2e-latency.ts` (env: MARKS=300 marked changes per
 * run, LOAD_RATE=1000 changes/s, E2E_PROFILE=dir to write a CPU profile of the proxy
 * process, a Chromium trace and a CPU profile of the page during the loaded run there, E2E_SCREENSHOT=file.png to look at
 * the page under load, E2E_CSS to try a style override without rebuilding, WEB_DIST for
 * another build of the app).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  bet365Adapter,
  decodeClientFrame,
  encodeFrame,
  encodeHandshakeReply,
  formatZapTime,
  TIME_TOPIC,
  type ZapMessage,
  type ZapRecord,
} from '@oddsboard/bet365'
import { silentLogger } from '@oddsboard/feedkit'

const now = () => performance.timeOrigin + performance.now()

const MARKS = Number(process.env.MARKS ?? 300)
const LOAD_RATE = Number(process.env.LOAD_RATE ?? 1000)
const MARK_EVERY_MS = 50
const WARMUP_MS = 2000
const MARKED_EVENTS = 4
/** Load matches pinned under the marked ones, so the loaded run's changes are on screen too. */
const PINNED_LOAD_EVENTS = 12
const LOAD_EVENTS = 200
const TOPIC = 'OVInPlay_1_3'
/** Selection ids of the marked (home) prices all start with this: `bet365:pa992…`. */
const MARK_ID = 'bet365:pa992'
/** The marked selections' `IT`s start with this (the load's with `E2ELPA`). */
const MARK_IT = 'E2EMPA'
const root = path.resolve(import.meta.dirname, '..')
const webDist = process.env.WEB_DIST ?? path.join(root, 'apps', 'web', 'dist')

// ---- the upstream: a zap server with the bench's own matches ----

/** Marked event i: `bet365:ev99100000i`; its home selection `bet365:pa992000i0`. */
const markedEventId = (i: number) => `bet365:ev${99100000 + i}`
const loadEventId = (i: number) => `bet365:ev${99500000 + i}`

function matchRecords(
  kind: 'M' | 'L',
  i: number,
  names: [string, string],
  competition: string,
): ZapRecord[] {
  const fixture = String((kind === 'M' ? 99100000 : 99500000) + i)
  const paId = (o: number) =>
    kind === 'M' && o === 0
      ? `992${String(i).padStart(4, '0')}0`
      : `99${kind === 'M' ? 3 : 4}${String(i).padStart(4, '0')}${o}`
  return [
    {
      type: 'EV',
      fields: {
        IT: `E2E${kind}EV${i}_1_3`,
        ID: `${fixture}C1A_1_3`,
        NA: `${names[0]} v ${names[1]}`,
        OI: fixture,
        FI: fixture,
        CL: '1',
        CT: competition,
        FS: '1',
        SS: '0-0',
        TM: '10',
        TS: '0',
        TT: '0',
        ML: '90',
      },
    },
    {
      type: 'MA',
      fields: {
        IT: `E2E${kind}MA${i}_1_3`,
        FI: fixture,
        ID: '1777',
        MA: '1777',
        NA: 'Fulltime Result',
        OR: '0',
        SU: '0',
      },
    },
    ...[0, 1, 2].map((o): ZapRecord => ({
      type: 'PA',
      fields: {
        IT: `E2E${kind}PA${i}-${o}_1_3`,
        FI: fixture,
        ID: paId(o),
        NA: o === 1 ? 'Draw' : names[o === 0 ? 0 : 1],
        OD: ['1/1', '5/2', '3/1'][o]!,
        OR: String(o),
        SU: '0',
      },
    })),
  ]
}

function inPlayLoad(): ZapRecord[] {
  const out: ZapRecord[] = [
    { type: 'CL', fields: { ID: '1', IT: 'CL_1_1_3', NA: 'Soccer', OR: '0' } },
  ]
  for (let i = 0; i < MARKED_EVENTS; i++)
    out.push(...matchRecords('M', i, [`Bench Home ${i}`, `Bench Away ${i}`], 'Bench Cup'))
  for (let i = 0; i < LOAD_EVENTS; i++)
    out.push(...matchRecords('L', i, [`Load Home ${i}`, `Load Away ${i}`], 'Load League'))
  return out
}

const update = (topic: string, fields: Record<string, string>): ZapMessage => ({
  kind: 'delta',
  topic,
  op: 'U',
  records: [{ type: '', fields }],
})

/** The bench's upstream: accepts the Bet365 feed, serves the load, writes what it is told. */
class Upstream {
  readonly wss: WebSocketServer
  private subscribed = new Set<WebSocket>()
  private heartbeat: NodeJS.Timeout | null = null

  constructor() {
    this.wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: false,
      handleProtocols: (protocols) =>
        protocols.has('zap-protocol-v1') ? 'zap-protocol-v1' : false,
    })
    let connections = 0
    this.wss.on('connection', (ws) => {
      const id = `I1PIP${++connections}-e2ebench`
      ws.on('message', (data) => {
        let frame
        try {
          frame = decodeClientFrame(String(data))
        } catch {
          return
        }
        if (frame.kind === 'handshake') {
          ws.send(encodeHandshakeReply('100', id))
          ws.send(encodeFrame([{ kind: 'load', topic: TIME_TOPIC, op: 'F', records: [time()] }]))
        }
        if (frame.topics.includes(TOPIC)) {
          this.subscribed.add(ws)
          ws.send(encodeFrame([{ kind: 'load', topic: TOPIC, op: 'F', records: inPlayLoad() }]))
        }
      })
      ws.on('close', () => this.subscribed.delete(ws))
      ws.on('error', () => ws.terminate())
    })
    const time = (): ZapRecord => ({
      type: 'IN',
      fields: { TI: formatZapTime(Date.now()), UF: '55' },
    })
    this.heartbeat = setInterval(
      () => this.write(encodeFrame([update(TIME_TOPIC, time().fields)])),
      1000,
    )
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/zap/`
  }

  get ready(): boolean {
    return this.subscribed.size > 0
  }

  /** Writes one frame to every subscribed feed; returns the time it was handed to `ws.send`. */
  write(frame: string): number {
    const t = now()
    for (const ws of this.subscribed) ws.send(frame)
    return t
  }

  async close(): Promise<void> {
    if (this.heartbeat !== null) clearInterval(this.heartbeat)
    for (const ws of this.wss.clients) ws.terminate()
    await new Promise((r) => this.wss.close(r))
  }
}

/** One marked price change: n is its unique numerator (`OD=n/100`, decimal 1 + n/100). */
interface Mark {
  n: number
  selection: string
  t0: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Writes 1,000 (LOAD_RATE) price changes/s on the load matches until `stop()`: every ~10 ms
 * the changes due since the start, in one frame (a sweep over the 600 load prices, each
 * sweep moving every price to a new value). Returns the count written.
 */
function startLoad(up: Upstream, rate: number): { stop: () => Promise<number> } {
  let written = 0
  let running = true
  const start = now()
  const prices = LOAD_EVENTS * 3
  const done = (async () => {
    while (running) {
      const due = Math.floor(((now() - start) / 1000) * rate)
      if (due > written) {
        const messages: ZapMessage[] = []
        for (; written < due; written++) {
          const j = written % prices
          const sweep = Math.floor(written / prices)
          const i = Math.floor(j / 3)
          messages.push(update(`E2ELPA${i}-${j % 3}_1_3`, { OD: `${11 + ((sweep + j) % 40)}/10` }))
        }
        up.write(encodeFrame(messages))
      }
      await sleep(10)
    }
    return written
  })()
  return {
    stop: async () => {
      running = false
      return done
    },
  }
}

// ---- the proxy process ----

interface ProxyReport {
  /** [t1, numerator] per marked frame received by the feed. */
  received: [number, number][]
  /** [t, numerators] per batch of ops carrying marked changes, handed by the feed to the hub. */
  pushed: [number, number[]][]
  /** [t2, numerators] per delta carrying marked changes, handed to the relay's clients. */
  relayed: [number, number[]][]
  /** The proxy's event-loop delay since the previous report, ms (perf_hooks, 1 ms resolution). */
  loopDelay: { p50: number; p99: number; max: number }
  /** The proxy process's CPU time so far (user + system), ms. */
  cpuMs: number
  opsApplied: number
  deltas: number
  clients: number
}

/** Numerators of the marked prices in a relay message (`"odds":2.23` → 123), in order. */
function markedIn(text: string): number[] {
  const out: number[] = []
  for (let i = text.indexOf(MARK_ID); i >= 0; i = text.indexOf(MARK_ID, i + MARK_ID.length)) {
    const start = text.lastIndexOf('{', i)
    const end = text.indexOf('}', i)
    const m = /"odds":([\d.]+)/.exec(text.slice(start, end))
    if (m !== null) out.push(Math.round((Number(m[1]) - 1) * 100))
  }
  return out
}

async function runProxyProcess(): Promise<void> {
  // The modules themselves, not the package index: the proxy process loads only what it runs.
  const { loadConfig } = await import('../apps/proxy/src/config')
  const { startProxy } = await import('../apps/proxy/src/server')
  const { buildFeeds } = await import('../apps/proxy/src/feeds')
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oddsboard-e2e-'))
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    WEB_DIST: webDist,
  })
  const report: ProxyReport = {
    received: [],
    pushed: [],
    relayed: [],
    loopDelay: { p50: 0, p99: 0, max: 0 },
    cpuMs: 0,
    opsApplied: 0,
    deltas: 0,
    clients: 0,
  }
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const set = await buildFeeds(config, silentLogger)
  const benchFeed = bet365Adapter.createFeed({
    url: process.env.E2E_UPSTREAM!,
    logger: silentLogger,
    config: { topics: [TOPIC] },
    frames: (dir, data) => {
      if (dir !== 'in' || !data.includes(MARK_IT)) return
      const t = now()
      const m = /OD=(\d+)\/100/.exec(data)
      if (m !== null) report.received.push([t, Number(m[1])])
    },
  })
  const proxy = await startProxy(config, silentLogger, { feeds: [...set.feeds, benchFeed] })
  // The feed's ops reach the hub here (the feed calls hub.push once per frame it decoded).
  const push = proxy.hub.push.bind(proxy.hub)
  proxy.hub.push = (ops, source) => {
    const t = now()
    let marked: number[] | null = null
    for (const op of ops as { entity?: { id?: unknown }; id?: unknown }[]) {
      const id = op.entity?.id ?? op.id
      if (typeof id === 'string' && id.startsWith(MARK_ID))
        (marked ??= []).push(...markedIn(JSON.stringify(op)))
    }
    if (marked !== null) report.pushed.push([t, marked])
    push(ops, source)
  }
  // Registered after the relay's listener: runs once the relay has written the delta.
  proxy.hub.onDelta((d) => {
    if (d.payload.indexOf(MARK_ID) < 0) return
    const t = now()
    report.relayed.push([t, markedIn(d.payload.toString('utf8'))])
  })
  process.on('message', (m: { type: string; t?: number }) => {
    if (m.type === 'clock') process.send!({ type: 'clock', t: now() })
    else if (m.type === 'report') {
      report.opsApplied = proxy.hub.counters.opsApplied
      report.deltas = proxy.hub.counters.deltas
      report.clients = proxy.relay.clients
      const cpu = process.cpuUsage()
      report.cpuMs = (cpu.user + cpu.system) / 1000
      report.loopDelay = {
        p50: loop.percentile(50) / 1e6,
        p99: loop.percentile(99) / 1e6,
        max: loop.max / 1e6,
      }
      loop.reset()
      process.send!({ type: 'report', report })
    } else if (m.type === 'stop') {
      void (async () => {
        await proxy.close()
        await set.close()
        rmSync(dataDir, { recursive: true, force: true })
        process.send!({ type: 'stopped' })
        process.exit(0)
      })()
    }
  })
  process.send!({ type: 'ready', url: proxy.url })
}

function request<T>(child: ChildProcess, message: object, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== reply) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(m as T)
    }
    const onExit = (code: number) => reject(new Error(`proxy process exited with ${code}`))
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.send(message)
  })
}

// ---- the page ----

/**
 * Installed before the app's scripts (page.addInitScript; plain text so no loader helper
 * ends up in the page): pins the marked matches, adds a first `message` listener to every
 * `/ws` socket, and watches the DOM for the marked odds cells' text.
 */
const INIT = `(() => {
  const MARK = ${JSON.stringify(MARK_ID)}
  const now = () => performance.timeOrigin + performance.now()
  const probe = { messages: [], paints: [], bare: [], pongs: [], last: new Map() }
  window.__e2e = probe
  try { localStorage.setItem('oddsboard.pins', ${JSON.stringify(
    JSON.stringify([
      ...Array.from({ length: MARKED_EVENTS }, (_, i) => markedEventId(i)),
      ...Array.from({ length: PINNED_LOAD_EVENTS }, (_, i) => loadEventId(i)),
    ]),
  )}) } catch (e) {}
  const Native = window.WebSocket
  class ProbeSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols)
      if (new URL(String(url), location.href).pathname === '/ws')
        this.addEventListener('message', (ev) => {
          const t = now()
          if (typeof ev.data === 'string' && ev.data.indexOf(MARK) >= 0) probe.messages.push([t, ev.data])
        })
    }
  }
  window.WebSocket = ProbeSocket
  // Paint: the first animation frame after the mutation, then a task posted from it.
  const channel = new MessageChannel()
  let painting = []
  channel.port1.onmessage = () => {
    const t = now()
    for (const e of painting) e[4] = t
    painting = []
  }
  let frame = null
  probe.afterPaint = (entry) => {
    if (frame === null) {
      frame = []
      requestAnimationFrame(() => {
        const t = now()
        for (const e of frame) { e[3] = t; painting.push(e) }
        frame = null
        channel.port2.postMessage(0)
      })
    }
    frame.push(entry)
  }
  const seen = (cell, t) => {
    const sel = cell.getAttribute('data-selection')
    if (sel === null || sel.indexOf(MARK) !== 0) return
    const v = cell.querySelector('.odds-value')
    const text = v === null ? '' : v.textContent
    if (probe.last.get(sel) === text) return
    probe.last.set(sel, text)
    const e = [sel, text, t, 0, 0]
    probe.paints.push(e)
    probe.afterPaint(e)
  }
  new MutationObserver((records) => {
    const t = now()
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement
      if (el === null) continue
      const cell = el.closest('[data-selection]')
      if (cell !== null) { seen(cell, t); continue }
      if (r.type === 'childList')
        for (const n of r.addedNodes)
          if (n.nodeType === 1) for (const c of n.querySelectorAll('[data-selection]')) seen(c, t)
    }
  }).observe(document, { subtree: true, childList: true, characterData: true })
})()`

/** Opens the reference socket to the bare server and paints each of its messages. */
const BARE = `(url) => new Promise((resolve) => {
  const probe = window.__e2e
  const now = () => performance.timeOrigin + performance.now()
  const div = document.createElement('div')
  div.setAttribute('style', 'position:fixed;right:4px;bottom:4px;z-index:99;font:12px monospace;background:#fff;color:#000')
  document.body.appendChild(div)
  const ws = new WebSocket(url)
  ws.onmessage = (ev) => {
    const t = now()
    const m = JSON.parse(ev.data)
    if (m.ping !== undefined) { ws.send(JSON.stringify({ ping: m.ping, page: t })); return }
    div.textContent = 'bare ' + m.k
    const e = ['bare', m.k, t, 0, 0, m.t]
    probe.bare.push(e)
    probe.afterPaint(e)
  }
  ws.onopen = () => resolve(true)
})`

interface PageReport {
  messages: [number, string][]
  paints: [string, string, number, number, number][]
  bare: [string, number, number, number, number, number][]
}

// ---- statistics ----

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const s = Float64Array.from(values).sort()
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / (v.length || 1)

interface RunResult {
  name: string
  marks: number
  complete: number
  stages: Record<string, number[]>
  bareNetwork: number[]
  barePaint: number[]
  loadRate: number
  loopDelay: ProxyReport['loopDelay']
  /** Proxy process CPU, ms per second of the marked window. */
  proxyCpu: number
  /** The page's main thread (CDP Performance.getMetrics), ms per second: tasks, script, style, layout. */
  page: Record<string, number>
  opsPerSec: number
  deltasPerSec: number
}

const STAGES = [
  'upstream socket (t0→t1)',
  'proxy (t1→t2)',
  '  feed decode (t1→hub)',
  '  hub + relay (hub→t2)',
  'network (t2→t3)',
  'browser (t3→t5)',
  '  message → DOM (t3→t4)',
  '  DOM → painted (t4→t5)',
  'total (t0→t5)',
] as const

function analyse(
  name: string,
  marks: Mark[],
  proxy: ProxyReport,
  page: PageReport,
  bareSent: Map<number, number>,
  loadRate: number,
  seconds: number,
  before: ProxyReport,
  mid: ProxyReport,
  pageBusy: Record<string, number>,
): RunResult {
  const t1 = new Map<number, number>()
  for (const [t, n] of proxy.received) if (!t1.has(n)) t1.set(n, t)
  const tHub = new Map<number, number>()
  for (const [t, ns] of proxy.pushed) for (const n of ns) if (!tHub.has(n)) tHub.set(n, t)
  const t2 = new Map<number, number>()
  for (const [t, ns] of proxy.relayed) for (const n of ns) if (!t2.has(n)) t2.set(n, t)
  const t3 = new Map<number, number>()
  for (const [t, text] of page.messages)
    for (const n of markedIn(text)) if (!t3.has(n)) t3.set(n, t)
  const t45 = new Map<number, [number, number]>()
  for (const [, text, tMut, , tPaint] of page.paints) {
    const n = Math.round((Number(text) - 1) * 100)
    if (tPaint > 0 && !t45.has(n)) t45.set(n, [tMut, tPaint])
  }
  const stages: Record<string, number[]> = Object.fromEntries(STAGES.map((s) => [s, []]))
  let complete = 0
  for (const m of marks) {
    const a = t1.get(m.n)
    const h = tHub.get(m.n)
    const b = t2.get(m.n)
    const c = t3.get(m.n)
    const d = t45.get(m.n)
    if (a === undefined || h === undefined || b === undefined || c === undefined || d === undefined)
      continue
    complete++
    const add = (stage: (typeof STAGES)[number], ms: number) => stages[stage]!.push(ms)
    add('upstream socket (t0→t1)', a - m.t0)
    add('proxy (t1→t2)', b - a)
    add('  feed decode (t1→hub)', h - a)
    add('  hub + relay (hub→t2)', b - h)
    add('network (t2→t3)', c - b)
    add('browser (t3→t5)', d[1] - c)
    add('  message → DOM (t3→t4)', d[0] - c)
    add('  DOM → painted (t4→t5)', d[1] - d[0])
    add('total (t0→t5)', d[1] - m.t0)
  }
  const bareNetwork: number[] = []
  const barePaint: number[] = []
  for (const [, k, tMsg, , tPaint] of page.bare) {
    const sent = bareSent.get(k)
    if (sent === undefined || tPaint === 0) continue
    bareNetwork.push(tMsg - sent)
    barePaint.push(tPaint - tMsg)
  }
  return {
    name,
    marks: marks.length,
    complete,
    stages,
    bareNetwork,
    barePaint,
    loadRate,
    loopDelay: mid.loopDelay,
    proxyCpu: (mid.cpuMs - before.cpuMs) / seconds,
    page: pageBusy,
    opsPerSec: (mid.opsApplied - before.opsApplied) / seconds,
    deltasPerSec: (mid.deltas - before.deltas) / seconds,
  }
}

function print(results: RunResult[]): void {
  const w = 26
  const col = 24
  console.log(''.padEnd(w) + results.map((r) => r.name.padStart(col)).join(''))
  const line = (label: string, f: (r: RunResult) => string) =>
    console.log(label.padEnd(w) + results.map((r) => f(r).padStart(col)).join(''))
  line('marked changes painted', (r) => `${r.complete}/${r.marks}`)
  line('load written (changes/s)', (r) => r.loadRate.toFixed(0))
  line('hub ops applied/s (all)', (r) => r.opsPerSec.toFixed(0))
  line('relay deltas/s', (r) => r.deltasPerSec.toFixed(0))
  line('proxy CPU (ms per s)', (r) => r.proxyCpu.toFixed(0))
  line('page main thread (ms per s)', (r) =>
    ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration']
      .map((k) => (r.page[k] ?? NaN).toFixed(0))
      .join('/'),
  )
  line(
    'proxy loop delay p99/max',
    (r) => `${r.loopDelay.p99.toFixed(1)} / ${r.loopDelay.max.toFixed(1)} ms`,
  )
  console.log(`${''.padEnd(w)}${results.map(() => 'p50 / p95 ms (share)'.padStart(col)).join('')}`)
  for (const s of STAGES) {
    line(s, (r) => {
      const v = r.stages[s]!
      const total = mean(r.stages['total (t0→t5)']!)
      const share =
        s.startsWith('total') || s.startsWith('  ')
          ? ''
          : ` (${((100 * mean(v)) / total).toFixed(0)}%)`
      return `${percentile(v, 50).toFixed(1)} / ${percentile(v, 95).toFixed(1)}${share}`
    })
  }
  line(
    'reference: bare ws send→message',
    (r) =>
      `${percentile(r.bareNetwork, 50).toFixed(1)} / ${percentile(r.bareNetwork, 95).toFixed(1)}`,
  )
  line(
    'reference: bare message→paint',
    (r) => `${percentile(r.barePaint, 50).toFixed(1)} / ${percentile(r.barePaint, 95).toFixed(1)}`,
  )
}

// ---- main ----

async function main(): Promise<void> {
  if (!existsSync(path.join(webDist, 'index.html'))) {
    console.error('apps/web/dist is missing: run `npm run build -w @oddsboard/web` first')
    process.exit(1)
  }
  const profileDir = process.env.E2E_PROFILE
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true })
  const up = new Upstream()
  await once(up.wss, 'listening')

  const bare = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  await once(bare, 'listening')
  let barePage: WebSocket | null = null
  const pongs: { sent: number; page: number; back: number }[] = []
  bare.on('connection', (ws) => {
    barePage = ws
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { ping: number; page: number }
      pongs.push({ sent: m.ping, page: m.page, back: now() })
    })
  })

  const child = fork(fileURLToPath(import.meta.url), ['--proxy'], {
    stdio: 'inherit',
    env: { ...process.env, E2E_UPSTREAM: up.url },
    execArgv: [
      ...process.execArgv,
      ...(profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
  })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
  try {
    const { url } = await new Promise<{ url: string }>((resolve, reject) => {
      child.once('message', (m: { type: string; url: string }) =>
        m.type === 'ready' ? resolve(m) : reject(new Error(`unexpected ${m.type}`)),
      )
      child.once('exit', (code) => reject(new Error(`proxy process exited with ${code}`)))
    })
    for (let i = 0; i < 100 && !up.ready; i++) await sleep(100)
    if (!up.ready) throw new Error('the bench feed never subscribed to the upstream')

    // bypassCSP: the app's CSP (connect-src 'self') would refuse the reference socket to the
    // bare server's port and the probes' evaluation; it plays no part in the latency.
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true })
    await page.addInitScript(INIT)
    await page.goto(`${url}/?view=live`)
    await page.waitForFunction(
      `document.querySelectorAll('[data-selection^="${MARK_ID}"]').length >= ${MARKED_EVENTS}`,
      undefined,
      { timeout: 60_000 },
    )
    // The renderer's main-thread time (seconds, cumulative), read before and after each run.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    const pageMetrics = async (): Promise<Record<string, number>> => {
      const { metrics } = await cdp.send('Performance.getMetrics')
      return Object.fromEntries(
        metrics
          .filter((m) => /^(Task|Script|RecalcStyle|Layout)Duration$/.test(m.name))
          .map((m) => [m.name, m.value]),
      )
    }
    if (process.env.E2E_CSS) await page.addStyleTag({ content: process.env.E2E_CSS })
    await page.evaluate(
      `(${BARE})(${JSON.stringify(`ws://127.0.0.1:${(bare.address() as AddressInfo).port}/bare`)})`,
    )

    // One clock: round trips page ↔ here and proxy process ↔ here.
    for (let i = 0; i < 20; i++) {
      barePage!.send(JSON.stringify({ ping: now() }))
      await sleep(20)
    }
    const childClock: { sent: number; child: number; back: number }[] = []
    for (let i = 0; i < 20; i++) {
      const sent = now()
      const { t } = await request<{ t: number }>(child, { type: 'clock' }, 'clock')
      childClock.push({ sent, child: t, back: now() })
    }
    const best = <T extends { sent: number; back: number }>(xs: T[]) =>
      xs.reduce((a, b) => (b.back - b.sent < a.back - a.sent ? b : a))
    const bp = best(pongs)
    const bc = best(childClock)
    console.log(
      `e2e latency: ${MARKS} marked price changes per run (one every ${MARK_EVERY_MS} ms over ${MARKED_EVENTS} pinned matches), ` +
        `${LOAD_EVENTS} load matches (${PINNED_LOAD_EVENTS} pinned below them); Chromium ${browser.version()}, viewport 1440×900, Live view`,
    )
    console.log(
      `one clock (timeOrigin + now() in each process; best of 20 round trips): page − bench ` +
        `${(bp.page - (bp.sent + bp.back) / 2).toFixed(2)} ms ± ${((bp.back - bp.sent) / 2).toFixed(2)}, ` +
        `proxy − bench ${(bc.child - (bc.sent + bc.back) / 2).toFixed(2)} ms ± ${((bc.back - bc.sent) / 2).toFixed(2)}`,
    )

    const marks: Mark[] = []
    let nextN = 101
    let bareK = 0
    const bareSent = new Map<number, number>()
    const run = async (name: string, loadRate: number): Promise<RunResult> => {
      const load = loadRate > 0 ? startLoad(up, loadRate) : null
      await sleep(WARMUP_MS)
      const before = (await request<{ report: ProxyReport }>(child, { type: 'report' }, 'report'))
        .report
      const metrics0 = await pageMetrics()
      const mine: Mark[] = []
      const start = now()
      for (let k = 0; k < MARKS; k++) {
        const due = start + k * MARK_EVERY_MS
        while (now() < due) await sleep(Math.max(0, Math.min(5, due - now())))
        const i = k % MARKED_EVENTS
        const n = nextN++
        const frame = encodeFrame([update(`${MARK_IT}${i}-0_1_3`, { OD: `${n}/100` })])
        const mark: Mark = { n, selection: `${MARK_ID}${String(i).padStart(4, '0')}0`, t0: 0 }
        mark.t0 = up.write(frame)
        mine.push(mark)
        await sleep(MARK_EVERY_MS / 2)
        const k2 = ++bareK
        const t = now()
        bareSent.set(k2, t)
        barePage!.send(JSON.stringify({ k: k2, t }))
      }
      const seconds = (now() - start) / 1000
      if (process.env.E2E_SCREENSHOT && loadRate > 0)
        await page.screenshot({ path: process.env.E2E_SCREENSHOT })
      const mid = (await request<{ report: ProxyReport }>(child, { type: 'report' }, 'report'))
        .report
      const metrics1 = await pageMetrics()
      const pageBusy = Object.fromEntries(
        Object.keys(metrics1).map((k) => [
          k,
          ((metrics1[k]! - (metrics0[k] ?? 0)) * 1000) / seconds,
        ]),
      )
      const written = load === null ? 0 : await load.stop()
      await sleep(1000) // the tail arrives and is painted
      marks.push(...mine)
      const { report } = await request<{ report: ProxyReport }>(child, { type: 'report' }, 'report')
      const pageReport = (await page.evaluate(
        '({ messages: __e2e.messages, paints: __e2e.paints.map((e) => e.slice()), bare: __e2e.bare.map((e) => e.slice()) })',
      )) as PageReport
      return analyse(
        name,
        mine,
        report,
        pageReport,
        bareSent,
        written / (seconds + WARMUP_MS / 1000),
        seconds,
        before,
        mid,
        pageBusy,
      )
    }

    const results: RunResult[] = []
    results.push(await run('default feeds', 0))
    if (profileDir !== undefined) {
      await browser.startTracing(page, {
        path: path.join(profileDir, 'chromium-trace.json'),
        screenshots: false,
      })
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
    }
    results.push(await run(`+ ${LOAD_RATE} changes/s`, LOAD_RATE))
    if (profileDir !== undefined) {
      const { profile } = await cdp.send('Profiler.stop')
      writeFileSync(path.join(profileDir, 'page.cpuprofile'), JSON.stringify(profile))
      await browser.stopTracing()
    }
    print(results)
    const loaded = results[1]!
    const p95 = percentile(loaded.stages['total (t0→t5)']!, 95)
    console.log(
      `target: upstream frame → paint p95 ≤ 50 ms under ${LOAD_RATE} changes/s: ${p95 <= 50 ? 'met' : 'NOT met'} (p95 ${p95.toFixed(1)} ms)`,
    )
    const floor = percentile(loaded.bareNetwork, 95) + percentile(loaded.barePaint, 95)
    if (floor > 50)
      console.log(
        `  note: the bare reference alone (send → message p95 + message → paint p95) is ${floor.toFixed(0)} ms under this load: ` +
          'this machine is too busy for the target; read each stage against its reference',
      )
    if (profileDir !== undefined) {
      writeFileSync(path.join(profileDir, 'marks.json'), JSON.stringify(results))
      console.log(`profiles in ${profileDir}`)
    }
  } finally {
    await browser.close()
    if (child.exitCode === null) {
      await request(child, { type: 'stop' }, 'stopped').catch(() => {})
    }
    await up.close()
    for (const ws of bare.clients) ws.terminate()
    await new Promise((r) => bare.close(r))
  }
}

if (process.argv[2] === '--proxy') {
  runProxyProcess().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
}
