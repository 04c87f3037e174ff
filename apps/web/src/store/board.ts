import {
  applyOps,
  emptyState,
  stateFromEntities,
  type EntityState,
  type FeedStatus,
  type PricePoint,
  type Selection,
  type ServerMessage,
  type Source,
} from '@oddsboard/model'

/**
 * The browser's copy of the relay stream, as pure data: the normalized state plus what the
 * views derive from its changes (last move and recent price history per selection).
 * Every function here is pure: no sockets, timers or clock (the caller passes `now`).
 */

/** The last price change of one selection. */
export interface PriceMove {
  /** When it changed, epoch ms (the delta's `ts`). */
  ts: number
  /** 1 = odds went up (longer price), -1 = down (shorter price). */
  dir: 1 | -1
  /** Decimal odds before the change. */
  prev: number
}

/** Upper bound of points kept per selection in the browser's price history. */
export const HISTORY_LIMIT = 240

/** Everything the relay stream has told this browser. */
export interface BoardData {
  entities: EntityState
  /** Epoch of the last snapshot; null before the first. */
  epoch: string | null
  /** Seq of the last applied snapshot or delta. */
  seq: number
  feeds: Partial<Record<Source, FeedStatus>>
  /** Last change per selection id (updated in place; entries are replaced, never mutated). */
  moves: Map<string, PriceMove>
  /**
   * Recent [epoch ms, decimal odds] points per selection id, oldest first, bounded
   * (updated in place; each array is replaced on append, never mutated).
   */
  history: Map<string, readonly PricePoint[]>
  /** Bumped on every snapshot, so views can tell a resync from a delta. */
  snapshots: number
  /**
   * Bumped whenever the set of selections or their market changes (not on a price change),
   * so indexes of "selections per market" are rebuilt only when they can differ.
   */
  structure: number
}

/** Nothing received yet. */
export function emptyBoard(): BoardData {
  return {
    entities: emptyState(),
    epoch: null,
    seq: 0,
    feeds: {},
    moves: new Map(),
    history: new Map(),
    snapshots: 0,
    structure: 0,
  }
}

/** What {@link applyServerMessage} decided. */
export interface ApplyResult {
  data: BoardData
  /** True when a delta did not follow on (wrong epoch or a seq gap): ask for a snapshot. */
  needSnapshot: boolean
}

/**
 * The last price change of a selection: the move this browser saw, or else the latest step
 * in its price history (which `mergeHistory` seeds from the proxy), so a price that moved
 * before the page was opened still shows its age. Undefined when no change is known.
 */
export function lastChange(
  move: PriceMove | undefined,
  points: readonly PricePoint[] | undefined,
): PriceMove | undefined {
  if (move !== undefined) return move
  if (points === undefined) return undefined
  for (let i = points.length - 1; i > 0; i--) {
    const [ts, odds] = points[i]!
    const prev = points[i - 1]![1]
    if (odds !== prev) return { ts, dir: odds > prev ? 1 : -1, prev }
  }
  return undefined
}

function appendPoint(
  history: readonly PricePoint[] | undefined,
  point: PricePoint,
): readonly PricePoint[] {
  if (history === undefined) return [point]
  const last = history[history.length - 1]
  if (last !== undefined && last[1] === point[1]) return history
  const next = history.length >= HISTORY_LIMIT ? history.slice(1) : history.slice()
  next.push(point)
  return next
}

/**
 * Records a move and a history point for every selection whose decimal odds differ between
 * `before` and `after`, writing into `moves` and `history` in place. Those two maps grow to
 * one entry per selection (30,000 in the browser bench); copying them on every delta (20/s)
 * was the bench's longest task, so they are owned by the board and updated in place, while
 * each entry (a move, a history array) is replaced, never mutated, so selectors see changes.
 */
function trackMoves(
  before: ReadonlyMap<string, Selection>,
  after: ReadonlyMap<string, Selection>,
  changed: Iterable<string>,
  ts: number,
  moves: Map<string, PriceMove>,
  history: Map<string, readonly PricePoint[]>,
): void {
  for (const id of changed) {
    const next = after.get(id)
    const prev = before.get(id)
    if (next === undefined || next.odds === null) continue
    if (prev !== undefined && prev.odds !== null && prev.odds !== next.odds)
      moves.set(id, { ts, dir: next.odds > prev.odds ? 1 : -1, prev: prev.odds })
    if (prev === undefined || prev.odds !== next.odds)
      history.set(id, appendPoint(history.get(id), [ts, next.odds]))
  }
}

/** Drops moves and history of selections that no longer exist. */
function prune<T>(map: ReadonlyMap<string, T>, keep: ReadonlyMap<string, unknown>): Map<string, T> {
  const out = new Map<string, T>()
  for (const [id, v] of map) if (keep.has(id)) out.set(id, v)
  return out
}

/**
 * Applies one relay message (shared/DESIGN.md, "Relay protocol") to `data`.
 * - snapshot: replaces the state; moves are kept (and a price that changed across the
 *   resync counts as a move at `now`), history of vanished selections is dropped.
 * - delta: applied with `applyOps` only when it follows on (same epoch, `seq` = last + 1);
 *   an older seq is a duplicate and ignored; a gap or another epoch sets `needSnapshot`
 *   and leaves the state untouched (never guess).
 * - feeds: replaces the per-book status.
 * @throws InvalidOpError (from applyOps) when a delta carries a malformed op; `data` is untouched.
 */
export function applyServerMessage(data: BoardData, msg: ServerMessage, now: number): ApplyResult {
  switch (msg.type) {
    case 'snapshot': {
      const entities = stateFromEntities(msg.entities)
      const before = data.entities.selection
      const moves = prune(data.moves, entities.selection)
      const history = prune(data.history, entities.selection)
      trackMoves(before, entities.selection, entities.selection.keys(), now, moves, history)
      return {
        data: {
          entities,
          epoch: msg.epoch,
          seq: msg.seq,
          feeds: feedsRecord(msg.feeds),
          moves,
          history,
          snapshots: data.snapshots + 1,
          structure: data.structure + 1,
        },
        needSnapshot: false,
      }
    }
    case 'delta': {
      if (data.epoch === null) return { data, needSnapshot: false }
      if (msg.epoch !== data.epoch || msg.seq > data.seq + 1) return { data, needSnapshot: true }
      if (msg.seq <= data.seq) return { data, needSnapshot: false }
      const entities = applyOps(data.entities, msg.ops)
      let { moves, history, structure } = data
      if (entities.selection !== data.entities.selection) {
        const changed: string[] = []
        let structural = false
        for (const op of msg.ops) {
          if (op.op === 'upsert' && op.entity.kind === 'selection') {
            changed.push(op.entity.id)
            const before = data.entities.selection.get(op.entity.id)
            if (
              before === undefined ||
              before.marketId !== op.entity.marketId ||
              before.order !== op.entity.order
            )
              structural = true
          } else if (op.op === 'remove' && op.kind === 'selection') structural = true
        }
        if (structural) structure++
        trackMoves(data.entities.selection, entities.selection, changed, msg.ts, moves, history)
        if (structural) {
          moves = prune(moves, entities.selection)
          history = prune(history, entities.selection)
        }
      }
      return {
        data: { ...data, entities, seq: msg.seq, moves, history, structure },
        needSnapshot: false,
      }
    }
    case 'feeds':
      return { data: { ...data, feeds: feedsRecord(msg.feeds) }, needSnapshot: false }
    default:
      return { data, needSnapshot: false }
  }
}

function feedsRecord(feeds: readonly FeedStatus[]): Partial<Record<Source, FeedStatus>> {
  const out: Partial<Record<Source, FeedStatus>> = {}
  for (const f of feeds) out[f.source] = f
  return out
}

/**
 * Merges server-side history (in place into `data.history`, returning a new board object) (`GET /api/history`: `{ [selectionId]: [ts, odds][] }`) under
 * what the browser already recorded: server points older than the browser's first point
 * come first; the result is bounded to {@link HISTORY_LIMIT}. Unknown selections are ignored.
 */
export function mergeHistory(
  data: BoardData,
  fetched: Readonly<Record<string, readonly PricePoint[]>>,
): BoardData {
  let changed = false
  for (const [id, points] of Object.entries(fetched)) {
    if (!data.entities.selection.has(id) || !Array.isArray(points) || points.length === 0) continue
    const mine = data.history.get(id) ?? []
    const firstTs = mine[0]?.[0] ?? Infinity
    const older = points.filter(
      (p) =>
        Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' && p[0] < firstTs,
    )
    if (older.length === 0) continue
    const merged = [...older, ...mine]
    data.history.set(id, merged.length > HISTORY_LIMIT ? merged.slice(-HISTORY_LIMIT) : merged)
    changed = true
  }
  return changed ? { ...data } : data
}
