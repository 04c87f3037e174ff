import { pino } from 'pino'
import PinoPretty from 'pino-pretty'
import type { Logger as PinoLogger } from 'pino'
import type { Logger } from '@oddsboard/feedkit'
import { redactSecrets } from '@oddsboard/feedkit'

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
 * The proxy's structured logger (pino), with secrets redacted twice: by field
 * ({@link REDACT_PATHS}) and, on every finished line, by value and shape
 * (`redactSecrets` of @oddsboard/feedkit: URL user info, cookies, tokens, session ids, the
 * Kwiff uuid, any registered secret). JSON lines on stdout, or,
 * for `format` `pretty` (or `auto` on a terminal), the same records as coloured one-line
 * text via pino-pretty. `destination` is for tests (a stream to read the lines back).
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  format: 'auto' | 'json' | 'pretty' = 'json',
): PinoLogger {
  const options = {
    level,
    base: { app: 'oddsboard' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The boundary where a record becomes text: whatever path an error took into the
    // record (a reason, a sample, an err), its secrets are censored here, in one place.
    hooks: { streamWrite: redactSecrets },
  }
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true)
  if (pretty) {
    const stream = PinoPretty({
      colorize: destination === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      singleLine: true,
      ignore: 'pid,hostname,app',
      sync: true,
      ...(destination !== undefined && { destination }),
    })
    return pino(options, stream)
  }
  return destination === undefined ? pino(options) : pino(options, destination)
}

/** `logger.child(bindings)` when the logger has children (pino), else the logger itself. */
export function childLogger(logger: Logger, bindings: object): Logger {
  const withChild = logger as Logger & { child?: (b: object) => Logger }
  return typeof withChild.child === 'function' ? withChild.child(bindings) : logger
}
