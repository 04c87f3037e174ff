import { impliedProbability, type Event, type Source } from '@oddsboard/model'
import { bookName, formatPercent, formatScore, isoInZone } from '../format'
import { uiStore, useUi } from '../state/uiStore'
import { boardStore } from '../sync/store'
import { activeTable, type Column } from '../table/DataTable'
import { csvFileName, csvText, downloadCsv, type CsvValue } from './csv'

/**
 * Export of what is on screen as CSV: the current view's visible columns (the pin column
 * left out), its rows in their order on screen (pinned first, then the sort, only the rows
 * the filters let through), and one selection's price history. Times are ISO 8601 with
 * the offset of the zone in use (URL `tz`).
 */

const statusText = (e: Event, zone: string | null): string =>
  e.status === 'prematch'
    ? e.startTime === undefined
      ? 'prematch'
      : isoInZone(e.startTime, zone)
    : e.status

/**
 * One cell as a CSV value: the column's own `text`, else from the row's event for the
 * columns event views share (match "A v B", status, score, book), else its sort value
 * ("Changed" as an ISO time, "Margin" as a percentage, prices as decimal odds).
 */
export function csvValue(c: Column<never>, row: unknown, zone: string | null): CsvValue {
  const col = c as unknown as Column<Record<string, unknown>>
  const r = row as Record<string, unknown>
  if (col.text) return col.text(r)
  const event = r.event as Event | undefined
  if (c.id === 'book' && typeof r.source === 'string') return bookName(r.source as Source)
  if (event !== undefined && typeof event === 'object' && 'participants' in event) {
    if (c.id === 'match')
      return event.participants[1] === ''
        ? event.participants[0]
        : `${event.participants[0]} v ${event.participants[1]}`
    if (c.id === 'status') return statusText(event, zone)
    if (c.id === 'score') return formatScore(event.score)
  }
  const v = col.sortValue?.(r)
  if (v === undefined) return null
  if (typeof v === 'number') {
    if (c.id === 'updated') return isoInZone(v, zone)
    if (c.id === 'margin') return formatPercent(v)
    if (c.price) return Number(v.toFixed(3))
  }
  return v
}

/** Downloads the current view as `oddsboard-<view>-<time>.csv`; false when no table is on screen. */
export function exportView(): boolean {
  const snap = activeTable.current?.exportRows?.()
  if (!snap) return false
  const zone = uiStore.getState().url.tz
  const cols = snap.columns.filter((c) => c.id !== 'pin')
  const rows = snap.rows.map((r) => cols.map((c) => csvValue(c as Column<never>, r, zone)))
  const text = csvText(
    cols.map((c) => c.header),
    rows,
  )
  downloadCsv(csvFileName([snap.view], isoInZone(Date.now(), zone)), text)
  return true
}

/**
 * One selection's price history as CSV rows: time (ISO 8601 in `zone`), epoch ms, decimal
 * odds, implied probability; oldest first, as the board holds it (`BoardData.history`).
 */
export function historyRows(
  points: readonly (readonly [number, number])[],
  zone: string | null,
): CsvValue[][] {
  return points.map(([ts, odds]) => [
    isoInZone(ts, zone),
    ts,
    odds,
    Number(impliedProbability(odds).toFixed(4)),
  ])
}

/** Header of {@link historyRows}. */
export const HISTORY_HEADER = ['time', 'epoch_ms', 'decimal_odds', 'implied_probability']

/** Downloads a selection's price history as `oddsboard-history-<match>-<selection>-<book>-<time>.csv`. */
export function exportHistory(selectionId: string): void {
  const { entities, history } = boardStore.getState().board
  const sel = entities.selection.get(selectionId)
  const event = sel === undefined ? undefined : entities.event.get(sel.eventId)
  const zone = uiStore.getState().url.tz
  const text = csvText(HISTORY_HEADER, historyRows(history.get(selectionId) ?? [], zone))
  const parts = [
    'history',
    event?.participants.filter((p) => p !== '').join(' v ') ?? '',
    sel?.name ?? selectionId,
    sel === undefined ? '' : sel.source,
  ].filter((p) => p !== '')
  downloadCsv(csvFileName(parts, isoInZone(Date.now(), zone)), text)
}

/** The top-bar "⬇ CSV" button: the current view as CSV. */
export function ExportButton() {
  const view = useUi((s) => s.url.view)
  return (
    <button
      type="button"
      className="icon tb-button"
      data-testid="export-view"
      aria-label="Download this view as CSV"
      title={`Download this view (${view}) as CSV: the columns on screen, the filters and sort applied`}
      onClick={() => exportView()}
    >
      ⬇<span className="tb-label"> CSV</span>
    </button>
  )
}

/** A "⬇ History CSV" button for each of a row's selections (in its expanded detail). */
export function HistoryCsvButtons({ selectionIds }: { selectionIds: readonly string[] }) {
  const names = selectionIds.map(
    (id) => boardStore.getState().board.entities.selection.get(id)?.name ?? id,
  )
  return (
    <>
      {selectionIds.map((id, i) => (
        <button
          key={id}
          type="button"
          className="row-tool"
          data-testid="history-csv"
          data-selection={id}
          title={`Download the price history of ${names[i]} as CSV`}
          onClick={(e) => {
            e.stopPropagation()
            exportHistory(id)
          }}
        >
          ⬇ {names[i]} CSV
        </button>
      ))}
    </>
  )
}
