/**
 * Relay budget (shared/DESIGN.md, "Performance budgets"): 1,000 clients, 2,000 ops/s,
 * p99 upstream-frame → client-receive ≤ 25 ms.
 *
 * Run: `npx tsx bench/relay.ts` (env: CLIENTS=1000,250,100 OPS_PER_SEC=2000 BATCH=20 SECONDS=10, and
 * RELAY_COALESCE_MS to try another coalescing window than the proxy's default).
 *
 * The proxy (hub + relay, default config) runs in this process with a fake feed that emits
 * batches of selection upserts, each op carrying its emit time (epoch ms, sub-ms, in
 * `hotUsers`). The clients run in a child process, so their work does not share the
 * server's event loop; each records receive time − emit time for every batch in every
 * message (same machine clock: performance.timeOrigin + performance.now()). The first
 * second is warm-up and left out. Beside it, the same clients read the same batches from
 * a bare `ws` broadcast server (no hub, no coalescing: one message per batch, serialized
 * once) — the machine's own floor for this fan-out.
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { WebSocket, WebSocketServer } from 'ws'
import type { Op } from '@oddsboard/model'
import { silentLogger } from '@oddsboard/feedkit'
import { FakeFeed, loadConfig, startProxy } from '@oddsboard/proxy'

const now = () => performance.timeOrigin + performance.now()

interface Settings {
  clients: number
  opsPerSec: number
  batch: number
  seconds: number
}

/** Server side: how long one message's fan-out to every client took (ms), p50/p99/max. */
interface FanOut {
  p50: number
  p99: number
  max: number
}

function fanOutStats(durations: number[]): FanOut {
  const sorted = Float64Array.from(durations).sort()
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  }
}

/** What the client process reports for one run. */
interface ClientReport {
  connected: number
  samples: number
  messages: number
  bytes: number
  closes: Record<string, number>
  p50: number
  p95: number
  p99: number
  max: number
}

/** A batch of `size` odds upserts on selections not touched by the neighbouring batches. */
function makeBatch(k: number, size: number, emitAt: number): Op[] {
  const ops: Op[] = []
  const base = (k % 100) * size
  for (let j = 0; j < size; j++) {
    const n = base + j
    ops.push({
      op: 'upsert',
      entity: {
        kind: 'selection',
        id: `winamax:s${n}`,
        source: 'winamax',
        eventId: `winamax:e${Math.floor(n / 3)}`,
        marketId: `winamax:m${Math.floor(n / 3)}`,
        name: `Selection ${n}`,
        order: n % 3,
        odds: 1.01 + ((k + j) % 400) / 100,
        suspended: false,
        hotUsers: emitAt,
        updatedAt: Math.floor(emitAt),
      },
    })
  }
  return ops
}

/** Calls `emit(k)` for batch k = 0, 1, … at `perSec` on average for `seconds` (catching up after a late tick). */
async function paced(perSec: number, seconds: number, emit: (k: number) => void): Promise<void> {
  const start = now()
  const total = Math.round(perSec * seconds)
  let k = 0
  while (k < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * perSec) + 1)
    while (k < due) emit(k++)
    await new Promise((r) => setTimeout(r, 1000 / perSec / 2))
  }
}

function request<T>(child: ChildProcess, message: object, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== reply) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(m as T)
    }
    const onExit = (code: number) => reject(new Error(`client process exited with ${code}`))
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.send(message)
  })
}

/** Runs the clients against `url` while `drive` emits; returns their report. */
async function measure(url: string, origin: string, s: Settings, drive: () => Promise<void>) {
  const child = fork(fileURLToPath(import.meta.url), ['--clients'], { stdio: 'inherit' })
  try {
    const ready = await request<{ connected: number }>(
      child,
      { type: 'connect', url, origin, n: s.clients },
      'ready',
    )
    if (ready.connected < s.clients) throw new Error(`only ${ready.connected} clients connected`)
    const warmupUntil = now() + 1000
    await drive()
    await new Promise((r) => setTimeout(r, 500)) // let the tail arrive
    const { report } = await request<{ report: ClientReport }>(
      child,
      { type: 'report', warmupUntil },
      'report',
    )
    return report
  } finally {
    child.kill()
  }
}

async function benchProxy(s: Settings): Promise<{ report: ClientReport; fanOut: FanOut }> {
  const feed = new FakeFeed('winamax')
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RELAY_COALESCE_MS: process.env.RELAY_COALESCE_MS,
  })
  const proxy = await startProxy(config, silentLogger, { feeds: [feed] })
  // Registered after the relay's listener, so it runs once the delta was handed to every client.
  const durations: number[] = []
  proxy.hub.onDelta(() => durations.push(now() - flushStart))
  let flushStart = 0
  const flush = proxy.hub.flush.bind(proxy.hub)
  proxy.hub.flush = () => {
    flushStart = now()
    return flush()
  }
  try {
    const report = await measure(`${proxy.url.replace('http', 'ws')}/ws`, proxy.url, s, () =>
      paced(s.opsPerSec / s.batch, s.seconds, (k) => feed.emit(makeBatch(k, s.batch, now()))),
    )
    return { report, fanOut: fanOutStats(durations) }
  } finally {
    await proxy.close()
  }
}

async function benchBare(s: Settings): Promise<{ report: ClientReport; fanOut: FanOut }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  await once(wss, 'listening')
  const { port } = wss.address() as AddressInfo
  let seq = 0
  const durations: number[] = []
  try {
    const report = await measure(`ws://127.0.0.1:${port}/ws`, `http://127.0.0.1:${port}`, s, () =>
      paced(s.opsPerSec / s.batch, s.seconds, (k) => {
        const start = now()
        const ops = makeBatch(k, s.batch, start)
        const payload = Buffer.from(
          JSON.stringify({ type: 'delta', epoch: 'bare', seq: ++seq, ts: Date.now(), ops }),
        )
        for (const ws of wss.clients) ws.send(payload, { binary: false })
        durations.push(now() - start)
      }),
    )
    return { report, fanOut: fanOutStats(durations) }
  } finally {
    for (const ws of wss.clients) ws.terminate()
    await new Promise((r) => wss.close(r))
  }
}

// ---- client process ----

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

function runClients(): void {
  const MARK = Buffer.from('"hotUsers":')
  let emitAts = new Float64Array(1 << 20)
  let lats = new Float64Array(1 << 20)
  let count = 0
  let messages = 0
  let bytes = 0
  const closes: Record<string, number> = {}
  const sockets: WebSocket[] = []
  const record = (emitAt: number, latency: number) => {
    if (count === lats.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2)
        b.set(a)
        return b
      }
      emitAts = grow(emitAts)
      lats = grow(lats)
    }
    emitAts[count] = emitAt
    lats[count++] = latency
  }
  const onMessage = (data: Buffer) => {
    const t = now()
    messages++
    bytes += data.length
    let last = -1
    for (let i = data.indexOf(MARK); i >= 0; i = data.indexOf(MARK, i + MARK.length)) {
      let j = i + MARK.length
      while (j < data.length && data[j] !== 0x2c && data[j] !== 0x7d) j++
      const emitAt = Number(data.toString('latin1', i + MARK.length, j))
      if (emitAt !== last) record(emitAt, t - emitAt)
      last = emitAt
    }
  }
  process.on(
    'message',
    (m: { type: string; url: string; origin: string; n: number; warmupUntil: number }) => {
      if (m.type === 'connect') {
        void (async () => {
          let connected = 0
          for (let i = 0; i < m.n; i += 50) {
            const group = Array.from({ length: Math.min(50, m.n - i) }, () => {
              // The clients only scan the bytes for emit times: no UTF-8 validation, no JSON.parse.
              const ws = new WebSocket(m.url, {
                origin: m.origin,
                perMessageDeflate: false,
                skipUTF8Validation: true,
              })
              sockets.push(ws)
              ws.on('message', onMessage)
              ws.on('close', (code) => (closes[code] = (closes[code] ?? 0) + 1))
              ws.on('error', () => {})
              return new Promise<void>((resolve) => {
                ws.once('open', () => {
                  connected++
                  resolve()
                })
                ws.once('close', () => resolve())
              })
            })
            await Promise.all(group)
          }
          process.send!({ type: 'ready', connected })
        })()
      } else if (m.type === 'report') {
        const kept: number[] = []
        for (let i = 0; i < count; i++) if (emitAts[i]! >= m.warmupUntil) kept.push(lats[i]!)
        const sorted = Float64Array.from(kept).sort()
        const report: ClientReport = {
          connected: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
          samples: sorted.length,
          messages,
          bytes,
          closes,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          max: sorted.length ? sorted[sorted.length - 1]! : NaN,
        }
        process.send!({ type: 'report', report })
      }
    },
  )
}

// ---- main ----

/** Runs both measurements for one client count and prints them; returns the two reports. */
export async function runRelayBench(settings: Partial<Settings> = {}) {
  const s: Settings = {
    clients: 1000,
    opsPerSec: Number(process.env.OPS_PER_SEC ?? 2000),
    batch: Number(process.env.BATCH ?? 20),
    seconds: Number(process.env.SECONDS ?? 10),
    ...settings,
  }
  const expected = Math.round(s.clients * (s.opsPerSec / s.batch) * (s.seconds - 1))
  const fmt = (r: ClientReport) =>
    `p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms` +
    `  (${r.samples}/${expected} batch samples, ${r.messages} messages, ${(r.bytes / 1e6).toFixed(0)} MB, ` +
    `${r.connected} still connected${Object.keys(r.closes).length ? `, closes ${JSON.stringify(r.closes)}` : ''})`
  console.log(
    `relay: coalescing window ${process.env.RELAY_COALESCE_MS ?? 'default'} ms, ${s.clients} clients, ${s.opsPerSec} ops/s in batches of ${s.batch}, ${s.seconds} s (first second is warm-up)`,
  )
  const fmtFan = (f: FanOut) =>
    `server fan-out per message: p50 ${f.p50.toFixed(2)} ms  p99 ${f.p99.toFixed(2)} ms  max ${f.max.toFixed(2)} ms`
  const { report: proxy, fanOut: proxyFan } = await benchProxy(s)
  console.log(`  proxy (hub + relay)       emit → receive: ${fmt(proxy)}`)
  console.log(`                            ${fmtFan(proxyFan)}`)
  const { report: bare, fanOut: bareFan } = await benchBare(s)
  console.log(`  bare ws broadcast (floor) emit → receive: ${fmt(bare)}`)
  console.log(`                            ${fmtFan(bareFan)}`)
  if (bare.p99 > 25)
    console.log(
      '  note: the bare floor is itself over 25 ms: this machine cannot carry this load; read the proxy against the floor',
    )
  console.log(
    `  p99 ≤ 25 ms: ${proxy.p99 <= 25 ? 'met' : 'NOT met'} (proxy p99 ${proxy.p99.toFixed(1)} ms vs floor ${bare.p99.toFixed(1)} ms)`,
  )
  return { proxy, bare }
}

/**
 * The budget's 1,000 clients first, then smaller counts (CLIENTS, a comma list; default
 * 1000,250,100): where the machine cannot carry the budget's load even for the bare floor,
 * the smaller runs show the relay's own cost against that floor.
 */
async function main(): Promise<void> {
  const counts = (process.env.CLIENTS ?? '1000,250,100').split(',').map(Number)
  for (const clients of counts) await runRelayBench({ clients })
}

if (process.argv[2] === '--clients') {
  runClients()
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
}
