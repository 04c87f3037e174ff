import {
  appendPricePoint,
  applyOps,
  emptyState,
  mergePriceHistory,
  PRICE_HISTORY_POINTS,
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
   * Recent [epoch ms, decimal odds] points per selection id, oldest first: the proxy's
   * price-history projection (`GET /api/history`, merged by {@link mergeHistory}) extended
   * by the deltas with the same rule and the same bound (the model's PRICE_HISTORY_POINTS),
   * all at the hub's times (delta `ts`). Updated in place; each array is replaced on
   * append, never mutated.
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

/**
 * Records a move for every selection whose decimal odds differ between `before` and
 * `after`, and, when `history` is given, a history point at `ts` (the proxy's projection
 * does the same for the same delta), writing into `moves` and `history` in place. Those two
 * maps grow to one entry per selection (30,000 in the browser bench); copying them on every
 * delta (20/s) was the bench's longest task, so they are owned by the board and updated in
 * place, while each entry (a move, a history array) is replaced, never mutated, so
 * selectors see changes.
 */
function trackMoves(
  before: ReadonlyMap<string, Selection>,
  after: ReadonlyMap<string, Selection>,
  changed: Iterable<string>,
  ts: number,
  moves: Map<string, PriceMove>,
  history: Map<string, readonly PricePoint[]> | null,
): void {
  for (const id of changed) {
    const next = after.get(id)
    const prev = before.get(id)
    if (next === undefined || next.odds === null) continue
    if (prev !== undefined && prev.odds !== null && prev.odds !== next.odds)
      moves.set(id, { ts, dir: next.odds > prev.odds ? 1 : -1, prev: prev.odds })
    if (history !== null && (prev === undefined || prev.odds !== next.odds)) {
      const points = history.get(id)
      const appended = appendPricePoint(points, [ts, next.odds], PRICE_HISTORY_POINTS)
      if (appended !== points) history.set(id, appended)
    }
  }
}

/**
 * The histories still true after a snapshot: those of selections it still has whose last
 * point is the snapshot's price. A history that missed a change is dropped rather than
 * shown with a wrong last price; the proxy's history (seeded after every snapshot) brings
 * it back whole.
 */
function historyAfterSnapshot(
  history: ReadonlyMap<string, readonly PricePoint[]>,
  selections: ReadonlyMap<string, Selection>,
): Map<string, readonly PricePoint[]> {
  const out = new Map<string, readonly PricePoint[]>()
  for (const [id, points] of history) {
    const odds = selections.get(id)?.odds
    if (odds === undefined) continue
    if (odds === null || points[points.length - 1]?.[1] === odds) out.set(id, points)
  }
  return out
}

/** Drops moves and history of selections that no longer exist. */
function prune<T>(map: ReadonlyMap<string, T>, keep: ReadonlyMap<string, unknown>): Map<string, T> {
  const out = new Map<string, T>()
  for (const [id, v] of map) if (keep.has(id)) out.set(id, v)
  return out
}

/**
 * Applies one relay message (apps/proxy/README.md, "Relay protocol") to `data`. The
 * protocol version of a connection's first message is checked by the relay client, not here.
 * - snapshot: replaces the state; moves are kept (and a price that changed across the
 *   resync counts as a move at `now`); history is kept only where it is still true (see
 *   `historyAfterSnapshot`): the caller seeds it again from `GET /api/history`.
 * - resumed: the connection continues from `epoch`/`seq`; when that is not where this
 *   board is, `needSnapshot` (never guess).
 * - delta: applied with `applyOps` (and its `ts`, the `updatedAt` of what it patches) only
 *   when it follows on (same epoch, `seq` = last + 1), extending the price history at the
 *   delta's `ts` (from upserts and from patches of `odds`: moves and flashes come from the
 *   states before and after, so a patch moves a price like an upsert did); an older seq is a duplicate and
 *   ignored; a gap or another epoch sets `needSnapshot` and leaves the state untouched.
 * - feeds: replaces the per-book status.
 * @throws InvalidOpError (from applyOps) when a delta carries a malformed op; `data` is untouched.
 */
export function applyServerMessage(data: BoardData, msg: ServerMessage, now: number): ApplyResult {
  switch (msg.type) {
    case 'snapshot': {
      const entities = stateFromEntities(msg.entities)
      const before = data.entities.selection
      const moves = prune(data.moves, entities.selection)
      const history = historyAfterSnapshot(data.history, entities.selection)
      trackMoves(before, entities.selection, entities.selection.keys(), now, moves, null)
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
    case 'resumed':
      return {
        data,
        needSnapshot: data.epoch === null || msg.epoch !== data.epoch || msg.seq !== data.seq,
      }
    case 'delta': {
      if (data.epoch === null) return { data, needSnapshot: false }
      if (msg.epoch !== data.epoch || msg.seq > data.seq + 1) return { data, needSnapshot: true }
      if (msg.seq <= data.seq) return { data, needSnapshot: false }
      const entities = applyOps(data.entities, msg.ops, msg.ts)
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
          } else if (op.op === 'patch' && op.kind === 'selection') {
            changed.push(op.id)
            if (op.set?.marketId !== undefined || op.set?.order !== undefined) structural = true
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
 * Seeds the price history from the proxy's projection (`GET /api/history`:
 * `{ [selectionId]: [epochMs, decimalOdds][] }`), writing into `data.history` in place and
 * returning a new board object when anything changed. Per selection, the proxy's points
 * replace this board's within their time range, and this board's older and newer points
 * are kept ({@link mergePriceHistory}), bounded to the model's PRICE_HISTORY_POINTS.
 * Unknown selections and malformed points are ignored.
 */
export function mergeHistory(
  data: BoardData,
  fetched: Readonly<Record<string, readonly PricePoint[]>>,
): BoardData {
  let changed = false
  for (const [id, points] of Object.entries(fetched)) {
    if (!data.entities.selection.has(id) || !Array.isArray(points)) continue
    const theirs = points.filter(
      (p) => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number',
    )
    const mine = data.history.get(id) ?? []
    const merged = mergePriceHistory(mine, theirs, PRICE_HISTORY_POINTS)
    if (merged === mine) continue
    data.history.set(id, merged)
    changed = true
  }
  return changed ? { ...data } : data
}
