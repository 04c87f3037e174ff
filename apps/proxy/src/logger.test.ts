import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { registerSecret } from '@oddsboard/feedkit'
import { createLogger } from './logger'

describe('createLogger', () => {
  it('writes JSON lines and censors secrets and cookies', async () => {
    const out = new PassThrough()
    const chunks: string[] = []
    out.on('data', (c: Buffer) => chunks.push(c.toString()))
    const logger = createLogger('info', out)
    logger.info(
      {
        bet365: { sessionId: 'S3CRET', token: 'T0KEN' },
        headers: { cookie: 'uuid=abc' },
        url: 'x',
      },
      'feed configured',
    )
    logger.debug({}, 'not at info')
    await new Promise((r) => setImmediate(r))
    const lines = chunks.join('').trim().split('\n')
    expect(lines).toHaveLength(1)
    const line = JSON.parse(lines[0]!)
    expect(line).toMatchObject({ msg: 'feed configured', level: 30, url: 'x' })
    expect(lines[0]).not.toMatch(/S3CRET|T0KEN|uuid=abc/)
    expect(line.bet365.token).toBe('[redacted]')
  })

  it('pretty-prints one readable line per record, still censored', async () => {
    const out = new PassThrough()
    const chunks: string[] = []
    out.on('data', (c: Buffer) => chunks.push(c.toString()))
    const logger = createLogger('info', out, 'pretty')
    logger.info({ url: 'http://127.0.0.1:8080', token: 'T0KEN' }, 'oddsboard listening')
    await new Promise((r) => setImmediate(r))
    const text = chunks.join('')
    expect(text).toMatch(/INFO.*oddsboard listening/)
    expect(text).toContain(`"url":"http://127.0.0.1:8080"`)
    expect(text.trim().split('\n')).toHaveLength(1)
    expect(text).not.toContain('T0KEN')
    expect(() => JSON.parse(text)).toThrow()
  })

  it.each(['json', 'pretty'] as const)(
    'censors secrets wherever they sit in a %s record: URL user info, registered values',
    async (format) => {
      registerSecret('kwiff-uuid-0123456789')
      const out = new PassThrough()
      const chunks: string[] = []
      out.on('data', (c: Buffer) => chunks.push(c.toString()))
      const logger = createLogger('trace', out, format)
      logger.trace(
        { reason: 'transport error: http://USER:PASS@host/socket.io/ refused' },
        'lost kwiff-uuid-0123456789',
      )
      await new Promise((r) => setImmediate(r))
      const text = chunks.join('')
      expect(text).toContain('http://[redacted]@host/socket.io/')
      expect(text).not.toMatch(/USER|PASS|kwiff-uuid-0123456789/)
    },
  )
})
