/**
 * @oddsboard/winamax: the Winamax feed (shared/DESIGN.md, "Winamax").
 * codec (wire ↔ payloads), normalize (payloads → model ops), feed (socket lifecycle).
 * The simulator is a separate entry point, `@oddsboard/winamax/sim`.
 */
export * from './codec'
export * from './normalize'
export * from './feed'
export * from './adapter'
