/**
 * @oddsboard/kwiff: Kwiff command codec, normalizer and feed. The simulator is at
 * `@oddsboard/kwiff/sim` so the proxy's live mode never loads socket.io's server.
 */
export * from './codec'
export * from './normalize'
export * from './feed'
export * from './adapter'
