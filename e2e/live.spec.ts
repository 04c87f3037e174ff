/// <reference lib="dom" />
// evaluateAll callbacks run in the browser, so this spec also sees DOM types.
import { expect, test as base } from '@playwright/test'
import { test } from './fixtures'
import { startProxy } from './proxy'

/**
 * The whole path on real captures: simulators on loopback → feeds → hub → relay → browser.
 * Names asserted here come from the recorded upstream traffic (packages/<book>/fixtures).
 */

test('Winamax: real team names from the capture are on screen', async ({ page }) => {
  // Dinamo Batoumi - Iberia 1999 was LIVE in the 2025-11-04 Winamax snapshot.
  await page.goto('/?view=live&book=winamax&q=Batoumi')
  const row = page.getByTestId('live-table').getByTestId('row').filter({ hasText: 'Iberia 1999' })
  await expect(row).toBeVisible()
  await expect(row).toContainText('Dinamo Batoumi')
  await page.goto('/?view=live&book=winamax&q=Slov%C3%A9nie')
  await expect(page.getByTestId('live-table')).toContainText('Kosovo')
  // An outright ("Coupe du Monde 2026") is not a match: see canonical.spec.ts (b).
})

test('Winamax: hot outcomes are ranked by hotUsers', async ({ page }) => {
  await page.goto('/?view=hot')
  const counts = page.getByTestId('hot-table').getByTestId('hot-users')
  await expect(counts.first()).toBeVisible()
  const values = (await counts.allInnerTexts())
    .slice(0, 10)
    .map((t) => Number(t.replace(/[^\d]/g, '')))
  expect(values.length).toBeGreaterThan(3)
  for (let i = 1; i < values.length; i++) expect(values[i - 1]).toBeGreaterThanOrEqual(values[i]!)
})

test('an odds value changes on screen, with a movement cue', async ({ page }) => {
  await page.goto('/?view=live&book=winamax&live=1')
  const table = page.getByTestId('live-table')
  await expect(table.getByTestId('row').first()).toBeVisible()
  // Each visible price by selection id, so a change is told apart from a row moving.
  const prices = () =>
    table
      .getByTestId('odds')
      .evaluateAll((els) =>
        Object.fromEntries(
          els.map((e) => [
            e.getAttribute('data-selection'),
            e.querySelector('.odds-value')?.textContent,
          ]),
        ),
      )
  const before = await prices()
  let changed: string | undefined
  await expect
    .poll(
      async () => {
        const now = await prices()
        // A price that became another price (not one that turned SUSP).
        changed = Object.keys(now).find(
          (id) =>
            id in before && now[id] !== before[id] && now[id] !== 'SUSP' && before[id] !== 'SUSP',
        )
        return changed
      },
      { timeout: 45_000 },
    )
    .toBeDefined()
  // The changed price carries data-dir up/down and an arrow, not only a colour.
  const cell = table.locator(`[data-testid="odds"][data-selection="${changed}"]`)
  await expect(cell).toHaveAttribute('data-dir', /^(up|down)$/)
  await expect(cell.locator('.arrow')).toHaveText(/[▲▼]/)
})

test('Bet365: live tennis scoreboards from the 2026 load, and a score that advances', async ({
  page,
}) => {
  await page.goto('/?view=tennis')
  const view = page.getByTestId('view-tennis')
  // Real players from the 2026-05-30 in-play load.
  await expect(view).toContainText('Cerundolo')
  await expect(view).toContainText('Ilagan')
  const rows = view.getByTestId('row')
  expect(await rows.count()).toBeGreaterThanOrEqual(10)
  const points = view.getByTestId('points')
  const first = await points.allInnerTexts()
  await expect
    .poll(async () => (await points.allInnerTexts()).join('|'), { timeout: 30_000 })
    .not.toBe(first.join('|'))
  await expect(view.getByTestId('serving').first()).toBeVisible()
})

test('Kwiff: markets from the samples with decimal and fractional odds', async ({ page }) => {
  await page.goto('/?view=markets&q=Glimt')
  const view = page.getByTestId('view-markets')
  await expect(view).toContainText('Manchester City')
  // Kwiff's sample match (Bodoe/Glimt v Manchester City) is one row for every book that
  // lists it, shown in English ("UEFA Champions League", not Winamax's "Ligue des Champions")
  await expect(view).toContainText('UEFA Champions League')
  await expect(view).not.toContainText('Ligue des Champions')
  await page.goto('/?view=markets&q=Glimt&odds=frac')
  await expect(view.getByTestId('odds').first()).toHaveText(/\d+\/\d+/)
})

test('Kwiff: a market price changes on screen', async ({ page }) => {
  await page.goto('/?view=markets')
  const view = page.getByTestId('view-markets')
  await expect(view.getByTestId('row').first()).toBeVisible()
  const moved = view.locator(
    '[data-testid="odds"][data-dir="up"], [data-testid="odds"][data-dir="down"]',
  )
  await expect(moved.first()).toBeVisible({ timeout: 45_000 })
})

base('after the proxy restarts, the page recovers by itself', async ({ page }) => {
  base.setTimeout(120_000)
  const first = await startProxy()
  let second: Awaited<ReturnType<typeof startProxy>> | undefined
  try {
    await page.goto(`${first.url}/?view=tennis`)
    const conn = page.getByTestId('connection')
    await expect(conn).toHaveAttribute('data-state', 'open')
    await expect(page.getByTestId('view-tennis')).toContainText('Cerundolo')

    await first.stop()
    await expect(conn).not.toHaveAttribute('data-state', 'open')

    // Same port, new process: a new epoch, so the page must take a fresh snapshot.
    second = await startProxy({ PORT: String(first.port) })
    await expect(conn).toHaveAttribute('data-state', 'open', { timeout: 45_000 })
    await expect(page.getByTestId('view-tennis')).toContainText('Cerundolo')
    const points = page.getByTestId('view-tennis').getByTestId('points')
    const now = (await points.allInnerTexts()).join('|')
    await expect
      .poll(async () => (await points.allInnerTexts()).join('|'), { timeout: 30_000 })
      .not.toBe(now)
  } finally {
    await first.stop()
    await second?.stop()
  }
})
