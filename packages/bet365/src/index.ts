/**
 * @oddsboard/bet365: the Bet365 "zap" feed. `codec` (wire text ↔ messages), `tree` (topic
 * tree), `normalize` (tree → model ops), `tennis` (score parsing and the scoring engine),
 * `feed` (socket lifecycle). The simulator is at `@oddsboard/bet365/sim`.
 */
export * from './codec'
export * from './tree'
export * from './normalize'
export * from './tennis'
export * from './feed'
export * from './adapter'
