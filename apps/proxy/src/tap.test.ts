/**
 * Issue 11, the browser tap end to end, in Debian's Chromium (`CHROMIUM_PATH` or
 * /usr/bin/chromium): a local page plays the Bet365 site (its script opens the simulator's
 * zap socket and sends the real handshake and subscription); the proxy, with
 * `TAP_CDP_URL`, attaches over CDP, reads the page's frames and runs them through the
 * unchanged Bet365 feed, codec and normalizer. Its state must equal that of a feed connected
 * to the simulator directly, and the simulator must only ever see the page's session (the
 * tap sends nothing upstream). The tapped session is recorded (RECORD_DIR: the page's own
 * frames) and replays to the same state. Compared as in replay.test.ts: every book field but the
 * receive times (`updatedAt`, a clock's `at`, a running clock's `seconds`).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { chromium } from 'playwright-core'
import type { Entity } from '@oddsboard/model'
import { createBet365Feed } from '@oddsboard/bet365'
import { startBet365Sim } from '@oddsboard/bet365/sim'
import { createWinamaxFeed } from '@oddsboard/winamax'
import { startWinamaxSim } from '@oddsboard/winamax/sim'
import { parseRecording, silentLogger } from '@oddsboard/feedkit'
import { waitUntil } from '@oddsboard/feedkit/testing'
import { loadConfig } from './config'
import { buildFeeds } from './feeds'
import { startProxy } from './server'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const PAGE_SESSION = 'D0C0FFEE0123456789ABCDEF01234567000003'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c()
    } catch {
      // Best effort: the next cleanup still runs.
    }
  }
})

/** The page that plays the site: the real handshake and subscription (codec.ts, seed 001). */
const page = (zapUrl: string) => `<!doctype html><meta charset="utf-8"><title>tap test</title>
<script>
const ws = new WebSocket(${JSON.stringify(zapUrl)} + '?uid=2991054613538171', ['zap-protocol-v1'])
ws.onopen = () => ws.send('#\\x03P\\x01__time,S_${PAGE_SESSION}\\x00')
ws.onmessage = (e) => {
  if (typeof e.data === 'string' && e.data.startsWith('100\\x02')) ws.send('\\x16\\x00OVInPlay_1_3\\x01')
}
</script>`

/**
 * A page that plays Winamax's site over a websocket-only Engine.IO v3 session (a browser's
 * WebSocket is not held to CORS, unlike its polling requests to another port): it asks the
 * feed's default routes (seeds/000: `42["m",{"route","requestId"}]`) and pings like the
 * site's client (`2` every 25 s).
 */
const winamaxPage = (
  socketUrl: string,
) => `<!doctype html><meta charset="utf-8"><title>tap test</title>
<script>
const ws = new WebSocket(${JSON.stringify(socketUrl)} + '?language=FR&version=3.27.0&embed=false&EIO=3&transport=websocket')
ws.onmessage = (e) => {
  if (e.data !== '40') return
  ws.send('42' + JSON.stringify(['m', { route: 'sport:1', requestId: 'page-request-1' }]))
  ws.send('42' + JSON.stringify(['m', { route: 'hot:live', requestId: 'page-request-2' }]))
}
setInterval(() => ws.readyState === 1 && ws.send('2'), 25000)
</script>`

/**
 * A page that plays Winamax's site as its client starts (captures/README "winamax/": the
 * subscription and the snapshot travel over Engine.IO polling before any upgrade): a
 * polling-only Engine.IO v3 session, `b64=1` string payloads `<length>:<packet>…`.
 */
const winamaxPollingPage = `<!doctype html><meta charset="utf-8"><title>tap test</title>
<script>
const base = '/uof-sports-server/socket.io/?language=FR&version=3.27.0&embed=false&EIO=3&transport=polling&b64=1'
const decode = (body) => {
  const out = []
  for (let i = 0; i < body.length; ) {
    const colon = body.indexOf(':', i)
    const n = Number(body.slice(i, colon))
    out.push(body.substr(colon + 1, n))
    i = colon + 1 + n
  }
  return out
}
const encode = (packets) => packets.map((p) => p.length + ':' + p).join('')
let sid
const onPacket = (p) => {
  if (p !== '40') return
  const m = (route, requestId) => '42' + JSON.stringify(['m', { route, requestId }])
  fetch(base + '&sid=' + sid, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    body: encode([m('sport:1', 'page-request-1'), m('hot:live', 'page-request-2')]),
  })
}
;(async () => {
  const [open, ...rest] = decode(await (await fetch(base + '&t=0')).text())
  sid = JSON.parse(open.slice(1)).sid
  rest.forEach(onPacket)
  for (let t = 1; t < 1000; t++) decode(await (await fetch(base + '&sid=' + sid + '&t=' + t)).text()).forEach(onPacket)
})()
</script>`

/**
 * Serves `html` on 127.0.0.1, and forwards `/uof-sports-server/…` to `upstream` when given
 * (the page's polling requests stay on its own origin); resolves with its URL.
 */
async function servePage(html: string, upstream?: string): Promise<string> {
  const http = createServer((req, res) => {
    if (upstream !== undefined && req.url?.startsWith('/uof-sports-server/')) {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        fetch(new URL(req.url!, upstream), {
          method: req.method,
          headers: { 'Content-Type': req.headers['content-type'] ?? 'text/plain' },
          ...(req.method === 'POST' && { body }),
        })
          .then(async (r) => {
            res.writeHead(r.status, {
              'Content-Type': r.headers.get('content-type') ?? 'text/plain',
            })
            res.end(await r.text())
          })
          .catch(() => {
            res.writeHead(502)
            res.end()
          })
      })
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(html)
  })
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        http.closeAllConnections()
        http.close(() => r())
      }),
  )
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/`
}

/** Starts Chromium with a DevTools port; resolves with its CDP http URL. Killed at the end. */
async function startChromium(): Promise<string> {
  const profile = mkdtempSync(path.join(tmpdir(), 'oddsboard-tap-chromium-'))
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  )
  cleanups.push(async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    }
    rmSync(profile, { recursive: true, force: true })
  })
  let stderr = ''
  const ws = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no DevTools URL: ${stderr}`)), 30_000)
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString()
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr)
      if (m !== null) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.once('exit', (code) => reject(new Error(`chromium exited ${code}: ${stderr}`)))
  })
  return `http://${new URL(ws).host}`
}

function comparable(entities: readonly Entity[]): string {
  const out: unknown[] = []
  for (const e of [...entities].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if ((e.kind as string) === 'canonical') continue
    const copy: Record<string, unknown> = { ...e }
    delete copy.updatedAt
    const clock = copy.clock as { running: boolean; seconds: number; at: number } | undefined
    if (clock !== undefined) {
      const { at: _at, seconds, ...rest } = clock
      copy.clock = clock.running ? rest : { ...rest, seconds }
    }
    out.push(copy)
  }
  return JSON.stringify(out)
}

describe.skipIf(!existsSync(CHROMIUM))('browser tap (Chromium over CDP)', () => {
  it("reads the page's own Bet365 frames; the proxy's state equals a direct feed's", async () => {
    const sessions: (string | null)[] = []
    const sim = await startBet365Sim({
      host: '127.0.0.1',
      port: 0,
      rejectSession: (s) => {
        sessions.push(s)
        return false
      },
    })
    cleanups.push(() => sim.close())

    const pageUrl = await servePage(page(sim.url))

    const cdpUrl = await startChromium()
    const data = mkdtempSync(path.join(tmpdir(), 'oddsboard-tap-data-'))
    cleanups.push(() => rmSync(data, { recursive: true, force: true }))
    const recordDir = path.join(data, 'recordings')
    const config = loadConfig({
      FEEDS: 'bet365',
      TAP_CDP_URL: cdpUrl,
      RECORD_DIR: recordDir,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: data,
    })
    const set = await buildFeeds(config, silentLogger)
    const tapped = await startProxy(config, silentLogger, { feeds: set.feeds })
    cleanups.push(async () => {
      await tapped.close()
      await set.close()
    })

    // The user opens the site in their browser (here: the test, over its own CDP connection).
    const browser = await chromium.connectOverCDP(cdpUrl, { timeout: 10_000 })
    cleanups.push(() => browser.close())
    const context = browser.contexts()[0]!
    const tab = context.pages()[0] ?? (await context.newPage())
    await tab.goto(pageUrl)

    // The reference: a feed connected to the simulator itself.
    const direct = await startProxy({ ...config, feeds: [] }, silentLogger, {
      feeds: [createBet365Feed({ url: sim.url, sessionId: PAGE_SESSION })],
    })
    cleanups.push(() => direct.close())

    await waitUntil(() => tapped.hub.feeds()[0]?.state === 'live', { timeoutMs: 20_000 })
    expect(tapped.hub.feeds()[0]).toMatchObject({ source: 'bet365', mode: 'tap', badFrames: 0 })
    // Bounded: equal once both have applied the same frames (the simulator keeps playing).
    let a = ''
    let b = ''
    await waitUntil(
      () => {
        a = comparable(tapped.hub.snapshot().entities)
        b = comparable(direct.hub.snapshot().entities)
        return a.length > 1000 && a === b
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch(() => {})
    expect(a.length).toBeGreaterThan(1000)
    expect(a).toBe(b)
    // Upstream only ever saw the page's session and the reference feed's (the same one):
    // the tap opened no connection of its own.
    expect(new Set(sessions)).toEqual(new Set([PAGE_SESSION]))
    expect(sessions).toHaveLength(2)

    // The tapped session was recorded (the page's own frames, its session redacted) and
    // replays to the same state. The page leaves first, so nothing arrives after the stop.
    await tab.goto('about:blank')
    let last = -1
    await waitUntil(
      () => {
        const settled = tapped.hub.seq === last
        last = tapped.hub.seq
        return settled
      },
      { timeoutMs: 5000, intervalMs: 200 },
    )
    for (const f of set.feeds) await f.stop()
    const final = comparable(tapped.hub.snapshot().entities)
    const [file, ...others] = readdirSync(recordDir)
    expect(others).toEqual([])
    expect(file).toMatch(/^bet365-.*\.ndjson$/)
    const text = readFileSync(path.join(recordDir, file!), 'utf8')
    expect(text).not.toContain(PAGE_SESSION)
    const { header, frames } = parseRecording(text)
    expect(header.url).toBe('wss://premws-pt1.365lpodds.com/zap/')
    expect(frames.filter((f) => f.dir === 'out').map((f) => f.data)).toEqual([
      '#\x03P\x01__time,S_[redacted]\x00',
      '\x16\x00OVInPlay_1_3\x01',
    ])
    const replayConfig = loadConfig({
      FEEDS: 'bet365',
      BET365_URL: `replay:${path.join(recordDir, file!)}`,
      REPLAY_SPEED: 'max',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: data,
    })
    const replaySet = await buildFeeds(replayConfig, silentLogger)
    const replayed = await startProxy(replayConfig, silentLogger, { feeds: replaySet.feeds })
    cleanups.push(async () => {
      await replayed.close()
      await replaySet.close()
    })
    let c = ''
    await waitUntil(
      () => {
        c = comparable(replayed.hub.snapshot().entities)
        return c === final
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    ).catch(() => {})
    expect(c).toBe(final)
  }, 120_000)

  it.each([
    ['a websocket', false],
    ['Engine.IO polling (request bodies and response bodies over CDP)', true],
  ])(
    "reads the page's own Winamax frames over %s; state equal to a direct feed's",
    async (_, polling) => {
      const sim = await startWinamaxSim({ host: '127.0.0.1', port: 0 })
      cleanups.push(() => sim.close())
      const socketUrl = sim.url.replace(/^http/, 'ws')
      const pageUrl = polling
        ? await servePage(winamaxPollingPage, sim.url)
        : await servePage(winamaxPage(socketUrl))
      const cdpUrl = await startChromium()
      const data = mkdtempSync(path.join(tmpdir(), 'oddsboard-tap-data-'))
      cleanups.push(() => rmSync(data, { recursive: true, force: true }))
      const config = loadConfig({
        FEEDS: 'winamax',
        TAP_CDP_URL: cdpUrl,
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATA_DIR: data,
      })
      const set = await buildFeeds(config, silentLogger)
      const tapped = await startProxy(config, silentLogger, { feeds: set.feeds })
      cleanups.push(async () => {
        await tapped.close()
        await set.close()
      })
      const browser = await chromium.connectOverCDP(cdpUrl, { timeout: 10_000 })
      cleanups.push(() => browser.close())
      const context = browser.contexts()[0]!
      const tab = context.pages()[0] ?? (await context.newPage())
      await tab.goto(pageUrl)
      const direct = await startProxy({ ...config, feeds: [] }, silentLogger, {
        feeds: [createWinamaxFeed({ url: sim.url })],
      })
      cleanups.push(() => direct.close())

      await waitUntil(() => tapped.hub.feeds()[0]?.state === 'live', { timeoutMs: 30_000 })
      expect(tapped.hub.feeds()[0]).toMatchObject({ source: 'winamax', mode: 'tap', badFrames: 0 })
      let a = ''
      let b = ''
      await waitUntil(
        () => {
          a = comparable(tapped.hub.snapshot().entities)
          b = comparable(direct.hub.snapshot().entities)
          return a.length > 100_000 && a === b
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      ).catch(() => {})
      expect(a.length).toBeGreaterThan(100_000)
      expect(a).toBe(b)
    },
    120_000,
  )
})
