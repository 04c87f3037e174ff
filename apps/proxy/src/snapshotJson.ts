import type { EntityKind, EntityState, SnapshotMessage } from '@oddsboard/model'
import { ENTITY_KINDS, stateEntities } from '@oddsboard/model'

/**
 * A snapshot message as JSON text, with the entities' JSON (megabytes) cached per state, so
 * a burst of connections serializes them once; the rest of the message (feed statuses, `ts`)
 * is serialized on each call and the cached entities are spliced in. Shared by the Hub and
 * an edge's ReplicaHub.
 */
export class SnapshotJsonCache {
  private cached: { state: EntityState; json: string } | null = null

  /** `head` is the snapshot message without its entities; `state` supplies them. */
  text(head: Omit<SnapshotMessage, 'entities'>, state: EntityState): string {
    if (this.cached?.state !== state)
      this.cached = { state, json: JSON.stringify(stateEntities(state)) }
    return `${JSON.stringify(head).slice(0, -1)},"entities":${this.cached.json}}`
  }
}

/** Entities per kind in `state`. */
export function stateSizes(state: EntityState): Record<EntityKind, number> {
  const out = {} as Record<EntityKind, number>
  for (const k of ENTITY_KINDS) out[k] = state[k].size
  return out
}
