import { describe, expect, it } from 'vitest'
import type { Logger } from './logger'
import { FeedTracker, frameSample } from './feed'

function recorder() {
  const lines: { level: string; obj: object; msg?: string }[] = []
  const log =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg })
    }
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  }
  return { logger, lines }
}

describe('FeedTracker', () => {
  it('counts reconnects on entering reconnecting and notifies on change only', () => {
    const { logger } = recorder()
    const t = new FeedTracker('bet365', logger, () => 1_000)
    const states: string[] = []
    t.onStatus((s) => states.push(s.state))
    t.setState('live')
    t.setState('live')
    t.setState('reconnecting', 'socket closed')
    t.setState('reconnecting', 'socket closed')
    t.setState('live')
    expect(states).toEqual(['live', 'reconnecting', 'live'])
    expect(t.status().reconnects).toBe(1)
    expect(t.status().error).toBeUndefined()
  })
  it('measures messages per second over complete seconds', () => {
    let now = 10_000
    const t = new FeedTracker('winamax', recorder().logger, () => now)
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < 4; i++) t.message()
      now += 1_000
    }
    expect(t.status().messagesPerSec).toBe(4)
    expect(t.status().messages).toBe(12)
    expect(t.status().lastMessageAt).toBe(12_000)
  })
  it('counts bad frames and logs a short sample, rate-limited', () => {
    const { logger, lines } = recorder()
    const t = new FeedTracker('kwiff', logger)
    for (let i = 0; i < 250; i++) t.badFrame(`\x14bad${'x'.repeat(500)}`, 'truncated')
    expect(t.status().badFrames).toBe(250)
    expect(lines.length).toBe(5 + 2)
    const sample = (lines[0]!.obj as { sample: string }).sample
    expect(sample.startsWith('\\x14bad')).toBe(true)
    expect(sample.length).toBeLessThan(160)
  })
  it('does not send empty op batches', () => {
    const t = new FeedTracker('kwiff', recorder().logger)
    const got: number[] = []
    t.onOps((ops) => got.push(ops.length))
    t.emitOps([])
    t.emitOps([{ op: 'remove', kind: 'event', id: 'kwiff:e1' }])
    expect(got).toEqual([1])
  })
})

describe('frameSample', () => {
  it('escapes control bytes and truncates', () => {
    expect(frameSample('\x15OV\x01U|')).toBe('\\x15OV\\x01U|')
    expect(frameSample('a'.repeat(300), 10)).toBe('aaaaaaaaaa…(300 chars)')
  })
})
