import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FrameRecorder, parseRecording } from './recorder'
import { registerSecret } from './redact'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'oddsboard-rec-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('FrameRecorder', () => {
  it('writes the captures format: a header, then {t, dir, data} lines from the start time', () => {
    const dir = tempDir()
    let now = Date.UTC(2026, 10, 29, 18, 0, 0)
    const rec = new FrameRecorder({
      dir,
      source: 'winamax',
      url: 'http://u:p4ssw0rd@h/x',
      now: () => now,
    })
    rec.record('out', '2probe')
    now += 175.34
    rec.record('in', '3probe')
    now += 10
    rec.record('in', '97:0{"sid":"abc"}', 'polling')
    rec.close()
    expect(rec.files).toHaveLength(1)
    const text = readFileSync(rec.files[0]!, 'utf8')
    const { header, frames } = parseRecording(text)
    expect(header.capture).toBe('winamax')
    expect(header.capturedAt).toBe('2026-11-29T18:00:00.000Z')
    expect(header.url).not.toContain('p4ssw0rd')
    expect(frames).toEqual([
      { t: 0, dir: 'out', data: '2probe' },
      { t: 175.3, dir: 'in', data: '3probe' },
      { t: 185.3, dir: 'in', data: '97:0{"sid":"[redacted]"}', transport: 'polling' },
    ])
    expect(path.basename(rec.files[0]!)).toBe('winamax-2026-11-29T18Z.ndjson')
  })

  it('starts a new file, with its own header and t from 0, when the UTC hour changes', () => {
    const dir = tempDir()
    let now = Date.UTC(2026, 10, 29, 18, 59, 59)
    const rec = new FrameRecorder({ dir, source: 'bet365', url: 'ws://h/zap/', now: () => now })
    rec.record('in', 'a')
    now += 2000
    rec.record('in', 'b')
    rec.close()
    expect(readdirSync(dir).sort()).toEqual([
      'bet365-2026-11-29T18Z.ndjson',
      'bet365-2026-11-29T19Z.ndjson',
    ])
    const second = parseRecording(readFileSync(rec.files[1]!, 'utf8'))
    expect(second.header.capturedAt).toBe('2026-11-29T19:00:01.000Z')
    expect(second.frames).toEqual([{ t: 0, dir: 'in', data: 'b' }])
  })

  it('flushes on its timer, before close, so a crash loses at most the last flush period', async () => {
    const dir = tempDir()
    const rec = new FrameRecorder({ dir, source: 'kwiff', url: 'http://h/', flushMs: 20 })
    rec.record('in', '40')
    const file = rec.files[0]!
    // Bounded wait for the timer's write (no timing assertion: only that it happens).
    for (let i = 0; i < 100 && parseRecording(readFileSync(file, 'utf8')).frames.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20))
    expect(parseRecording(readFileSync(file, 'utf8')).frames).toEqual([
      { t: expect.any(Number), dir: 'in', data: '40' },
    ])
    rec.close()
  })

  it('never writes a registered secret or a secret shape (grep of the file)', () => {
    const dir = tempDir()
    const uuid = '4f1c2a9e-7d3b-4c55-9a0e-1b2c3d4e5f60'
    const session = 'ABCDEF0123456789ABCDEF0123456789000003'
    registerSecret(uuid, { ephemeral: true })
    registerSecret(session)
    const rec = new FrameRecorder({
      dir,
      source: 'kwiff',
      url: `https://user:hunter22@web-api.kwiff.com/socket.io/?identifier=${uuid}`,
    })
    rec.record('in', `42["response",{"user":{"uuid":"${uuid}","name":"x"}}]`)
    rec.record('out', `#\x03P\x01__time,S_${session},A_tok3nv4lue\x00`)
    rec.record('in', `0{"sid":"Zx9sidvalue","upgrades":["websocket"]}`)
    rec.record('in', `echo Cookie: uuid=${uuid}; token=t0k3n-secret-x`)
    rec.close()
    const text = readFileSync(rec.files[0]!, 'utf8')
    for (const secret of [uuid, session, 'hunter22', 'tok3nv4lue', 'Zx9sidvalue', 't0k3n-secret-x'])
      expect(text).not.toContain(secret)
    expect(text).toContain('[redacted]')
    // Still one JSON object per line.
    expect(parseRecording(text).frames).toHaveLength(4)
  })

  it('reads a shared capture file (header line, then frames)', () => {
    const text =
      '{"capture": "winamax", "frames": 2}\n{"t": 0.0, "dir": "out", "data": "2probe"}\n{"t": 175.3, "dir": "in", "data": "3probe"}\n'
    expect(parseRecording(text).frames.map((f) => f.data)).toEqual(['2probe', '3probe'])
    expect(() => parseRecording('not json')).toThrow(/not a recording/)
  })
})
