import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import {
  PacketError,
  decodeEnginePacket,
  decodeHandshake,
  decodePayload,
  decodeSocketIoPacket,
  encodeEnginePacket,
  encodePayload,
  encodeSocketIoMessage,
  encodeSocketIoPacket,
  ENGINE_PACKET_TYPES,
  MAX_PACKET_DEPTH,
  nestsDeeperThan,
} from './codec'
import type { SocketIoPacket } from './codec'

/** Any text, including astral characters (emoji) that count 2 UTF-16 code units. */
const text = fc.string({ unit: 'binary', maxLength: 40 })
/** JSON values as they come back from JSON (no -0, no undefined). */
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown)
const nsp = fc.oneof(
  fc.constant('/'),
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => '/' + s.replaceAll(',', '')),
)
const ackId = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })

/** Asserts that `f` returns or throws a PacketError, nothing else. */
function onlyPacketError(f: () => unknown): void {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(PacketError)
  }
}

describe('Engine.IO packets', () => {
  it('encodes the probe ping and upgrade (DESIGN.md: 2probe → 3probe → 5)', () => {
    expect(encodeEnginePacket({ type: 'ping', data: 'probe' })).toBe('2probe')
    expect(encodeEnginePacket({ type: 'upgrade' })).toBe('5')
    expect(decodeEnginePacket('3probe')).toEqual({ type: 'pong', data: 'probe' })
    expect(decodeEnginePacket('6')).toEqual({ type: 'noop' })
  })

  it('round-trips every type with any data', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENGINE_PACKET_TYPES), text, (type, data) => {
        const packet = data === '' ? { type } : { type, data }
        expect(decodeEnginePacket(encodeEnginePacket(packet))).toEqual(packet)
      }),
    )
  })

  it('rejects empty, unknown and binary packets with PacketError', () => {
    expect(() => decodeEnginePacket('')).toThrow(PacketError)
    expect(() => decodeEnginePacket('9x')).toThrow(/unknown Engine.IO packet type/)
    expect(() => decodeEnginePacket('b4AAEC')).toThrow(/binary/)
  })

  it('parses the open packet of the captures (winamax: sid, upgrades, 25 s ping)', () => {
    const h = decodeHandshake(
      '{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}',
    )
    expect(h).toEqual({
      sid: 'abc',
      upgrades: ['websocket'],
      pingInterval: 25000,
      pingTimeout: 20000,
    })
    expect(() => decodeHandshake('{"sid":1}')).toThrow(PacketError)
    expect(() => decodeHandshake('nope')).toThrow(PacketError)
  })
})

describe('EIO3 polling payloads', () => {
  it('counts lengths in UTF-16 code units', () => {
    expect(encodePayload(['42["m","é😀"]'])).toBe('13:42["m","é😀"]')
    expect(decodePayload('2:407:42["a"]')).toEqual(['40', '42["a"]'])
    expect(decodePayload('3:4😀')).toEqual(['4😀'])
    expect(decodePayload('0:')).toEqual([])
    expect(encodePayload([])).toBe('0:')
  })

  it('round-trips any list of packets, astral characters included', () => {
    fc.assert(
      fc.property(
        fc.array(
          text.filter((s) => s.length > 0),
          { maxLength: 6 },
        ),
        (packets) => {
          expect(decodePayload(encodePayload(packets))).toEqual(packets)
        },
      ),
    )
  })

  it('rejects broken framing with PacketError', () => {
    for (const bad of ['', '5:abc', 'x:1', '2:40junk', '3', ':4', '-1:4']) {
      expect(() => decodePayload(bad), bad).toThrow(PacketError)
    }
  })

  it('never throws anything but PacketError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => onlyPacketError(() => decodePayload(s))),
    )
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('1', '2', '0', ':', '4', 'x', '😀')).map((a) => a.join('')),
        (s) => onlyPacketError(() => decodePayload(s)),
      ),
    )
  })
})

describe('Socket.IO packets', () => {
  it('reads the frames of the captures (kwiff: acked command and its answer)', () => {
    expect(decodeSocketIoPacket('0')).toEqual({ type: 'connect', nsp: '/' })
    expect(decodeSocketIoPacket('212["command",{"message":"event:list"}]')).toEqual({
      type: 'event',
      nsp: '/',
      name: 'command',
      id: 12,
      args: [{ message: 'event:list' }],
    })
    expect(decodeSocketIoPacket('312[{"timestamp":1}]')).toEqual({
      type: 'ack',
      nsp: '/',
      id: 12,
      args: [{ timestamp: 1 }],
    })
    expect(decodeSocketIoPacket('2/live,["m",null]')).toEqual({
      type: 'event',
      nsp: '/live',
      name: 'm',
      args: [null],
    })
    expect(decodeSocketIoPacket('1/live,')).toEqual({ type: 'disconnect', nsp: '/live' })
    expect(decodeSocketIoPacket('4"not authorized"')).toEqual({
      type: 'error',
      nsp: '/',
      data: 'not authorized',
    })
  })

  it('writes the engine message forms of DESIGN.md', () => {
    const sub: SocketIoPacket = { type: 'event', nsp: '/', name: 'm', args: [{ route: 'sport:5' }] }
    expect(encodeSocketIoMessage(sub)).toBe('42["m",{"route":"sport:5"}]')
    expect(encodeSocketIoMessage({ type: 'ack', nsp: '/', id: 3, args: [] })).toBe('433[]')
    expect(encodeSocketIoMessage({ type: 'connect', nsp: '/x' })).toBe('40/x,')
  })

  it('rejects binary, bad JSON and ill-shaped payloads with PacketError', () => {
    for (const bad of [
      '',
      '51-["a",{"_placeholder":true,"num":0}]',
      '6',
      '7',
      '2["a"',
      '2{"a":1}',
      '2[1]',
      '3[1]',
      '31{}',
      '1"x"',
      '212345678901234567["a"]',
    ]) {
      expect(() => decodeSocketIoPacket(bad), bad).toThrow(PacketError)
    }
  })

  it('round-trips events and acks with any namespace, id and JSON (non-ASCII too)', () => {
    const event = fc.record({
      type: fc.constant('event' as const),
      nsp,
      id: fc.option(ackId, { nil: undefined }),
      name: text,
      args: fc.array(json, { maxLength: 4 }),
    })
    const ack = fc.record({
      type: fc.constant('ack' as const),
      nsp,
      id: ackId,
      args: fc.array(json, { maxLength: 4 }),
    })
    fc.assert(
      fc.property(fc.oneof(event, ack), (p) => {
        const packet: SocketIoPacket = { ...p }
        if (packet.type === 'event' && packet.id === undefined) delete packet.id
        expect(decodeSocketIoPacket(encodeSocketIoPacket(packet))).toEqual(packet)
      }),
    )
  })

  it('never throws anything but PacketError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) =>
        onlyPacketError(() => decodeSocketIoPacket(s)),
      ),
    )
    fc.assert(
      fc.property(
        fc.constantFrom('0', '1', '2', '3', '4', '5', '6'),
        fc.constantFrom('', '/', '/a,', '/a'),
        fc.string({ unit: 'binary', maxLength: 20 }),
        (t, n, rest) => onlyPacketError(() => decodeSocketIoPacket(t + n + rest)),
      ),
    )
  })
})

describe('nesting bound', () => {
  const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n)
  const objects = (n: number) => '{"k":'.repeat(n) + 'null' + '}'.repeat(n)

  it('nestsDeeperThan counts objects and arrays, a scalar being level 0', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false)
    expect(nestsDeeperThan([], 0)).toBe(true)
    expect(nestsDeeperThan([], 1)).toBe(false)
    expect(nestsDeeperThan([1, 'a', null], 1)).toBe(false)
    expect(nestsDeeperThan([{}], 1)).toBe(true)
    expect(nestsDeeperThan({ a: [1], b: { c: {} } }, 3)).toBe(false)
    expect(nestsDeeperThan({ a: [1], b: { c: { d: [] } } }, 3)).toBe(true)
    // Iterative: a depth that overflows any recursive walk is answered, not thrown.
    expect(nestsDeeperThan(JSON.parse(arrays(200_000)), 64)).toBe(true)
  })

  it('data of exactly MAX_PACKET_DEPTH levels passes, one more is a PacketError', () => {
    const d = MAX_PACKET_DEPTH
    // An EVENT's ["name", …] array is level 1: its argument may nest d - 1 levels.
    expect(decodeSocketIoPacket(`2["e",${arrays(d - 1)}]`).type).toBe('event')
    const tooDeep = `2["e",${arrays(d)}]`
    expect(() => decodeSocketIoPacket(tooDeep)).toThrow(
      new PacketError(`Socket.IO packet data nests deeper than ${d} levels`, tooDeep),
    )
    expect(decodeSocketIoPacket(`4${objects(d)}`).type).toBe('error')
    expect(() => decodeSocketIoPacket(`4${objects(d + 1)}`)).toThrow(PacketError)
    expect(() => decodeSocketIoPacket(`0${objects(d + 1)}`)).toThrow(PacketError)
    expect(() => decodeSocketIoPacket(`37${arrays(d + 1)}`)).toThrow(PacketError)
    expect(() => decodeSocketIoPacket(`2["e",${arrays(3)}]`, 3)).toThrow(/deeper than 3 levels/)
  })

  it('maxDepth Infinity leaves EVENT and ACK data unwalked, never CONNECT or ERROR data', () => {
    const deep = arrays(20_000)
    const event = decodeSocketIoPacket(`2["e",${deep}]`, Infinity)
    expect(event.type === 'event' && event.name).toBe('e')
    expect(decodeSocketIoPacket(`37${deep}`, Infinity).type).toBe('ack')
    expect(() => decodeSocketIoPacket(`4${deep}`, Infinity)).toThrow(
      `deeper than ${MAX_PACKET_DEPTH} levels`,
    )
    expect(() => decodeSocketIoPacket(`0${deep}`, Infinity)).toThrow(PacketError)
  })
})
