import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import readline from 'node:readline'

/** A proxy process started for a test: its base URL and how to stop it. */
export interface ProxyProcess {
  url: string
  port: number
  child: ChildProcess
  /** Sends SIGTERM and waits for the process to exit (SIGKILL after 5 s). */
  stop(): Promise<void>
}

const root = path.resolve(import.meta.dirname, '..')

/**
 * Starts `apps/proxy/src/main.ts` exactly as `npm start` does (minus the web build, which
 * `npm run test:e2e` does first), with PORT=0 unless given, and resolves once it logs
 * `"msg":"oddsboard listening"` with its `"url"`. Extra env (e.g. FEEDS) is merged in.
 * @throws Error when the process exits or does not report listening within 30 s.
 */
export async function startProxy(env: Record<string, string> = {}): Promise<ProxyProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`proxy did not start:\n${lines.join('\n')}`)),
      30_000,
    )
    const onLine = (line: string) => {
      if (lines.length < 200) lines.push(line)
      if (!line.includes('"msg":"oddsboard listening"')) return
      const m = /"url":"([^"]+)"/.exec(line)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    readline.createInterface({ input: child.stdout! }).on('line', onLine)
    readline.createInterface({ input: child.stderr! }).on('line', onLine)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`proxy exited with ${code}:\n${lines.join('\n')}`))
    })
  })
  const port = Number(new URL(url).port)
  return {
    url,
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(t)
    },
  }
}
