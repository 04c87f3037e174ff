/// <reference lib="dom" />
// evaluate callbacks run in the browser, so this spec also sees DOM types.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  type BookEntity,
  type CanonicalEvent,
  type Entity,
  type Outcome,
  type PricePoint,
  type Selection,
  type SnapshotMessage,
  type Source,
} from '@oddsboard/model'
import { test as base, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import { expect, test as simTest } from './fixtures'
import { startScriptedProxy, type ScriptedProxy } from './scripted'

/**
 * The Compare view (issue 9), end to end: the real proxy (hub, linker, link store, relay,
 * HTTP API) on scripted feeds (e2e/scripted-main.ts), so each spec decides every name and
 * price it then reads on screen; one spec on the default simulated feeds.
 */

/* ---------- a scripted match on three books ---------- */

type Odds = [home: number, draw: number, away: number]

const OUTCOMES: Outcome[] = ['home', 'draw', 'away']

/** One book's listing of a football match, the way that book writes it, with a 1X2 main market. */
function listing(
  source: Source,
  n: number,
  names: [string, string],
  odds: Odds,
  start: number,
): BookEntity[] {
  const sep = source === 'winamax' ? ' - ' : ' v '
  const e = `${source}:e${n}`
  const m = `${source}:m${n}`
  return [
    { kind: 'sport', id: `${source}:football`, source, key: 'football', name: 'Football' },
    {
      kind: 'competition',
      id: `${source}:c1`,
      source,
      sportId: `${source}:football`,
      name: 'Premier League',
      ...(source === 'winamax' && { region: 'Angleterre' }),
    },
    {
      kind: 'event',
      id: e,
      source,
      sportId: `${source}:football`,
      competitionId: `${source}:c1`,
      name: names.join(sep),
      participants: names,
      startTime: start,
      status: 'prematch',
      updatedAt: Date.now(),
    },
    {
      kind: 'market',
      id: m,
      source,
      eventId: e,
      name: 'Match result',
      type: '1x2',
      suspended: false,
      main: true,
    },
    ...OUTCOMES.map((outcome, i) => selection(source, n, outcome, odds[i]!, i)),
  ]
}

function selection(
  source: Source,
  n: number,
  outcome: Outcome,
  odds: number,
  order = OUTCOMES.indexOf(outcome),
): Selection {
  return {
    kind: 'selection',
    id: `${source}:s${n}${outcome}`,
    source,
    eventId: `${source}:e${n}`,
    marketId: `${source}:m${n}`,
    name: outcome,
    order,
    outcome,
    odds,
    suspended: false,
    updatedAt: Date.now(),
  }
}

/** The start time every book gives the scripted match (a whole minute, two hours ahead). */
const START = Math.floor(Date.now() / 60_000) * 60_000 + 2 * 3_600_000

/** "Arsenal v Chelsea" on every book, with these prices. */
function arsenalChelsea(odds: Record<Source, Odds>): BookEntity[] {
  return (Object.keys(odds) as Source[]).flatMap((s) =>
    listing(s, 1, ['Arsenal', 'Chelsea'], odds[s], START),
  )
}

/* ---------- reading the proxy and the page ---------- */

async function canonicals(request: APIRequestContext, base: string): Promise<CanonicalEvent[]> {
  const res = await request.get(`${base}/api/snapshot`)
  expect(res.ok()).toBe(true)
  const body = (await res.json()) as SnapshotMessage
  return body.entities.filter((e: Entity): e is CanonicalEvent => e.kind === 'canonical')
}

/** Waits until the proxy's linker has put `eventId` in a canonical event that `ok` accepts. */
async function canonicalOf(
  request: APIRequestContext,
  base: string,
  eventId: string,
  ok: (c: CanonicalEvent) => boolean,
): Promise<CanonicalEvent> {
  let found: CanonicalEvent | undefined
  await expect
    .poll(
      async () => {
        found = (await canonicals(request, base)).find((c) =>
          c.members.some((m) => m.eventId === eventId),
        )
        return found !== undefined && ok(found)
      },
      { timeout: 20_000 },
    )
    .toBe(true)
  return found!
}

const sourcesOf = (c: CanonicalEvent) => c.members.map((m) => m.source)

const compareRow = (page: Page, canonicalId: string) =>
  page.locator(`[data-testid="compare-table"] [data-testid="row"][data-row-id="${canonicalId}"]`)

const outcomeCell = (row: Locator, outcome: Outcome) =>
  row.locator(`[data-testid="compare-outcome"][data-outcome="${outcome}"]`)

/** "2.10" → 2.1 (a displayed decimal price or amount; thousands separators dropped). */
const num = (text: string | null) => Number((text ?? '').replace(/,/g, '').trim())

/** The scripted proxy of one spec, with its own DATA_DIR; stopped and removed after it. */
const test = base.extend<{ dataDir: string; scripted: ScriptedProxy }>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'oddsboard-links-'))
    await use(dir)
    await rm(dir, { recursive: true, force: true })
  },
  scripted: async ({ dataDir }, use) => {
    const proxy = await startScriptedProxy(dataDir)
    await use(proxy)
    await proxy.stop()
  },
})

/* ---------- specs ---------- */

test('the same match shows three books’ prices in one row, and the best price per outcome is highlighted', async ({
  page,
  request,
  scripted,
}) => {
  const odds: Record<Source, Odds> = {
    winamax: [2.1, 3.4, 3.6],
    bet365: [2.2, 3.3, 3.5],
    kwiff: [2.05, 3.5, 3.45],
  }
  await scripted.upsert(arsenalChelsea(odds))
  const c = await canonicalOf(request, scripted.url, 'winamax:e1', (x) => x.members.length === 3)
  expect(sourcesOf(c).sort()).toEqual(['bet365', 'kwiff', 'winamax'])

  await page.goto(`${scripted.url}/?view=compare`)
  const row = compareRow(page, c.id)
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('match-name')).toHaveText('Arsenal v Chelsea')
  await expect(row.getByTestId('market-type')).toHaveText('1X2')
  for (const [i, outcome] of OUTCOMES.entries()) {
    const cell = outcomeCell(row, outcome)
    const lines = cell.getByTestId('book-price')
    // One line per book, each with its book's badge and that book's scripted price.
    await expect(lines).toHaveCount(3)
    for (const source of sourcesOf(c)) {
      const line = cell.locator(`[data-testid="book-price"][data-source="${source}"]`)
      await expect(line.locator('.book')).toHaveText(
        source === 'winamax' ? 'WMX' : source === 'bet365' ? 'B365' : 'KWF',
      )
      await expect(line.locator('.odds-value')).toHaveText(odds[source][i]!.toFixed(2))
    }
    // The best price: the highest of the three, alone marked, boxed and bold (not colour alone).
    const best = Math.max(...sourcesOf(c).map((s) => odds[s][i]!))
    const bestSource = sourcesOf(c).find((s) => odds[s][i] === best)!
    const marked = cell.locator('[data-testid="book-price"][data-best="1"]')
    await expect(marked).toHaveCount(1)
    await expect(marked).toHaveAttribute('data-source', bestSource)
    await expect(marked).toContainText('(best)')
    const styleOf = (l: Locator) =>
      l.evaluate((el) => {
        const box = getComputedStyle(el)
        const odds = getComputedStyle(el.querySelector('.odds')!)
        return { border: box.borderTopColor, weight: Number(odds.fontWeight) }
      })
    const bestStyle = await styleOf(marked)
    const other = cell.locator('[data-testid="book-price"]:not([data-best])').first()
    const otherStyle = await styleOf(other)
    expect(bestStyle.weight).toBeGreaterThan(otherStyle.weight)
    expect(bestStyle.border).not.toBe(otherStyle.border)
  }
  // The best-of-books margin on the row is Σ 1/best − 1 of the prices on screen.
  const bests = OUTCOMES.map((_, i) => Math.max(...sourcesOf(c).map((s) => odds[s][i]!)))
  const margin = bests.reduce((a, b) => a + 1 / b, 0) - 1
  await expect(row.getByTestId('best-margin')).toHaveAttribute('data-value', margin.toFixed(6))
  await expect(row.getByTestId('surebet')).toHaveCount(0)
})

test('a surebet shows with a stake split whose returns are stake × odds to the cent', async ({
  page,
  request,
  scripted,
}) => {
  // Σ 1/best = 1/2.5 + 1/4.2 + 1/5 < 1: the best prices sit on three different books.
  await scripted.upsert(
    arsenalChelsea({
      winamax: [2.5, 3.0, 4.0],
      bet365: [2.2, 4.2, 3.5],
      kwiff: [2.1, 3.3, 5.0],
    }),
  )
  const c = await canonicalOf(request, scripted.url, 'winamax:e1', (x) => x.members.length === 3)
  await page.goto(`${scripted.url}/?view=compare`)
  const row = compareRow(page, c.id)
  await expect(row.getByTestId('surebet')).toBeVisible()
  const marginValue = num(await row.getByTestId('best-margin').getAttribute('data-value'))
  expect(marginValue).toBeLessThan(0)

  await row.dblclick()
  const split = page.getByTestId('stake-split')
  await expect(split).toHaveAttribute('data-surebet', '1')
  await split.getByTestId('stake-input').fill('250')
  await split.getByTestId('stake-step').selectOption('0.01')
  await expect(page).toHaveURL(/stake=250/)
  await expect(page).toHaveURL(/step=0\.01/)

  const rows = split.getByTestId('split-row')
  await expect(rows).toHaveCount(3)
  const shown = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      odds: tr.querySelector('[data-testid="split-odds"]')!.textContent,
      stake: tr.querySelector('[data-testid="split-stake"]')!.textContent,
      ret: tr.querySelector('[data-testid="split-return"]')!.textContent,
    })),
  )
  // The best prices on screen are the row's best prices, and Σ 1/best − 1 is the row's margin.
  expect(shown.map((s) => num(s.odds))).toEqual([2.5, 4.2, 5.0])
  expect(shown.reduce((a, s) => a + 1 / num(s.odds), 0) - 1).toBeCloseTo(marginValue, 6)
  let staked = 0
  for (const s of shown) {
    const stake = num(s.stake)
    const odds = num(s.odds)
    staked += stake
    // Each return shown is that stake times its odds, to the cent.
    expect(Math.abs(num(s.ret) - stake * odds)).toBeLessThanOrEqual(0.005 + 1e-9)
    // Stakes are whole cents (the step) and proportional to 1/odds.
    expect(Math.round(stake * 100)).toBeCloseTo(stake * 100, 6)
  }
  const returns = shown.map((s) => num(s.ret))
  // Every outcome returns the same to within one step × odds (the rounding of the stakes).
  expect(Math.max(...returns) - Math.min(...returns)).toBeLessThanOrEqual(0.01 * 5.0 + 0.005)
  const guaranteed = num(await split.getByTestId('split-guaranteed').textContent())
  expect(guaranteed).toBe(Math.min(...returns))
  expect(num(await split.getByTestId('split-staked').textContent())).toBeCloseTo(staked, 6)
  const profit = num(await split.getByTestId('split-profit').textContent())
  expect(profit).toBeCloseTo(guaranteed - staked, 6)
  expect(guaranteed).toBeGreaterThan(staked)

  // A coarser step: stakes become multiples of 5, and returns still read stake × odds.
  await split.getByTestId('stake-step').selectOption('5')
  await expect
    .poll(async () =>
      (await split.getByTestId('split-stake').allTextContents()).every(
        (t) => Math.abs(num(t) / 5 - Math.round(num(t) / 5)) < 1e-9,
      ),
    )
    .toBe(true)
})

test('an unlink survives a proxy restart, and "link to…" joins two books again', async ({
  page,
  request,
  dataDir,
}) => {
  const entities = arsenalChelsea({
    winamax: [2.1, 3.4, 3.6],
    bet365: [2.2, 3.3, 3.5],
    kwiff: [2.05, 3.5, 3.45],
  })
  let proxy = await startScriptedProxy(dataDir)
  try {
    await proxy.upsert(entities)
    const c = await canonicalOf(request, proxy.url, 'winamax:e1', (x) => x.members.length === 3)
    await page.goto(`${proxy.url}/?view=compare`)
    // The one scripted match's row, whatever canonical id the linker gives it over time.
    const row = page
      .getByTestId('compare-table')
      .getByTestId('row')
      .filter({ hasText: 'Arsenal v Chelsea' })
    await expect(row).toHaveCount(1)
    await expect(row).toHaveAttribute('data-row-id', c.id)
    await expect(row.getByTestId('book-count')).toHaveText('3 books')
    await row.dblclick()
    const panel = page.getByTestId('books-panel')
    // Remove asks once more before it sends anything.
    const remove = panel.locator('[data-testid="unlink"][data-source="kwiff"]')
    await remove.click()
    await expect(remove).toHaveText('Sure? Remove')
    await expect(row.getByTestId('book-count')).toHaveText('3 books')
    await remove.click()
    // The row changes when the proxy's canonical ops arrive: Kwiff is no longer in it.
    await expect(row.getByTestId('book-count')).toHaveText('2 books')
    await expect(outcomeCell(row, 'home').locator('[data-source="kwiff"]')).toHaveCount(0)
    await expect(outcomeCell(row, 'home').getByTestId('book-price')).toHaveCount(2)
    const decisions = (await (await request.get(`${proxy.url}/api/links`)).json()) as {
      decisions: { action: string; a: string; b: string }[]
    }
    expect(decisions.decisions.filter((d) => d.action === 'unlink')).toHaveLength(2)
    await proxy.stop()

    // The same feeds again, on a new proxy with the same DATA_DIR.
    proxy = await startScriptedProxy(dataDir)
    await proxy.upsert(entities)
    const after = await canonicalOf(request, proxy.url, 'winamax:e1', (x) => x.members.length >= 2)
    expect(sourcesOf(after).sort()).toEqual(['bet365', 'winamax'])
    await page.goto(`${proxy.url}/?view=compare`)
    const row2 = compareRow(page, after.id)
    await expect(row2.getByTestId('book-count')).toHaveText('2 books')
    await expect(row2.locator('[data-testid="book-price"][data-source="kwiff"]')).toHaveCount(0)
    await expect(row2.locator('[data-testid="book-price"][data-source="bet365"]')).toHaveCount(3)

    // "Link to…" from the Live view: Kwiff's listing joins the row again.
    await page.goto(`${proxy.url}/?view=live&book=kwiff`)
    await page.locator('[data-testid="row"][data-row-id="kwiff:e1"]').dblclick()
    const link = page.getByTestId('link-panel')
    await link.getByTestId('link-search').fill('Arsenal')
    await link
      .locator('[data-testid="link-candidate"][data-id="winamax:e1"]')
      .getByTestId('link-button')
      .click()
    await expect(link.getByTestId('link-status')).toContainText('linked')
    // Kwiff and Winamax now share a canonical event (Bet365 stays apart from Kwiff: that
    // unlink still holds), and the Live row links to it.
    const relinked = await canonicalOf(request, proxy.url, 'kwiff:e1', (x) =>
      x.members.some((m) => m.eventId === 'winamax:e1'),
    )
    await expect(
      page.locator('[data-testid="row"][data-row-id="kwiff:e1"] [data-testid="compare-link"]'),
    ).toHaveText(`⇄${relinked.members.length}`)
    await page.goto(`${proxy.url}/?view=compare&event=kwiff:e1`)
    const row3 = compareRow(page, relinked.id)
    await expect(row3).toHaveAttribute('data-highlighted', '1')
    await expect(row3.locator('[data-testid="book-price"][data-source="kwiff"]')).toHaveCount(3)
    await row3.dblclick()
    await expect(page.locator('[data-testid="member"][data-source="kwiff"]')).toContainText(
      'linked by a user',
    )
  } finally {
    await proxy.stop()
  }
})

test('"moved first" names the book whose price changed first, and how long the others lagged', async ({
  page,
  request,
  scripted,
}) => {
  await scripted.upsert(
    arsenalChelsea({
      winamax: [2.1, 3.4, 3.6],
      bet365: [2.1, 3.3, 3.5],
      kwiff: [2.1, 3.5, 3.45],
    }),
  )
  const c = await canonicalOf(request, scripted.url, 'winamax:e1', (x) => x.members.length === 3)
  const history = async (id: string): Promise<PricePoint[]> => {
    const res = await request.get(`${scripted.url}/api/history?ids=${encodeURIComponent(id)}`)
    const body = (await res.json()) as Record<string, PricePoint[]>
    return body[id] ?? []
  }
  // Bet365 lengthens Arsenal first; once the proxy has it, Winamax follows; Kwiff stays.
  await scripted.emit('bet365', [{ op: 'upsert', entity: selection('bet365', 1, 'home', 2.3) }])
  await expect.poll(async () => (await history('bet365:s1home')).at(-1)?.[1]).toBe(2.3)
  await scripted.emit('winamax', [{ op: 'upsert', entity: selection('winamax', 1, 'home', 2.25) }])
  await expect.poll(async () => (await history('winamax:s1home')).at(-1)?.[1]).toBe(2.25)
  const lag =
    (await history('winamax:s1home')).at(-1)![0] - (await history('bet365:s1home')).at(-1)![0]
  expect(lag).toBeGreaterThan(0)

  await page.goto(`${scripted.url}/?view=compare&event=bet365:e1`)
  const row = compareRow(page, c.id)
  // The link's event: its row is marked.
  await expect(row).toHaveAttribute('data-highlighted', '1')
  await row.dblclick()
  const home = page.locator('[data-testid="split-row"][data-outcome="home"]')
  const moved = home.getByTestId('moved-first')
  await expect(moved).toHaveAttribute('data-leader', 'bet365')
  await expect(moved).toHaveAttribute('data-dir', 'up')
  await expect(moved).toContainText('moved first: Bet365')
  // Winamax's lag is the time between the two changes in the proxy's price history.
  const lagText = lag < 60_000 ? `+${(lag / 1000).toFixed(1)} s` : null
  expect(lagText).not.toBeNull()
  await expect(moved.locator('[data-testid="moved-follower"][data-source="winamax"]')).toHaveText(
    `, Winamax ${lagText}`,
  )
  await expect(moved.locator('[data-testid="moved-not-yet"][data-source="kwiff"]')).toHaveText(
    ', Kwiff not yet',
  )
  // The draw has not moved on any book.
  await expect(
    page.locator('[data-testid="split-row"][data-outcome="draw"] [data-testid="moved-first"]'),
  ).toHaveText('no move seen')
})

test('⇄ beside a match in the Live view opens its Compare row, scrolled to and marked', async ({
  page,
  request,
  scripted,
}) => {
  await scripted.upsert(
    arsenalChelsea({
      winamax: [2.1, 3.4, 3.6],
      bet365: [2.2, 3.3, 3.5],
      kwiff: [2.05, 3.5, 3.45],
    }),
  )
  const c = await canonicalOf(request, scripted.url, 'winamax:e1', (x) => x.members.length === 3)
  await page.goto(`${scripted.url}/?view=live`)
  const live = page.locator('[data-testid="row"][data-row-id="winamax:e1"]')
  await live.getByTestId('compare-link').click()
  await expect(page).toHaveURL(/view=compare/)
  await expect(page).toHaveURL(/event=winamax(%3A|:)e1/)
  await expect(compareRow(page, c.id)).toHaveAttribute('data-highlighted', '1')
  // Back returns to the Live view (the link pushed a history entry).
  await page.goBack()
  await expect(page.getByTestId('view-live')).toBeVisible()
})

/** "Jannik Sinner v Novak Djokovic" on every book: tennis, a match-winner market, these prices. */
function sinnerDjokovic(odds: Record<Source, [number, number]>): BookEntity[] {
  return (Object.keys(odds) as Source[]).flatMap((source) => {
    const sep = source === 'winamax' ? ' - ' : ' v '
    const names: [string, string] = ['Jannik Sinner', 'Novak Djokovic']
    const base: BookEntity[] = [
      { kind: 'sport', id: `${source}:tennis`, source, key: 'tennis', name: 'Tennis' },
      {
        kind: 'competition',
        id: `${source}:c2`,
        source,
        sportId: `${source}:tennis`,
        name: 'ATP Finals, Turin',
      },
      {
        kind: 'event',
        id: `${source}:e2`,
        source,
        sportId: `${source}:tennis`,
        competitionId: `${source}:c2`,
        name: names.join(sep),
        participants: names,
        startTime: START,
        status: 'prematch',
        updatedAt: Date.now(),
      },
      {
        kind: 'market',
        id: `${source}:m2`,
        source,
        eventId: `${source}:e2`,
        name: 'Match winner',
        type: 'winner',
        suspended: false,
        main: true,
      },
    ]
    return [
      ...base,
      selection(source, 2, 'home', odds[source][0], 0),
      selection(source, 2, 'away', odds[source][1], 1),
    ]
  })
}

test('filters, sorting, pinning and keys work in the Compare view as in the other views', async ({
  page,
  request,
  scripted,
}) => {
  const football: Record<Source, Odds> = {
    winamax: [2.1, 3.4, 3.6],
    bet365: [2.2, 3.3, 3.5],
    kwiff: [2.05, 3.5, 3.45],
  }
  const tennis: Record<Source, [number, number]> = {
    winamax: [1.8, 2.0],
    bet365: [1.83, 1.95],
    kwiff: [1.85, 1.98],
  }
  await scripted.upsert([...arsenalChelsea(football), ...sinnerDjokovic(tennis)])
  const foot = await canonicalOf(request, scripted.url, 'winamax:e1', (x) => x.members.length === 3)
  const ten = await canonicalOf(request, scripted.url, 'winamax:e2', (x) => x.members.length === 3)
  await page.goto(`${scripted.url}/?view=compare`)
  const rows = page.getByTestId('compare-table').getByTestId('row')
  await expect(rows).toHaveCount(2)

  // The tennis row compares the match winner: two outcomes, no draw.
  const tenRow = compareRow(page, ten.id)
  await expect(tenRow.getByTestId('market-type')).toHaveText('Winner')
  await expect(tenRow.getByTestId('compare-outcome')).toHaveCount(2)
  await expect(outcomeCell(tenRow, 'away').locator('[data-best="1"]')).toHaveAttribute(
    'data-source',
    'winamax',
  )

  // Sport filter (canonical sport key), then Esc clears it.
  await page.getByTestId('filter-sport').locator('summary').click()
  await page.getByTestId('sport-option-tennis').check()
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toHaveAttribute('data-row-id', ten.id)
  await page.getByTestId('filter-sport').locator('summary').click()
  await page.locator('body').press('Escape')
  await expect(rows).toHaveCount(2)
  // Text: any book's names count (Winamax writes "Arsenal - Chelsea").
  await page.getByTestId('filter-search').fill('chelsea')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toHaveAttribute('data-row-id', foot.id)
  await page.getByTestId('filter-search').fill('')
  await expect(rows).toHaveCount(2)
  // Live only: neither scripted match has started.
  await page.getByTestId('filter-live').check()
  await expect(rows).toHaveCount(0)
  await page.getByTestId('filter-live').uncheck()

  // Sort by the best-of-books margin, lowest first: the order of Σ 1/best − 1.
  const margin = (bests: number[]) => bests.reduce((a, b) => a + 1 / b, 0) - 1
  const footMargin = margin(
    [0, 1, 2].map((i) => Math.max(...Object.values(football).map((o) => o[i]!))),
  )
  const tenMargin = margin([0, 1].map((i) => Math.max(...Object.values(tennis).map((o) => o[i]!))))
  await page.getByTestId('col-margin').click()
  await expect(page).toHaveURL(/sort=margin(:|%3A)asc/)
  const ascending = footMargin < tenMargin ? [foot.id, ten.id] : [ten.id, foot.id]
  await expect
    .poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-row-id'))))
    .toEqual(ascending)

  // Keys: j focuses the first row, f pins it (it stays on top when the sort is reversed),
  // Enter opens the stake split, Esc closes it.
  await page.locator('body').press('j')
  await page.locator('body').press('f')
  await expect(compareRow(page, ascending[0]!)).toHaveAttribute('data-pinned', '1')
  await page.getByTestId('col-margin').click()
  await expect(page).toHaveURL(/sort=margin(:|%3A)desc/)
  await expect
    .poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-row-id'))))
    .toEqual(ascending)
  await page.locator('body').press('Enter')
  await expect(page.getByTestId('compare-detail')).toBeVisible()
  await page.locator('body').press('Escape')
  await expect(page.getByTestId('compare-detail')).toHaveCount(0)
})

simTest(
  'on the default simulated feeds, matches priced by two or three books show side by side',
  async ({ page, request }) => {
    let c: CanonicalEvent | undefined
    await expect
      .poll(
        async () => {
          c = (await canonicals(request, '')).find((x) => x.members.length === 3)
          return c !== undefined
        },
        { timeout: 45_000 },
      )
      .toBe(true)
    await page.goto('/')
    await expect(page.getByTestId('view-live')).toBeVisible()
    await page.keyboard.press('6')
    await expect(page.getByTestId('view-compare')).toBeVisible()
    await expect(page.getByTestId('compare-table').getByTestId('row').first()).toBeVisible()
    // Rows are virtualized: the link form of the URL scrolls to the match's row and marks it.
    await page.goto(`/?view=compare&event=${encodeURIComponent(c!.members[0]!.eventId)}`)
    const row = compareRow(page, c!.id)
    await expect(row).toHaveAttribute('data-highlighted', '1')
    await expect(row.getByTestId('book-count')).toHaveText('3 books')
    const home = outcomeCell(row, 'home')
    for (const m of c!.members)
      await expect(
        home.locator(`[data-testid="book-price"][data-source="${m.source}"]`),
      ).toHaveCount(1)
    // The row's margin is Σ 1/best − 1 of the best prices it marks, read in one go so prices
    // that move meanwhile cannot split the two readings.
    const { bests, value } = await row.evaluate((el) => ({
      bests: [...el.querySelectorAll('[data-testid="compare-outcome"]')].map((cell) =>
        Number(cell.getAttribute('data-best') ?? 'NaN'),
      ),
      value: el.querySelector('[data-testid="best-margin"]')?.getAttribute('data-value') ?? null,
    }))
    if (value !== null && bests.every((b) => Number.isFinite(b)))
      expect(Number(value)).toBeCloseTo(bests.reduce((a, b) => a + 1 / b, 0) - 1, 5)
  },
)
