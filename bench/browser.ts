/**
 * Browser benchmark (shared/DESIGN.md, "Performance budgets": 10,000 rows with 1,000 odds
 * changes/s: ≥ 55 fps, no task over 50 ms). Serves apps/web/dist on 127.0.0.1 (port 0),
 * opens `/?bench=10000&virtual=1` and `…&virtual=0` in Debian's Chromium, and measures for
 * ~5 s: frames per second (requestAnimationFrame count), the longest frame gap, and the
 * longest task (PerformanceObserver 'longtask'). Prints both runs side by side.
 *
 * Run: `npm run build -w @oddsboard/web && npx tsx bench/browser.ts` (env ROWS, RATE, SECONDS).
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import path from 'node:path'
import { chromium } from 'playwright-core'

const root = path.resolve(import.meta.dirname, '..', 'apps', 'web', 'dist')
const ROWS = Number(process.env.ROWS ?? 10_000)
const RATE = Number(process.env.RATE ?? 1000)
const SECONDS = Number(process.env.SECONDS ?? 5)

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/** A minimal static server for the built app (no proxy needed: the bench feed runs in the page). */
function serveDist(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    let file = path.join(root, urlPath)
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory())
      file = path.join(root, 'index.html')
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      resolve({ server, url: `http://127.0.0.1:${port}` })
    }),
  )
}

interface Result {
  fps: number
  maxFrameGapMs: number
  longestTaskMs: number
  longTasks: number
  changesPerSec: number
  domRows: number
}

/**
 * Runs in the page: counts animation frames and long tasks for `seconds`. Kept as plain
 * text so the TypeScript loader's helpers (e.g. `__name`) never end up in the page.
 */
const MEASURE = `(seconds) => new Promise((resolve) => {
  let longest = 0, longCount = 0
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { longest = Math.max(longest, e.duration); longCount++ }
  })
  obs.observe({ type: 'longtask', buffered: false })
  const bench = window.__oddsboardBench
  const changes0 = bench ? bench.changes : 0
  let frames = 0, maxGap = 0
  const t0 = performance.now()
  let last = t0
  function tick(t) {
    frames++
    maxGap = Math.max(maxGap, t - last)
    last = t
    if (t - t0 < seconds * 1000) { requestAnimationFrame(tick); return }
    obs.disconnect()
    const elapsed = (t - t0) / 1000
    resolve({
      fps: frames / elapsed,
      maxFrameGapMs: maxGap,
      longestTaskMs: longest,
      longTasks: longCount,
      changesPerSec: ((bench ? bench.changes : 0) - changes0) / elapsed,
      domRows: document.querySelectorAll('[data-testid="row"]').length,
    })
  }
  requestAnimationFrame(tick)
})`

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'index.html'))) {
    console.error('apps/web/dist is missing: run `npm run build -w @oddsboard/web` first')
    process.exit(1)
  }
  const { server, url } = await serveDist()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
  const results: Record<string, Result> = {}
  try {
    for (const virtual of [1, 0]) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
      await page.goto(`${url}/?bench=${ROWS}&rate=${RATE}&virtual=${virtual}`)
      await page.waitForSelector('[data-testid="row"]', { timeout: 60_000 })
      await page.waitForTimeout(1500) // let the first render and layout settle
      results[virtual ? 'virtualized' : 'all rows in DOM'] = (await page.evaluate(
        `(${MEASURE})(${SECONDS})`,
      )) as Result
      await page.close()
    }
  } finally {
    await browser.close()
    server.close()
  }
  const names = Object.keys(results)
  const row = (label: string, f: (r: Result) => string) =>
    console.log(label.padEnd(26) + names.map((n) => f(results[n]!).padStart(18)).join(''))
  console.log(`browser bench: ${ROWS} rows, ${RATE} odds changes/s, ${SECONDS} s per run`)
  console.log(''.padEnd(26) + names.map((n) => n.padStart(18)).join(''))
  row('frames per second', (r) => r.fps.toFixed(1))
  row('longest frame gap (ms)', (r) => r.maxFrameGapMs.toFixed(1))
  row('longest task (ms)', (r) => (r.longTasks === 0 ? 'none > 50' : r.longestTaskMs.toFixed(0)))
  row('tasks over 50 ms', (r) => String(r.longTasks))
  row('odds changes/s applied', (r) => r.changesPerSec.toFixed(0))
  row('rows in the DOM', (r) => String(r.domRows))
  const v = results['virtualized']!
  const ok = v.fps >= 55 && v.longTasks === 0
  console.log(`budget (virtualized): ≥ 55 fps and no task over 50 ms: ${ok ? 'met' : 'NOT met'}`)
}

await main()
