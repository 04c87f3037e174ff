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
 * before the store merges it (issue 13: a 20,000-level field overflowed the merge's stack):
 * see {@link checkPayloadBounds}.
 */
export const PAYLOAD_LIMITS = {
  /** Deepest nesting of objects and arrays, the payload itself being level 1. */
  maxDepth: 32,
  /** Most JSON values (objects, arrays and scalars, the payload included) in one payload. */
  maxValues: 2_000_000,
} as const

declare const decoded: unique symbol

/**
 * A payload that {@link decodeMPayload} checked; the only kind the store accepts, so a
 * payload is decoded once, by whoever receives it (the feed), and never again.
 */
export type DecodedPayload = WinamaxPayload & {
  readonly [decoded]: true
  /** What the decoder enumerated (see {@link PAYLOAD_INDEX}). */
  readonly [PAYLOAD_INDEX]: PayloadIndex
}

/**
 * Key of the (non-enumerable) {@link PayloadIndex} a decoded payload carries: the store
 * reuses the ids and values the decoder enumerated rather than enumerating and looking up a
 * snapshot's thousands of numeric keys again (a key of more than 7 digits is parsed anew on
 * every lookup).
 */
export const PAYLOAD_INDEX: unique symbol = Symbol('winamax payload index')

/** The ids of each collection of a payload, in the order enumerated. */
export type PayloadIds = Partial<Record<EntityCollection, readonly string[]>>

/** The entity (or null) of each id of {@link PayloadIds}, at the same position. */
export type PayloadValues = Partial<Record<EntityCollection, readonly (RawEntity | null)[]>>

/** What {@link decodeMPayload} enumerated while checking a payload. */
export interface PayloadIndex {
  readonly ids: PayloadIds
  readonly values: PayloadValues
  /** The payload itself, its own keys and every id of {@link PayloadIndex.ids}: values counted so far. */
  readonly counted: number
}

/**
 * Validates an `m` event's argument and returns it typed, so that the store never sees a
 * payload it cannot apply entirely:
 * - a plain object whose collections (`sports` … `outcomes`) and `odds`, when present, are
 *   plain objects, and whose `requestId`, when present, is a string;
 * - every entity of a collection a plain object or `null` (removed);
 * - at most {@link PAYLOAD_LIMITS} `maxValues` keys and ids (the payload's keys, every
 *   collection's ids).
 * It walks no further: nesting, and the size of what lies below (entities' fields, `odds`,
 * `settings`…), are checked by the store before it merges a payload
 * ({@link checkPayloadBounds}).
 * Odds values are not checked here: the store rejects bad ones one by one (counted, not fatal).
 * A string argument is read as JSON text; the object itself is returned, not a copy, with
 * what the decoder enumerated attached ({@link PAYLOAD_INDEX}): add or remove no ids afterwards.
 * @throws WinamaxPayloadError for invalid JSON or any of the shapes and bounds above; the
 *   message is the bad-frame reason (e.g. `bets[7] must be an object or null, got array`).
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
  const index = enumeratePayload(v)
  Object.defineProperty(v, PAYLOAD_INDEX, { value: index, configurable: true })
  return v as DecodedPayload
}

/** Collections: their ids and entities enumerated, each entity's shape checked. */
function enumeratePayload(root: Record<string, unknown>): PayloadIndex {
  const ids: Record<string, readonly string[]> = {}
  const values: Record<string, readonly unknown[]> = {}
  let counted = 1 + Object.keys(root).length
  for (const name of ENTITY_COLLECTIONS) {
    const coll = root[name] as Record<string, unknown> | undefined
    if (coll === undefined) continue
    // Object.keys, not for…in: a collection keyed by thousands of numeric ids is held in
    // dictionary mode, where for…in is several times slower.
    const keys = Object.keys(coll)
    counted += keys.length
    if (counted > PAYLOAD_LIMITS.maxValues) tooMany()
    const vals = new Array<unknown>(keys.length)
    for (let i = 0; i < keys.length; i++) {
      const e = coll[keys[i]!]
      checkEntity(name, keys[i]!, e)
      vals[i] = e
    }
    ids[name] = keys
    values[name] = vals
  }
  return { ids, values, counted }
}

/**
 * Checks the nesting and size of a decoded payload against {@link PAYLOAD_LIMITS}, with
 * what the decoder counted: the entities' fields and every other top-level value (`odds`,
 * `settings`, `filters`…). The store calls it before it merges
 * a payload into a store that holds something, so a refused payload changes nothing. The
 * first payload of an empty store (a snapshot) is adopted as sent instead, and is not
 * walked: nothing recurses into adopted values, then or later (a later delta's merge into
 * one follows the delta, which this check bounds), and this walk over the 1.54 MB
 * snapshot's 114,810 values would cost a third of `JSON.parse` (README, Performance).
 * Recursive only down to `maxDepth`: a hostile depth is refused, not followed.
 * @throws WinamaxPayloadError `m payload nests deeper than 32 levels (under matches.<id>.…)`
 *   or `m payload holds more than 2000000 values`.
 */
export function checkPayloadBounds(payload: DecodedPayload): void {
  const { ids, values, counted } = payload[PAYLOAD_INDEX]
  valuesLeft = PAYLOAD_LIMITS.maxValues - counted
  const path: string[] = []
  for (const name of ENTITY_COLLECTIONS) {
    const names = ids[name]
    const vals = values[name]
    if (names === undefined || vals === undefined) continue
    for (let i = 0; i < vals.length; i++) {
      const e = vals[i]
      if (typeof e === 'object' && e !== null && !walk(e, 3, path)) {
        path.push(names[i]!, name)
        throw tooDeep(path)
      }
    }
  }
  for (const k in payload) {
    if (COLLECTION_NAMES.has(k)) continue
    const v = payload[k]
    if (typeof v === 'object' && v !== null && !walk(v, 2, path)) {
      path.push(k)
      throw tooDeep(path)
    }
  }
  if (valuesLeft < 0) tooMany()
}

const COLLECTION_NAMES: ReadonlySet<string> = new Set(ENTITY_COLLECTIONS)

/** Values left to count in the payload being checked by {@link checkPayloadBounds}. */
let valuesLeft = 0

/** `path` holds the keys down to the first value too deep, deepest first. */
function tooDeep(path: string[]): WinamaxPayloadError {
  return new WinamaxPayloadError(
    `m payload nests deeper than ${PAYLOAD_LIMITS.maxDepth} levels (under ${path.reverse().slice(0, 3).join('.')})`,
  )
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
  // for…in rather than Object.keys or Object.values: no array allocated per object.
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
