/**
 * CSV writing (RFC 4180) and file names for exports. Pure. The platform has no CSV writer
 * and the job is small: quote a field holding a comma, quote, CR or LF, doubling its
 * quotes; end records with CRLF.
 */

/** A CSV field's value; null and undefined are written as empty fields. */
export type CsvValue = string | number | null | undefined

/**
 * One field as CSV text. Numbers are written in full (`String`, "." decimal point). A text
 * that a spreadsheet would run as a formula (starting with =, +, -, @, TAB or CR, other than
 * a plain number) gets a leading apostrophe (OWASP "CSV injection").
 */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return ''
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?%?$/.test(s))
    s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A whole CSV document: a header record, then one record per row, CRLF after each. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  let out = `${header.map(csvField).join(',')}\r\n`
  for (const r of rows) out += `${r.map(csvField).join(',')}\r\n`
  return out
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
