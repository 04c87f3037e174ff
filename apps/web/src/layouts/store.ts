import { useStore } from 'zustand'
import { createStore } from 'zustand/vanilla'
import { setUrl, togglePin, uiStore } from '../state/uiStore'
import { formatUrlState, parseUrlState, type ViewId } from '../state/url'

/**
 * Layouts: per view, the hidden columns and the row density; and named layouts (view,
 * filters, sort, time zone, columns, density, pins) saved in the browser and shared as a
 * URL. Hidden columns and density live in localStorage `oddsboard.layout`, named layouts in
 * `oddsboard.layouts`. A shared layout URL carries the usual URL state plus `hide` (comma
 * list of hidden column ids; empty = none), `dense=1`, `pins` (comma list of event ids) and
 * `layout` (its name): they are applied to the view on load, then dropped from the address bar.
 */

/** A column as the chooser lists it. */
export interface ColumnInfo {
  id: string
  header: string
}

/** A saved layout. */
export interface NamedLayout {
  name: string
  view: ViewId
  /** The URL state as a query string (`formatUrlState`): view, filters, sort, time zone, odds format. */
  query: string
  /** Hidden column ids of `view`. */
  hidden: string[]
  dense: boolean
  /** Pinned event ids. */
  pins: string[]
}

/** Layout state. */
export interface LayoutState {
  /** Hidden column ids per view. */
  hidden: Readonly<Record<string, readonly string[]>>
  /** Compact rows per view. */
  dense: Readonly<Record<string, boolean>>
  saved: readonly NamedLayout[]
  /** Columns of each view's table as last drawn (for the chooser; not persisted). */
  columns: Readonly<Record<string, readonly ColumnInfo[]>>
  open: boolean
}

const LAYOUT_KEY = 'oddsboard.layout'
const SAVED_KEY = 'oddsboard.layouts'
/** URL parameters of a shared layout. */
export const LAYOUT_PARAMS = ['hide', 'dense', 'pins', 'layout'] as const

const hasWindow = typeof window !== 'undefined'

function readJson(key: string): unknown {
  try {
    const raw = localStorage.getItem(key)
    return raw === null ? null : JSON.parse(raw)
  } catch {
    return null
  }
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 100) : []

function isLayout(v: unknown): v is NamedLayout {
  if (v === null || typeof v !== 'object') return false
  const l = v as Record<string, unknown>
  return (
    typeof l.name === 'string' &&
    typeof l.view === 'string' &&
    typeof l.query === 'string' &&
    Array.isArray(l.hidden) &&
    typeof l.dense === 'boolean' &&
    Array.isArray(l.pins)
  )
}

/** A comma list parameter: null when absent, [] when present and empty. */
function listParam(p: URLSearchParams, key: string): string[] | null {
  const v = p.get(key)
  if (v === null) return null
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .slice(0, 100)
}

/**
 * The layout a query string shares, if it carries any layout parameter: `hide`, `dense`,
 * `pins` and `layout` over the URL state of the same query. Pure.
 */
export function layoutFromQuery(search: string): NamedLayout | null {
  const p = new URLSearchParams(search)
  if (!LAYOUT_PARAMS.some((k) => p.has(k))) return null
  const url = parseUrlState(search)
  return {
    name: (p.get('layout') ?? '').slice(0, 60),
    view: url.view,
    query: formatUrlState({ ...url, event: null }),
    hidden: listParam(p, 'hide') ?? [],
    dense: p.get('dense') === '1',
    pins: listParam(p, 'pins') ?? [],
  }
}

/** The query string sharing `l` (without `?`): its URL state, then `hide`, `dense`, `pins`, `layout`. */
export function layoutQuery(l: NamedLayout): string {
  const p = new URLSearchParams(l.query)
  p.set('hide', l.hidden.join(','))
  if (l.dense) p.set('dense', '1')
  if (l.pins.length > 0) p.set('pins', l.pins.join(','))
  if (l.name !== '') p.set('layout', l.name)
  return p.toString()
}

function initial(): LayoutState {
  const stored = readJson(LAYOUT_KEY) as { hidden?: unknown; dense?: unknown } | null
  const hidden: Record<string, readonly string[]> = {}
  const dense: Record<string, boolean> = {}
  if (stored && typeof stored.hidden === 'object' && stored.hidden !== null)
    for (const [v, ids] of Object.entries(stored.hidden)) hidden[v] = strings(ids)
  if (stored && typeof stored.dense === 'object' && stored.dense !== null)
    for (const [v, d] of Object.entries(stored.dense)) dense[v] = d === true
  const saved = (() => {
    const v = readJson(SAVED_KEY)
    return Array.isArray(v) ? v.filter(isLayout).slice(0, 50) : []
  })()
  return { hidden, dense, saved, columns: {}, open: false }
}

/** The layout store (zustand). */
export const layoutStore = createStore<LayoutState>(() =>
  hasWindow ? initial() : { hidden: {}, dense: {}, saved: [], columns: {}, open: false },
)

/** Subscribes a component to one slice of the layout store. */
export function useLayout<T>(selector: (s: LayoutState) => T): T {
  return useStore(layoutStore, selector)
}

function persist(): void {
  const { hidden, dense, saved } = layoutStore.getState()
  try {
    localStorage.setItem(LAYOUT_KEY, JSON.stringify({ hidden, dense }))
    localStorage.setItem(SAVED_KEY, JSON.stringify(saved))
  } catch {
    /* private mode */
  }
}

const EMPTY: readonly ColumnInfo[] = []

/** Records the columns a view's table draws (the chooser lists them). */
export function registerColumns(view: string, columns: readonly ColumnInfo[]): void {
  const cur = layoutStore.getState().columns[view] ?? EMPTY
  if (cur.length === columns.length && cur.every((c, i) => c.id === columns[i]!.id)) return
  layoutStore.setState((s) => ({
    columns: { ...s.columns, [view]: columns.map((c) => ({ id: c.id, header: c.header })) },
  }))
}

/** Shows or hides one column of a view. */
export function toggleColumn(view: string, id: string): void {
  const cur = layoutStore.getState().hidden[view] ?? []
  const next = cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id]
  layoutStore.setState((s) => ({ hidden: { ...s.hidden, [view]: next } }))
  persist()
}

/** Compact or normal rows for a view. */
export function setDense(view: string, dense: boolean): void {
  layoutStore.setState((s) => ({ dense: { ...s.dense, [view]: dense } }))
  persist()
}

/** The layout on screen now, named `name`. */
export function currentLayout(name: string): NamedLayout {
  const ui = uiStore.getState()
  const l = layoutStore.getState()
  const view = ui.url.view
  return {
    name: name.trim().slice(0, 60),
    view,
    query: formatUrlState({ ...ui.url, event: null }),
    hidden: [...(l.hidden[view] ?? [])],
    dense: l.dense[view] ?? false,
    pins: [...ui.pins],
  }
}

/** Saves (or replaces, by name) a named layout. */
export function saveLayout(l: NamedLayout): void {
  if (l.name === '') return
  layoutStore.setState((s) => ({ saved: [...s.saved.filter((x) => x.name !== l.name), l] }))
  persist()
}

/** Deletes a named layout. */
export function deleteLayout(name: string): void {
  layoutStore.setState((s) => ({ saved: s.saved.filter((x) => x.name !== name) }))
  persist()
}

/**
 * Puts a layout on screen: its URL state (view, filters, sort, zone; a history entry),
 * its columns and density for its view, and its pins added to the user's own.
 */
export function applyLayout(l: NamedLayout): void {
  setUrl(() => parseUrlState(`?${l.query}`), true)
  layoutStore.setState((s) => ({
    hidden: { ...s.hidden, [l.view]: [...l.hidden] },
    dense: { ...s.dense, [l.view]: l.dense },
  }))
  const pins = uiStore.getState().pins
  for (const id of l.pins) if (!pins.has(id)) togglePin(id)
  persist()
}

/** The full URL sharing a layout. */
export function layoutUrl(l: NamedLayout): string {
  return `${location.origin}${location.pathname}?${layoutQuery(l)}`
}

// A shared layout in the address bar: apply it (and keep it under its name), then drop its
// own parameters so a reload does not undo later changes.
if (hasWindow) {
  const shared = layoutFromQuery(location.search)
  if (shared !== null) {
    layoutStore.setState((s) => ({
      hidden: { ...s.hidden, [shared.view]: shared.hidden },
      dense: { ...s.dense, [shared.view]: shared.dense },
    }))
    const pins = uiStore.getState().pins
    for (const id of shared.pins) if (!pins.has(id)) togglePin(id)
    if (shared.name !== '') saveLayout(shared)
    else persist()
    const p = new URLSearchParams(location.search)
    for (const k of LAYOUT_PARAMS) p.delete(k)
    const qs = p.toString()
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${qs ? `?${qs}` : ''}${location.hash}`,
    )
  }
}
