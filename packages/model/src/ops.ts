import type { Entity, EntityKind, EntityOf } from './entities'
import { ENTITY_KINDS } from './entities'

/** An upsert carries the whole entity after the change (a new entity, or one sent whole). */
export interface UpsertOp {
  op: 'upsert'
  entity: Entity
}

/** A remove names an entity by kind and id; removing a missing id is a no-op. */
export interface RemoveOp {
  op: 'remove'
  kind: EntityKind
  id: string
}

/** The fields of an entity type that may be absent (e.g. a selection's `hotUsers`). */
export type OptionalField<E> = {
  [F in keyof E]-?: object extends Pick<E, F> ? F : never
}[keyof E]

/**
 * A field-level change to one existing entity of kind `K` (relay protocol 4): `set` holds
 * the changed top-level fields with their new values (a nested value, such as an event's
 * `score` or `clock`, is sent whole), `unset` names optional fields that are no longer
 * there. `kind` and `id` name the entity and can never be set or unset: a patch never
 * changes what it patches (a changed id is a remove plus an upsert).
 *
 * `updatedAt`, for the kinds that have it ({@link TIMESTAMPED_KINDS}: event, selection,
 * canonical), follows from the delta: a patch that does not set `updatedAt` makes it the
 * `ts` passed to {@link applyOps} (the relay delta's `ts`, epoch ms), so a price change
 * does not repeat its time; a patch that must keep another value sets it.
 */
export type PatchOf<K extends EntityKind> = {
  op: 'patch'
  kind: K
  id: string
  set?: Partial<Omit<EntityOf<K>, 'kind' | 'id'>>
  unset?: OptionalField<EntityOf<K>>[]
}

/** A {@link PatchOf} any kind. */
export type PatchOp = { [K in EntityKind]: PatchOf<K> }[EntityKind]

/**
 * A change to the normalized state (shared/DESIGN.md, "Normalized model"): an upsert carries
 * the whole entity, a patch the changed fields of an existing one, a remove names one by
 * kind and id.
 */
export type Op = UpsertOp | PatchOp | RemoveOp

/** The kinds whose entities carry `updatedAt`, set by a patch to the delta's `ts` unless it says otherwise. */
export const TIMESTAMPED_KINDS: readonly EntityKind[] = ['event', 'selection', 'canonical']

type FieldRules<E> = {
  readonly [F in keyof E]-?: F extends 'kind' | 'id'
    ? 'key'
    : object extends Pick<E, F>
      ? 'optional'
      : 'required'
}

/**
 * Every top-level field of every kind, as a patch may touch it: `key` never, `required`
 * only by `set`, `optional` by `set` or `unset`. The type makes this table match
 * entities.ts exactly (a field added there is a compile error here until it is listed).
 */
const FIELDS: { readonly [K in EntityKind]: FieldRules<EntityOf<K>> } = {
  sport: { kind: 'key', id: 'key', source: 'required', key: 'required', name: 'required' },
  competition: {
    kind: 'key',
    id: 'key',
    source: 'required',
    sportId: 'required',
    name: 'required',
    region: 'optional',
  },
  event: {
    kind: 'key',
    id: 'key',
    source: 'required',
    sportId: 'required',
    competitionId: 'required',
    name: 'required',
    participants: 'required',
    startTime: 'optional',
    status: 'required',
    clock: 'optional',
    period: 'optional',
    score: 'optional',
    updatedAt: 'required',
  },
  market: {
    kind: 'key',
    id: 'key',
    source: 'required',
    eventId: 'required',
    name: 'required',
    type: 'required',
    line: 'optional',
    suspended: 'required',
    main: 'required',
  },
  selection: {
    kind: 'key',
    id: 'key',
    source: 'required',
    eventId: 'required',
    marketId: 'required',
    name: 'required',
    order: 'required',
    outcome: 'optional',
    odds: 'required',
    oddsText: 'optional',
    suspended: 'required',
    hotUsers: 'optional',
    updatedAt: 'required',
  },
  canonical: {
    kind: 'key',
    id: 'key',
    sport: 'required',
    name: 'required',
    participants: 'required',
    competition: 'optional',
    startTime: 'optional',
    members: 'required',
    updatedAt: 'required',
  },
}

const KINDS = new Set<string>(ENTITY_KINDS)
const TIMESTAMPED = new Set<string>(TIMESTAMPED_KINDS)

/** The normalized state: one map per kind, keyed by entity id. Treat as immutable. */
export type EntityState = { readonly [K in EntityKind]: ReadonlyMap<string, EntityOf<K>> }

/** A state with no entities. */
export function emptyState(): EntityState {
  return {
    sport: new Map(),
    competition: new Map(),
    event: new Map(),
    market: new Map(),
    selection: new Map(),
    canonical: new Map(),
  }
}

/** Thrown by {@link applyOps} for an op that is not well formed or does not apply; the state is left untouched. */
export class InvalidOpError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(`op ${index}: ${message}`)
    this.name = 'InvalidOpError'
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** Checks a patch's shape and fields (not whether its entity exists: that needs the state). */
function checkPatch(op: PatchOp, index: number, ts: number | undefined): void {
  if (!KINDS.has(op.kind)) throw new InvalidOpError(`unknown kind ${String(op.kind)}`, index)
  if (typeof op.id !== 'string' || op.id === '') throw new InvalidOpError('patch without id', index)
  const rules = FIELDS[op.kind] as Readonly<Record<string, string>>
  const set: unknown = op.set
  const unset: unknown = op.unset
  if (set !== undefined) {
    if (!isRecord(set)) throw new InvalidOpError('patch set is not an object', index)
    for (const field of Object.keys(set)) {
      const rule = Object.hasOwn(rules, field) ? rules[field] : undefined
      if (rule === undefined || rule === 'key')
        throw new InvalidOpError(`patch cannot set ${op.kind} field ${field}`, index)
      if (set[field] === undefined)
        throw new InvalidOpError(`patch sets ${field} to undefined (unset it)`, index)
    }
  }
  if (unset !== undefined) {
    if (!Array.isArray(unset)) throw new InvalidOpError('patch unset is not an array', index)
    for (const field of unset as unknown[]) {
      if (typeof field !== 'string' || !Object.hasOwn(rules, field) || rules[field] !== 'optional')
        throw new InvalidOpError(`patch cannot unset ${op.kind} field ${String(field)}`, index)
      if (set !== undefined && Object.hasOwn(set, field))
        throw new InvalidOpError(`patch both sets and unsets ${field}`, index)
    }
  }
  if (
    ts === undefined &&
    TIMESTAMPED.has(op.kind) &&
    (set as Record<string, unknown> | undefined)?.updatedAt === undefined
  )
    throw new InvalidOpError(`patch of a ${op.kind} without updatedAt needs the delta's ts`, index)
}

function checkOp(op: Op, index: number, ts: number | undefined): void {
  if (op === null || typeof op !== 'object') throw new InvalidOpError('not an object', index)
  if (op.op === 'upsert') {
    const e = op.entity
    if (e === null || typeof e !== 'object')
      throw new InvalidOpError('upsert without entity', index)
    if (!KINDS.has(e.kind)) throw new InvalidOpError(`unknown kind ${String(e.kind)}`, index)
    if (typeof e.id !== 'string' || e.id === '')
      throw new InvalidOpError('entity without id', index)
  } else if (op.op === 'patch') {
    checkPatch(op, index, ts)
  } else if (op.op === 'remove') {
    if (!KINDS.has(op.kind)) throw new InvalidOpError(`unknown kind ${String(op.kind)}`, index)
    if (typeof op.id !== 'string') throw new InvalidOpError('remove without id', index)
  } else {
    throw new InvalidOpError(`unknown op ${String((op as { op: unknown }).op)}`, index)
  }
}

/**
 * `entity` after `patch` (a new object; `entity` is not touched): the fields of `set`
 * replace (or add) top-level fields, those of `unset` are deleted, and for the kinds of
 * {@link TIMESTAMPED_KINDS} `updatedAt` becomes `ts` unless `set` carries it. Does not
 * validate: {@link applyOps} does, before calling it.
 */
export function patchEntity<E extends Entity>(
  entity: E,
  patch: PatchOp,
  ts: number | undefined,
): E {
  const next: Record<string, unknown> = { ...entity, ...patch.set }
  if (patch.unset !== undefined) for (const field of patch.unset) delete next[field]
  const set = patch.set as Readonly<Record<string, unknown>> | undefined
  if (TIMESTAMPED.has(patch.kind) && set?.updatedAt === undefined && ts !== undefined)
    next.updatedAt = ts
  return next as E
}

/**
 * Applies `ops` in order and returns the new state; `state` itself is never mutated, and
 * only the maps of kinds that changed are copied (so an odds tick copies `selection` only).
 * Returns `state` itself when nothing changed (an upsert of an identical entity object or
 * a remove of a missing id are no-ops), so callers can compare by reference. A patch always
 * makes a new entity object ({@link patchEntity}); `ts` (epoch ms, the relay delta's `ts`)
 * is the `updatedAt` of patched entities whose patch does not set it.
 *
 * Removing an entity does not cascade: feeds emit removes for children themselves.
 * Used by both the proxy's hub and the browser store, so both hold the same state.
 *
 * @throws InvalidOpError when any op is malformed (unknown op or kind, no id; a patch that
 *   names a field its kind does not have, sets `kind`/`id`, unsets a required field, or
 *   needs `ts` and got none) or does not apply (a patch of an entity that is not there at
 *   that point of the batch). The state is never half-applied: shapes are checked over the
 *   whole batch first, and the copies of a batch that fails later are dropped.
 */
export function applyOps(state: EntityState, ops: readonly Op[], ts?: number): EntityState {
  const n = ops.length
  for (let i = 0; i < n; i++) checkOp(ops[i]!, i, ts)
  // Per kind, the copy being written; made on the first real change only.
  const copies: { [K in EntityKind]?: Map<string, Entity> } = {}
  let changed = false
  for (let i = 0; i < n; i++) {
    const op = ops[i]!
    if (op.op === 'upsert') {
      const e = op.entity
      const kind = e.kind
      let m = copies[kind]
      if (m === undefined) {
        if ((state[kind] as ReadonlyMap<string, Entity>).get(e.id) === e) continue
        m = copies[kind] = new Map(state[kind] as ReadonlyMap<string, Entity>)
        changed = true
      }
      m.set(e.id, e)
    } else if (op.op === 'patch') {
      const kind = op.kind
      let m = copies[kind]
      const current = (m ?? (state[kind] as ReadonlyMap<string, Entity>)).get(op.id)
      if (current === undefined) throw new InvalidOpError(`patch of a missing ${kind} ${op.id}`, i)
      if (m === undefined) {
        m = copies[kind] = new Map(state[kind] as ReadonlyMap<string, Entity>)
        changed = true
      }
      m.set(op.id, patchEntity(current, op, ts))
    } else {
      const kind = op.kind
      let m = copies[kind]
      if (m === undefined) {
        if (!state[kind].has(op.id)) continue
        m = copies[kind] = new Map(state[kind] as ReadonlyMap<string, Entity>)
        changed = true
      }
      m.delete(op.id)
    }
  }
  return changed ? ({ ...state, ...copies } as EntityState) : state
}

/** Structural equality of JSON values (what the relay carries): primitives, arrays, plain objects. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  let count = 0
  for (const k in ra) {
    if (ra[k] === undefined) continue
    count++
    if (!Object.hasOwn(rb, k) || !sameValue(ra[k], rb[k])) return false
  }
  for (const k in rb) if (rb[k] !== undefined) count--
  return count === 0
}

/**
 * The op that turns `before` into `after` (the same kind and id) in a delta published at
 * `ts` (epoch ms), or null when they do not differ: a patch of the changed fields, or the
 * whole `after` as an upsert when `after` has a field its kind does not define (a patch
 * could not carry it: {@link applyOps} refuses unknown fields). Top-level fields are
 * compared one by one (nested values such as `score`, `clock` or `members` structurally)
 * and a changed one is sent whole in `set`; a field `after` no longer has goes in `unset`.
 *
 * `updatedAt` (kinds of {@link TIMESTAMPED_KINDS}) is left out whenever it moved forward
 * (or equals `ts`): the receiver sets it to `ts`, so the entity that {@link patchEntity}
 * makes from the patch has `updatedAt = ts` (the delta's time, at most one coalescing
 * window after the feed's own receive time), not `after.updatedAt`. It is sent only when
 * it did not move and another field changed (to keep it), or when it went back. This is
 * the hub's rule; a receiver needs none of it, only {@link applyOps} with the delta's `ts`.
 */
export function changeOp(before: Entity, after: Entity, ts: number): PatchOp | UpsertOp | null {
  const rules = FIELDS[after.kind] as Readonly<Record<string, string>>
  const b = before as unknown as Record<string, unknown>
  const a = after as unknown as Record<string, unknown>
  const set: Record<string, unknown> = {}
  const unset: string[] = []
  let changes = 0
  for (const k in a) {
    if (k === 'kind' || k === 'id' || k === 'updatedAt') continue
    const v = a[k]
    if (v === undefined || sameValue(v, b[k])) continue
    if (!Object.hasOwn(rules, k)) return { op: 'upsert', entity: after }
    set[k] = v
    changes++
  }
  for (const k in b) {
    if (k === 'kind' || k === 'id' || k === 'updatedAt') continue
    if (b[k] === undefined || a[k] !== undefined) continue
    if (rules[k] !== 'optional') return { op: 'upsert', entity: after }
    unset.push(k)
    changes++
  }
  let touched = false
  if (TIMESTAMPED.has(after.kind)) {
    const au = a.updatedAt
    const bu = b.updatedAt
    if (typeof au !== 'number') return { op: 'upsert', entity: after }
    if (au === ts || !(au <= (bu as number))) touched = true
    else if (changes > 0 || au !== bu) {
      set.updatedAt = au
      changes++
    }
  } else if (!sameValue(a.updatedAt, b.updatedAt)) {
    return { op: 'upsert', entity: after }
  }
  if (changes === 0 && !touched) return null
  const patch: Record<string, unknown> = { op: 'patch', kind: after.kind, id: after.id }
  if (Object.keys(set).length > 0) patch.set = set
  if (unset.length > 0) patch.unset = unset
  return patch as PatchOp
}

/** Every entity of `state`, parents first (sports, competitions, events, markets, selections). */
export function stateEntities(state: EntityState): Entity[] {
  const out: Entity[] = []
  for (const kind of ENTITY_KINDS) for (const e of state[kind].values()) out.push(e)
  return out
}

/** Builds a state from a list of entities (e.g. a relay snapshot). */
export function stateFromEntities(entities: readonly Entity[]): EntityState {
  return applyOps(
    emptyState(),
    entities.map((entity) => ({ op: 'upsert', entity })),
  )
}

/**
 * The ops that turn the entities of `before` into those of `after`, for one source's
 * slice of the state: an upsert for each entity that is new or differs (deep equality on
 * its JSON form), a remove for each that vanished. Children are removed before parents.
 * Used by feeds that only see whole pictures (a Kwiff refresh, a Bet365 reload).
 */
export function diffEntities(
  before: ReadonlyMap<string, Entity>,
  after: ReadonlyMap<string, Entity>,
): Op[] {
  const ops: Op[] = []
  const removes: Op[] = []
  for (const [id, e] of after) {
    const old = before.get(id)
    if (old === undefined || (old !== e && JSON.stringify(old) !== JSON.stringify(e))) {
      ops.push({ op: 'upsert', entity: e })
    }
  }
  for (const [id, e] of before) if (!after.has(id)) removes.push({ op: 'remove', kind: e.kind, id })
  const rank = (k: EntityKind) => ENTITY_KINDS.indexOf(k)
  ops.sort(
    (a, b) =>
      rank((a as { entity: Entity }).entity.kind) - rank((b as { entity: Entity }).entity.kind),
  )
  removes.sort(
    (a, b) => rank((b as { kind: EntityKind }).kind) - rank((a as { kind: EntityKind }).kind),
  )
  return [...ops, ...removes]
}
