import { pino } from 'pino'
import type { Logger as PinoLogger } from 'pino'
import type { Logger } from '@oddsboard/model'

/**
 * Paths pino censors wherever they appear in a log object: bet365 secrets, cookies and
 * authorization headers (shared/DESIGN.md, "Security stance"). Code should not log them at
 * all; this is the safety net.
 */
export const REDACT_PATHS = [
  'sessionId',
  'token',
  'cookie',
  'headers.cookie',
  'headers.authorization',
  '*.sessionId',
  '*.token',
  '*.cookie',
  '*.headers.cookie',
  '*.headers.authorization',
  'BET365_SESSION',
  'BET365_TOKEN',
  '*.BET365_SESSION',
  '*.BET365_TOKEN',
]

/**
 * The proxy's structured logger: JSON lines on stdout (pino), with secrets redacted.
 * `destination` is for tests (a stream to read the lines back).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): PinoLogger {
  const options = {
    level,
    base: { app: 'oddsboard' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }
  return destination === undefined ? pino(options) : pino(options, destination)
}

/** `logger.child(bindings)` when the logger has children (pino), else the logger itself. */
export function childLogger(logger: Logger, bindings: object): Logger {
  const withChild = logger as Logger & { child?: (b: object) => Logger }
  return typeof withChild.child === 'function' ? withChild.child(bindings) : logger
}
