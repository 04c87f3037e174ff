import type { Op, Selection } from '@oddsboard/model'

/** A selection upsert with the given decimal odds, for tests and the bench. */
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
      ...extra,
    },
  }
}

/** An event upsert, for tests. */
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
    },
  }
}
