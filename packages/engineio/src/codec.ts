/**
 * Pure Engine.IO v3 / Socket.IO (protocol v4, as spoken to EIO=3 clients) codec: packets,
 * string polling payloads and Socket.IO packets. No I/O, no clock.
 *
 * Protocol facts: shared/DESIGN.md "Upstream protocol facts"; engine.io-parser v3
 * (`node_modules/engine.io/build/parser-v3`) and socket.io-parser, which the reference server
 * (`socket.io` 4.8 with `allowEIO3: true`) uses.
 */

/** A malformed Engine.IO / Socket.IO packet or payload; `raw` is the offending text. */
export class PacketError extends Error {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message)
    this.name = 'PacketError'
  }
}

/** Engine.IO packet types, by their wire digit (engine.io-parser v3 `packets`). */
export const ENGINE_PACKET_TYPES = [
  'open',
  'close',
  'ping',
  'pong',
  'message',
  'upgrade',
  'noop',
] as const

/** An Engine.IO packet type name, e.g. `'ping'` (wire digit `2`). */
export type EnginePacketType = (typeof ENGINE_PACKET_TYPES)[number]

/** One Engine.IO packet: its type and the text after the type digit (e.g. `probe`, JSON). */
export interface EnginePacket {
  type: EnginePacketType
  /** Text after the type digit; absent when empty. */
  data?: string
}

/** The open packet's JSON (`0{"sid":…,"upgrades":[…],"pingInterval":…,"pingTimeout":…}`). */
export interface Handshake {
  sid: string
  upgrades: string[]
  /** ms between client pings (EIO3: the client pings). */
  pingInterval: number
  /** ms the client waits for the pong. */
  pingTimeout: number
}

/** Encodes one Engine.IO packet as text, e.g. `{type:'ping',data:'probe'}` → `2probe`. */
export function encodeEnginePacket(packet: EnginePacket): string {
  return String(ENGINE_PACKET_TYPES.indexOf(packet.type)) + (packet.data ?? '')
}

/**
 * Decodes one Engine.IO text packet.
 * @throws PacketError on an empty packet, an unknown type digit, or a base64 binary packet
 * (`b…`, sent by EIO3 servers to clients without binary support): binary is not supported.
 */
export function decodeEnginePacket(text: string): EnginePacket {
  if (text.length === 0) throw new PacketError('empty Engine.IO packet', text)
  const c = text.charCodeAt(0)
  if (text[0] === 'b') throw new PacketError('binary Engine.IO packets are not supported', text)
  const index = c - 48
  const type = ENGINE_PACKET_TYPES[index]
  if (type === undefined) throw new PacketError(`unknown Engine.IO packet type '${text[0]}'`, text)
  return text.length > 1 ? { type, data: text.slice(1) } : { type }
}

/**
 * Parses and checks an open packet's data.
 * @throws PacketError when it is not JSON of the expected shape.
 */
export function decodeHandshake(data: string): Handshake {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    throw new PacketError('open packet data is not JSON', data)
  }
  const v = value as Partial<Handshake> | null
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.sid !== 'string' ||
    v.sid === '' ||
    typeof v.pingInterval !== 'number' ||
    typeof v.pingTimeout !== 'number' ||
    !(v.pingInterval > 0) ||
    !(v.pingTimeout > 0)
  ) {
    throw new PacketError('open packet lacks sid/pingInterval/pingTimeout', data)
  }
  const upgrades = Array.isArray(v.upgrades)
    ? v.upgrades.filter((u): u is string => typeof u === 'string')
    : []
  return { sid: v.sid, upgrades, pingInterval: v.pingInterval, pingTimeout: v.pingTimeout }
}

/**
 * Encodes packets (already encoded texts) as an EIO3 string polling payload:
 * `<length>:<packet>` each, length in UTF-16 code units (JS string length), concatenated;
 * no packets is `0:` (engine.io-parser v3 `encodePayload`).
 */
export function encodePayload(packets: string[]): string {
  if (packets.length === 0) return '0:'
  let out = ''
  for (const p of packets) out += `${p.length}:${p}`
  return out
}

/** Longest length prefix accepted: beyond this the number is not a safe integer anyway. */
const MAX_LENGTH_DIGITS = 15

/**
 * Splits an EIO3 string polling payload into its packet texts (engine.io-parser v3
 * `decodePayload`: `<length>:<packet>` repeated; `0:` is an empty payload).
 * Packets are returned undecoded so that one bad packet can be skipped alone.
 * @throws PacketError when the framing is broken (bad length, truncated packet, empty body).
 */
export function decodePayload(payload: string): string[] {
  if (payload.length === 0) throw new PacketError('empty polling payload', payload)
  const packets: string[] = []
  let i = 0
  while (i < payload.length) {
    const colon = payload.indexOf(':', i)
    if (colon < 0) throw new PacketError('polling payload: missing length separator', payload)
    const digits = payload.slice(i, colon)
    if (!/^\d+$/.test(digits) || digits.length > MAX_LENGTH_DIGITS) {
      throw new PacketError(`polling payload: bad length '${digits.slice(0, 20)}'`, payload)
    }
    const n = Number(digits)
    const start = colon + 1
    if (start + n > payload.length) {
      throw new PacketError('polling payload: packet shorter than its length', payload)
    }
    if (n > 0) packets.push(payload.slice(start, start + n))
    i = start + n
  }
  return packets
}

/** Socket.IO packet types, by their wire digit (socket.io-parser `PacketType`). */
export const SOCKET_IO_PACKET_TYPES = [
  'connect',
  'disconnect',
  'event',
  'ack',
  'error',
  'binaryEvent',
  'binaryAck',
] as const

/** A decoded Socket.IO packet; `nsp` is the namespace (`/` when the wire omits it). */
export type SocketIoPacket =
  | { type: 'connect'; nsp: string; data?: unknown }
  | { type: 'disconnect'; nsp: string }
  | { type: 'event'; nsp: string; id?: number; name: string; args: unknown[] }
  | { type: 'ack'; nsp: string; id: number; args: unknown[] }
  | { type: 'error'; nsp: string; data?: unknown }

/**
 * Encodes a Socket.IO packet (without the Engine.IO `4`): type digit, then `/nsp,` unless the
 * namespace is `/`, then the ack id digits, then JSON, e.g. `2/live,7["m",{}]`.
 * @throws TypeError if the arguments cannot be written as JSON (e.g. a BigInt).
 */
export function encodeSocketIoPacket(packet: SocketIoPacket): string {
  let out = String(SOCKET_IO_PACKET_TYPES.indexOf(packet.type))
  if (packet.nsp !== '/' && packet.nsp !== '') out += `${packet.nsp},`
  switch (packet.type) {
    case 'event':
      if (packet.id !== undefined) out += String(packet.id)
      out += JSON.stringify([packet.name, ...packet.args])
      break
    case 'ack':
      out += String(packet.id) + JSON.stringify(packet.args)
      break
    case 'connect':
    case 'error':
      if (packet.data !== undefined) out += JSON.stringify(packet.data)
      break
    case 'disconnect':
      break
  }
  return out
}

/** Encodes a Socket.IO packet as an Engine.IO message text: `4` + {@link encodeSocketIoPacket}. */
export function encodeSocketIoMessage(packet: SocketIoPacket): string {
  return '4' + encodeSocketIoPacket(packet)
}

/** Longest ack id accepted (socket.io-parser requires a safe integer). */
const MAX_ID_DIGITS = 16

/**
 * Deepest nesting of a Socket.IO packet's JSON data accepted by default, the data itself
 * being level 1 (an EVENT's `["name", …]` array is level 1, its arguments level 2). What the
 * books send is far shallower: a Winamax `m` event nests 8 levels (`PAYLOAD_LIMITS` in
 * @oddsboard/winamax), a Kwiff event 7. A deeper packet is refused whole, because recursive
 * code (`JSON.stringify`, a merge) overflows the stack at a few thousand levels (issue 13);
 * `JSON.parse` itself is iterative in V8 and parses any depth.
 */
export const MAX_PACKET_DEPTH = 64

/**
 * True when `value` nests more than `max` levels of objects and arrays (a scalar is level 0,
 * `[]` or `{}` level 1). Iterative, with an explicit stack, and it stops at the first node
 * past `max`: it never recurses, so any depth is safe to check. Visits each value at most
 * once.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (max < 1) return true
  const nodes: object[] = [value]
  const depths: number[] = [1]
  while (nodes.length > 0) {
    const node = nodes.pop()!
    const depth = depths.pop()!
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i]
        if (typeof child === 'object' && child !== null) {
          if (depth >= max) return true
          nodes.push(child)
          depths.push(depth + 1)
        }
      }
    } else {
      const obj = node as Record<string, unknown>
      for (const k in obj) {
        const child = obj[k]
        if (typeof child === 'object' && child !== null) {
          if (depth >= max) return true
          nodes.push(child)
          depths.push(depth + 1)
        }
      }
    }
  }
  return false
}

/**
 * Decodes a Socket.IO packet (the Engine.IO message data, without the `4`), following
 * socket.io-parser `decodeString`: type digit, `/nsp,` when the next char is `/`, ack id
 * digits, JSON payload.
 *
 * `maxDepth` bounds the nesting of EVENT and ACK data (see {@link MAX_PACKET_DEPTH}; checked
 * by one walk of the parsed data, {@link nestsDeeperThan}). `Infinity` skips that walk, for a
 * caller that bounds the arguments itself while reading them (so a large frame is not walked
 * twice). CONNECT and ERROR data, which the client reads itself, is always held to at most
 * {@link MAX_PACKET_DEPTH} levels.
 * @throws PacketError on an unknown type, binary packets (types 5/6, not supported), bad
 * JSON, data nested deeper than the bound (`Socket.IO packet data nests deeper than 64
 * levels`), or a payload that does not fit the type (EVENT needs `["name",...]`, ACK an
 * array and an id, DISCONNECT no payload).
 */
export function decodeSocketIoPacket(
  text: string,
  maxDepth: number = MAX_PACKET_DEPTH,
): SocketIoPacket {
  const type = SOCKET_IO_PACKET_TYPES[text.charCodeAt(0) - 48]
  if (text.length === 0 || type === undefined) {
    throw new PacketError(`unknown Socket.IO packet type '${text.slice(0, 1)}'`, text)
  }
  if (type === 'binaryEvent' || type === 'binaryAck') {
    throw new PacketError('binary Socket.IO packets are not supported', text)
  }
  let i = 1
  let nsp = '/'
  if (text[i] === '/') {
    const comma = text.indexOf(',', i)
    const end = comma < 0 ? text.length : comma
    nsp = text.slice(i, end)
    i = comma < 0 ? end : end + 1
  }
  let idDigits = ''
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
    idDigits += text[i]
    i++
  }
  const id = idDigits === '' ? undefined : Number(idDigits)
  if (idDigits.length > MAX_ID_DIGITS || (id !== undefined && !Number.isSafeInteger(id))) {
    throw new PacketError('Socket.IO ack id is not a safe integer', text)
  }
  const json = text.slice(i)
  let data: unknown = undefined
  if (json !== '') {
    try {
      data = JSON.parse(json)
    } catch {
      throw new PacketError('Socket.IO packet payload is not JSON', text)
    }
    const bound =
      type === 'event' || type === 'ack' ? maxDepth : Math.min(maxDepth, MAX_PACKET_DEPTH)
    if (bound !== Infinity && nestsDeeperThan(data, bound)) {
      throw new PacketError(`Socket.IO packet data nests deeper than ${bound} levels`, text)
    }
  }
  switch (type) {
    case 'connect':
      return data === undefined ? { type, nsp } : { type, nsp, data }
    case 'disconnect':
      if (data !== undefined) throw new PacketError('DISCONNECT packet with a payload', text)
      return { type, nsp }
    case 'error':
      return data === undefined ? { type, nsp } : { type, nsp, data }
    case 'event': {
      if (!Array.isArray(data) || typeof data[0] !== 'string') {
        throw new PacketError('EVENT payload is not ["name", ...args]', text)
      }
      const [name, ...args] = data as [string, ...unknown[]]
      return id === undefined ? { type, nsp, name, args } : { type, nsp, id, name, args }
    }
    case 'ack':
      if (id === undefined) throw new PacketError('ACK packet without an id', text)
      if (!Array.isArray(data)) throw new PacketError('ACK payload is not an array', text)
      return { type, nsp, id, args: data as unknown[] }
  }
}
