/**
 * Test-only entry: the real proxy (hub, linker, relay, HTTP API, link store in DATA_DIR)
 * with three hand-driven feeds instead of the simulators, so a spec decides every event and
 * every price. Started by `startScriptedProxy` (e2e/scripted.ts); reads one JSON command per
 * line on stdin, `{"source":"bet365","ops":[…]}`, and hands the ops to that book's feed as
 * if they came from upstream; answers `{"ack":N}` on stdout after emitting command N.
 * Logs the proxy's `oddsboard listening` line (with its URL) like `apps/proxy/src/main.ts`.
 */
import readline from 'node:readline'
import { FakeFeed } from '@oddsboard/feedkit/testing'
import { SOURCES, type Op, type Source } from '@oddsboard/model'
import { loadConfig } from '../apps/proxy/src/config'
import { createLogger } from '../apps/proxy/src/logger'
import { startProxy } from '../apps/proxy/src/server'

const config = loadConfig(process.env, [])
const logger = createLogger(config.logLevel, undefined, 'json')
const feeds = new Map<Source, FakeFeed>(SOURCES.map((s) => [s, new FakeFeed(s)]))
const proxy = await startProxy(config, logger, {
  feeds: [...feeds.values()],
  linkDebounceMs: 100,
})
process.stdout.write(`${JSON.stringify({ msg: 'oddsboard listening', url: proxy.url })}\n`)

let n = 0
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return
  const cmd = JSON.parse(line) as { source: Source; ops: Op[] }
  feeds.get(cmd.source)?.emit(cmd.ops)
  process.stdout.write(`${JSON.stringify({ ack: ++n })}\n`)
})

const stop = () => {
  void proxy.close().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
