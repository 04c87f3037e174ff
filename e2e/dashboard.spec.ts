/// <reference lib="dom" />
// page.evaluate callbacks run in the browser, so this spec also sees DOM types.
import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { startProxy } from './proxy'

/**
 * The dashboard in real Chromium against the real proxy in sim mode (e2e/fixtures.ts):
 * filters and the URL, movement cues, price charts, movers, market maths, feed health,
 * favourites, theme and keyboard. Screenshots of every view (1280, 1440, 2560 px) go to /tmp/shots.
 */

const rows = '[data-testid="row"]'

test.beforeEach(async ({ page }) => {
  await page.goto('/')
  await page.evaluate('localStorage.clear()')
})

test('feed health bar shows each book with state, message age and rate', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open')
  for (const book of ['winamax', 'bet365', 'kwiff']) {
    const chip = page.getByTestId(`feed-${book}`)
    await expect(chip).toHaveAttribute('data-state', /connecting|live|stale|reconnecting|down/)
  }
  const live = page.locator('[data-testid^="feed-"][data-state="live"]').first()
  await expect(live).toBeVisible()
  await expect(live).toContainText('/s')
  await expect(live).toContainText(/now|s ago/)
})

test('an odds change flashes with an up or down arrow', async ({ page }) => {
  await page.goto('/')
  await expect(page.locator(rows).first()).toBeVisible()
  const moved = page
    .locator('[data-testid="odds"][data-dir="up"], [data-testid="odds"][data-dir="down"]')
    .first()
  await expect(moved).toBeVisible({ timeout: 30_000 })
  await expect(moved.locator('.arrow')).toHaveText(/[▲▼]/)
  const dir = await moved.getAttribute('data-dir')
  await expect(moved.locator('.arrow')).toHaveText(dir === 'up' ? '▲' : '▼')
})

test('filters: free text, live only and competition are kept in the URL and cleared at once', async ({
  page,
}) => {
  await page.goto('/')
  await expect(page.locator(rows).first()).toBeVisible()
  const total = await page.locator(rows).count()
  const name = (await page
    .locator('[data-testid="match-name"] .team')
    .first()
    .textContent())!.trim()
  const word = name.split(/\s+/).sort((a, b) => b.length - a.length)[0]!
  await page.getByTestId('filter-search').fill(word)
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(word)
  for (const text of await page.locator('[data-testid="match-name"]').allTextContents())
    expect(text.toLowerCase()).toContain(word.toLowerCase())

  await page.getByTestId('filter-live').check()
  await expect(page).toHaveURL(/[?&]live=1/)

  // Round trip: a fresh load of the URL restores the filters.
  await page.reload()
  await expect(page.getByTestId('filter-search')).toHaveValue(word)
  await expect(page.getByTestId('filter-live')).toBeChecked()

  await page.getByTestId('filter-clear').click()
  await expect(page).not.toHaveURL(/[?&](q|live)=/)
  await expect(page.getByTestId('filter-search')).toHaveValue('')
  await expect.poll(() => page.locator(rows).count()).toBeGreaterThanOrEqual(Math.min(total, 10))

  // Competition multi-select shows counts and filters by id.
  await page.getByTestId('filter-competition').locator('summary').click()
  const option = page.getByTestId('competition-option').first()
  const compId = (await option.getAttribute('data-id'))!
  await option.check()
  await expect.poll(() => new URL(page.url()).searchParams.get('comp')).toBe(compId)
  await page.keyboard.press('Escape')
})

test('sport filter lists counts, survives a reload and is cleared with the rest', async ({
  page,
}) => {
  await page.goto('/')
  await expect(page.locator(rows).first()).toBeVisible()
  await page.getByTestId('filter-sport').locator('summary').click()
  const tennis = page.getByTestId('sport-option-tennis')
  await expect(tennis).toBeVisible()
  await expect(page.locator('label', { has: tennis }).locator('.count')).toHaveText(/^[1-9]\d*$/)
  await tennis.check()
  await expect.poll(() => new URL(page.url()).searchParams.get('sport')).toBe('tennis')
  await page.reload()
  await page.getByTestId('filter-sport').locator('summary').click()
  await expect(page.getByTestId('sport-option-tennis')).toBeChecked()
  await expect(page.getByTestId('filter-sport').locator('summary')).toContainText('1')
  await page.getByTestId('filter-clear').click()
  await expect(page).not.toHaveURL(/[?&]sport=/)
  await expect(page.getByTestId('sport-option-tennis')).not.toBeChecked()
})

test('competition options carry a readable book tag and an event count', async ({ page }) => {
  await page.goto('/')
  await expect(page.locator(rows).first()).toBeVisible()
  await page.getByTestId('filter-competition').locator('summary').click()
  const item = page.locator('.menu-item', { has: page.getByTestId('competition-option') }).first()
  await expect(item.locator('.book')).toHaveText(/^(WMX|B365|KWF)$/)
  await expect(item.locator('.count')).toHaveText(/^\d+$/)
  // The tag's text is white on the book's colour, not grey on red.
  const color = await item.locator('.book').evaluate((e) => getComputedStyle(e).color)
  expect(color).toBe('rgb(255, 255, 255)')
})

test('every sortable column sorts, and the header says which way', async ({ page }) => {
  for (const view of ['live', 'hot', 'movers']) {
    await page.goto(`/?view=${view}`)
    await expect(page.getByTestId(`view-${view}`)).toBeVisible()
    const ids = await page
      .locator(`[data-testid="${view}-table"] .th.sortable`)
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(4)))
    expect(ids.length).toBeGreaterThan(4)
    // "Changed" sorts in the selection views too.
    expect(ids).toContain('updated')
    for (const id of ids) {
      const th = page.getByTestId(`col-${id}`)
      await th.click()
      await expect
        .poll(() => new URL(page.url()).searchParams.get('sort'))
        .toMatch(new RegExp(`^${id}:(asc|desc)$`))
      await expect(th).toHaveAttribute('aria-sort', /ascending|descending/)
    }
  }
})

test('a book whose upstream cannot be reached shows reconnecting and a banner', async ({
  page,
}) => {
  // A real proxy whose Bet365 feed points at a closed port (BET365_URL, README "Configuration").
  const proxy = await startProxy({ FEEDS: 'bet365', BET365_URL: 'ws://127.0.0.1:9/zap/' })
  try {
    await page.goto(proxy.url)
    await expect(page.getByTestId('feed-bet365')).toHaveAttribute('data-state', /reconnecting|down/)
    await expect(page.getByTestId('feed-bet365')).toContainText(/reconnecting|down/i)
    await expect(page.getByTestId('stale-banner')).toContainText('Bet365')
    // Books that are not run are shown as off, not as live.
    await expect(page.getByTestId('feed-winamax')).toHaveAttribute('data-state', 'off')
  } finally {
    await proxy.stop()
  }
})

test('when the page loses the proxy every row is marked stale, not silently frozen', async ({
  page,
}) => {
  const proxy = await startProxy({ FEEDS: 'kwiff' })
  try {
    await page.goto(proxy.url)
    await expect(page.locator(rows).first()).toBeVisible()
    await expect(page.getByTestId('feed-kwiff')).toHaveAttribute('data-state', 'live')
    await expect(page.locator(`${rows}[data-stale]`)).toHaveCount(0)
    // A hard kill: no last "feeds" message, the feed chips still say live.
    proxy.child.kill('SIGKILL')
    await expect(page.getByTestId('connection')).toHaveAttribute(
      'data-state',
      /reconnecting|closed/,
    )
    await expect(page.getByTestId('stale-banner')).toContainText('lost')
    await expect(page.locator(rows).first()).toHaveAttribute('data-stale', '1')
    await expect(page.locator(rows).first().getByTestId('stale-badge')).toBeVisible()
  } finally {
    await proxy.stop()
  }
})

test('layout: no sideways scroll on a laptop, and names stay near their prices on a wide screen', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/')
  await expect(page.locator(rows).first()).toBeVisible()
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  expect(overflow).toBeLessThanOrEqual(0)
  // A competition name wraps to two lines at 1280 px, and a longer one ends in "…" rather
  // than mid-letter (its full name in the title).
  expect(
    await page
      .locator('.td.col-competition > .ellipsis')
      .first()
      .evaluate((e) => {
        const st = getComputedStyle(e)
        return `${st.webkitLineClamp} ${st.textOverflow} ${e.hasAttribute('title')}`
      }),
  ).toBe('2 ellipsis true')
  await page.setViewportSize({ width: 2560, height: 1440 })
  await expect
    .poll(async () => (await page.getByTestId('col-match').boundingBox())!.width)
    .toBeLessThanOrEqual(620)
  // Prices stay right-aligned in tabular figures.
  const odds = page.locator('[data-testid="odds"]').first()
  expect(await odds.evaluate((e) => getComputedStyle(e).fontVariantNumeric)).toContain(
    'tabular-nums',
  )
  expect(
    await page
      .locator('.td.col-home')
      .first()
      .evaluate((e) => getComputedStyle(e).textAlign),
  ).toBe('right')
})

test('a price chart appears on hover and in the expanded row with implied probability', async ({
  page,
}) => {
  await page.goto('/')
  const cell = page.locator('[data-testid="odds"]').first()
  await expect(cell).toBeVisible()
  await cell.hover()
  const card = page.getByTestId('hover-card')
  await expect(card).toBeVisible()
  await expect(card.getByTestId('sparkline').locator('canvas')).toHaveCount(1)
  await expect(card.getByTestId('implied-probability')).toContainText('%')
  await page.mouse.move(5, 5)

  await page.keyboard.press('j')
  await page.keyboard.press('Enter')
  const detail = page.getByTestId('detail-row')
  await expect(detail).toBeVisible()
  await expect(detail.getByTestId('sparkline').first().locator('canvas')).toHaveCount(1)
  await expect(detail.getByTestId('implied-probability').first()).toContainText('%')
})

test('overround per market and implied probability per price are shown', async ({ page }) => {
  await page.goto('/?view=markets')
  await expect(page.getByTestId('view-markets')).toBeVisible()
  await expect(page.getByTestId('overround').filter({ hasText: '%' }).first()).toBeVisible()
  await page.getByTestId('toggle-prob').click()
  await expect(page.locator('[data-testid="odds"] [data-testid="implied"]').first()).toContainText(
    '%',
  )
  await page.getByTestId('odds-fractional').click()
  await expect(page).toHaveURL(/[?&]odds=frac/)
  await expect(page.locator('[data-testid="odds"] .odds-value').first()).toHaveText(
    /^\d+\/\d+$|SUSP/,
  )
})

test('movers panel ranks price changes over a chosen window', async ({ page }) => {
  await page.goto('/')
  await expect(page.locator(rows).first()).toBeVisible()
  await page.keyboard.press('5')
  await expect(page.getByTestId('view-movers')).toBeVisible()
  await expect(page.getByTestId('mover-change').first()).toContainText('%', { timeout: 30_000 })
  await page.getByTestId('movers-window-1').click()
  await expect(page).toHaveURL(/[?&]window=1/)
  await expect(page.getByTestId('movers-window-1')).toHaveAttribute('aria-pressed', 'true')
  await page.getByTestId('movers-window-15').click()
  await expect(page.getByTestId('mover-change').first()).toBeVisible({ timeout: 30_000 })

  // With the pointer on the list the ranking holds still (rows never jump under the cursor).
  await page.getByTestId('mover-change').first().hover()
  await expect(page.getByTestId('view-movers')).toHaveAttribute('data-paused', '1')
  await expect(page.getByTestId('view-movers')).toContainText('paused')
  const order = () =>
    page.locator(rows).evaluateAll((els) => els.map((e) => e.getAttribute('data-row-id')))
  const before = await order()
  await page.waitForTimeout(4500)
  expect(await order()).toEqual(before)
  await page.mouse.move(5, 5)
  await expect(page.getByTestId('view-movers')).not.toHaveAttribute('data-paused', '1')
})

test('a pinned favourite sits on top and stays pinned after a reload', async ({ page }) => {
  await page.goto('/?view=markets')
  await expect(page.locator(rows).nth(4)).toBeVisible()
  const target = page.locator(rows).nth(4)
  const id = (await target.getAttribute('data-row-id'))!
  await target.getByTestId('pin').click()
  await expect(page.locator(rows).first()).toHaveAttribute('data-row-id', id)
  await expect(page.locator(rows).first()).toHaveAttribute('data-pinned', '1')
  await page.reload()
  await expect(page.locator(rows).first()).toHaveAttribute('data-row-id', id)
  await page.locator(rows).first().getByTestId('pin').click()
  await expect(page.locator(rows).first()).not.toHaveAttribute('data-pinned', '1')
})

test('theme follows the system and the toggle switches it', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.goto('/')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await page.getByTestId('theme-toggle').click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await page.keyboard.press('t')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
})

test('keyboard switches views and moves the row focus', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('view-live')).toBeVisible()
  const views = ['live', 'hot', 'tennis', 'markets', 'movers']
  for (const [i, v] of [...views.entries()].reverse()) {
    await page.keyboard.press(String(i + 1))
    await expect(page.getByTestId(`view-${v}`)).toBeVisible()
    await expect(page.getByTestId(`tab-${v}`)).toHaveAttribute('aria-selected', 'true')
  }
  await expect(page).not.toHaveURL(/view=/)
  await page.keyboard.press('3')
  await expect(page).toHaveURL(/[?&]view=tennis/)
  await expect(page.locator(rows).first()).toBeVisible()
  await page.keyboard.press('j')
  await page.keyboard.press('j')
  await expect(page.locator(`${rows}.focused`)).toHaveCount(1)
  await page.keyboard.press('/')
  await expect(page.getByTestId('filter-search')).toBeFocused()
})

test('f pins the focused row and keeps it in sight as it moves to the top', async ({ page }) => {
  await page.goto('/')
  await expect(page.locator(rows).nth(30)).toBeAttached()
  for (let i = 0; i < 25; i++) await page.keyboard.press('j')
  const focused = page.locator(`${rows}.focused`)
  await expect(focused).toHaveCount(1)
  const id = (await focused.getAttribute('data-row-id'))!
  await page.keyboard.press('f')
  const row = page.locator(`${rows}[data-row-id="${id}"]`)
  await expect(row).toHaveAttribute('data-pinned', '1')
  await expect(row).toHaveClass(/focused/)
  await expect(row).toBeInViewport()
  await page.keyboard.press('f')
  await expect(row).not.toHaveAttribute('data-pinned', '1')
  await expect(row).toBeInViewport()
})

test('tennis scoreboards show players, sets and points', async ({ page }) => {
  await page.goto('/?view=tennis&book=bet365')
  // A scoreboard where the book sends a score (Bet365); Kwiff's tennis has names and prices only.
  const row = page
    .locator(rows)
    .filter({ has: page.getByTestId('set-1') })
    .first()
  await expect(row).toBeVisible()
  await expect(row.getByTestId('players')).toContainText(/\w/)
  await expect(row.getByTestId('points')).toBeVisible()
  await expect(page.getByTestId('group-row').first()).toBeVisible()
})

test('rows of a stale book are dimmed and badged, with a warning banner (in-page bench feed)', async ({
  page,
}) => {
  await page.goto('/?bench=200&stale=1')
  await expect(page.getByTestId('feed-winamax')).toHaveAttribute('data-state', 'stale')
  await expect(page.getByTestId('stale-banner')).toContainText('Winamax')
  const row = page.locator(rows).first()
  await expect(row).toHaveAttribute('data-stale', '1')
  await expect(row.getByTestId('stale-badge')).toHaveText('stale')
})

test('row order stays put while prices change, and sorting by a price column follows prices', async ({
  page,
}) => {
  await page.goto('/?bench=300&rate=1000')
  await expect(page.locator(rows).first()).toBeVisible()
  const order = () =>
    page.locator(rows).evaluateAll((els) => els.map((e) => e.getAttribute('data-row-id')))
  const before = await order()
  await page.waitForTimeout(1500)
  expect(await order()).toEqual(before)

  // Sorting by a price column: the cheapest prices come first (prices keep moving a little).
  await page.goto('/?bench=300&rate=50')
  await expect(page.locator(rows).first()).toBeVisible()
  await page.getByTestId('col-home').click()
  await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('home:asc')
  const prices = await page
    .locator('.col-home [data-testid="odds"] .odds-value')
    .evaluateAll((els) => els.slice(0, 15).map((e) => Number(e.textContent)))
  expect(prices.length).toBe(15)
  // Bench prices are spread over 1.3–7.3: unsorted, the first 15 would not all be this low.
  for (const p of prices) expect(p).toBeLessThan(2.5)
  await page.getByTestId('col-home').click()
  await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('home:desc')
})

test('screenshots of every view at three sizes in both themes', async ({ page }) => {
  test.setTimeout(120_000)
  mkdirSync('/tmp/shots', { recursive: true })
  for (const [w, h] of [
    [1440, 900],
    [1280, 800],
    [2560, 1440],
  ] as const) {
    await page.setViewportSize({ width: w, height: h })
    for (const theme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      for (const view of ['live', 'hot', 'tennis', 'markets', 'movers']) {
        await page.goto(`/?view=${view}`)
        await expect(page.getByTestId(`view-${view}`)).toBeVisible()
        await page.waitForTimeout(view === 'movers' ? 2500 : 1200)
        await page.screenshot({ path: `/tmp/shots/${view}-${theme}-${w}.png` })
      }
    }
  }
})
