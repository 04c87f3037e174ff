import type { Event, Source } from '@oddsboard/model'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useMemo, useRef, type CSSProperties, type ReactNode } from 'react'
import { rowIsStale } from '../rows'
import { useEventStale } from '../state/freshness'
import { setUrl, togglePin, uiStore, useUi } from '../state/uiStore'
import type { SortSpec } from '../state/url'
import { useBoard } from '../sync/store'
import { tableItems, type Item } from './rowModel'
import { registerColumns, useLayout } from '../layouts/store'

/** One column of a live table. */
export interface Column<R> {
  id: string
  header: string
  /** CSS grid track, e.g. '64px' or 'minmax(180px, 2fr)'. */
  width: string
  align?: 'left' | 'right' | 'center'
  /** Value to sort by; a column without one is not sortable. */
  sortValue?: (r: R) => number | string | undefined
  /** A price column: sorting by it follows every price change (other sorts keep rows put). */
  price?: boolean
  /** Sort descending first (counts, times). */
  descFirst?: boolean
  title?: string
  cell: (r: R) => ReactNode
  /** The cell as a CSV value (export); default: by column id from the row's event, else `sortValue`. */
  text?: (r: R) => string | number | null | undefined
}

/** What a row needs for the generic parts: its id, its event (pins) and its book (staleness). */
export interface BaseRow {
  id: string
  source: Source
}

interface Props<R extends BaseRow> {
  /** View id: keys focus/expansion state, and `data-testid` = `${view}-table`. */
  view: string
  rows: readonly R[]
  columns: readonly Column<R>[]
  /** Order when the URL has no sort (a column id). */
  defaultSort: SortSpec | null
  /** Event id of a row, for pins. */
  eventOf: (r: R) => string
  /** Group header text (rows are grouped by it, groups alphabetical; pinned rows sit above all groups). */
  groupOf?: (r: R) => string
  /** Content of the expanded row (Enter or double-click). */
  detail?: (r: R) => ReactNode
  /** The event a row shows, for per-row freshness (a live event with no recent upstream change is marked). */
  eventOfRow?: (r: R) => Event
  rowHeight?: number
  /** Height of the expanded detail row, px (default 168). */
  detailHeight?: number
  /**
   * Whether a row is dimmed and badged "stale" when its book (`row.source`) is stale
   * (default true). A view whose rows mix books (Compare) marks each price by its book instead.
   */
  bookStale?: boolean
  /** A row to scroll to, focus and mark (`data-highlighted`), e.g. from a link in another view; null = none. */
  highlightId?: string | null
  empty?: ReactNode
}

const GROUP_HEIGHT = 30
const DETAIL_HEIGHT = 168

/** Commands the keyboard handler sends to the table of the current view. */
export interface TableCommands {
  move(delta: number): void
  togglePinFocused(): void
  toggleExpandFocused(): void
  /** What is on screen, for the CSV export: the visible columns and the rows in their order (pinned first). */
  exportRows?(): { view: string; columns: readonly Column<BaseRow>[]; rows: readonly BaseRow[] }
  /** The focused row's id and its event id (`eventOf`), for the alerts key; null when none. */
  focusedRow?(): { rowId: string; eventId: string } | null
}

/** The table of the view on screen, for the keyboard handler. */
export const activeTable: { current: TableCommands | null } = { current: null }

/**
 * A live table: the row model of `rows` (`tableItems`: TanStack sorting, row pinning of
 * favourites on top, optional groups, the expanded detail row), drawn with rows virtualized
 * by TanStack Virtual (or all in the DOM when virtualization is off). Rows are memoized: a
 * price tick re-renders only the cells that read that price. A row is dimmed and badged when
 * its book is stale, or (with `eventOfRow`) when its live event has had no upstream change
 * for longer than its book's cadence.
 */
export function DataTable<R extends BaseRow>(props: Props<R>) {
  const { view, rows, columns: allColumns, defaultSort, eventOf, groupOf, detail } = props
  // Layouts (apps/web/src/layouts): the columns the user hid and compact rows, per view.
  const hidden = useLayout((s) => s.hidden[view])
  const dense = useLayout((s) => s.dense[view] ?? false)
  const columns = useMemo(
    () => (hidden?.length ? allColumns.filter((c) => !hidden.includes(c.id)) : allColumns),
    [allColumns, hidden],
  )
  useEffect(() => registerColumns(view, allColumns), [view, allColumns])
  // Compact: about 70 % of the view's row height (34 → 24 px; two-line tennis rows 48 → 35 px).
  const rowHeight = dense ? Math.round((props.rowHeight ?? 34) * 0.72) : (props.rowHeight ?? 34)
  const detailHeight = props.detailHeight ?? DETAIL_HEIGHT
  const bookStale = props.bookStale ?? true
  const highlightId = props.highlightId ?? null
  const urlSort = useUi((s) => s.url.sort)
  const virtual = useUi((s) => s.virtual)
  const pins = useUi((s) => s.pins)
  const focusId = useUi((s) => s.focus[view] ?? null)
  const expandedId = useUi((s) => s.expanded[view] ?? null)
  const sort =
    urlSort !== null && allColumns.some((c) => c.id === urlSort.id && c.sortValue)
      ? urlSort
      : defaultSort
  const sortCol = allColumns.find((c) => c.id === sort?.id)
  // Re-sort on price changes only when sorting by a price column (rows stay put otherwise).
  const priceTick = useBoard((s) => (sortCol?.price ? s.board.entities.selection : null))

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const data = useMemo(() => rows.slice(), [rows, priceTick])
  const sortId = sort?.id
  const sortDesc = sort?.desc
  const stableSort = useMemo<SortSpec | null>(
    () => (sortId === undefined ? null : { id: sortId, desc: !!sortDesc }),
    [sortId, sortDesc],
  )
  const items = useMemo<Item<R>[]>(
    () =>
      tableItems({
        rows: data,
        columns: allColumns,
        sort: stableSort,
        isPinned: (r) => pins.has(eventOf(r)),
        ...(groupOf ? { groupOf } : {}),
        expandedId,
        hasDetail: detail !== undefined,
      }),
    // `priceTick` (through `data`) re-sorts on price changes when sorting by a price column.
    [data, allColumns, stableSort, pins, eventOf, groupOf, detail, expandedId],
  )

  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => {
      const it = items[i]
      return it?.type === 'group' ? GROUP_HEIGHT : it?.type === 'detail' ? detailHeight : rowHeight
    },
    getItemKey: (i) => items[i]?.key ?? i,
    overscan: 12,
    enabled: virtual,
  })

  const itemsRef = useRef(items)
  itemsRef.current = items
  const columnsRef = useRef(columns)
  columnsRef.current = columns
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer])
  useEffect(() => {
    const rowIndexes = () => itemsRef.current.flatMap((it, i) => (it.type === 'row' ? [i] : []))
    const focused = () => uiStore.getState().focus[view] ?? null
    const commands: TableCommands = {
      exportRows: () => ({
        view,
        columns: columnsRef.current as unknown as readonly Column<BaseRow>[],
        rows: itemsRef.current.flatMap((it) => (it.type === 'row' ? [it.row] : [])),
      }),
      focusedRow() {
        const id = focused()
        const it = itemsRef.current.find((x) => x.type === 'row' && x.key === id)
        return it?.type === 'row' ? { rowId: it.key, eventId: eventOf(it.row) } : null
      },
      move(delta) {
        const idx = rowIndexes()
        if (idx.length === 0) return
        const cur = idx.findIndex((i) => itemsRef.current[i]!.key === focused())
        const nextPos =
          cur < 0
            ? delta > 0
              ? 0
              : idx.length - 1
            : Math.min(idx.length - 1, Math.max(0, cur + delta))
        const itemIndex = idx[nextPos]!
        const it = itemsRef.current[itemIndex]!
        uiStore.setState((s) => ({ focus: { ...s.focus, [view]: it.key } }))
        if (virtual) virtualizer.scrollToIndex(itemIndex, { align: 'auto' })
        else
          document
            .querySelector(`[data-row-id="${CSS.escape(it.key)}"]`)
            ?.scrollIntoView({ block: 'nearest' })
      },
      togglePinFocused() {
        const id = focused()
        const it = itemsRef.current.find((x) => x.type === 'row' && x.key === id)
        if (it?.type !== 'row') return
        togglePin(eventOf(it.row))
        // The row moves to (or from) the pinned block: keep the focused row in sight.
        requestAnimationFrame(() => {
          const i = itemsRef.current.findIndex((x) => x.type === 'row' && x.key === id)
          if (i < 0) return
          if (virtual) virtualizer.scrollToIndex(i, { align: 'auto' })
          else
            document
              .querySelector(`[data-row-id="${CSS.escape(id!)}"]`)
              ?.scrollIntoView({ block: 'nearest' })
        })
      },
      toggleExpandFocused() {
        const id = focused()
        if (id === null || !detail) return
        uiStore.setState((s) => ({
          expanded: { ...s.expanded, [view]: s.expanded[view] === id ? null : id },
        }))
      },
    }
    activeTable.current = commands
    return () => {
      if (activeTable.current === commands) activeTable.current = null
    }
  }, [view, virtual, virtualizer, eventOf, detail])

  // Scroll to and focus the highlighted row once it is in the items (it may arrive with a later snapshot).
  const highlightIndex =
    highlightId === null ? -1 : items.findIndex((it) => it.type === 'row' && it.key === highlightId)
  const scrolledTo = useRef<string | null>(null)
  useEffect(() => {
    if (highlightId === null) {
      scrolledTo.current = null
      return
    }
    if (highlightIndex < 0 || scrolledTo.current === highlightId) return
    scrolledTo.current = highlightId
    uiStore.setState((s) => ({ focus: { ...s.focus, [view]: highlightId } }))
    if (virtual) virtualizer.scrollToIndex(highlightIndex, { align: 'center' })
    else
      document
        .querySelector(`[data-row-id="${CSS.escape(highlightId)}"]`)
        ?.scrollIntoView({ block: 'center' })
  }, [highlightId, highlightIndex, view, virtual, virtualizer])

  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns])
  const gridStyle = useMemo<CSSProperties>(() => ({ gridTemplateColumns: template }), [template])

  const onHeaderClick = (c: Column<R>) => {
    if (!c.sortValue) return
    setUrl((u) => {
      const cur = u.sort?.id === c.id ? u.sort : null
      const first = !!c.descFirst
      let next: SortSpec | null
      if (cur === null) next = { id: c.id, desc: first }
      else if (cur.desc === first) next = { id: c.id, desc: !first }
      else next = null
      return { ...u, sort: next }
    })
  }

  const renderItem = (
    it: Item<R>,
    pos: { top: number; height: number } | undefined,
    index: number,
  ) => {
    const style: CSSProperties | undefined =
      pos === undefined
        ? undefined
        : {
            position: 'absolute',
            top: 0,
            left: 0,
            right: 0,
            height: pos.height,
            transform: `translateY(${pos.top}px)`,
          }
    if (it.type === 'group')
      return (
        <div key={it.key} className="group-row" style={style} data-testid="group-row" role="row">
          <span className="group-label">{it.label}</span>
          <span className="group-count">{it.count}</span>
        </div>
      )
    if (it.type === 'detail')
      return (
        <div key={it.key} className="detail-row" style={style} data-testid="detail-row">
          {detail?.(it.row)}
        </div>
      )
    return (
      <TableRow
        key={it.key}
        view={view}
        row={it.row}
        columns={columns}
        gridStyle={gridStyle}
        top={pos?.top}
        height={pos?.height}
        focused={focusId === it.key}
        pinned={it.pinned}
        expanded={expandedId === it.key}
        odd={index % 2 === 1}
        event={props.eventOfRow?.(it.row)}
        bookStale={bookStale}
        highlighted={highlightId === it.key}
      />
    )
  }

  return (
    <div
      className={dense ? 'table dense' : 'table'}
      data-testid={`${view}-table`}
      data-density={dense ? 'compact' : 'normal'}
      role="table"
    >
      <div className="thead" style={gridStyle} role="row">
        {columns.map((c) => {
          const active = sort?.id === c.id
          return (
            <div
              key={c.id}
              role="columnheader"
              className={`th align-${c.align ?? 'left'}${c.price ? ' price' : ''}${c.sortValue ? ' sortable' : ''}${active ? ' sorted' : ''}`}
              title={c.title ?? (c.sortValue ? `Sort by ${c.header}` : undefined)}
              data-testid={`col-${c.id}`}
              aria-sort={active ? (sort!.desc ? 'descending' : 'ascending') : 'none'}
              onClick={() => onHeaderClick(c)}
            >
              {c.header}
              {active ? <span className="sort-mark">{sort!.desc ? ' ↓' : ' ↑'}</span> : null}
            </div>
          )
        })}
      </div>
      <div className="tbody" ref={scrollRef} data-virtual={virtual ? '1' : '0'}>
        {items.length === 0 ? (
          <div className="empty">{props.empty ?? 'Nothing matches the filters.'}</div>
        ) : virtual ? (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer
              .getVirtualItems()
              .map((v) => renderItem(items[v.index]!, { top: v.start, height: v.size }, v.index))}
          </div>
        ) : (
          items.map((it, i) => renderItem(it, undefined, i))
        )}
      </div>
    </div>
  )
}

interface RowProps<R extends BaseRow> {
  view: string
  row: R
  columns: readonly Column<R>[]
  gridStyle: CSSProperties
  /** Virtual position (px); undefined when rows flow normally. */
  top: number | undefined
  height: number | undefined
  focused: boolean
  pinned: boolean
  expanded: boolean
  odd: boolean
  /** The row's event, when the row shows one (per-row freshness). */
  event: Event | undefined
  /** Dim the row when its book is stale. */
  bookStale: boolean
  /** The row a link pointed at. */
  highlighted: boolean
}

function TableRowImpl<R extends BaseRow>({
  view,
  row,
  columns,
  gridStyle,
  top,
  height,
  focused,
  pinned,
  expanded,
  odd,
  event,
  bookStale,
  highlighted,
}: RowProps<R>) {
  const stale = useBoard(
    (s) => bookStale && rowIsStale(s.board.feeds[row.source]?.state, s.connection),
  )
  const eventStale = useEventStale(event)
  const style = useMemo<CSSProperties>(
    () =>
      top === undefined
        ? gridStyle
        : {
            ...gridStyle,
            position: 'absolute',
            top: 0,
            left: 0,
            right: 0,
            height,
            transform: `translateY(${top}px)`,
          },
    [gridStyle, top, height],
  )
  const cls =
    'tr' +
    (odd ? ' odd' : '') +
    (focused ? ' focused' : '') +
    (pinned ? ' pinned-row' : '') +
    (expanded ? ' expanded' : '') +
    (highlighted ? ' highlighted' : '') +
    (stale || eventStale !== null ? ' stale' : '')
  return (
    <div
      className={cls}
      style={style}
      role="row"
      data-testid="row"
      data-row-id={row.id}
      data-stale={stale ? '1' : undefined}
      data-event-stale={eventStale !== null ? '1' : undefined}
      data-pinned={pinned ? '1' : undefined}
      data-highlighted={highlighted ? '1' : undefined}
      onClick={() => uiStore.setState((s) => ({ focus: { ...s.focus, [view]: row.id } }))}
      // A double-click expands the row: its second press must not select the words under it.
      onMouseDown={(e) => {
        if (e.detail > 1) e.preventDefault()
      }}
      onDoubleClick={() =>
        uiStore.setState((s) => ({
          focus: { ...s.focus, [view]: row.id },
          expanded: { ...s.expanded, [view]: s.expanded[view] === row.id ? null : row.id },
        }))
      }
    >
      {columns.map((c) => (
        <div key={c.id} className={`td align-${c.align ?? 'left'} col-${c.id}`} role="cell">
          {c.cell(row)}
        </div>
      ))}
      {stale && (
        <span
          className="stale-badge"
          data-testid="stale-badge"
          title="Prices may be old: this book's feed, or the page's connection to the proxy, is not live"
        >
          stale
        </span>
      )}
      {eventStale !== null && !stale && (
        <span
          className="stale-badge event-stale"
          data-testid="event-stale-badge"
          title={`Live, but nothing about this match (score, clock, prices) has changed upstream for longer than this book's usual cadence: ${eventStale}`}
        >
          {eventStale}
        </span>
      )}
    </div>
  )
}

const TableRow = memo(TableRowImpl) as typeof TableRowImpl
