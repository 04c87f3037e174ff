/// <reference lib="dom" />
// evaluate callbacks run in the browser, so this spec also sees DOM types.
import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

/**
 * CSV export (issue 12 item 4) on the default simulated feeds: the Live view as CSV has the
 * visible column headers and the visible rows (filters and sort applied) in screen order;
 * a selection's price history downloads from its expanded row with ISO 8601 zoned times.
 */

/** RFC 4180 records of a CSV text (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const out: string[][] = []
  let rec: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      rec.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      rec.push(field)
      out.push(rec)
      rec = []
      field = ''
      i++
    } else field += ch
  }
  return out
}

async function download(page: Page, click: () => Promise<void>) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()])
  const text = await readFile((await dl.path())!, 'utf8')
  expect(text.charCodeAt(0)).toBe(0xfeff)
  return { name: dl.suggestedFilename(), records: parseCsv(text.slice(1)) }
}

/** The visible header texts (sort mark dropped) and each visible row's match and book. */
const screen = (page: Page) =>
  page.evaluate(() => {
    const table = document.querySelector('[data-testid="live-table"]')!
    const headers = [...table.querySelectorAll('.thead [role="columnheader"]')].map((h) =>
      (h.textContent ?? '').replace(/ [↑↓]$/, ''),
    )
    const rows = [...table.querySelectorAll('[data-testid="row"]')].map((r) => ({
      match: r.querySelector('[data-testid="match-name"]')?.textContent ?? '',
      competition: r.querySelector('.col-competition')?.textContent ?? '',
    }))
    return { headers, rows }
  })

test('the Live view downloads as CSV: visible columns, filtered rows in screen order', async ({
  page,
}) => {
  // Filter (Bet365 only) and sort (by match), every row in the DOM.
  await page.goto('/?book=bet365&sort=match:asc&virtual=0&tz=UTC')
  await expect(page.locator('[data-testid="row"]').first()).toBeVisible()
  let shown = await screen(page)
  let csv = await download(page, () => page.getByTestId('export-view').click())
  // Events come and go in the simulation: read the screen again until it held still.
  for (let i = 0; i < 3; i++) {
    const again = await screen(page)
    if (JSON.stringify(again) === JSON.stringify(shown)) break
    shown = again
    csv = await download(page, () => page.getByTestId('export-view').click())
  }
  expect(csv.name).toMatch(/^oddsboard-live-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\+0000\.csv$/)
  const [header, ...rows] = csv.records
  expect(header).toEqual(shown.headers.filter((h) => h !== '★'))
  expect(rows.length).toBe(shown.rows.length)
  expect(rows.length).toBeGreaterThan(0)
  const col = (name: string) => header!.indexOf(name)
  expect(rows.map((r) => r[col('Match')])).toEqual(shown.rows.map((r) => r.match))
  expect(rows.map((r) => r[col('Competition')])).toEqual(shown.rows.map((r) => r.competition))
  // The filter: Bet365 only.
  expect(new Set(rows.map((r) => r[col('Book')]))).toEqual(new Set(['Bet365']))
  // Prices as decimal odds, "Changed" as ISO 8601 UTC times.
  for (const r of rows) {
    const home = r[col('Home · 1')]!
    if (home !== '') expect(Number(home)).toBeGreaterThan(1)
    const changed = r[col('Changed')]!
    if (changed !== '')
      expect(changed).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/)
  }
})

test('a selection’s price history downloads as CSV from its expanded row', async ({ page }) => {
  await page.goto('/?book=winamax&tz=Europe/Paris')
  const rows = page.locator('[data-testid="row"]')
  await expect(rows.first()).toBeVisible()
  const proxyHistory = (sel: string) =>
    page.evaluate(async (id) => {
      const res = await fetch(`/api/history?ids=${encodeURIComponent(id)}`)
      return ((await res.json()) as Record<string, [number, number][]>)[id] ?? []
    }, sel)
  // The first of the first rows' selections that the proxy holds a price history for.
  let id: string | null = null
  for (let i = 0; i < 8 && id === null; i++) {
    await rows.nth(i).dblclick()
    const buttons = page.getByTestId('detail-row').getByTestId('history-csv')
    await expect(buttons.first()).toBeVisible()
    for (const sel of await buttons.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-selection') ?? ''),
    )) {
      if ((await proxyHistory(sel)).length > 0) {
        id = sel
        break
      }
    }
  }
  expect(id).not.toBeNull()
  const button = page.locator(`[data-testid="history-csv"][data-selection="${id}"]`)
  // The page seeds its history from the proxy after its snapshot: download once it has.
  let csv = await download(page, () => button.click())
  for (let i = 0; i < 10 && csv.records.length < 2; i++) {
    await page.waitForTimeout(500)
    csv = await download(page, () => button.click())
  }
  expect(csv.name).toMatch(
    /^oddsboard-history-[a-z0-9-]+-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\+0[12]00\.csv$/,
  )
  const [header, ...points] = csv.records
  expect(header).toEqual(['time', 'epoch_ms', 'decimal_odds', 'implied_probability'])
  expect(points.length).toBeGreaterThan(0)
  const history = await proxyHistory(id!)
  for (const [time, ms, odds, implied] of points) {
    expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0[12]:00$/)
    // The zoned wall time and the epoch ms name the same instant.
    expect(Date.parse(time!)).toBe(Number(ms))
    expect(Number(implied)).toBeCloseTo(1 / Number(odds), 3)
  }
  // The first points are the proxy's own history of that selection.
  const first = points[0]!
  expect(history.some(([ts, o]) => ts === Number(first[1]) && o === Number(first[2]))).toBe(true)
})
