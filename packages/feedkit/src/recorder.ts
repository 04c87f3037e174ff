/**
 * Recording of raw upstream frames (issue 11), in the shared captures' NDJSON format
 * (captures/README "winamax/": a JSON header line, then one line per frame
 * `{"t": ms since start, "dir": "in"|"out", "data": "<frame text>"}`), so a recording made by
 * the proxy reads like the real captures and becomes tomorrow's fixtures.
 *
 * Node only (files): exported from feedkit's main entry, never from the browser-safe ones.
 */
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs'
import path from 'node:path'
import type { Source } from '@oddsboard/model'
import { redactSecrets } from './redact'

/** Direction of a frame: `in` = upstream → proxy, `out` = proxy → upstream (the captures' `dir`). */
export type FrameDirection = 'in' | 'out'

/**
 * Where a feed hands every raw upstream frame it receives or sends, as text. `transport` is
 * `'polling'` for an Engine.IO polling payload (one HTTP body, possibly several packets,
 * `<len>:<packet>…`), absent for a WebSocket frame. Must not throw.
 */
export type FrameSink = (dir: FrameDirection, data: string, transport?: 'polling') => void

/** One recorded frame line (the header line excepted). */
export interface RecordedFrame {
  /** ms since the file's start (its header's `capturedAt`), one decimal. */
  t: number
  dir: FrameDirection
  /** The frame text, secrets replaced by `[redacted]`. */
  data: string
  /** `'polling'` for an Engine.IO polling payload; absent for a WebSocket frame. */
  transport?: 'polling'
}

/** The header line of a recording (the shared captures' first line). */
export interface RecordingHeader {
  /** The book. */
  capture: Source
  /** Who wrote it. */
  source: string
  /** Start of the file, ISO 8601 UTC; every `t` counts from here. */
  capturedAt: string
  /** The upstream endpoint, without credentials or session query values. */
  url: string
  protocol: string
}

/** Options of {@link FrameRecorder}. */
export interface FrameRecorderOptions {
  /** Folder of the recordings (created if missing). */
  dir: string
  source: Source
  /** The feed's endpoint; written to the header redacted ({@link redactSecrets}). */
  url: string
  /** What the frames are, for the header (e.g. "engine.io v3 frames; polling payloads marked"). */
  protocol?: string
  /** Buffered lines are written at least this often (ms); default 1000, so a crash loses ≤ 1 s. */
  flushMs?: number
  /** Clock, epoch ms; default `Date.now`. */
  now?: () => number
}

/** Buffered text above this many characters is written at once, whatever the timer says. */
const FLUSH_CHARS = 1 << 20

/**
 * Writes one book's frames to `<dir>/<source>-<YYYY-MM-DDTHH>Z.ndjson`, one file per UTC
 * hour (a new file, with its own header and `t` from 0, when the hour changes; `-1`, `-2`…
 * appended when the name is taken, e.g. after a restart within the hour). Lines are buffered
 * and written every `flushMs` (default 1 s) and on {@link close}, so a crash loses at most
 * the last second.
 *
 * Secrets never reach the file: every line is passed through {@link redactSecrets} when it is
 * written (cookies, Engine.IO sids, session ids and tokens, URL passwords, Kwiff's uuid: the
 * registered values and the shapes they travel in become `[redacted]`). Redaction happens at
 * write time rather than at receive time so that a value registered just after its frame
 * arrived (an Engine.IO sid is registered once its open packet is decoded) is caught too.
 *
 * Use {@link FrameRecorder.sink} as a feed's `frames` option. A write error is reported once
 * to `onError` and recording stops; the feed is never disturbed.
 */
export class FrameRecorder {
  private readonly now: () => number
  private readonly flushMs: number
  private fd: number | null = null
  private fileHour = ''
  private startedAt = 0
  private buffer: RecordedFrame[] = []
  private bufferedChars = 0
  private timer: ReturnType<typeof setInterval> | undefined
  private failed = false
  private closed = false
  /** Files written so far, oldest first. */
  readonly files: string[] = []

  constructor(
    private readonly options: FrameRecorderOptions,
    private readonly onError: (err: Error) => void = () => {},
  ) {
    this.now = options.now ?? Date.now
    this.flushMs = options.flushMs ?? 1000
  }

  /** The {@link FrameSink} to hand to a feed. */
  readonly sink: FrameSink = (dir, data, transport) => this.record(dir, data, transport)

  /** Records one frame now. Never throws. */
  record(dir: FrameDirection, data: string, transport?: 'polling'): void {
    if (this.failed || this.closed) return
    try {
      const t = this.now()
      const hour = new Date(t).toISOString().slice(0, 13)
      if (hour !== this.fileHour) this.rotate(t, hour)
      const line: RecordedFrame = {
        t: Math.round((t - this.startedAt) * 10) / 10,
        dir,
        data,
        ...(transport !== undefined && { transport }),
      }
      this.buffer.push(line)
      this.bufferedChars += data.length
      if (this.bufferedChars >= FLUSH_CHARS) this.flush()
      this.timer ??= setInterval(() => this.flush(), this.flushMs)
      this.timer.unref?.()
    } catch (e) {
      this.fail(e)
    }
  }

  /** Writes the buffered lines (redacted) to the current file. Never throws. */
  flush(): void {
    if (this.fd === null || this.buffer.length === 0) return
    const lines = this.buffer
    this.buffer = []
    this.bufferedChars = 0
    try {
      // The frame text is redacted as it is (before JSON escaping), so secret shapes inside
      // it (`"sid":"…"`) are still recognized.
      writeSync(
        this.fd,
        lines.map((l) => JSON.stringify({ ...l, data: redactSecrets(l.data) }) + '\n').join(''),
      )
    } catch (e) {
      this.fail(e)
    }
  }

  /** Flushes and closes the file; later frames are dropped. */
  close(): void {
    if (this.closed) return
    this.flush()
    this.closed = true
    clearInterval(this.timer)
    this.closeFile()
  }

  private rotate(t: number, hour: string): void {
    this.flush()
    this.closeFile()
    mkdirSync(this.options.dir, { recursive: true })
    const base = path.join(this.options.dir, `${this.options.source}-${hour}Z`)
    let file = `${base}.ndjson`
    for (let n = 1; existsSync(file); n++) file = `${base}-${n}.ndjson`
    this.fd = openSync(file, 'a')
    this.fileHour = hour
    this.startedAt = t
    this.files.push(file)
    const header: RecordingHeader = {
      capture: this.options.source,
      source: 'oddsboard proxy recorder (RECORD_DIR)',
      capturedAt: new Date(t).toISOString(),
      url: redactSecrets(this.options.url),
      protocol:
        this.options.protocol ??
        'raw upstream frames; t = ms since capturedAt; dir in = server->client',
    }
    writeSync(this.fd, redactSecrets(JSON.stringify(header)) + '\n')
  }

  private closeFile(): void {
    if (this.fd === null) return
    try {
      closeSync(this.fd)
    } catch {
      // Already closed or gone: nothing more to write anyway.
    }
    this.fd = null
  }

  private fail(e: unknown): void {
    if (this.failed) return
    this.failed = true
    clearInterval(this.timer)
    this.closeFile()
    this.onError(e instanceof Error ? e : new Error(String(e)))
  }
}

/**
 * Reads a recording (or a shared capture): its header and its frames, in file order.
 * Lines that are not JSON objects with `t`, `dir` and `data` are skipped.
 * @throws Error when the first line is not a JSON object.
 */
export function parseRecording(text: string): {
  header: Record<string, unknown>
  frames: RecordedFrame[]
} {
  const lines = text.split('\n')
  let header: unknown
  try {
    header = JSON.parse(lines[0] ?? '')
  } catch {
    throw new Error('not a recording: the first line is not a JSON header')
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new Error('not a recording: the first line is not a JSON header')
  }
  const frames: RecordedFrame[] = []
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue
    let v: unknown
    try {
      v = JSON.parse(line)
    } catch {
      continue
    }
    if (v === null || typeof v !== 'object') continue
    const f = v as Record<string, unknown>
    if (typeof f.t !== 'number' || (f.dir !== 'in' && f.dir !== 'out')) continue
    if (typeof f.data !== 'string') continue
    frames.push({
      t: f.t,
      dir: f.dir,
      data: f.data,
      ...(f.transport === 'polling' && { transport: 'polling' as const }),
    })
  }
  return { header: header as Record<string, unknown>, frames }
}
