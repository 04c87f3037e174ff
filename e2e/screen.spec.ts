/// <reference lib="dom" />
// page.evaluate callbacks run in the browser, so this spec also sees DOM types.
import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

/**
 * What a person sees, issue 12's list (apps/web/README.md): the numbers on one Movers row
 * agree with each other; Hot outcomes carry status, trend and "A v B"; Markets opens every
 * market of a match from every book; no sideways scroll at 1024 px with Legend and Implied %
 * reachable; tennis scores never clipped; a double-click selects no text; passed kick-offs
 * and suspended prices do not lie; the console names the URL. Real proxy, sim feeds.
 */

const rows = '[data-testid="row"]'
const VIEWS = ['live', 'hot', 'tennis', 'markets', 'movers', 'compare'] as const

/** Every Movers row's From / Now / Change as the page shows them at one instant. */
async function moverRows(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="row"]')].map((r) => {
      const from = r.querySelector('[data-testid="mover-from"]')
      const now = r.querySelector('[data-testid="mover-now"]')
      const change = r.querySelector('[data-testid="mover-change"]')
      return {
        from: Number(from?.getAttribute('data-value')),
        fromText: from?.textContent ?? '',
        now: Number(now?.getAttribute('data-value')),
        nowText: now?.querySelector('.odds-value')?.textContent ?? '',
        dir: now?.getAttribute('data-dir'),
        arrow: now?.querySelector('.arrow')?.textContent ?? '',
        suspended: now?.getAttribute('data-suspended') === '1',
        change: Number(change?.getAttribute('data-value')),
        changeText: change?.textContent ?? '',
        changeSuspended: change?.getAttribute('data-suspended') === '1',
      }
    }),
  )
}

test('Movers: From, Now and Change on a row agree, arrows follow the change, decided prices are left out', async ({
  page,
}) => {
  // Opened directly: the moves the proxy's history holds are ranked as soon as they arrive.
  await page.goto('/?view=movers&window=15')
  await expect(page.getByTestId('mover-change').first()).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('movers-note')).toContainText('left out: prices above 50.00')
  for (let round = 0; round < 3; round++) {
    const list = await moverRows(page)
    expect(list.length).toBeGreaterThan(0)
    for (const r of list) {
      // The change is (Now − From) / From of the very prices shown beside it.
      expect(r.change).toBeCloseTo((r.now - r.from) / r.from, 5)
      expect(Number(r.fromText)).toBeCloseTo(r.from, 3)
      const pct = Math.abs(r.change) * 100
      // the text is the change rounded (to 0.1 %, or 1 % from 100 %): a change on the half
      // (6.25 %) may round either way in floating point, so compare with the rounding's bound
      const m = /(\d+(?:\.\d)?)%/.exec(r.changeText)
      expect(m, `a change in % on "${r.changeText}"`).not.toBeNull()
      const shown = m![1]!
      expect(Math.abs(Number(shown) - pct)).toBeLessThanOrEqual(
        pct >= 99.95 ? 0.5 + 1e-9 : 0.05 + 1e-9,
      )
      if (r.suspended) {
        // SUSP is not a move: its change is greyed, with no arrow.
        expect(r.nowText).toBe('SUSP')
        expect(r.changeSuspended).toBe(true)
        expect(r.changeText).not.toMatch(/[▲▼]/)
      } else {
        expect(Number(r.nowText)).toBeCloseTo(r.now, 3)
        // What a person computes from the two prices on screen is the change on screen.
        const fromScreen = Number(r.fromText)
        const byHand = ((Number(r.nowText) - fromScreen) / fromScreen) * 100
        expect(Math.abs(Math.abs(byHand) - Number(shown))).toBeLessThan(pct >= 99.95 ? 1 : 0.1)
        expect(r.dir).toBe(r.change > 0 ? 'up' : 'down')
        expect(r.arrow).toBe(r.change > 0 ? '▲' : '▼')
        expect(r.changeText.startsWith(r.change > 0 ? '▲' : '▼')).toBe(true)
      }
      // No finishing match at 101.00 in the ranking.
      expect(Math.max(r.from, r.now)).toBeLessThanOrEqual(50)
    }
    await page.waitForTimeout(2100)
  }
})

test('Hot outcomes: kick-off or live status per row, hotUsers trend columns, matches written A v B', async ({
  page,
}) => {
  await page.goto('/?view=hot')
  await expect(page.locator(rows).first()).toBeVisible({ timeout: 30_000 })
  await expect(page.locator('.th', { hasText: '1 min' })).toBeVisible()
  await expect(page.locator('.th', { hasText: '5 min' })).toBeVisible()
  const cells = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="row"]')].slice(0, 20).map((r) => ({
      status: r.querySelector('.col-status .status')?.textContent ?? '',
      match: r.querySelector('[data-testid="match-name"]')?.textContent ?? '',
      t1: r.querySelector('[data-testid="hot-trend-1"]')?.textContent ?? null,
      t5: r.querySelector('[data-testid="hot-trend-5"]')?.textContent ?? null,
    })),
  )
  expect(cells.length).toBeGreaterThan(0)
  for (const c of cells) {
    // LIVE (with clock or period), a kick-off time, SUSP or ended: never blank.
    expect(c.status).toMatch(/LIVE|\d\d:\d\d|SUSP|ended/)
    expect(c.t1).not.toBeNull()
    expect(c.t5).not.toBeNull()
    expect(c.match).not.toMatch(/ - /)
  }
  // Winamax writes "A - B"; a two-sided match reads "A v B" here as in every other view.
  expect(cells.some((c) => c.match.includes(' v '))).toBe(true)
})

test('Markets: a match lists every market of every book that prices it, grouped by type; a double-click selects no text', async ({
  page,
}) => {
  await page.goto('/?view=markets')
  await expect(page.locator(rows).first()).toBeVisible({ timeout: 30_000 })
  // Rows come from every book, not Kwiff alone.
  await expect
    .poll(async () => new Set(await page.locator(`${rows} .book`).allTextContents()).size)
    .toBeGreaterThan(1)
  // A match on several books (football: most fixtures are cross-listed).
  await page.goto('/?view=markets&sport=football&live=1')
  await expect(page.locator(rows).first()).toBeVisible({ timeout: 30_000 })
  const multi = page
    .locator(rows)
    .filter({ has: page.getByText(/· [23] books/) })
    .first()
  await expect(multi).toBeVisible({ timeout: 30_000 })
  await multi.locator('.col-market').dblclick()
  expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('')
  const panel = page.getByTestId('markets-panel')
  await expect(panel).toBeVisible()
  const groups = panel.getByTestId('market-group')
  await expect(groups.first()).toBeVisible()
  // The panel holds as many markets as the row says, from as many books.
  const [count, books] = (await multi.getByTestId('market-count').textContent())!
    .match(/\d+/g)!
    .map(Number)
  await expect(panel.getByTestId('book-market')).toHaveCount(count!)
  const sources = new Set(
    await panel
      .getByTestId('book-market')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-source'))),
  )
  expect(sources.size).toBe(books)
  expect(sources.size).toBeGreaterThan(1)
  // Grouped by type: each group's heading names one type, and no type heading repeats.
  const titles = await panel.locator('.mkt-group-title').allTextContents()
  expect(new Set(titles).size).toBe(titles.length)
  await expect(groups.first().getByTestId('odds').first()).toBeVisible()
  // The list row keeps its main market.
  await expect(multi.getByTestId('market-type')).toBeVisible()
})

test('1024 px: no sideways scroll in any view, every column on screen, Legend and Implied % reachable', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 768 })
  for (const view of VIEWS) {
    await page.goto(`/?view=${view}`)
    await expect(page.getByTestId(`view-${view}`)).toBeVisible()
    await expect(page.locator(rows).first()).toBeVisible({ timeout: 30_000 })
    const over = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth
      const out: string[] = []
      if (document.documentElement.scrollWidth > vw) out.push('page scrolls sideways')
      for (const th of document.querySelectorAll('.thead .th'))
        if (th.getBoundingClientRect().right > vw) out.push(`column ${th.textContent}`)
      return out
    })
    expect(over, view).toEqual([])
    for (const id of ['help-toggle', 'toggle-prob']) {
      const box = (await page.getByTestId(id).boundingBox())!
      expect(box.x + box.width, `${view} ${id}`).toBeLessThanOrEqual(1024)
    }
  }
  await page.getByTestId('toggle-prob').click()
  await page.getByTestId('help-toggle').click()
  await expect(page.getByTestId('help')).toBeVisible()
})

test('tennis: set scores never clipped in Live; names stay near the sets in Tennis at 1920 px; tiebreaks shown', async ({
  page,
}) => {
  await page.goto('/?view=live&sport=tennis')
  await expect(page.locator(rows).first()).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('score').first()).toBeVisible({ timeout: 30_000 })
  for (const w of [1024, 1440]) {
    await page.setViewportSize({ width: w, height: 900 })
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="score"]')]
        .filter((e) => {
          const cell = e.closest('.td')!
          const c = cell.getBoundingClientRect()
          const r = e.getBoundingClientRect()
          return (
            e.scrollWidth > e.clientWidth + 1 ||
            r.left < c.left - 1 ||
            r.right > c.right + 1 ||
            r.bottom > c.bottom + 1
          )
        })
        .map((e) => e.textContent),
    )
    expect(clipped, `${w} px`).toEqual([])
  }
  // A tiebreak set, where the feed has played one, reads 7-6(n) in the score's title.
  const titles = await page
    .getByTestId('score')
    .evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''))
  const sets = titles.filter((t) => t.startsWith('Games per set'))
  expect(sets.length).toBeGreaterThan(0)
  for (const t of sets) expect(t).toMatch(/^Games per set: (\d-\d(\(\d+\))? ?)+$/)

  await page.setViewportSize({ width: 1920, height: 1000 })
  await page.goto('/?view=tennis')
  await expect(page.locator(rows).first()).toBeVisible({ timeout: 30_000 })
  const players = (await page.getByTestId('col-players').boundingBox())!
  const s1 = (await page.getByTestId('col-s1').boundingBox())!
  expect(s1.x - (players.x + players.width)).toBeLessThan(200)
})

test('small lies: passed kick-offs read "was", suspended prices do not flash, times name their zone', async ({
  page,
}) => {
  await page.goto('/?view=live&tz=UTC')
  await expect(page.locator(rows).first()).toBeVisible({ timeout: 30_000 })
  const starts = await page.getByTestId('start-time').evaluateAll((els) =>
    els.map((e) => ({
      passed: e.getAttribute('data-passed') === '1',
      text: e.textContent ?? '',
      title: e.getAttribute('title') ?? '',
    })),
  )
  for (const s of starts) {
    expect(s.title).toContain('(UTC)')
    expect(s.text.startsWith('was ')).toBe(s.passed)
  }
  // A suspended price shows SUSP with neither flash nor arrow.
  await expect
    .poll(() => page.locator('.odds-suspended').count(), { timeout: 30_000 })
    .toBeGreaterThan(0)
  expect(await page.locator('.odds-suspended .flash, .odds-suspended .arrow').count()).toBe(0)
  // The expanded row's price chart names the zone of its time axis.
  await page
    .locator(rows)
    .filter({ has: page.locator('[data-testid="odds"]:not(.odds-suspended)') })
    .first()
    .locator('.col-market')
    .dblclick()
  await expect(page.getByTestId('detail-row').getByTestId('sparkline').first()).toHaveAttribute(
    'title',
    'Times in UTC',
  )
})

test('start-up: the console says where to open the dashboard', async () => {
  const root = path.resolve(import.meta.dirname, '..')
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no "open" line within 30 s')), 30_000)
      readline.createInterface({ input: child.stderr! }).on('line', (l) => {
        if (l.includes('open http')) {
          clearTimeout(t)
          resolve(l)
        }
      })
      child.once('exit', (code) => {
        clearTimeout(t)
        reject(new Error(`proxy exited with ${code}`))
      })
    })
    expect(line).toMatch(/^oddsboard: open http:\/\/127\.0\.0\.1:\d+ in a browser$/)
  } finally {
    child.kill('SIGTERM')
  }
})
