import { ConfigError, describeConfig, loadConfig, usage } from './config'
import { createLogger } from './logger'
import { startProxy } from './server'

// Entry point: `tsx apps/proxy/src/main.ts [--port 9000 …]`. Exit codes: 0 after a clean
// shutdown, 1 when start-up fails, 2 for a bad configuration.

const argv = process.argv.slice(2)
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(usage())
  process.exit(0)
}

let config
try {
  config = loadConfig(process.env, argv)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  process.stderr.write(`oddsboard: bad configuration\n${err.message}\n`)
  process.exit(2)
}

const logger = createLogger(config.logLevel, undefined, config.logFormat)
logger.info({ config: describeConfig(config) }, 'oddsboard starting')

try {
  const proxy =
    config.role === 'all'
      ? await startProxy(config, logger)
      : await (await import('./cluster/index')).startClusterNode(config, logger)
  logger.info(
    { url: proxy.url, epoch: proxy.hub?.epoch ?? null, role: config.role },
    'oddsboard listening',
  )
  // A plain line a person reads on the console (beside the JSON log, on stderr so stdout
  // stays JSON): where the dashboard is. An ingest node serves no page.
  if (config.role !== 'ingest') process.stderr.write(`oddsboard: open ${proxy.url} in a browser\n`)
  let signals = 0
  const shutdown = (signal: string) => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now')
      logger.flush()
      process.exit(1)
    }
    logger.info({ signal }, 'oddsboard shutting down')
    const force = setTimeout(() => {
      logger.error({}, 'shutdown took over 10 s: exiting')
      logger.flush()
      process.exit(1)
    }, 10_000)
    force.unref()
    proxy.close().then(
      () => {
        logger.info({}, 'oddsboard stopped')
        logger.flush()
        process.exit(0)
      },
      (err: unknown) => {
        logger.error({ err: String(err) }, 'shutdown failed')
        logger.flush()
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
} catch (err) {
  logger.error(
    { err: err instanceof Error ? err.message : String(err) },
    'oddsboard failed to start',
  )
  logger.flush()
  process.exit(1)
}
