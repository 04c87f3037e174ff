import { spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import readline from 'node:readline'
import type { Entity, Op, Source } from '@oddsboard/model'

/** A proxy on scripted feeds (e2e/scripted-main.ts): its URL, a way to feed it, and stop. */
export interface ScriptedProxy {
  url: string
  /** Hands `ops` to `source`'s feed, as if upstream sent them; resolves once emitted. */
  emit(source: Source, ops: Op[]): Promise<void>
  /** Upserts `entities` on their books' feeds (grouped by `source`). */
  upsert(entities: readonly Exclude<Entity, { kind: 'canonical' }>[]): Promise<void>
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>
}

const root = path.resolve(import.meta.dirname, '..')

/**
 * Starts the real proxy with hand-driven feeds on an ephemeral loopback port, its link
 * decisions kept in `dataDir` (`DATA_DIR`). Resolves once it listens.
 * @throws Error when it exits or does not listen within 30 s.
 */
export async function startScriptedProxy(dataDir: string): Promise<ScriptedProxy> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'e2e/scripted-main.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const acks: ((n: number) => void)[] = []
  let sent = 0
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`scripted proxy did not start:\n${lines.join('\n')}`)),
      30_000,
    )
    const onLine = (line: string) => {
      if (lines.length < 200) lines.push(line)
      const ack = /^\{"ack":(\d+)\}$/.exec(line)
      if (ack) {
        for (const a of acks.splice(0)) a(Number(ack[1]))
        return
      }
      const m = /"msg":"oddsboard listening".*"url":"([^"]+)"/.exec(line)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    readline.createInterface({ input: child.stdout! }).on('line', onLine)
    readline.createInterface({ input: child.stderr! }).on('line', onLine)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`scripted proxy exited with ${code}:\n${lines.join('\n')}`))
    })
  })
  const emit = async (source: Source, ops: Op[]) => {
    const n = ++sent
    const acked = new Promise<void>((resolve) => {
      const wait = (got: number) => (got >= n ? resolve() : acks.push(wait))
      acks.push(wait)
    })
    child.stdin!.write(`${JSON.stringify({ source, ops })}\n`)
    await acked
  }
  return {
    url,
    emit,
    async upsert(entities) {
      const by = new Map<Source, Op[]>()
      for (const e of entities) {
        let ops = by.get(e.source)
        if (ops === undefined) by.set(e.source, (ops = []))
        ops.push({ op: 'upsert', entity: e })
      }
      for (const [source, ops] of by) await emit(source, ops)
    },
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
