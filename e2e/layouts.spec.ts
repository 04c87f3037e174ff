/// <reference lib="dom" />
// evaluate callbacks run in the browser, so this spec also sees DOM types.
import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'

/**
 * Layouts (issue 12 item 5) on the default simulated feeds: hide a column, compact rows,
 * a time zone, a pin; save it as a named layout; its URL opened in a fresh browser context
 * (no localStorage) shows the same view, filters, columns, sort, density, zone and pin.
 * Screenshots of the column chooser and compact rows at 1440 px go to /work/notes/shots3.
 */

const SHOTS = process.env.SHOTS_DIR ?? '/work/notes/shots3'

test('a named layout round-trips through its URL into a fresh context', async ({
  page,
  browser,
}) => {
  mkdirSync(SHOTS, { recursive: true })
  await page.goto('/?view=tennis&book=bet365&sort=players:asc')
  const table = page.getByTestId('tennis-table')
  const rows = table.locator('[data-testid="row"]')
  await expect(rows.first()).toBeVisible()
  await expect(table.getByTestId('col-margin')).toHaveCount(1)
  const rowH = (await rows.first().boundingBox())!.height

  await page.getByTestId('layout-toggle').click()
  const menu = page.getByTestId('layout-menu')
  await menu.getByTestId('column-toggle-margin').uncheck()
  await expect(table.getByTestId('col-margin')).toHaveCount(0)
  await menu.getByTestId('density-toggle').check()
  await expect(table).toHaveAttribute('data-density', 'compact')
  expect((await rows.first().boundingBox())!.height).toBeLessThan(rowH)
  await menu.getByTestId('tz-select').selectOption('Europe/London')
  await expect(page.getByTestId('zone-name')).toHaveAttribute('data-zone', 'Europe/London')
  await expect(page.getByTestId('zone-name')).toHaveText(/^(GMT|BST)$/)
  await page.screenshot({ path: `${SHOTS}/u2-column-chooser.png` })

  // Pin the first match, then save.
  const pinnedId = await rows.first().getAttribute('data-row-id')
  await rows.first().getByTestId('pin').click()
  await expect(table.locator(`[data-row-id="${pinnedId}"]`)).toHaveAttribute('data-pinned', '1')
  await menu.getByTestId('layout-name').fill('Bet365 tennis')
  await menu.getByTestId('layout-save').click()
  const saved = menu.locator('[data-testid="saved-layout"][data-name="Bet365 tennis"]')
  await expect(saved).toHaveCount(1)
  const url = await saved.getByTestId('layout-url').inputValue()
  expect(url).toContain('hide=margin')
  await menu.getByRole('button', { name: 'Close layout menu' }).click()
  await page.screenshot({ path: `${SHOTS}/u2-compact.png` })

  const other = await browser.newContext()
  const fresh = await other.newPage()
  await fresh.goto(url)
  await expect(fresh.getByTestId('app')).toHaveAttribute('data-view', 'tennis')
  const t2 = fresh.getByTestId('tennis-table')
  const r2 = t2.locator('[data-testid="row"]')
  await expect(r2.first()).toBeVisible()
  // Filters and sort: Bet365 rows only, ordered by player.
  await expect(fresh.getByTestId('filter-book-bet365')).toHaveAttribute('aria-pressed', 'true')
  await expect(t2.getByTestId('col-players')).toHaveAttribute('aria-sort', 'ascending')
  const ids = await r2.evaluateAll((els) => els.map((e) => e.getAttribute('data-row-id') ?? ''))
  expect(ids.every((id) => id.startsWith('bet365:'))).toBe(true)
  // Columns, density, zone, pin.
  await expect(t2.getByTestId('col-margin')).toHaveCount(0)
  await expect(t2.getByTestId('col-players')).toHaveCount(1)
  await expect(t2).toHaveAttribute('data-density', 'compact')
  await expect(fresh.getByTestId('zone-name')).toHaveAttribute('data-zone', 'Europe/London')
  await expect(t2.locator(`[data-row-id="${pinnedId}"]`)).toHaveAttribute('data-pinned', '1')
  // The layout's own parameters leave the address bar; the layout is kept by name.
  expect(new URL(fresh.url()).searchParams.has('hide')).toBe(false)
  await fresh.getByTestId('layout-toggle').click()
  await expect(
    fresh.locator('[data-testid="saved-layout"][data-name="Bet365 tennis"]'),
  ).toHaveCount(1)
  // And it survives a reload there (kept in that browser).
  await fresh.reload()
  await expect(fresh.getByTestId('tennis-table').getByTestId('col-margin')).toHaveCount(0)
  await other.close()
})
