/**
 * `npm run cluster`: a whole cluster on one machine (issue 10, README "Running a cluster"):
 * a throw-away redis-server (127.0.0.1, an ephemeral port, no persistence), the active
 * ingest, a standby ingest and two edges on consecutive ports from PORT (default 8080:
 * ingests 8080 and 8081, edges 8082 and 8083), each a `ROLE=… npm start` process of its own.
 * Every other variable of the environment (FEEDS, *_URL, LOG_LEVEL…) passes through.
 * Prints the URLs once the edges answer; Ctrl-C (or SIGTERM) stops them all, then Redis.
 * Kill the active ingest (`kill <pid>`, printed) to watch the standby take over.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { startRedisServer } from '../apps/proxy/src/cluster/testing'

const root = path.resolve(import.meta.dirname, '..')
const base = Number(process.env.PORT ?? 8080)
if (!Number.isInteger(base) || base < 1 || base > 65532) {
  console.error(`PORT: must be an integer 1–65532 (the first of 4 ports), got ${process.env.PORT}`)
  process.exit(2)
}

const redis = await startRedisServer()
console.log(`redis-server   ${redis.url} (no persistence; stopped with the cluster)`)

const nodes: { name: string; role: string; port: number; child: ChildProcess }[] = []
let stopping = false

function start(name: string, role: 'ingest' | 'edge', port: number): void {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ROLE: role,
      PORT: String(port),
      REDIS_URL: redis.url,
      LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    },
    // own process group: Ctrl-C reaches this script only, which stops each node once
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const tag = `[${name}]`.padEnd(11)
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `${tag} ${l}\n`)
      .join('')
  child.stdout!.on('data', (b: Buffer) => process.stdout.write(prefix(b)))
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(prefix(b)))
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`${tag} exited (${code ?? signal}); the others keep running`)
  })
  nodes.push({ name, role, port, child })
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await r.body?.cancel()
      return true
    } catch {
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  return false
}

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    console.log('\nstopping the cluster…')
    await Promise.all(
      nodes.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            const kill = setTimeout(() => child.kill('SIGKILL'), 12_000)
            child.once('exit', () => {
              clearTimeout(kill)
              resolve()
            })
            child.kill('SIGTERM')
          }),
      ),
    )
    await redis.stop()
    console.log('cluster stopped')
  }
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
process.on('exit', () => {
  for (const { child } of nodes) if (child.exitCode === null) child.kill('SIGKILL')
})

start('ingest-1', 'ingest', base)
// the first ingest takes the lock before the second starts, so it is the active one
const end = Date.now() + 60_000
while (Date.now() < end) {
  const r = await fetch(`http://127.0.0.1:${base}/healthz`, {
    signal: AbortSignal.timeout(2000),
  }).catch(() => null)
  const state = r?.ok === true ? ((await r.json()) as { state?: string }).state : undefined
  if (state === 'active') break
  await new Promise((r) => setTimeout(r, 250))
}
start('ingest-2', 'ingest', base + 1)
start('edge-1', 'edge', base + 2)
start('edge-2', 'edge', base + 3)
const up = await Promise.all(
  nodes.map((n) => answers(`http://127.0.0.1:${n.port}/healthz`, 60_000)),
)
if (up.some((u) => !u)) {
  console.error('a node did not start: see its lines above')
  await stop(1)
}
console.log(`
oddsboard cluster on one machine
  ingest (active)   http://127.0.0.1:${base}/healthz     pid ${nodes[0]!.child.pid}
  ingest (standby)  http://127.0.0.1:${base + 1}/healthz     pid ${nodes[1]!.child.pid}
  edge 1            http://127.0.0.1:${base + 2}/
  edge 2            http://127.0.0.1:${base + 3}/
Open an edge in the browser. Ctrl-C stops everything.
`)
