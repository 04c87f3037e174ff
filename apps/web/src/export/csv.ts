/**
 * CSV writing (RFC 4180, through papaparse's `unparse`) and file names for exports. Pure.
 */
import Papa from 'papaparse'

/** A CSV field's value; null and undefined are written as empty fields. */
export type CsvValue = string | number | null | undefined

/**
 * Texts a spreadsheet would run as a formula (starting with =, +, -, @, TAB or CR), other
 * than a plain signed number or percentage: papaparse prefixes them with an apostrophe
 * (OWASP "CSV injection").
 */
const FORMULA = /^(?![+-]?\d+(\.\d+)?%?$)[=+\-@\t\r]/

const UNPARSE: Papa.UnparseConfig = { newline: '\r\n', escapeFormulae: FORMULA, quotes: false }

/** A non-finite number is written as an empty field, like null. */
function value(v: CsvValue): string | number | null {
  if (v === undefined) return null
  if (typeof v === 'number' && !Number.isFinite(v)) return null
  return v
}

/**
 * One field as CSV text: quoted when it holds a comma, quote, CR or LF (quotes doubled);
 * numbers in full (`String`, "." decimal point); formulas defused (see {@link FORMULA}).
 */
export function csvField(v: CsvValue): string {
  return Papa.unparse([[value(v)]], { ...UNPARSE, header: false })
}

/** A whole CSV document: a header record, then one record per row, CRLF after each. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const text = Papa.unparse({ fields: [...header], data: rows.map((r) => r.map(value)) }, UNPARSE)
  // papaparse ends a header with no rows with CRLF already, and a last row without one
  return text.endsWith('\r\n') ? text : `${text}\r\n`
}

/** A name part safe in a file name: letters, digits and dashes ("Arsenal v Chelsea" → "arsenal-v-chelsea"). */
export function slug(text: string, max = 40): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, max)
      .replace(/-+$/, '') || 'export'
  )
}

/**
 * A file name from its parts and an ISO 8601 time with its zone offset (`isoInZone`):
 * `oddsboard-live-2026-11-29T19-47-42+0100.csv` (colons and milliseconds dropped for file systems).
 */
export function csvFileName(parts: readonly string[], iso: string): string {
  const stamp = iso
    .replace(/\.\d+/, '')
    .replace(/:/g, '-')
    .replace(/([+-]\d{2})-(\d{2})$/, '$1$2')
  return `${['oddsboard', ...parts.map((p) => slug(p))].join('-')}-${stamp}.csv`
}

/** Starts the browser download of `text` as a UTF-8 CSV file (with a BOM, so spreadsheets read accents right). */
export function downloadCsv(fileName: string, text: string): void {
  const blob = new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
