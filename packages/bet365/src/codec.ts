/**
 * Bet365 "zap" wire codec: frames ↔ messages ↔ records. Pure: no sockets, timers or clock.
 *
 * Wire facts (captures/README "bet365/", seed "Delimiter Hierarchy", DESIGN.md "Bet365 (zap)"):
 * - server message: type byte (0x14 topic load, 0x15 delta) + topic + `\x01` + body;
 *   several messages in one frame are joined by `\x08`;
 * - body: op letter `F` (load), `U` (update), `I` (insert), `D` (delete), then `|`, then
 *   `|`-terminated records; a record is an optional type (`CL`, `EV`, …) and `;`-terminated
 *   two-letter `KEY=value` fields (`EV;NA=A v B;SS=3-6;|`, or just `XP=40-15;|` in a `U`);
 * - handshake reply: `100` (ok) / `101` (challenge) / `111` (rejected) + `\x02` + connection
 *   id + `\x00` (captures MohamedRouatbi, davccavalcante);
 * - client handshake `#\x03P\x01<topics>,S_<session>[,A_<token>]\x00` (captures antibagr har,
 *   mahendrakalkura #3); subscribe `\x16\x00<topic,topic>\x01` (davccavalcante, mahendrakalkura #3).
 */

/** Type byte of a topic load (initial snapshot of a topic). */
export const ZAP_LOAD = 0x14
/** Type byte of a delta on a topic. */
export const ZAP_DELTA = 0x15
/** Type byte of a client subscribe frame. */
export const ZAP_SUBSCRIBE = 0x16
/** Separates the messages bundled in one frame. */
export const MESSAGE_SEPARATOR = '\x08'
/** Separates a message's topic from its body. */
export const TOPIC_END = '\x01'

/** Body operation: `F` load, `U` update (changed fields only), `I` insert, `D` delete. */
export type ZapOp = 'F' | 'U' | 'I' | 'D'

/** Field map of one record: two-letter key → raw text value (never unescaped or trimmed). */
export type ZapFields = Record<string, string>

/**
 * One record of a body. `type` is the leading segment without `=` (`CL`, `CT`, `EV`, `MA`,
 * `PA`, `IN`, `ER`, …) or `''` when the record has none (the field lists of `U` messages).
 */
export interface ZapRecord {
  type: string
  fields: ZapFields
}

/**
 * Type byte of a "Ping Client" control message (DPT, the Diffusion protocol zap is built on:
 * diffusiondata/wireshark-dissector dpt.lua, message type 0x19, one fixed header, a
 * timestamp). No public bet365 capture shows one; decoded so that it is never a bad frame.
 */
export const ZAP_PING_CLIENT = 0x19
/**
 * Type byte of a "Close Request" (DPT message type 0x1d, no header; same source). The
 * antibagr har shows it alone as the last frame of three of its four connections.
 */
export const ZAP_CLOSE_REQUEST = 0x1d

/** A decoded server message. */
export interface ZapMessage {
  /** `load` for type byte 0x14, `delta` for 0x15. */
  kind: 'load' | 'delta'
  /** The zap topic: a subscription name (`OVInPlay_1_3`, `__time`) or a node's `IT`. */
  topic: string
  op: ZapOp
  records: ZapRecord[]
}

/** Handshake reply statuses: ok, challenge, rejected. */
export type HandshakeStatus = '100' | '101' | '111'

/** What one server frame holds. */
export type ServerFrame =
  | { kind: 'handshake'; status: HandshakeStatus; connectionId: string }
  | { kind: 'messages'; messages: ZapMessage[] }
  /** A DPT control frame ({@link ZAP_PING_CLIENT}, {@link ZAP_CLOSE_REQUEST}); `headers` as sent. */
  | { kind: 'control'; control: 'ping' | 'close'; headers: string }

/** What one client frame holds (the simulator reads these). */
export type ClientFrame =
  | { kind: 'handshake'; topics: string[]; sessionId: string | null; token: string | null }
  | { kind: 'subscribe'; topics: string[] }

/** Thrown by every decoder for input that is not a well-formed zap frame; `reason` is short and stable. */
export class ZapDecodeError extends Error {
  constructor(readonly reason: string) {
    super(`zap decode: ${reason}`)
    this.name = 'ZapDecodeError'
  }
}

const OPS = new Set(['F', 'U', 'I', 'D'])
const TYPE_RE = /^[A-Z][A-Z0-9]$/
const KEY_RE = /^[A-Z0-9]{2}$/
// eslint-disable-next-line no-control-regex
const HANDSHAKE_RE = /^(\d{3})\x02([^\x00]*)\x00?$/

/** Interned two-character keys by char codes (`c1 * 128 + c2`), so keys are never sliced or hashed. */
const KEYS: (string | undefined)[] = (() => {
  const table: (string | undefined)[] = new Array(128 * 128)
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  for (const a of chars)
    for (const b of chars) table[a.charCodeAt(0) * 128 + b.charCodeAt(0)] = a + b
  return table
})()

// Where checkRecord saw the last IT and OD values (offsets into the text; -1: none).
let seenIt = -1
let seenItEnd = -1
let seenOd = -1
let seenOdEnd = -1

/**
 * Checks the record `text[start, end)` (without its `|`) and returns its type. One pass
 * over char codes with no allocation: this is the hot loop of a topic load (bench/bet365.ts).
 */
function checkRecord(text: string, start: number, end: number): string {
  seenIt = -1
  seenOd = -1
  if (start === end) throw new ZapDecodeError('empty record')
  if (text.charCodeAt(end - 1) !== 59 /* ; */) throw new ZapDecodeError('record not ;-terminated')
  let type = ''
  let i = start
  while (i < end) {
    const c1 = text.charCodeAt(i)
    const c2 = text.charCodeAt(i + 1)
    if (text.charCodeAt(i + 2) === 61 /* = */ && i + 2 < end) {
      if (c1 >= 128 || c2 >= 128 || KEYS[c1 * 128 + c2] === undefined) {
        throw new ZapDecodeError('field key is not two letters/digits')
      }
      const semi = text.indexOf(';', i + 3)
      // Remember where IT and OD are: the tree needs them for every record of a load.
      if (c1 === 73 && c2 === 84) {
        seenIt = i + 3
        seenItEnd = semi
      } else if (c1 === 79 && c2 === 68) {
        seenOd = i + 3
        seenOdEnd = semi
      }
      i = semi + 1
      continue
    }
    const semi = text.indexOf(';', i)
    if (i === start && semi === i + 2 && TYPE_RE.test(text.slice(i, semi))) {
      type = text.slice(i, semi)
    } else {
      const eq = text.indexOf('=', i)
      if (eq === -1 || eq > semi) throw new ZapDecodeError('field without =')
      throw new ZapDecodeError('field key is not two characters')
    }
    i = semi + 1
  }
  return type
}

/** Builds the field map of a record already checked by {@link checkRecord}. */
function readFields(text: string, start: number, end: number): ZapFields {
  const fields: ZapFields = {}
  let i = start
  while (i < end) {
    const semi = text.indexOf(';', i)
    if (text.charCodeAt(i + 2) === 61) {
      fields[KEYS[text.charCodeAt(i) * 128 + text.charCodeAt(i + 1)]!] = text.slice(i + 3, semi)
    }
    i = semi + 1
  }
  return fields
}

/**
 * A record decoded from wire text. It is fully checked at decode time (so a bad record
 * rejects its frame there), but its field map is built on first access of `fields`: a topic
 * load becomes a tree without copying every field of every record up front.
 */
class WireRecord implements ZapRecord {
  #fields: ZapFields | null = null

  constructor(
    readonly type: string,
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    private readonly it: string | undefined,
    private readonly od: string | undefined,
  ) {}

  get fields(): ZapFields {
    return (this.#fields ??= readFields(this.text, this.start, this.end))
  }

  set fields(value: ZapFields) {
    this.#fields = value
  }

  /** One field; `IT` and `OD` are read from the wire text while the map is not built. */
  field(key: string): string | undefined {
    if (this.#fields !== null) return this.#fields[key]
    if (key === 'IT') return this.it
    if (key === 'OD') return this.od
    return this.fields[key]
  }
}

function wireRecord(text: string, start: number, end: number): WireRecord {
  const type = checkRecord(text, start, end)
  const it = seenIt === -1 ? undefined : text.slice(seenIt, seenItEnd)
  const od = seenOd === -1 ? undefined : text.slice(seenOd, seenOdEnd)
  return new WireRecord(type, text, start, end, it, od)
}

/**
 * One field of a record, without building its field map when it is still wire text
 * (the tree reads `IT` and `OD` of every record of a load this way).
 */
export function recordField(record: ZapRecord, key: string): string | undefined {
  return record instanceof WireRecord ? record.field(key) : record.fields[key]
}

/**
 * A plain copy `{ type, fields }` of a record (decoded records build their field map
 * lazily behind a getter; this gives an ordinary object, e.g. to compare or serialize).
 */
export function plainRecord(record: ZapRecord): ZapRecord {
  return { type: record.type, fields: { ...record.fields } }
}

/**
 * Decodes one record text (without its trailing `|`), e.g. `PA;ID=1;OD=9/2;`.
 * @throws ZapDecodeError for an empty record, a record not `;`-terminated, a field without
 *   `=`, or a key that is not two letters/digits.
 */
export function decodeRecord(text: string): ZapRecord {
  return wireRecord(text, 0, text.length)
}

/**
 * Decodes a message body such as `F|CL;NA=Tennis;|EV;…;|` or `D||` into its op and records.
 * @throws ZapDecodeError for an unknown op letter, a missing `|` after it, a body not
 *   ending with `|` (a truncated frame), or a bad record (see {@link decodeRecord}).
 */
export function decodeBody(body: string): { op: ZapOp; records: ZapRecord[] } {
  return scanBody(body, 0)
}

function scanBody(text: string, from: number): { op: ZapOp; records: ZapRecord[] } {
  const op = text[from]
  if (op === undefined || !OPS.has(op)) throw new ZapDecodeError('unknown body op')
  if (text.charCodeAt(from + 1) !== 124 /* | */) throw new ZapDecodeError('no | after body op')
  const records: ZapRecord[] = []
  const len = text.length - from
  // `D|` and `D||` (seed, "Deletion") both carry no record.
  if (len === 2 || (len === 3 && text.charCodeAt(from + 2) === 124)) {
    return { op: op as ZapOp, records }
  }
  if (text.charCodeAt(text.length - 1) !== 124) throw new ZapDecodeError('truncated body')
  let start = from + 2
  const end = text.length
  while (start < end) {
    const bar = text.indexOf('|', start)
    records.push(wireRecord(text, start, bar))
    start = bar + 1
  }
  return { op: op as ZapOp, records }
}

/**
 * Decodes one message `<type byte><topic>\x01<body>`.
 * @throws ZapDecodeError for an unknown type byte, a missing topic end, an empty topic, or a bad body.
 */
export function decodeMessage(text: string): ZapMessage {
  const typeByte = text.charCodeAt(0)
  let kind: ZapMessage['kind']
  if (typeByte === ZAP_LOAD) kind = 'load'
  else if (typeByte === ZAP_DELTA) kind = 'delta'
  else if (Number.isNaN(typeByte)) throw new ZapDecodeError('empty message')
  else throw new ZapDecodeError(`unknown type byte 0x${typeByte.toString(16).padStart(2, '0')}`)
  const topicEnd = text.indexOf(TOPIC_END, 1)
  if (topicEnd === -1) throw new ZapDecodeError('truncated message: no topic end')
  if (topicEnd === 1) throw new ZapDecodeError('empty topic')
  const topic = text.slice(1, topicEnd)
  const { op, records } = scanBody(text, topicEnd + 1)
  return { kind, topic, op, records }
}

/**
 * Decodes one server frame: a handshake reply (`100\x02<id>\x00`), a control frame
 * (`\x19` ping, `\x1d` close request) or one or more messages joined by `\x08`. The frame is all-or-nothing: one bad message rejects the frame.
 * @throws ZapDecodeError (only this error type) for anything that is not well formed.
 */
export function decodeServerFrame(frame: string): ServerFrame {
  const c = frame.charCodeAt(0)
  if (c >= 48 && c <= 57) {
    const m = HANDSHAKE_RE.exec(frame)
    if (m === null) throw new ZapDecodeError('malformed handshake reply')
    const status = m[1]!
    if (status !== '100' && status !== '101' && status !== '111') {
      throw new ZapDecodeError(`unknown handshake status ${status}`)
    }
    return { kind: 'handshake', status, connectionId: m[2]! }
  }
  if (c === ZAP_PING_CLIENT || c === ZAP_CLOSE_REQUEST) {
    const control = c === ZAP_PING_CLIENT ? 'ping' : 'close'
    return { kind: 'control', control, headers: frame.slice(1) }
  }
  const messages: ZapMessage[] = []
  let start = 0
  while (start <= frame.length) {
    let sep = frame.indexOf(MESSAGE_SEPARATOR, start)
    if (sep === -1) sep = frame.length
    messages.push(decodeMessage(frame.slice(start, sep)))
    start = sep + 1
  }
  return { kind: 'messages', messages }
}

/**
 * Decodes a client frame: the handshake `#\x03P\x01<topics>,S_<session>[,A_<token>]\x00`
 * (the trailing `\x00` is optional, DevTools copies drop it) or a subscribe `\x16\x00<topics>\x01`.
 * @throws ZapDecodeError for anything else.
 */
export function decodeClientFrame(frame: string): ClientFrame {
  if (frame.startsWith('#\x03P\x01')) {
    // eslint-disable-next-line no-control-regex
    const list = frame.slice(4).replace(/\x00$/, '')
    const topics: string[] = []
    let sessionId: string | null = null
    let token: string | null = null
    for (const item of list.split(',')) {
      if (item.startsWith('S_')) sessionId = item.slice(2)
      else if (item.startsWith('A_')) token = item.slice(2)
      else if (item !== '') topics.push(item)
    }
    return { kind: 'handshake', topics, sessionId, token }
  }
  if (frame.startsWith('\x16\x00')) {
    if (!frame.endsWith('\x01')) throw new ZapDecodeError('truncated subscribe')
    const topics = frame
      .slice(2, -1)
      .split(',')
      .filter((t) => t !== '')
    return { kind: 'subscribe', topics }
  }
  throw new ZapDecodeError('unknown client frame')
}

/**
 * Encodes one record: `TYPE;K=V;…;` (no trailing `|`). Field order is the object's key order.
 * @throws ZapDecodeError when a key or value would break the framing (contains `;`, `|`, `=` in
 *   a key, or a control byte), so nothing unreadable is ever written.
 */
export function encodeRecord(record: ZapRecord): string {
  let out = record.type === '' ? '' : `${record.type};`
  for (const key in record.fields) {
    const value = record.fields[key]!
    if (!KEY_RE.test(key)) throw new ZapDecodeError(`cannot encode key ${JSON.stringify(key)}`)
    // eslint-disable-next-line no-control-regex
    if (/[;|\x00-\x1f]/.test(value)) throw new ZapDecodeError(`cannot encode value of ${key}`)
    out += `${key}=${value};`
  }
  return out
}

/**
 * Encodes a body: `op|rec|rec|`, or `D||` style `op||` when there is no record.
 * @throws ZapDecodeError when a record cannot be written (see {@link encodeRecord}).
 */
export function encodeBody(op: ZapOp, records: readonly ZapRecord[]): string {
  if (records.length === 0) return `${op}||`
  let out = `${op}|`
  for (const r of records) out += `${encodeRecord(r)}|`
  return out
}

/**
 * Encodes one message `<type byte><topic>\x01<body>` (0x14 for `load`, 0x15 for `delta`).
 * @throws ZapDecodeError when a record cannot be written (see {@link encodeRecord}).
 */
export function encodeMessage(message: ZapMessage): string {
  const type = String.fromCharCode(message.kind === 'load' ? ZAP_LOAD : ZAP_DELTA)
  return `${type}${message.topic}${TOPIC_END}${encodeBody(message.op, message.records)}`
}

/**
 * Encodes several messages as one frame joined by `\x08` (seed, "Mixed update").
 * @throws ZapDecodeError when a record cannot be written (see {@link encodeRecord}).
 */
export function encodeFrame(messages: readonly ZapMessage[]): string {
  return messages.map(encodeMessage).join(MESSAGE_SEPARATOR)
}

/** Encodes a server handshake reply, e.g. `100\x02I1PIP11-qby4k03MSJIJ\x00`. */
export function encodeHandshakeReply(status: HandshakeStatus, connectionId: string): string {
  return `${status}\x02${connectionId}\x00`
}

/**
 * Encodes the client handshake `#\x03P\x01<topics>,S_<session>[,A_<token>]\x00`.
 * The session id and token come from the user's own browser session (configuration).
 */
export function encodeClientHandshake(options: {
  topics: readonly string[]
  sessionId: string
  token?: string
}): string {
  const items = [...options.topics, `S_${options.sessionId}`]
  if (options.token !== undefined && options.token !== '') items.push(`A_${options.token}`)
  return `#\x03P\x01${items.join(',')}\x00`
}

/** Encodes a subscribe frame `\x16\x00<topic,topic>\x01`. */
export function encodeSubscribe(topics: readonly string[]): string {
  return `\x16\x00${topics.join(',')}\x01`
}
