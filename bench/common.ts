/**
 * What the relay and cluster benchmarks share: one clock, a paced emitter, a request to a
 * client process, percentiles.
 */
import type { ChildProcess } from 'node:child_process'
import type { Op } from '@oddsboard/model'

/** Epoch ms with sub-ms resolution, comparable across processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now()

/** Calls `emit(k)` for batch k = 0, 1, … at `perSec` on average for `seconds` (catching up after a late tick). */
export async function paced(
  perSec: number,
  seconds: number,
  emit: (k: number) => void,
): Promise<void> {
  const start = now()
  const total = Math.round(perSec * seconds)
  let k = 0
  while (k < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * perSec) + 1)
    while (k < due) emit(k++)
    await new Promise((r) => setTimeout(r, 1000 / perSec / 2))
  }
}

/**
 * Sends `message` to a forked client process and resolves with its first message of type
 * `reply`. @throws Error when the process exits first.
 */
export function request<T>(child: ChildProcess, message: object, reply: string): Promise<T> {
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

/** The `p`th percentile (0..100) of ascending `sorted`, nearest rank; NaN when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/**
 * A batch of `size` odds upserts on selections not touched by the neighbouring batches, each
 * carrying its emit time in `hotUsers` (the clients read the latency from it).
 */
export function makeBatch(k: number, size: number, emitAt: number): Op[] {
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
