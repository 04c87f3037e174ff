import * as wsModule from 'ws'

/** The options of ws's `Sender.frame` (ws lib/sender.js, marked `@public`; not in @types/ws). */
interface FrameOptions {
  fin: boolean
  opcode: number
  mask: boolean
  readOnly: boolean
  rsv1: boolean
}

const { Sender } = wsModule as unknown as {
  Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] }
}

/** RFC 6455 opcode of a text frame. */
const OPCODE_TEXT = 1

/**
 * One complete, unmasked WebSocket text frame (FIN set, no RSV bits: no permessage-deflate)
 * carrying `payload` (UTF-8 JSON), as a server sends it: header and payload in one buffer,
 * so it can be written as is, byte for byte, to every client's socket. The header is
 * built by the `ws` library's own `Sender.frame` (its static frame builder, made public for
 * exactly this: framing a broadcast once, websockets/ws#1016).
 *
 * Returns the frame and `payload`'s copy inside it (a view: no second copy is kept).
 */
export function textFrame(payload: Buffer): { frame: Buffer; payload: Buffer } {
  const parts = Sender.frame(payload, {
    fin: true,
    opcode: OPCODE_TEXT,
    mask: false,
    readOnly: false,
    rsv1: false,
  })
  const frame = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
  return { frame, payload: frame.subarray(frame.length - payload.length) }
}
