import {
  constructTable,
  createSortedRowModel,
  rowExpandingFeature,
  rowPinningFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
  type ColumnDef,
} from '@tanstack/react-table'
import { storeReactivityBindings } from '@tanstack/table-core/store-reactivity-bindings'
import type { SortSpec } from '../state/url'

/**
 * The row model of every live table, as a pure function: the view's rows in, the list of
 * items to draw out (pinned rows, group headers, rows, expanded detail rows), so the order a
 * person sees is tested without a browser.
 *
 * TanStack Table (table-core, framework-neutral `constructTable`) does the sorting
 * (`rowSortingFeature`), the pinning of favourites on top (`rowPinningFeature`, state
 * `rowPinning.top`) and the expanded row (`rowExpandingFeature`, state `expanded`).
 * Grouping stays here: TanStack's `columnGroupingFeature` turns each group into a
 * collapsible parent row whose open/closed state is the same `expanded` state the detail
 * row uses, orders groups by the sort rather than by name, and keeps pinned rows inside
 * their group; our groups are always open, alphabetical, counted, and pinned rows leave them.
 */

/** What the row model needs of a row: a unique id. */
export interface RowBase {
  id: string
}

/** One sortable column: its id and the value to sort by (a column without one is not sortable). */
export interface SortColumn<R> {
  id: string
  sortValue?: (r: R) => number | string | undefined
}

/** One line of the table, top to bottom. */
export type Item<R> =
  | { type: 'row'; key: string; row: R; pinned: boolean }
  | { type: 'group'; key: string; label: string; count: number }
  | { type: 'detail'; key: string; row: R }

/** Inputs of {@link tableItems}. */
export interface RowModelInput<R extends RowBase> {
  rows: readonly R[]
  columns: readonly SortColumn<R>[]
  /** The sort in effect; ignored when its column has no `sortValue`. Null = `rows` order. */
  sort: SortSpec | null
  /** True for a row pinned on top (its event is a favourite). */
  isPinned: (r: R) => boolean
  /** Group label of a row: rows are grouped by it, groups alphabetical. Pinned rows are never grouped. */
  groupOf?: (r: R) => string
  /** Id of the row whose detail is open (at most one), or null. */
  expandedId: string | null
  /** Whether rows have a detail row at all. */
  hasDetail: boolean
}

const features = tableFeatures({
  coreReactivityFeature: storeReactivityBindings(),
  rowSortingFeature,
  rowPinningFeature,
  rowExpandingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
})

const noop = () => {}

/**
 * The items of a table: pinned rows first (in sort order), then the other rows sorted by
 * `sort` (stable: equal values keep `rows` order; undefined values last), split into
 * alphabetical groups with a header and a count when `groupOf` is given; the expanded row is
 * followed by its detail item. Item keys: the row id, `g:<label>`, `d:<row id>`.
 */
export function tableItems<R extends RowBase>(input: RowModelInput<R>): Item<R>[] {
  const { rows, columns, sort, isPinned, groupOf, expandedId, hasDetail } = input
  const sortable = sort !== null && columns.some((c) => c.id === sort.id && c.sortValue)
  // Numbers compare as numbers: the alphanumeric sort reads 0.018037… and 0.04054… as the digit
  // runs 18037… and 4054…, and would put a 1.8 % margin after a 4.1 % one.
  const numeric = (c: SortColumn<R>) => {
    if (!sortable || c.id !== sort.id || c.sortValue === undefined) return false
    for (const r of rows) {
      const v = c.sortValue(r)
      if (v !== undefined) return typeof v === 'number'
    }
    return false
  }
  const table = constructTable({
    features,
    columns: columns.map((c) => ({
      id: c.id,
      accessorFn: (r: R) => c.sortValue?.(r),
      enableSorting: c.sortValue !== undefined,
      sortUndefined: 'last' as const,
      sortFn: numeric(c) ? ('basic' as const) : ('alphanumeric' as const),
    })) as ColumnDef<typeof features, R>[],
    data: rows as R[],
    getRowId: (r: R) => r.id,
    state: {
      sorting: sortable ? [{ id: sort.id, desc: sort.desc }] : [],
      rowPinning: { top: rows.filter(isPinned).map((r) => r.id), bottom: [] },
      expanded: hasDetail && expandedId !== null ? { [expandedId]: true } : {},
    },
    onSortingChange: noop,
    onRowPinningChange: noop,
    onExpandedChange: noop,
    keepPinnedRows: true,
    getRowCanExpand: () => hasDetail,
  })
  const sorted = table.getRowModel()
  let top = table.getTopRows()
  if (top.length > 1) {
    // TanStack keeps pins in the order they were pinned; ours follow the sort like other rows.
    const position = new Map<string, number>()
    sorted.rows.forEach((r, i) => position.set(r.id, i))
    top = top.slice().sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0))
  }
  // At most one row is expanded: ask TanStack about that one row, not about every row.
  const open = expandedId === null ? undefined : sorted.rowsById[expandedId]
  const openId = open?.getIsExpanded() ? open.id : null

  const out: Item<R>[] = []
  type TRow = (typeof top)[number]
  const push = (r: TRow, pinned: boolean) => {
    out.push({ type: 'row', key: r.id, row: r.original, pinned })
    if (r.id === openId) out.push({ type: 'detail', key: `d:${r.id}`, row: r.original })
  }
  for (const r of top) push(r, true)
  const center = table.getCenterRows()
  if (groupOf === undefined) {
    for (const r of center) push(r, false)
    return out
  }
  const groups = new Map<string, TRow[]>()
  for (const r of center) {
    const g = groupOf(r.original)
    let list = groups.get(g)
    if (list === undefined) groups.set(g, (list = []))
    list.push(r)
  }
  for (const g of [...groups.keys()].sort((x, y) => x.localeCompare(y))) {
    const list = groups.get(g)!
    out.push({ type: 'group', key: `g:${g}`, label: g, count: list.length })
    for (const r of list) push(r, false)
  }
  return out
}
