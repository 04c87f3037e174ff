/**
 * Cluster fan-out (issue 10, item 6): latency from the ingest's emit to the client's
 * receive, for the same clients and the same load in the same run:
 * 1. one process (ROLE=all): feed, hub and relay in one process, every client on it;
 * 2. a cluster with 1 edge: the ingest (feed + hub + publisher to a Redis Stream) and one
 *    edge process (ROLE=edge: the stream → its replica → its relay), every client on it:
 *    the cost of the Redis hop alone;
 * 3. a cluster with 2 edges, the clients split between them.
 *
 * Run: `npx tsx bench/cluster.ts` (env: CLIENTS=250,1000 OPS_PER_SEC=2000 BATCH=20 SECONDS=10).
 * Needs redis-server (scripts/ensure-redis.sh); starts its own on an ephemeral port without
 * persistence. The feed and the ingest (or the single process) run in this process, each
 * edge in a process of its own (`apps/proxy/src/main.ts`, ROLE=edge), the clients in
 * processes of 250 (CLIENTS_PER_PROCESS); every op carries its emit time (epoch ms, sub-ms, in `hotUsers`) and the clients
 * record receive − emit (same machine clock: performance.timeOrigin + performance.now()).
 * The first second is warm-up and left out. On a 2-core machine the edges, the ingest,
 * redis-server and the clients share the same two cores: a split across edges can only
 * show its gain on a machine with a core per edge (the report says so).
 */
import { fork, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { WebSocket } from 'ws'
import { silentLogger } from '@oddsboard/feedkit'
import { FakeFeed, loadConfig, startProxy } from '@oddsboard/proxy'
import { startIngest } from '../apps/proxy/src/cluster/ingest'
import { startRedisServer } from '../apps/proxy/src/cluster/testing'
import { makeBatch, now, paced, percentile, request } from './common'

const root = path.resolve(import.meta.dirname, '..')

interface Settings {
  clients: number
  opsPerSec: number
  batch: number
  seconds: number
}

interface ClientReport {
  /** CPU seconds per second of the run, per edge process (cluster runs), or of this process. */
  cpu?: number[]
  /** Delta messages per client per second. */
  rate?: number
  connected: number
  samples: number
  messages: number
  p50: number
  p99: number
  max: number
}

/** CPU seconds a process has used so far, from its `/metrics` (prom-client's default metric). */
async function cpuSeconds(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text()
  const m = /^process_cpu_seconds_total (\S+)$/m.exec(text)
  return m === null ? NaN : Number(m[1])
}

/** Connects `s.clients` clients spread over `urls` (in a child process), drives, reports. */
async function measure(
  urls: string[],
  s: Settings,
  drive: () => Promise<void>,
  cpuOf: () => Promise<number[]>,
) {
  // one client process per CLIENTS_PER_PROCESS clients (default 250), so that reading the
  // messages of 1,000 sockets is not one event loop's work
  const per = Number(process.env.CLIENTS_PER_PROCESS ?? 250)
  const shares: number[] = []
  for (let left = s.clients; left > 0; left -= per) shares.push(Math.min(per, left))
  const children = shares.map(() =>
    fork(fileURLToPath(import.meta.url), ['--clients'], { stdio: 'inherit' }),
  )
  try {
    let offset = 0
    const ready = await Promise.all(
      children.map((child, i) => {
        const first = offset
        offset += shares[i]!
        return request<{ connected: number }>(
          child,
          { type: 'connect', urls, n: shares[i], first },
          'ready',
        )
      }),
    )
    const connected = ready.reduce((a, r) => a + r.connected, 0)
    if (connected < s.clients) throw new Error(`only ${connected} clients connected`)
    const warmupUntil = now() + 1000
    const cpu0 = await cpuOf()
    const t0 = now()
    await drive()
    const cpu1 = await cpuOf()
    const seconds = (now() - t0) / 1000
    await new Promise((r) => setTimeout(r, 1000)) // let the tail arrive
    const parts = await Promise.all(
      children.map((child) =>
        request<{ report: ClientReport; every: number[] }>(
          child,
          { type: 'report', warmupUntil },
          'report',
        ),
      ),
    )
    // percentiles over every process's samples (each sends every 4th of its sorted latencies)
    const merged = Float64Array.from(parts.flatMap((p) => p.every)).sort()
    const report: ClientReport = {
      connected: parts.reduce((a, p) => a + p.report.connected, 0),
      samples: parts.reduce((a, p) => a + p.report.samples, 0),
      messages: parts.reduce((a, p) => a + p.report.messages, 0),
      p50: percentile(merged, 50),
      p99: percentile(merged, 99),
      max: Math.max(...parts.map((p) => p.report.max)),
    }
    report.cpu = cpu1.map((c, i) => (c - cpu0[i]!) / seconds)
    report.rate = report.messages / s.clients / seconds
    return report
  } finally {
    for (const child of children) child.kill()
  }
}

/** Starts an edge process; resolves with its URL once it listens. */
/** Stops an edge process: SIGTERM, then SIGKILL if it has not exited after 12 s (never left running). */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 12_000)
  await exited
  clearTimeout(timer)
}

function startEdgeProcess(
  redisUrl: string,
  prefix: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ROLE: 'edge',
      PORT: '0',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      WEB_DIST: '/nonexistent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`edge did not start:\n${out}`)), 30_000)
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)
      if (m !== null && out.includes('oddsboard listening')) {
        clearTimeout(timer)
        resolve({ url: m[1]!, child })
      }
    })
    child.stderr!.on('data', () => {})
    child.once('exit', (code) => reject(new Error(`edge exited (${code}):\n${out}`)))
  })
}

async function benchSingle(s: Settings): Promise<ClientReport> {
  const feed = new FakeFeed('winamax')
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' })
  const proxy = await startProxy(config, silentLogger, { feeds: [feed] })
  try {
    return await measure(
      [`${proxy.url.replace('http', 'ws')}/ws`],
      s,
      () => paced(s.opsPerSec / s.batch, s.seconds, (k) => feed.emit(makeBatch(k, s.batch, now()))),
      async () => [cpuNow()],
    )
  } finally {
    await proxy.close()
  }
}

async function benchCluster(s: Settings, edges: number, redisUrl: string): Promise<ClientReport> {
  const prefix = `bench${edges}-${Date.now()}`
  const dataDir = mkdtempSync(path.join(tmpdir(), 'oddsboard-bench-'))
  let feed: FakeFeed | null = null
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ROLE: 'ingest',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
  })
  const ingest = await startIngest(config, silentLogger, {
    feeds: () => [(feed = new FakeFeed('winamax'))],
  })
  const started: ChildProcess[] = []
  try {
    await ingest.active()
    const urls: string[] = []
    const https: string[] = []
    for (let i = 0; i < edges; i++) {
      const e = await startEdgeProcess(redisUrl, prefix)
      started.push(e.child)
      https.push(e.url)
      urls.push(`${e.url.replace('http', 'ws')}/ws`)
    }
    return await measure(
      urls,
      s,
      () =>
        paced(s.opsPerSec / s.batch, s.seconds, (k) => feed!.emit(makeBatch(k, s.batch, now()))),
      () => Promise.all(https.map(cpuSeconds)),
    )
  } finally {
    await Promise.all(started.map(stopChild))
    await ingest.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** This process's CPU seconds so far. */
function cpuNow(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

// ---- client process ----

function runClients(): void {
  const MARK = Buffer.from('"hotUsers":')
  const emitAts: number[] = []
  const lats: number[] = []
  let messages = 0
  const sockets: WebSocket[] = []
  const onMessage = (data: Buffer) => {
    const t = now()
    messages++
    let last = -1
    for (let i = data.indexOf(MARK); i >= 0; i = data.indexOf(MARK, i + MARK.length)) {
      let j = i + MARK.length
      while (j < data.length && data[j] !== 0x2c && data[j] !== 0x7d) j++
      const emitAt = Number(data.toString('latin1', i + MARK.length, j))
      if (emitAt !== last) {
        emitAts.push(emitAt)
        lats.push(t - emitAt)
      }
      last = emitAt
    }
  }
  process.on(
    'message',
    (m: { type: string; urls: string[]; n: number; first: number; warmupUntil: number }) => {
      if (m.type === 'connect') {
        void (async () => {
          let connected = 0
          for (let i = 0; i < m.n; i += 50) {
            const group = Array.from({ length: Math.min(50, m.n - i) }, (_, j) => {
              const ws = new WebSocket(m.urls[(m.first + i + j) % m.urls.length]!, {
                perMessageDeflate: false,
                skipUTF8Validation: true,
              })
              sockets.push(ws)
              ws.on('message', onMessage)
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
        for (let i = 0; i < lats.length; i++) if (emitAts[i]! >= m.warmupUntil) kept.push(lats[i]!)
        const sorted = Float64Array.from(kept).sort()
        const report: ClientReport = {
          connected: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
          samples: sorted.length,
          messages,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          max: sorted.length ? sorted[sorted.length - 1]! : NaN,
        }
        const every: number[] = []
        for (let i = 0; i < sorted.length; i += 4) every.push(sorted[i]!)
        process.send!({ type: 'report', report, every })
      }
    },
  )
}

// ---- main ----

/** Runs the three set-ups for each client count (CLIENTS, comma list) and prints them. */
export async function runClusterBench(): Promise<void> {
  const base = {
    opsPerSec: Number(process.env.OPS_PER_SEC ?? 2000),
    batch: Number(process.env.BATCH ?? 20),
    seconds: Number(process.env.SECONDS ?? 10),
  }
  const redis = await startRedisServer()
  try {
    for (const clients of (process.env.CLIENTS ?? '250,1000').split(',').map(Number)) {
      const s: Settings = { clients, ...base }
      const expected = Math.round(clients * (s.opsPerSec / s.batch) * (s.seconds - 1))
      const fmt = (r: ClientReport) =>
        `p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms` +
        `  (${r.samples}/${expected} batch samples, ${r.connected} still connected)\n` +
        `${' '.repeat(36)}CPU ${r.cpu!.map((c) => `${c.toFixed(2)}`).join(' + ')} core(s), ` +
        `${r.rate!.toFixed(0)} deltas/s per client`
      console.log(
        `cluster: ${clients} clients, ${s.opsPerSec} ops/s in batches of ${s.batch}, ${s.seconds} s ` +
          `(first second is warm-up); ${cpus().length} cores shared by redis-server, ingest, edges and clients`,
      )
      const single = await benchSingle(s)
      console.log(`  one process, all clients          emit → receive: ${fmt(single)}`)
      console.log(`${' '.repeat(36)}(CPU of the one process includes the feed and the pacing)`)
      const one = await benchCluster(s, 1, redis.url)
      console.log(`  ingest → Redis → 1 edge (all)     emit → receive: ${fmt(one)}`)
      const two = await benchCluster(s, 2, redis.url)
      console.log(`  ingest → Redis → 2 edges (split)  emit → receive: ${fmt(two)}`)
      console.log(
        `  p99: 2 edges ${(two.p99 / single.p99).toFixed(2)}× the one process; the Redis hop ` +
          `(1 edge − one process) p50 ${(one.p50 - single.p50).toFixed(1)} ms`,
      )
      const perEdge = one.cpu![0]! / clients / one.rate!
      console.log(
        `  one edge: ${(perEdge * 1e6).toFixed(2)} µs of CPU per client per delta ` +
          `→ one core carries about ${Math.floor(1 / perEdge / one.rate!)} clients at ${one.rate!.toFixed(0)} deltas/s`,
      )
    }
  } finally {
    await redis.stop()
  }
}

if (process.argv[2] === '--clients') {
  runClients()
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runClusterBench().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
}
