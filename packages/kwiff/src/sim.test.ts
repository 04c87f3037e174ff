import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { KwiffSimOptions, KwiffSimServer } from './sim'
import { startKwiffSim } from './sim'

let sim: KwiffSimServer | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** Opens a raw websocket to the simulator and collects the first `n` frames (bounded by a timeout). */
function firstFrames(
  url: string,
  n: number,
  cookie: string,
  identifier: string,
): Promise<string[] | { status: number }> {
  const ws = new WebSocket(
    `${url.replace('http', 'ws')}?device=web-app&version=1.0.1&identifier=${identifier}&EIO=3&transport=websocket`,
    { headers: { Cookie: `uuid=${cookie}`, Origin: 'https://kwiff.com' } },
  )
  const frames: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error(`timeout; got ${JSON.stringify(frames)}`))
    }, 3000)
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer)
      ws.terminate()
      resolve({ status: res.statusCode ?? 0 })
    })
    ws.on('error', () => {})
    ws.on('message', (data) => {
      frames.push(String(data))
      if (frames.length === n) {
        clearTimeout(timer)
        ws.close()
        resolve(frames)
      }
    })
  })
}

async function start(o: KwiffSimOptions = {}): Promise<KwiffSimServer> {
  sim = await startKwiffSim({ tickMs: 0, failureRate: 0, slowRate: 0, ...o })
  return sim
}

describe('kwiff simulator wire sequence', () => {
  it('sends 0{…}, 42["response",…], 40 as Kwiff does', async () => {
    const s = await start()
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/socket\.io\/$/)
    const frames = (await firstFrames(s.url, 3, 'abc-1', 'abc-1')) as string[]
    expect(frames[0]).toMatch(/^0\{.*"sid".*"pingInterval"/)
    expect(frames[1]).toMatch(/^42\["response",\{"user":/)
    expect(frames[2]).toBe('40')
  })

  it('can send the response after 40 instead', async () => {
    const s = await start({ responseOrder: 'after-connect' })
    const frames = (await firstFrames(s.url, 3, 'abc-2', 'abc-2')) as string[]
    expect(frames[1]).toBe('40')
    expect(frames[2]).toMatch(/^42\["response"/)
  })

  it('refuses a handshake whose uuid cookie differs from its identifier', async () => {
    const s = await start()
    // engine.io answers a refused websocket upgrade with 400 (a refused poll with 403).
    expect(await firstFrames(s.url, 1, 'abc-3', 'other')).toEqual({ status: 400 })
    expect(s.control.commandCounts()).toEqual({})
  })
})
