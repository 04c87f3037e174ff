/**
 * The logging surface feeds and servers use: pino's signature (`logger.warn({obj}, 'msg')`),
 * so a pino logger can be passed as is and tests can pass a recorder.
 */
export interface Logger {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
