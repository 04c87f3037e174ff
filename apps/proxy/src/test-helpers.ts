import type { Op, Selection } from '@oddsboard/model'

/** A selection upsert (a valid `Selection`) with the given decimal odds, for tests. */
export function selectionOp(n: number, odds: number | null, extra: Partial<Selection> = {}): Op {
  return {
    op: 'upsert',
    entity: {
      kind: 'selection',
      id: `winamax:s${n}`,
      source: 'winamax',
      eventId: 'winamax:e1',
      marketId: 'winamax:m1',
      name: `Selection ${n}`,
      order: n,
      odds,
      suspended: false,
      updatedAt: 1_000,
      ...extra,
    },
  }
}

/** An event upsert (a valid `Event`, live, no clock), for tests. */
export function eventOp(n: number, name = `Home ${n} - Away ${n}`): Op {
  return {
    op: 'upsert',
    entity: {
      kind: 'event',
      id: `winamax:e${n}`,
      source: 'winamax',
      sportId: 'winamax:5',
      competitionId: 'winamax:c1',
      name,
      participants: [`Home ${n}`, `Away ${n}`],
      status: 'live',
      updatedAt: 1_000,
    },
  }
}
