import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

/** A redis-server started by {@link startRedisServer}. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string
  port: number
  /** Stops it (SIGTERM, then SIGKILL after 3 s); resolves once it exited. */
  stop(): Promise<void>
  /** Stops it and starts a new empty one on the same port (a restart without persistence). */
  restart(): Promise<void>
}

/** A TCP port free on 127.0.0.1 right now (the OS's pick for port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

function spawnRedis(port: number, bin: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start within 5 s on port ${port}:\n${out}`))
    }, 5000)
    child.once('error', (err: Error & { code?: string }) => {
      clearTimeout(timer)
      reject(
        err.code === 'ENOENT'
          ? new Error(`${bin} not found: install it with \`bash scripts/ensure-redis.sh\``)
          : err,
      )
    })
    const early = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}) on port ${port}:\n${out}`))
    }
    child.once('exit', early)
    let ready = false
    child.stdout!.on('data', (b: Buffer) => {
      if (out.length < 20_000) out += b.toString()
      if (!ready && out.includes('Ready to accept connections')) {
        ready = true
        clearTimeout(timer)
        child.off('exit', early)
        resolve(child)
      }
    })
    child.stderr!.on('data', (b: Buffer) => {
      if (out.length < 20_000) out += b.toString()
    })
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Starts a throw-away `redis-server` for tests (issue 10): on 127.0.0.1, an ephemeral
 * port, no persistence (`--save '' --appendonly no`). Resolves once it accepts
 * connections (at most 5 s). Stop it with {@link TestRedis.stop} (e.g. in `afterAll`).
 * @param bin the server binary (default `REDIS_SERVER` or `redis-server` on the PATH).
 * @throws Error naming scripts/ensure-redis.sh when the binary is missing; Error with its
 *   output when it does not start.
 */
export async function startRedisServer(
  bin = process.env.REDIS_SERVER ?? 'redis-server',
): Promise<TestRedis> {
  const port = await freePort()
  let child = await spawnRedis(port, bin)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child)
      child = await spawnRedis(port, bin)
    },
  }
}
