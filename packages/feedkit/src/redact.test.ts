import { describe, expect, it } from 'vitest'
import { redactSecrets, registerSecret, splitCredentials } from './redact'

describe('redactSecrets', () => {
  it('censors secret shapes: user info, auth headers, cookies, session query values, zap S_/A_', () => {
    const text = [
      'fetch http://USER:PASS@host:1/socket.io/?EIO=3&sid=abcDEF&identifier=1234-5678',
      'Authorization: Basic dXNlcjpwYXNz',
      '{"cookie":"uuid=0f0f0f; lb=x","token":"t0k3n"}',
      '#\x03P\x01__time,S_SESSION42,A_TOKEN42\x00',
    ].join('\n')
    const out = redactSecrets(text)
    for (const s of ['USER', 'PASS', 'abcDEF', '1234-5678', 'dXNlcjpwYXNz', '0f0f0f', 't0k3n']) {
      expect(out).not.toContain(s)
    }
    expect(out).not.toMatch(/SESSION42|TOKEN42/)
    expect(out).toContain('http://[redacted]@host:1/socket.io/?EIO=3&sid=[redacted]')
  })

  it('censors registered values wherever they appear, and keeps JSON valid', () => {
    registerSecret('p@ss w0rd!')
    const line = JSON.stringify({
      msg: 'denied p@ss w0rd! and p%40ss%20w0rd!',
      echo: '"cookie":"a=b"',
    })
    const out = redactSecrets(line)
    expect(out).not.toMatch(/w0rd/)
    expect(() => JSON.parse(out)).not.toThrow()
  })

  it('ignores values too short to be secrets', () => {
    registerSecret('ab')
    registerSecret('true', { ephemeral: true }) // e.g. a consent cookie
    expect(redactSecrets('ab cd true')).toBe('ab cd true')
  })

  it('keeps configured secrets however many connection values come and go', () => {
    registerSecret('configured-pw-77')
    for (let i = 0; i < 1000; i++) registerSecret(`sid-of-connection-${i}`, { ephemeral: true })
    expect(redactSecrets('configured-pw-77 sid-of-connection-999 sid-of-connection-0')).toBe(
      '[redacted] [redacted] sid-of-connection-0',
    )
  })
})

describe('splitCredentials', () => {
  it('strips user info and gives the Basic header (percent-decoding undone)', () => {
    const r = splitCredentials('http://gate%20user:p%40ss@127.0.0.1:9/x/?a=1')
    expect(r).toEqual({
      url: 'http://127.0.0.1:9/x/?a=1',
      authorization: `Basic ${Buffer.from('gate user:p@ss').toString('base64')}`,
    })
    expect(redactSecrets(`sent ${r.authorization!.slice(6)} for p@ss`)).toBe(
      'sent [redacted] for [redacted]',
    )
  })
  it('leaves a URL without credentials alone', () => {
    expect(splitCredentials('wss://h/zap/')).toEqual({ url: 'wss://h/zap/' })
  })
})
