import type { Entity, EntityKind, EntityOf } from './entities'
import { ENTITY_KINDS } from './entities'

/**
 * A change to the normalized state: an upsert carries the whole entity after the change;
 * a remove names it by kind and id (shared/DESIGN.md, "Normalized model").
 */
export type Op = { op: 'upsert'; entity: Entity } | { op: 'remove'; kind: EntityKind; id: string }

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

/** Thrown by {@link applyOps} for an op that is not well formed; the state is left untouched. */
export class InvalidOpError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(`op ${index}: ${message}`)
    this.name = 'InvalidOpError'
  }
}

const KINDS = new Set<string>(ENTITY_KINDS)

function checkOp(op: Op, index: number): void {
  if (op === null || typeof op !== 'object') throw new InvalidOpError('not an object', index)
  if (op.op === 'upsert') {
    const e = op.entity
    if (e === null || typeof e !== 'object')
      throw new InvalidOpError('upsert without entity', index)
    if (!KINDS.has(e.kind)) throw new InvalidOpError(`unknown kind ${String(e.kind)}`, index)
    if (typeof e.id !== 'string' || e.id === '')
      throw new InvalidOpError('entity without id', index)
  } else if (op.op === 'remove') {
    if (!KINDS.has(op.kind)) throw new InvalidOpError(`unknown kind ${String(op.kind)}`, index)
    if (typeof op.id !== 'string') throw new InvalidOpError('remove without id', index)
  } else {
    throw new InvalidOpError(`unknown op ${String((op as { op: unknown }).op)}`, index)
  }
}

/**
 * Applies `ops` in order and returns the new state; `state` itself is never mutated, and
 * only the maps of kinds that changed are copied (so an odds tick copies `selection` only).
 * Returns `state` itself when nothing changed (an upsert of an identical entity object or
 * a remove of a missing id are no-ops), so callers can compare by reference.
 *
 * Removing an entity does not cascade: feeds emit removes for children themselves.
 * Used by both the proxy's hub and the browser store, so both hold the same state.
 *
 * @throws InvalidOpError when any op is malformed; validation runs over the whole batch
 *   before anything is applied, so a bad batch is never half-applied.
 */
export function applyOps(state: EntityState, ops: readonly Op[]): EntityState {
  const n = ops.length
  for (let i = 0; i < n; i++) checkOp(ops[i]!, i)
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
