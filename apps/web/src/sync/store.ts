import type { PricePoint, ServerMessage } from '@oddsboard/model'
import { observeServerTime, resetServerTime } from '../state/ticker'
import { useStore } from 'zustand'
import { createStore } from 'zustand/vanilla'
import { applyServerMessage, emptyBoard, mergeHistory, type BoardData } from './board'
import { RelayClient, type ConnectionState } from './relayClient'

/** The app's one store: the relay data plus the connection's own state. */
export interface BoardStore {
  board: BoardData
  connection: ConnectionState
  /** Reconnects of the browser's relay socket since the page loaded. */
  relayReconnects: number
  /**
   * Why the relay client stopped, human readable, while `connection` is `incompatible`
   * (the proxy speaks another relay protocol version); else null.
   */
  relayError: string | null
  /** Messages applied since load (deltas + snapshots), for the status line. */
  messages: number
}

/** The zustand store holding {@link BoardStore}; views read it through {@link useBoard}. */
export const boardStore = createStore<BoardStore>(() => ({
  board: emptyBoard(),
  connection: 'connecting',
  relayReconnects: 0,
  relayError: null,
  messages: 0,
}))

/** Subscribes a component to one narrow slice of the store (select narrowly: it re-renders when the slice changes). */
export function useBoard<T>(selector: (s: BoardStore) => T): T {
  return useStore(boardStore, selector)
}

/**
 * Applies one relay message to the store; returns true when the caller must ask for a
 * snapshot (seq gap or new epoch). A malformed delta is dropped and also triggers a snapshot.
 */
export function dispatchMessage(msg: ServerMessage, now = Date.now()): boolean {
  if (msg.type === 'snapshot' || msg.type === 'resumed') {
    // a new connection measures the proxy's clock again, from this message when it says
    resetServerTime()
    if (typeof msg.ts === 'number') observeServerTime(msg.ts, now)
  } else if (msg.type === 'delta') observeServerTime(msg.ts, now)
  const s = boardStore.getState()
  try {
    const { data, needSnapshot } = applyServerMessage(s.board, msg, now)
    if (data !== s.board) boardStore.setState({ board: data, messages: s.messages + 1 })
    return needSnapshot
  } catch {
    return true
  }
}

const HISTORY_BATCH = 100

/**
 * Seeds price history from the proxy's projection, `GET /api/history?ids=…`, in batches of
 * {@link HISTORY_BATCH} ids; a failure stops the seeding (history then holds only what the
 * deltas bring).
 */
async function seedHistory(ids: string[], signal: AbortSignal): Promise<void> {
  for (let i = 0; i < ids.length && !signal.aborted; i += HISTORY_BATCH) {
    const batch = ids.slice(i, i + HISTORY_BATCH)
    try {
      const res = await fetch(`/api/history?ids=${batch.map(encodeURIComponent).join(',')}`, {
        signal,
      })
      if (!res.ok) return
      const body = (await res.json()) as Record<string, PricePoint[]>
      if (body === null || typeof body !== 'object') return
      const s = boardStore.getState()
      boardStore.setState({ board: mergeHistory(s.board, body) })
    } catch {
      return
    }
  }
}

/**
 * Connects the store to the relay at `/ws` of this page's origin: snapshot → state and a
 * history seed, delta → applyOps, gap → snapshot request, close → reconnect at the last
 * position (the URL), another protocol version → state `incompatible` with the reason.
 * Returns a stop function.
 */
export function connectRelay(): () => void {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  let history: AbortController | null = null
  const client = new RelayClient({
    url: `${proto}//${location.host}/ws`,
    position() {
      const b = boardStore.getState().board
      return b.epoch === null ? null : { epoch: b.epoch, seq: b.seq }
    },
    onMessage(msg) {
      if (dispatchMessage(msg)) client.requestSnapshot()
      if (msg.type === 'snapshot') {
        history?.abort()
        history = new AbortController()
        void seedHistory(
          msg.entities.filter((e) => e.kind === 'selection').map((e) => e.id),
          history.signal,
        )
      }
    },
    onState(connection, info) {
      boardStore.setState({
        connection,
        relayReconnects: info.reconnects,
        relayError: info.error ?? null,
      })
    },
  })
  client.start()
  return () => {
    history?.abort()
    client.stop()
  }
}
