/**
 * Winamax wire messages ↔ typed payloads. Pure: no sockets, timers or clock.
 *
 * Winamax speaks Socket.IO over Engine.IO v3 and uses one event, `m`, in both directions
 * (seeds/000 "Event: `m`"; captures/winamax/winamax-2025-11-04.ndjson):
 * - client → server: `42["m",{"route":"sport:1","requestId":"<uuid>"}]` subscribes a route;
 * - server → client: `42["m",{...}]` with a snapshot (the first answer, carrying the same
 *   top-level `requestId`, capture line 5) and then field-level deltas (lines 6…).
 *
 * A payload is a map of collections keyed by Winamax id (`sports`, `categories`,
 * `tournaments`, `matches`, `bets`, `outcomes`, `odds`, …) plus top-level scalars
 * (`mainMatchCount`, `requestId`, …). Unknown keys are tolerated and passed through.
 */

/** One Winamax entity as sent: a plain object of fields (a delta carries only the changed ones). */
export type RawEntity = Record<string, unknown>

/** A collection keyed by Winamax id (decimal string); `null` removes the entity (capture line 28). */
export type RawCollection = Record<string, RawEntity | null>

/** The collections the normalizer reads, in parent-before-child order. */
export const ENTITY_COLLECTIONS = [
  'sports',
  'categories',
  'tournaments',
  'matches',
  'bets',
  'outcomes',
] as const

/** The name of one entity collection. */
export type EntityCollection = (typeof ENTITY_COLLECTIONS)[number]

/**
 * A decoded `m` payload. Collections are validated (a plain object of plain objects or
 * `null`); `odds` maps outcome id → decimal odds (values are checked one by one by the
 * normalizer, which rejects anything that is not a finite number above 1, and reads
 * `null` as "no price"). Any other key is kept as sent.
 */
export interface WinamaxPayload {
  sports?: RawCollection
  categories?: RawCollection
  tournaments?: RawCollection
  matches?: RawCollection
  bets?: RawCollection
  outcomes?: RawCollection
  odds?: Record<string, unknown>
  /** Present on a snapshot: the `requestId` of the subscription it answers (capture line 5). */
  requestId?: string
  [key: string]: unknown
}

/** A subscription request, sent as `42["m",{route,requestId}]` (shared/DESIGN.md, "Winamax"). */
export interface WinamaxSubscription {
  /** e.g. `sport:1`, `match:64890878`, `hot:live`. */
  route: string
  /** A fresh UUID; the snapshot answering it carries the same value. */
  requestId: string
}

/** Thrown for an `m` payload (or event frame) that is not the expected shape. */
export class WinamaxPayloadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WinamaxPayloadError'
  }
}

/** The Winamax event name for both subscriptions and data. */
export const M_EVENT = 'm'

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Bounds on an `m` payload, from what the book sends (captures/winamax): the 1,539,232-character
 * snapshot holds 114,810 JSON values and nests 7 levels deep (payload → `matches` → match →
 * `highlights` → item → `eventType` → field). Anything far beyond is refused as a bad frame
 * before it touches the store (issue 13: a 20,000-level field overflowed the merge's stack).
 */
export const PAYLOAD_LIMITS = {
  /** Deepest nesting of objects and arrays, the payload itself being level 1. */
  maxDepth: 32,
  /** Most JSON values (objects, arrays and scalars, the payload included) in one payload. */
  maxValues: 2_000_000,
} as const

declare const decoded: unique symbol

/**
 * A payload that {@link decodeMPayload} checked whole; the only kind the store accepts, so
 * a payload is decoded once, by whoever receives it (the feed), and never again.
 */
export type DecodedPayload = WinamaxPayload & {
  readonly [decoded]: true
  /** The ids the decoder enumerated, per collection and `odds` (see {@link PAYLOAD_IDS}). */
  readonly [PAYLOAD_IDS]?: PayloadIds
}

/**
 * Key of the (non-enumerable) ids a decoded payload carries, per collection and `odds`, in
 * the order the decoder enumerated them: the store reuses them rather than enumerating a
 * snapshot's thousands of numeric keys again.
 */
export const PAYLOAD_IDS: unique symbol = Symbol('winamax payload ids')

/** The ids of each collection of a payload (and of `odds`). */
export type PayloadIds = Partial<Record<EntityCollection | 'odds', readonly string[]>>

/**
 * Validates an `m` event's argument and returns it typed, checked whole, so that the store
 * never sees a payload it cannot apply entirely:
 * - a plain object whose collections (`sports` … `outcomes`) and `odds`, when present, are
 *   plain objects, and whose `requestId`, when present, is a string;
 * - every entity of a collection a plain object or `null` (removed);
 * - at most {@link PAYLOAD_LIMITS} `maxDepth` levels of nesting and `maxValues` values.
 * Odds values are not checked here: the store rejects bad ones one by one (counted, not fatal).
 * A string argument is read as JSON text; the object itself is returned, not a copy, with
 * the ids it enumerated attached ({@link PAYLOAD_IDS}): add or remove no ids afterwards.
 * @throws WinamaxPayloadError for invalid JSON or any of the shapes and bounds above; the
 *   message is the bad-frame reason (e.g. `m payload nests deeper than 32 levels (matches.…)`).
 */
export function decodeMPayload(value: unknown): DecodedPayload {
  let v = value
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v)
    } catch {
      throw new WinamaxPayloadError('m payload is not valid JSON')
    }
  }
  if (!isPlainObject(v)) {
    throw new WinamaxPayloadError(`m payload must be an object, got ${describe(v)}`)
  }
  for (const name of ENTITY_COLLECTIONS) {
    const coll = v[name]
    if (coll !== undefined && !isPlainObject(coll)) {
      throw new WinamaxPayloadError(`${name} must be an object, got ${describe(coll)}`)
    }
  }
  if (v.odds !== undefined && !isPlainObject(v.odds)) {
    throw new WinamaxPayloadError(`odds must be an object, got ${describe(v.odds)}`)
  }
  if (v.requestId !== undefined && typeof v.requestId !== 'string') {
    throw new WinamaxPayloadError(`requestId must be a string, got ${describe(v.requestId)}`)
  }
  const ids = checkBounds(v)
  Object.defineProperty(v, PAYLOAD_IDS, { value: ids, configurable: true })
  return v as DecodedPayload
}

/** Values left to count in the payload being checked by {@link checkBounds}. */
let valuesLeft = 0

/**
 * Throws at the first bound of {@link PAYLOAD_LIMITS} the payload passes, and checks every
 * entity (see {@link checkEntity}); returns the ids it enumerated. Recursive, but never
 * deeper than `maxDepth`: a hostile depth is refused, not followed.
 */
function checkBounds(root: Record<string, unknown>): PayloadIds {
  const ids: PayloadIds = {}
  valuesLeft = PAYLOAD_LIMITS.maxValues - 1
  const path: string[] = []
  const keys = Object.keys(root)
  valuesLeft -= keys.length
  for (const k of keys) {
    const child = root[k]
    if (typeof child !== 'object' || child === null) continue
    const ok = COLLECTION_NAMES.has(k)
      ? walkCollection(k as EntityCollection, child as Record<string, unknown>, path, ids)
      : walkWide(child, path, k === 'odds' ? ids : null)
    if (!ok) {
      path.push(k)
      throw new WinamaxPayloadError(
        `m payload nests deeper than ${PAYLOAD_LIMITS.maxDepth} levels (under ${path.reverse().slice(0, 3).join('.')})`,
      )
    }
  }
  if (valuesLeft < 0) tooMany()
  return ids
}

const COLLECTION_NAMES: ReadonlySet<string> = new Set(ENTITY_COLLECTIONS)

/** A collection (level 2): each entity checked (see {@link checkEntity}) and walked. */
function walkCollection(
  name: EntityCollection,
  coll: Record<string, unknown>,
  path: string[],
  out: PayloadIds,
) {
  // Object.keys, not for…in: a collection keyed by thousands of numeric ids is held in
  // dictionary mode, where for…in is several times slower.
  const ids = Object.keys(coll)
  out[name] = ids
  valuesLeft -= ids.length
  if (valuesLeft < 0) tooMany()
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!
    const e = coll[id]
    if (e === null) continue
    checkEntity(name, id, e)
    if (!walk(e as object, 3, path)) {
      path.push(id)
      return false
    }
  }
  return true
}

/** A level-2 object other than a collection (`odds`, `filters`…): often large, so Object.keys. */
function walkWide(node: object, path: string[], odds: PayloadIds | null): boolean {
  if (Array.isArray(node)) return walk(node, 2, path)
  const obj = node as Record<string, unknown>
  const keys = Object.keys(obj)
  if (odds !== null) odds.odds = keys
  valuesLeft -= keys.length
  if (valuesLeft < 0) tooMany()
  for (let i = 0; i < keys.length; i++) {
    const child = obj[keys[i]!]
    if (typeof child === 'object' && child !== null && !walk(child, 3, path)) {
      path.push(keys[i]!)
      return false
    }
  }
  return true
}

/** False when `node` nests too deep; `path` then gets the keys down to it, deepest first. */
function walk(node: object, depth: number, path: string[]): boolean {
  if (Array.isArray(node)) {
    valuesLeft -= node.length
    if (valuesLeft < 0) tooMany()
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i]
      if (typeof child === 'object' && child !== null && !descend(child, depth, path)) {
        path.push(String(i))
        return false
      }
    }
    return true
  }
  // for…in rather than Object.keys or Object.values: no array allocated per object (5,109
  // in a snapshot); measured faster in the whole snapshot path, garbage collection included.
  const obj = node as Record<string, unknown>
  for (const k in obj) {
    valuesLeft--
    const child = obj[k]
    if (typeof child === 'object' && child !== null && !descend(child, depth, path)) {
      path.push(k)
      return false
    }
  }
  if (valuesLeft < 0) tooMany()
  return true
}

function descend(child: object, depth: number, path: string[]): boolean {
  return depth < PAYLOAD_LIMITS.maxDepth && walk(child, depth + 1, path)
}

function tooMany(): never {
  throw new WinamaxPayloadError(`m payload holds more than ${PAYLOAD_LIMITS.maxValues} values`)
}

/**
 * Checks one entity of a collection: a plain object, or `null` (removed).
 * @throws WinamaxPayloadError otherwise.
 */
export function checkEntity(collection: EntityCollection, id: string, e: unknown): void {
  if (e !== null && (typeof e !== 'object' || Array.isArray(e))) {
    throw new WinamaxPayloadError(
      `${collection}[${id}] must be an object or null, got ${describe(e)}`,
    )
  }
}

/**
 * Decodes the arguments of a Socket.IO `m` event (`args[0]` is the payload).
 * @throws WinamaxPayloadError as {@link decodeMPayload}, or when there is no argument.
 */
export function decodeMEvent(args: readonly unknown[]): DecodedPayload {
  if (args.length === 0) throw new WinamaxPayloadError('m event without payload')
  return decodeMPayload(args[0])
}

/**
 * Parses a Socket.IO EVENT packet as it appears on the websocket, `42["name",...args]`
 * (Engine.IO message `4` + Socket.IO EVENT `2`, default namespace, no ack id), as in the
 * capture's frames. Used to read recorded frames; live sockets go through @oddsboard/engineio.
 * @throws WinamaxPayloadError when the text is not such a packet or its JSON is invalid.
 */
export function decodeEventFrame(text: string): { name: string; args: unknown[] } {
  if (!text.startsWith('42')) throw new WinamaxPayloadError('not a Socket.IO EVENT packet')
  let data: unknown
  try {
    data = JSON.parse(text.slice(2))
  } catch {
    throw new WinamaxPayloadError('Socket.IO EVENT packet is not valid JSON')
  }
  if (!Array.isArray(data) || typeof data[0] !== 'string') {
    throw new WinamaxPayloadError('Socket.IO EVENT packet must be ["name",...args]')
  }
  return { name: data[0], args: data.slice(1) }
}

/** Encodes an `m` event as websocket text, `42["m",payload]` (the inverse of {@link decodeEventFrame}). */
export function encodeMFrame(payload: unknown): string {
  return `42${JSON.stringify([M_EVENT, payload])}`
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}
