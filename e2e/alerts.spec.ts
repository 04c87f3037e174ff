/// <reference lib="dom" />
// evaluate callbacks run in the browser, so this spec also sees DOM types.
import { mkdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BookEntity, Outcome, Selection, Source } from '@oddsboard/model'
import { expect, test as base, type Page } from '@playwright/test'
import { startScriptedProxy, type ScriptedProxy } from './scripted'

/**
 * Alerts (issue 12 item 3), end to end on the real proxy with scripted feeds: a rule set from
 * a row fires on the delta that crosses it (log entry, a Notification tagged with the rule
 * id, a tone unless muted), and the rule survives a reload and travels in the URL.
 * `window.Notification` and `AudioContext` are stubbed in the page to record their calls.
 */

/** Where the screenshot of the alerts panel (1440 px) goes. */
const SHOTS = process.env.SHOTS_DIR ?? '/work/notes/shots3'

const OUTCOMES: Outcome[] = ['home', 'draw', 'away']

/** The start time every book gives the scripted match (a whole minute, two hours ahead). */
const START = Math.floor(Date.now() / 60_000) * 60_000 + 2 * 3_600_000

const sel = (outcome: Outcome, odds: number, source: Source = 'bet365'): Selection => ({
  kind: 'selection',
  id: `${source}:s1${outcome}`,
  source,
  eventId: `${source}:e1`,
  marketId: `${source}:m1`,
  name: outcome === 'home' ? 'Arsenal' : outcome === 'away' ? 'Chelsea' : 'Draw',
  order: OUTCOMES.indexOf(outcome),
  outcome,
  odds,
  suspended: false,
  updatedAt: Date.now(),
})

/** Arsenal v Chelsea as `source` lists it, with a 1X2 main market at these prices. */
const match = (odds: [number, number, number], source: Source = 'bet365'): BookEntity[] => [
  { kind: 'sport', id: `${source}:football`, source, key: 'football', name: 'Football' },
  {
    kind: 'competition',
    id: `${source}:c1`,
    source,
    sportId: `${source}:football`,
    name: 'Premier League',
  },
  {
    kind: 'event',
    id: `${source}:e1`,
    source,
    sportId: `${source}:football`,
    competitionId: `${source}:c1`,
    name: source === 'winamax' ? 'Arsenal - Chelsea' : 'Arsenal v Chelsea',
    participants: ['Arsenal', 'Chelsea'],
    startTime: START,
    status: 'prematch',
    updatedAt: Date.now(),
  },
  {
    kind: 'market',
    id: `${source}:m1`,
    source,
    eventId: `${source}:e1`,
    name: 'Full Time Result',
    type: '1x2',
    suspended: false,
    main: true,
  },
  ...OUTCOMES.map((o, i) => sel(o, odds[i]!, source)),
]

/** Records notifications and tones instead of showing and playing them. */
function stubBrowserApis() {
  const w = window as unknown as Record<string, unknown>
  const notes: { title: string; body?: string; tag?: string }[] = []
  w.__notes = notes
  w.__tones = 0
  class FakeNotification {
    static permission = 'default'
    static requestPermission() {
      FakeNotification.permission = 'granted'
      return Promise.resolve('granted')
    }
    constructor(title: string, opts: { body?: string; tag?: string } = {}) {
      notes.push({ title, ...opts })
    }
    close() {}
  }
  w.Notification = FakeNotification
  const param = () => ({
    value: 0,
    setValueAtTime() {},
    exponentialRampToValueAtTime() {},
  })
  class FakeAudioContext {
    currentTime = 0
    destination = {}
    resume() {
      return Promise.resolve()
    }
    createOscillator() {
      w.__tones = (w.__tones as number) + 1
      return { type: 'sine', frequency: param(), connect: (n: unknown) => n, start() {}, stop() {} }
    }
    createGain() {
      return { gain: param(), connect: (n: unknown) => n }
    }
  }
  w.AudioContext = FakeAudioContext
}

const test = base.extend<{ scripted: ScriptedProxy }>({
  // eslint-disable-next-line no-empty-pattern
  scripted: async ({}, use) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'oddsboard-alerts-'))
    const proxy = await startScriptedProxy(dir)
    await use(proxy)
    await proxy.stop()
    await rm(dir, { recursive: true, force: true })
  },
})

const tones = (page: Page) =>
  page.evaluate(() => (window as unknown as { __tones: number }).__tones)
const notes = (page: Page) =>
  page.evaluate(
    () =>
      (window as unknown as { __notes: { title: string; body?: string; tag?: string }[] }).__notes,
  )

test('a price rule set from a row fires on the delta: log, tagged notification, tone unless muted; it survives reload and the URL', async ({
  page,
  browser,
  scripted,
}) => {
  await page.addInitScript(stubBrowserApis)
  await scripted.upsert(match([2.2, 3.3, 3.1]))
  await page.goto(`${scripted.url}/?view=live`)
  const row = page.locator('[data-testid="row"][data-row-id="bet365:e1"]')
  await expect(row.getByTestId('match-name')).toHaveText('Arsenal v Chelsea')

  // From the row: expand it, 🔔 Alert…, "price rises to ≥ 2.50" on Arsenal.
  await row.dblclick()
  await page.getByTestId('detail-row').getByTestId('alert-open').click()
  const form = page.getByTestId('alert-form')
  await expect(form).toContainText('Arsenal v Chelsea')
  await form.getByTestId('alert-kind').selectOption('above')
  await form.getByTestId('alert-selection').selectOption('bet365:s1home')
  await form.getByTestId('alert-value').fill('2.5')
  await form.getByTestId('alert-add').click()
  const rule = page.getByTestId('alert-rule')
  await expect(rule).toHaveCount(1)
  await expect(rule).toContainText('Price rises to ≥ 2.50')
  const ruleId = await rule.getAttribute('data-rule-id')
  expect(ruleId).toMatch(/^[a-z0-9]{6}$/)

  // Permission is asked on this click only.
  await page.getByTestId('alerts-permission').click()
  await expect(page.getByTestId('alerts-permission')).toHaveAttribute('data-state', 'granted')

  // A delta that does not cross: nothing.
  await scripted.upsert([sel('home', 2.4)])
  await expect(row.locator('[data-testid="odds"][data-selection="bet365:s1home"]')).toContainText(
    '2.40',
  )
  await expect(page.getByTestId('alert-entry')).toHaveCount(0)

  // The crossing delta: a log entry, a notification tagged with the rule id, a tone.
  await scripted.upsert([sel('home', 2.6)])
  const entries = page.getByTestId('alert-entry')
  await expect(entries).toHaveCount(1)
  await expect(entries.first()).toHaveAttribute('data-rule-id', ruleId!)
  await expect(entries.first()).toHaveAttribute('data-sound', 'played')
  await expect(entries.first()).toContainText('2.40 → 2.60')
  expect(await notes(page)).toEqual([
    {
      title: 'Arsenal v Chelsea · Arsenal · Bet365',
      body: '2.40 → 2.60 (rose to ≥ 2.50)',
      tag: ruleId,
    },
  ])
  const played = await tones(page)
  expect(played).toBeGreaterThan(0)

  // Muted: the next crossing is logged and notified (same tag) but plays no tone.
  await page.getByTestId('alerts-mute').check()
  const home = row.locator('[data-testid="odds"][data-selection="bet365:s1home"]')
  await scripted.upsert([sel('home', 2.3)])
  // The hub batches changes: let 2.30 arrive on its own before crossing again.
  await expect(home).toContainText('2.30')
  await scripted.upsert([sel('home', 2.7)])
  await expect(entries).toHaveCount(2)
  await expect(entries.first()).toHaveAttribute('data-sound', 'muted')
  expect((await notes(page)).map((n) => n.tag)).toEqual([ruleId, ruleId])
  expect(await tones(page)).toBe(played)

  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/u2-alerts-panel.png` })

  // The rule is in the URL and survives a reload.
  expect(new URL(page.url()).searchParams.get('alerts')).toMatch(/^[A-Za-z0-9_-]+$/)
  await page.reload()
  await page.getByTestId('alerts-toggle').click()
  await expect(page.getByTestId('alert-rule')).toHaveAttribute('data-rule-id', ruleId!)
  await expect(page.getByTestId('alerts-mute')).toBeChecked()

  // The URL alone carries it to a fresh browser (no localStorage).
  const other = await browser.newContext()
  const fresh = await other.newPage()
  await fresh.goto(page.url())
  await fresh.getByTestId('alerts-toggle').click()
  const shared = fresh.getByTestId('alert-rule')
  await expect(shared).toHaveCount(1)
  await expect(shared).toHaveAttribute('data-rule-id', ruleId!)
  await expect(shared).toContainText('Price rises to ≥ 2.50')
  await expect(shared).toContainText('Arsenal v Chelsea · Arsenal · Bet365')
  // …which keeps it: a plain URL there still has the rule, and puts it back in the address bar.
  await fresh.goto(`${scripted.url}/`)
  await fresh.getByTestId('alerts-toggle').click()
  await expect(fresh.getByTestId('alert-rule')).toHaveAttribute('data-rule-id', ruleId!)
  expect(new URL(fresh.url()).searchParams.get('alerts')).toBe(
    new URL(page.url()).searchParams.get('alerts'),
  )
  await other.close()
})

test('a surebet rule set on a Compare row (the a key) fires when the best prices become a surebet', async ({
  page,
  scripted,
}) => {
  await page.addInitScript(stubBrowserApis)
  // Σ 1/best = 1/2.2 + 1/3.4 + 1/3.6 ≈ 1.026: no surebet yet.
  await scripted.upsert([...match([2.1, 3.4, 3.6], 'winamax'), ...match([2.2, 3.3, 3.5])])
  await page.goto(`${scripted.url}/?view=compare`)
  const row = page.locator('[data-testid="compare-table"] [data-testid="row"]')
  await expect(row).toHaveCount(1, { timeout: 20_000 })
  await expect(row.getByTestId('book-price')).toHaveCount(6)
  await row.click()
  await page.keyboard.press('a')
  const form = page.getByTestId('alert-form')
  await expect(form.getByTestId('alert-kind')).toHaveValue('surebet')
  await form.getByTestId('alert-add').click()
  const rule = page.getByTestId('alert-rule')
  await expect(rule).toContainText('A surebet appears')
  const ruleId = await rule.getAttribute('data-rule-id')

  // Winamax lengthens Arsenal to 2.60: 1/2.6 + 1/3.4 + 1/3.6 ≈ 0.956.
  await scripted.upsert([sel('home', 2.6, 'winamax')])
  const entry = page.getByTestId('alert-entry')
  await expect(entry).toHaveCount(1)
  await expect(entry).toHaveAttribute('data-severity', 'alarm')
  await expect(entry).toHaveAttribute('data-rule-id', ruleId!)
  await expect(entry).toContainText('Surebet: Arsenal v Chelsea')
  await expect(row.getByTestId('surebet')).toBeVisible()
})

test('a right-click on a price opens the rule form for that selection', async ({
  page,
  scripted,
}) => {
  await page.addInitScript(stubBrowserApis)
  await scripted.upsert(match([2.2, 3.3, 3.1]))
  await page.goto(`${scripted.url}/?view=live`)
  const away = page.locator('[data-testid="odds"][data-selection="bet365:s1away"]')
  await expect(away).toContainText('3.10')
  await away.click({ button: 'right' })
  const form = page.getByTestId('alert-form')
  await expect(form.getByTestId('alert-selection')).toHaveValue('bet365:s1away')
  await expect(form.getByTestId('alert-value')).toHaveValue('3.10')
  await form.getByTestId('alert-kind').selectOption('move')
  await form.getByTestId('alert-pct').fill('10')
  await form.getByTestId('alert-mins').fill('2')
  await form.getByTestId('alert-add').click()
  await expect(page.getByTestId('alert-rule')).toContainText('Price moves > 10 % within 2 min')
  // 3.10 → 3.50 is +12.9 %.
  await scripted.upsert([sel('away', 3.5)])
  await expect(page.getByTestId('alert-entry')).toContainText('3.10 → 3.50 (+12.9 % within 2 min)')
})

test('a hot-users rule set from the Hot outcomes view fires when the count jumps', async ({
  page,
  scripted,
}) => {
  await page.addInitScript(stubBrowserApis)
  const hot = (users: number) => ({ ...sel('home', 2.1, 'winamax'), hotUsers: users })
  await scripted.upsert([...match([2.1, 3.4, 3.6], 'winamax'), hot(100)])
  await page.goto(`${scripted.url}/?view=hot`)
  const row = page.locator('[data-testid="row"][data-row-id="winamax:s1home"]')
  await expect(row.getByTestId('hot-users')).toContainText('100')
  await row.dblclick()
  await page.getByTestId('detail-row').getByTestId('alert-open').click()
  const form = page.getByTestId('alert-form')
  await form.getByTestId('alert-kind').selectOption('hot')
  await form.getByTestId('alert-pct').fill('40')
  await form.getByTestId('alert-hot-unit').selectOption('pct')
  await form.getByTestId('alert-mins').fill('5')
  await form.getByTestId('alert-add').click()
  await expect(page.getByTestId('alert-rule')).toContainText('Hot users +40 % within 5 min')
  // +30 %: not yet; then +60 % on the 100 of five minutes ago.
  await scripted.upsert([hot(130)])
  await expect(row.getByTestId('hot-users')).toContainText('130')
  await expect(page.getByTestId('alert-entry')).toHaveCount(0)
  await scripted.upsert([hot(160)])
  const entry = page.getByTestId('alert-entry')
  await expect(entry).toHaveCount(1)
  await expect(entry).toHaveAttribute('data-severity', 'info')
  await expect(entry).toContainText('Hot users 100 → 160 (+60 %) within 5 min')
})
