import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mFrames, readCapture } from './capture'
import {
  checkPayloadBounds,
  decodeEventFrame,
  decodeMEvent,
  decodeMPayload,
  encodeMFrame,
  PAYLOAD_LIMITS,
  WinamaxPayloadError,
} from './codec'

describe('decodeEventFrame', () => {
  it('reads every m frame of the capture; the snapshot carries its requestId', () => {
    const all = readCapture().frames
    expect(all).toHaveLength(113)
    const frames = mFrames(all)
    // 113 = 3 upgrade frames (2probe, 3probe, 5) + 14 pings/pongs + 96 m events.
    expect(all.filter((f) => /^(2probe|3probe|5|2|3)$/.test(f.data))).toHaveLength(17)
    expect(frames).toHaveLength(96)
    const decoded = frames.map((f) => decodeEventFrame(f.data))
    for (const d of decoded) expect(d.name).toBe('m')
    const snapshot = decodeMEvent(decoded[0]!.args)
    expect(snapshot.requestId).toBe('dbffd664-6d78-4f58-b4c9-1b09deee1076')
    expect(Object.keys(snapshot.matches!)).toHaveLength(689)
    // Deltas carry no requestId.
    for (const d of decoded.slice(1)) expect(decodeMEvent(d.args).requestId).toBeUndefined()
  })

  it('rejects what is not a Socket.IO EVENT packet', () => {
    expect(() => decodeEventFrame('3probe')).toThrow(WinamaxPayloadError)
    expect(() => decodeEventFrame('42["m",{')).toThrow(WinamaxPayloadError)
    expect(() => decodeEventFrame('42{"m":1}')).toThrow(WinamaxPayloadError)
    expect(() => decodeEventFrame('42[1,2]')).toThrow(WinamaxPayloadError)
  })

  it('property: encodeMFrame then decodeEventFrame gives the payload back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const { name, args } = decodeEventFrame(encodeMFrame(payload))
        expect(name).toBe('m')
        expect(args).toEqual([JSON.parse(JSON.stringify(payload))])
      }),
    )
  })
})

describe('decodeMPayload', () => {
  it('accepts objects with unknown keys, and JSON text of one', () => {
    expect(decodeMPayload({ brandNew: [1], mainMatchCount: 3 })).toEqual({
      brandNew: [1],
      mainMatchCount: 3,
    })
    expect(decodeMPayload('{"odds":{"1":2.5}}')).toEqual({ odds: { '1': 2.5 } })
  })

  it('throws a typed error for invalid JSON and wrong shapes', () => {
    for (const bad of [
      '{"odds":',
      'null',
      [],
      3,
      null,
      { matches: [] },
      { outcomes: 'x' },
      { odds: [1.5] },
      { requestId: 7 },
    ]) {
      expect(() => decodeMPayload(bad), JSON.stringify(bad)).toThrow(WinamaxPayloadError)
    }
    expect(() => decodeMEvent([])).toThrow(WinamaxPayloadError)
  })

  it('rejects entities that are not objects or null, naming the entity', () => {
    expect(decodeMPayload({ matches: { '1': {}, '2': null }, odds: { '3': 'x' } })).toEqual({
      matches: { '1': {}, '2': null },
      odds: { '3': 'x' },
    })
    expect(() => decodeMPayload({ bets: { '1': [1] } })).toThrow(WinamaxPayloadError)
    expect(() => decodeMPayload({ sports: { '1': 'Football' } })).toThrow(/sports\[1\]/)
  })

  it('counts keys and ids; leaves nesting and what lies below the ids to the store', () => {
    const ids = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [i, null]))
    // The payload, its key and the ids: 2 + n values.
    expect(() => decodeMPayload({ outcomes: ids(PAYLOAD_LIMITS.maxValues - 2) })).not.toThrow()
    expect(() => decodeMPayload({ outcomes: ids(PAYLOAD_LIMITS.maxValues - 1) })).toThrow(
      /more than 2000000 values/,
    )
    // Not walked here: 100,000 levels pass the decoder (checkPayloadBounds refuses them).
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)
    expect(() => decodeMPayload(`{"matches":{"1":${deep}},"settings":${deep}}`)).not.toThrow()
  })

  it('checkPayloadBounds refuses nesting and size beyond the bounds, without recursion', () => {
    const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)
    const check = (p: unknown) => checkPayloadBounds(decodeMPayload(p))
    // The payload is level 1, `matches` 2, the match 3 (the outermost of `deep`'s objects).
    expect(() => check(`{"matches":{"1":${deep(PAYLOAD_LIMITS.maxDepth - 2)}}}`)).not.toThrow()
    expect(() => check(`{"matches":{"1":${deep(PAYLOAD_LIMITS.maxDepth - 1)}}}`)).toThrow(
      /nests deeper than 32 levels \(under matches\.1/,
    )
    // 100,000 levels: refused at level 33, no stack overflow; outside entities too.
    expect(() => check(`{"settings":${deep(100_000)}}`)).toThrow(
      /deeper than 32 levels \(under settings/,
    )
    expect(() => check(`{"odds":{"7":${deep(100_000)}}}`)).toThrow(/\(under odds\.7/)
    const wide = {
      odds: Object.fromEntries(Array.from({ length: PAYLOAD_LIMITS.maxValues }, (_, i) => [i, 2])),
    }
    expect(() => check(wide)).toThrow(/more than 2000000 values/)
  })

  it('the capture stays far inside the bounds', () => {
    for (const f of mFrames(readCapture().frames))
      expect(() => checkPayloadBounds(decodeMEvent(decodeEventFrame(f.data).args))).not.toThrow()
  })

  it('property: any JSON value is accepted or rejected with WinamaxPayloadError, nothing else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          decodeMPayload(value)
        } catch (err) {
          expect(err).toBeInstanceOf(WinamaxPayloadError)
        }
      }),
    )
  })
})
