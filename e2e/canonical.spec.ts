/// <reference lib="dom" />
// evaluateAll callbacks run in the browser, so this spec also sees DOM types.
import {
  EVENT_STALE_AFTER_MS,
  type Competition,
  type Entity,
  type Event,
  type Market,
  type Selection,
  type SnapshotMessage,
  type Sport,
} from '@oddsboard/model'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { startProxy } from './proxy'

/**
 * The dashboard defects of issue 8, one spec each, on the default (simulated) feeds, asserting
 * what a person sees. The views must read the canonical fields each book's normalizer sets
 * (Sport.key, Market.type/line/main, Selection.outcome, Event.clock, updatedAt); these specs
 * look the entities up in `/api/snapshot` only to know which row to read.
 */

/** The proxy's snapshot, indexed by kind. */
interface Snap {
  sports: Map<string, Sport>
  comps: Map<string, Competition>
  events: Event[]
  markets: Market[]
  selections: Selection[]
}

async function snapshot(request: APIRequestContext, base = ''): Promise<Snap> {
  const res = await request.get(`${base}/api/snapshot`)
  expect(res.ok()).toBe(true)
  const body = (await res.json()) as SnapshotMessage
  const of = <K extends Entity['kind']>(k: K) =>
    body.entities.filter((e): e is Extract<Entity, { kind: K }> => e.kind === k)
  return {
    sports: new Map(of('sport').map((s) => [s.id, s])),
    comps: new Map(of('competition').map((c) => [c.id, c])),
    events: of('event'),
    markets: of('market'),
    selections: of('selection'),
  }
}

/** Waits until the snapshot holds what `ready` needs (feeds fill the hub over a few seconds). */
async function snapshotWhen(
  request: APIRequestContext,
  ready: (s: Snap) => boolean,
  base = '',
): Promise<Snap> {
  let snap: Snap | undefined
  await expect
    .poll(
      async () => {
        snap = await snapshot(request, base)
        return ready(snap)
      },
      { timeout: 45_000 },
    )
    .toBe(true)
  return snap!
}

const row = (page: Page, id: string) => page.locator(`[data-testid="row"][data-row-id="${id}"]`)

/** "mm:ss" → seconds. */
const seconds = (t: string) => {
  const m = /^(\d+):(\d\d)$/.exec(t.trim())
  expect(m, `a clock reads mm:ss, got "${t}"`).not.toBeNull()
  return Number(m![1]) * 60 + Number(m![2])
}

test('(a) Winamax Dinamo Batoumi v Iberia 1999: its over/under main market reads "Over 2.5" / "Under 2.5", not 1 / X / 2', async ({
  page,
  request,
}) => {
  const snap = await snapshotWhen(request, (s) =>
    s.events.some((e) => e.source === 'winamax' && /Iberia 1999/.test(e.name)),
  )
  const event = snap.events.find((e) => e.source === 'winamax' && /Iberia 1999/.test(e.name))!
  const main = snap.markets.find((m) => m.eventId === event.id && m.main)
  expect(main, 'the event has a main market').toBeDefined()
  expect(main!.type).toBe('over-under')
  expect(main!.line).toBe(2.5)
  const sels = snap.selections.filter((s) => s.marketId === main!.id)
  const over = sels.find((s) => s.outcome === 'over')!
  const under = sels.find((s) => s.outcome === 'under')!
  expect(over).toBeDefined()
  expect(under).toBeDefined()

  await page.goto('/?view=live&book=winamax&q=Batoumi')
  const r = row(page, event.id)
  await expect(r).toContainText('Dinamo Batoumi')
  await expect(r.getByTestId('market-type')).toHaveText('Over/Under 2.5')
  // Each label sits with its own price: the cell labelled "Over 2.5" holds the over selection.
  const overCell = r.locator('.price-cell', { hasText: 'Over 2.5' })
  const underCell = r.locator('.price-cell', { hasText: 'Under 2.5' })
  await expect(overCell.getByTestId('outcome-label')).toHaveText('Over 2.5')
  await expect(underCell.getByTestId('outcome-label')).toHaveText('Under 2.5')
  await expect(overCell.getByTestId('odds')).toHaveAttribute('data-selection', over.id)
  await expect(underCell.getByTestId('odds')).toHaveAttribute('data-selection', under.id)
  await expect(overCell.locator('.odds-value')).toHaveText(/^(\d+\.\d{2,3}|SUSP)$/)
  await expect(underCell.locator('.odds-value')).toHaveText(/^(\d+\.\d{2,3}|SUSP)$/)
  // No price column is headed by a bare "1", "X" or "2".
  for (const col of ['home', 'draw', 'away'])
    await expect(page.getByTestId(`col-${col}`)).not.toHaveText(/^\s*[1X2]\s*$/)
})

test('(b) the "Coupe du Monde 2026" outright is not a match row, no margin is negative, and Bet365 esoccer goal markets are labelled', async ({
  page,
  request,
}) => {
  const snap = await snapshotWhen(
    request,
    (s) =>
      s.events.some((e) => e.name === 'Coupe du Monde 2026') &&
      s.events.some(
        (e) => e.source === 'bet365' && /^Esoccer/.test(s.comps.get(e.competitionId)?.name ?? ''),
      ),
  )
  const cup = snap.events.find((e) => e.name === 'Coupe du Monde 2026')!
  const cupMain = snap.markets.find((m) => m.eventId === cup.id && m.main)
  expect(cupMain?.type).toBe('outright')

  // Every row in the DOM (virtual=0), so every margin on the view is read.
  await page.goto('/?view=live&virtual=0')
  const table = page.getByTestId('live-table')
  await expect(table.getByTestId('row').first()).toBeVisible()
  await expect(row(page, cup.id)).toHaveCount(0)
  await expect(
    table.getByTestId('match-name').filter({ hasText: /^Coupe du Monde 2026$/ }),
  ).toHaveCount(0)
  const margins = await table
    .getByTestId('overround')
    .evaluateAll((els) =>
      els.map((e) => ({ text: e.textContent ?? '', value: e.getAttribute('data-value') })),
    )
  expect(margins.length).toBeGreaterThan(10)
  for (const m of margins) {
    expect(m.text, 'a margin reads like 5.1% or –').toMatch(/^(–|\d+\.\d%)$/)
    if (m.value !== null) expect(Number(m.value)).toBeGreaterThanOrEqual(0)
  }

  // Bet365 esoccer: a goal market ("8th Goal") is typed next-goal and reads Home / No goal / Away.
  const esoccer = snap.events.filter(
    (e) =>
      e.source === 'bet365' &&
      e.status !== 'ended' &&
      /^Esoccer/.test(snap.comps.get(e.competitionId)?.name ?? ''),
  )
  expect(esoccer.length).toBeGreaterThan(0)
  let goalMains = 0
  let checked = 0
  for (const e of esoccer) {
    const main = snap.markets.find((m) => m.eventId === e.id && m.main)
    if (main === undefined) continue
    const r = row(page, e.id)
    // A match that ended since the snapshot may have left the page.
    if ((await r.count()) === 0) continue
    checked++
    const type = r.getByTestId('market-type')
    await expect(type).toHaveAttribute('data-type', main.type)
    if (/goal/i.test(main.name)) {
      goalMains++
      expect(main.type, `"${main.name}" is not a match result`).not.toBe('1x2')
      if (main.type === 'next-goal')
        expect(await r.getByTestId('outcome-label').allInnerTexts()).toEqual([
          'Home',
          'No goal',
          'Away',
        ])
    }
    // Any typed market other than a match result carries its labels on the row.
    if (['winner', 'next-goal', 'over-under', 'handicap'].includes(main.type))
      await expect(r.getByTestId('outcome-label').first()).toBeVisible()
  }
  expect(checked).toBeGreaterThan(0)
  test.info().annotations.push({
    type: 'esoccer',
    description: `${esoccer.length} esoccer events, ${goalMains} with a goal market as main`,
  })
})

test('(c) a live match frozen upstream is marked on its row once its book cadence has passed', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000)
  // A proxy of its own, so "fresh" is measured from a known start.
  const proxy = await startProxy()
  try {
    const snap = await snapshotWhen(
      request,
      (s) =>
        s.events.some(
          (e) =>
            e.source === 'bet365' &&
            e.status === 'live' &&
            s.sports.get(e.sportId)?.key !== 'tennis',
        ),
      proxy.url,
    )
    // A live match that has not changed upstream since the feed loaded it (Bet365's
    // simulator leaves cricket and American football as loaded): the one whose own and
    // selections' updatedAt are oldest.
    const lastChange = (e: Event) =>
      Math.max(
        e.updatedAt,
        ...snap.selections.filter((x) => x.eventId === e.id).map((x) => x.updatedAt),
      )
    const frozen = snap.events
      .filter(
        (e) =>
          e.source === 'bet365' &&
          e.status === 'live' &&
          snap.sports.get(e.sportId)?.key !== 'tennis',
      )
      .sort((x, y) => lastChange(x) - lastChange(y))[0]!
    await page.clock.install()
    await page.goto(`${proxy.url}/?view=live&book=bet365&virtual=0`)
    const r = row(page, frozen.id)
    await expect(r).toBeVisible()
    await expect(r).not.toHaveAttribute('data-event-stale', '1')
    await expect(r.getByTestId('event-stale-badge')).toHaveCount(0)

    // Browser time moves past Bet365's cadence: nothing about this match came in meanwhile.
    await page.clock.fastForward(EVENT_STALE_AFTER_MS.bet365 + 60_000)
    await expect(r).toHaveAttribute('data-event-stale', '1')
    await expect(r).toHaveClass(/\bstale\b/)
    await expect(r.getByTestId('event-stale-badge')).toHaveText(/^no update \d+m$/)
    // Nothing is expected of a match that has not started: never marked by this rule.
    const prematch = page.locator('[data-testid="row"][data-event-stale="1"]', {
      has: page.locator('.status-pre'),
    })
    await expect(prematch).toHaveCount(0)
  } finally {
    await proxy.stop()
  }
})

test('(d) Kwiff tennis matches are in the Tennis view, with their names and prices', async ({
  page,
  request,
}) => {
  const isKwiffTennis = (s: Snap, e: Event) =>
    e.source === 'kwiff' && e.status !== 'ended' && s.sports.get(e.sportId)?.key === 'tennis'
  const snap = await snapshotWhen(request, (s) => s.events.some((e) => isKwiffTennis(s, e)))
  const kwiff = snap.events.filter((e) => isKwiffTennis(snap, e))

  await page.goto('/?view=tennis&book=kwiff&virtual=0')
  const view = page.getByTestId('view-tennis')
  await expect(view.getByTestId('row').first()).toBeVisible()
  const shown = await view
    .getByTestId('row')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-row-id')))
  // Matches may start or end between the snapshot and the page: most of them must be there.
  const present = kwiff.filter((e) => shown.includes(e.id))
  expect(present.length).toBeGreaterThanOrEqual(
    Math.min(kwiff.length, Math.ceil(kwiff.length * 0.8)),
  )
  const first = row(page, present[0]!.id)
  await expect(first.getByTestId('players')).toContainText(present[0]!.participants[0])
  await expect(first.getByTestId('players')).toContainText(present[0]!.participants[1])
  await expect(first.getByTestId('odds').first()).toHaveText(/\d/)
})

test('(e) a running match clock ticks on screen', async ({ page }) => {
  await page.clock.install()
  await page.goto('/?view=live&live=1')
  const running = page.locator('[data-testid="clock"][data-running="1"]')
  await expect(running.first()).toBeVisible({ timeout: 30_000 })
  // Follow one row (rows may move as matches start and end).
  const id = (await page
    .locator('[data-testid="row"]', { has: running })
    .first()
    .getAttribute('data-row-id'))!
  const clock = row(page, id).getByTestId('clock')
  const before = seconds(await clock.innerText())
  await page.clock.fastForward(5_000)
  await expect.poll(async () => seconds(await clock.innerText())).toBeGreaterThan(before)
})

test("a browser whose own clock is 10 minutes ahead reads ages and freshness on the proxy's clock", async ({
  page,
  request,
}) => {
  const snap = await snapshot(request)
  const live = snap.events.filter((e) => e.status === 'live' && e.source === 'bet365')
  expect(live.length).toBeGreaterThan(0)
  // Ten minutes ahead: read on the browser's own clock, every live row would be "no update 10m".
  await page.clock.install({ time: Date.now() + 10 * 60_000 })
  await page.goto('/?view=live&book=bet365&virtual=0')
  await expect(page.getByTestId('row').first()).toBeVisible()
  await page.clock.runFor(2_000)
  const stale = page.locator('[data-testid="row"][data-event-stale="1"]')
  const rows = await page.getByTestId('row').count()
  // Only matches that really sat still for EVENT_STALE_AFTER_MS upstream may be marked.
  // (15 s of slack for the time between the snapshot and this check.)
  const lastChange = (e: Event) =>
    Math.max(
      e.updatedAt,
      ...snap.selections.filter((x) => x.eventId === e.id).map((x) => x.updatedAt),
    )
  const frozenLongEnough = live.filter(
    (e) => Date.now() + 15_000 - lastChange(e) > EVENT_STALE_AFTER_MS.bet365,
  )
  expect(await stale.count()).toBeLessThan(rows)
  expect(await stale.count()).toBeLessThanOrEqual(frozenLongEnough.length)
  // The feed bar's ages read seconds, not ten minutes.
  await expect(page.getByTestId('feed-bet365')).not.toContainText(/\d+m ago/)
})
