/**
 * Reading the recorded Winamax socket (fixtures/winamax-2025-11-04.ndjson, copied from
 * shared/captures/winamax): line 1 is a JSON header, every other line one websocket frame
 * `{"t": ms since the first frame, "dir": "in" | "out", "data": "<frame text>"}`.
 * Used by the simulator, the tests and the benchmark.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The capture shipped with the package. */
export const CAPTURE_PATH = fileURLToPath(
  new URL('../fixtures/winamax-2025-11-04.ndjson', import.meta.url),
)

/** One recorded websocket frame. */
export interface CaptureFrame {
  /** ms since the first frame of the capture. */
  t: number
  /** `in` = server → client. */
  dir: 'in' | 'out'
  /** The frame text, e.g. `42["m",{...}]`, `2`, `3probe`. */
  data: string
}

/**
 * Reads a capture file.
 * @throws Error when the file cannot be read or a line is not a frame object.
 */
export function readCapture(path: string = CAPTURE_PATH): {
  header: Record<string, unknown>
  frames: CaptureFrame[]
} {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
  const frames = lines.slice(1).map((line, i) => {
    const f = JSON.parse(line) as Partial<CaptureFrame>
    if (
      typeof f.t !== 'number' ||
      (f.dir !== 'in' && f.dir !== 'out') ||
      typeof f.data !== 'string'
    )
      throw new Error(`capture line ${i + 2} is not a frame`)
    return f as CaptureFrame
  })
  return { header, frames }
}

/** The server → client `m` event frames (`42["m",…]`), in order: the snapshot first, then deltas. */
export function mFrames(frames: readonly CaptureFrame[]): CaptureFrame[] {
  return frames.filter((f) => f.dir === 'in' && f.data.startsWith('42["m",'))
}
