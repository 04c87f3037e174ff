import type { ClientMessage, ServerMessage } from '@oddsboard/model'
import { RELAY_PROTOCOL } from '@oddsboard/model'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket as WsClient, WebSocketServer, type WebSocket as WsSocket } from 'ws'
import { RelayClient, type ConnectionState } from './relayClient'
import { waitUntil } from '@oddsboard/feedkit/testing'

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
    send: (i: number, m: ServerMessage | object) => sockets[i]!.send(JSON.stringify(m)),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.terminate()
        wss.close(() => r())
      }),
  }
}

const until = (cond: () => boolean, ms = 3000) => waitUntil(cond, { timeoutMs: ms, intervalMs: 10 })

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup) await c()
  cleanup = []
})

describe('RelayClient', () => {
  it('delivers messages, reconnects after a 4008 close and resumes from its position in the URL', async () => {
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
    server.send(0, {
      type: 'snapshot',
      protocol: RELAY_PROTOCOL,
      epoch: 'E',
      seq: 7,
      entities: [],
      feeds: [],
    })
    await until(() => messages.length === 1)
    server.sockets[0]!.close(4008, 'too slow')
    await until(() => server.sockets.length === 2 && states.at(-1) === 'open')
    expect(server.urls).toEqual(['/ws', '/ws?epoch=E&seq=7'])
    server.send(1, { type: 'resumed', protocol: RELAY_PROTOCOL, epoch: 'E', seq: 7 })
    await until(() => messages.length === 2)
    expect(messages[1]).toMatchObject({ type: 'resumed', seq: 7 })
    expect(server.received).toEqual([]) // resuming is the URL alone: no message is sent
    expect(states).toContain('reconnecting')
    expect(client.lastCloseCode).toBe(4008)
  })

  it.each([
    [
      'a snapshot of another version',
      { type: 'snapshot', protocol: 99, epoch: 'E', seq: 1, entities: [], feeds: [] },
      'version 99',
    ],
    [
      'a version 3 snapshot (before patches)',
      { type: 'snapshot', protocol: 3, epoch: 'E', seq: 1, entities: [], feeds: [] },
      'version 3',
    ],
    [
      'a version 1 snapshot (no protocol)',
      { type: 'snapshot', epoch: 'E', seq: 1, entities: [], feeds: [] },
      'older version (1)',
    ],
    [
      'a delta first (version 1 resume)',
      { type: 'delta', epoch: 'E', seq: 2, ts: 1, ops: [] },
      'older version (1)',
    ],
  ])('stops and says so when the first message is %s', async (_what, first, says) => {
    const server = await relayServer()
    const messages: ServerMessage[] = []
    const states: { state: ConnectionState; error?: string }[] = []
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const opened: WsClient[] = []
    const client = new RelayClient({
      url: server.url,
      createSocket: (u) => {
        const ws = new WsClient(u)
        opened.push(ws)
        return ws as unknown as WebSocket
      },
      delay: () => 0,
      position: () => null,
      onMessage: (m) => messages.push(m),
      onState: (state, info) => states.push({ state, ...(info.error && { error: info.error }) }),
    })
    cleanup.push(
      async () => client.stop(),
      server.close,
      async () => errors.mockRestore(),
    )
    client.start()
    await until(() => server.sockets.length === 1 && states.some((s) => s.state === 'open'))
    server.send(0, first)
    await until(() => states.at(-1)?.state === 'incompatible')
    expect(states.at(-1)!.error).toContain(says)
    expect(states.at(-1)!.error).toContain(`this page speaks version ${RELAY_PROTOCOL}`)
    expect(errors).toHaveBeenCalledWith(expect.stringContaining(says))
    expect(messages).toEqual([])
    // no reconnect: once the socket has closed (its close handler has run), nothing was
    // scheduled and no second socket was opened
    await until(() => opened[0]!.readyState === WsClient.CLOSED)
    expect(states.map((s) => s.state)).not.toContain('reconnecting')
    expect(opened).toHaveLength(1)
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
    server.send(0, { type: 'resumed', protocol: RELAY_PROTOCOL, epoch: 'E', seq: 1 })
    await until(() => messages.length === 1)
    await until(() => client.requestSnapshot())
    await until(() => server.received.length === 1)
    expect(server.received[0]).toEqual({ type: 'snapshot' })
    server.sockets[0]!.send('not json{')
    server.send(0, { type: 'feeds', feeds: [] })
    await until(() => messages.length === 2)
    expect(messages[1]).toEqual({ type: 'feeds', feeds: [] })
  })
})
