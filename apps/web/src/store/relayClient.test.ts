import type { ClientMessage, ServerMessage } from '@oddsboard/model'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket as WsClient, WebSocketServer, type WebSocket as WsSocket } from 'ws'
import { RelayClient, type ConnectionState } from './relayClient'

/** A loopback relay stand-in: records what clients send and lets the test push messages or close. */
async function relayServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((r) => wss.once('listening', () => r()))
  const received: ClientMessage[] = []
  const sockets: WsSocket[] = []
  const urls: string[] = []
  wss.on('connection', (ws, req) => {
    sockets.push(ws)
    urls.push(req.url ?? '')
    ws.on('message', (d) => received.push(JSON.parse(String(d)) as ClientMessage))
  })
  const port = (wss.address() as { port: number }).port
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    received,
    sockets,
    urls,
    send: (i: number, m: ServerMessage) => sockets[i]!.send(JSON.stringify(m)),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.terminate()
        wss.close(() => r())
      }),
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup) await c()
  cleanup = []
})

describe('RelayClient', () => {
  it('delivers messages, reconnects after a 4008 close and resumes from its position', async () => {
    const server = await relayServer()
    const messages: ServerMessage[] = []
    const states: ConnectionState[] = []
    let position: { epoch: string; seq: number } | null = null
    const client = new RelayClient({
      url: server.url,
      createSocket: (u) => new WsClient(u) as unknown as WebSocket,
      delay: () => 20,
      position: () => position,
      onMessage: (m) => {
        messages.push(m)
        if (m.type === 'snapshot') position = { epoch: m.epoch, seq: m.seq }
      },
      onState: (s) => states.push(s),
    })
    cleanup.push(async () => client.stop(), server.close)
    client.start()
    await until(() => server.sockets.length === 1 && states.includes('open'))
    expect(server.received).toEqual([]) // first connection: no position, the server sends a snapshot
    server.send(0, { type: 'snapshot', epoch: 'E', seq: 7, entities: [], feeds: [] })
    await until(() => messages.length === 1)
    server.sockets[0]!.close(4008, 'too slow')
    await until(() => server.sockets.length === 2 && server.received.length === 1)
    expect(server.received[0]).toEqual({ type: 'resume', epoch: 'E', seq: 7 })
    expect(server.urls).toEqual(['/ws', '/ws?epoch=E&seq=7'])
    expect(states).toContain('reconnecting')
    expect(client.lastCloseCode).toBe(4008)
  })

  it('sends a snapshot request on demand and ignores frames that are not JSON', async () => {
    const server = await relayServer()
    const messages: ServerMessage[] = []
    const client = new RelayClient({
      url: server.url,
      createSocket: (u) => new WsClient(u) as unknown as WebSocket,
      delay: () => 20,
      position: () => null,
      onMessage: (m) => messages.push(m),
      onState: () => {},
    })
    cleanup.push(async () => client.stop(), server.close)
    client.start()
    await until(() => server.sockets.length === 1)
    await until(() => client.requestSnapshot())
    await until(() => server.received.length === 1)
    expect(server.received[0]).toEqual({ type: 'snapshot' })
    server.sockets[0]!.send('not json{')
    server.send(0, { type: 'feeds', feeds: [] })
    await until(() => messages.length === 1)
    expect(messages[0]).toEqual({ type: 'feeds', feeds: [] })
  })
})
