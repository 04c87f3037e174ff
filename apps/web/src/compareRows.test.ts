import {
  indexMarkets,
  stateFromEntities,
  type CanonicalEvent,
  type Entity,
  type Outcome,
  type Source,
} from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import { compareRows, rowComparison, type CompareRow } from './compareRows'
import type { RowCache } from './rows'

/** A hand-built board: "Arsenal v Chelsea" on Winamax (French names) and Kwiff (sides swapped), one Bet365 event alone. */
function entities(kwiffHome = 4.2): Entity[] {
  const out: Entity[] = []
  const book = (
    source: Source,
    names: [string, string],
    odds: [number, number, number],
    score: { home: number; away: number },
    updatedAt: number,
  ) => {
    out.push(
      { kind: 'sport', id: `${source}:1`, source, key: 'football', name: 'Football' },
      {
        kind: 'competition',
        id: `${source}:c`,
        source,
        sportId: `${source}:1`,
        name: `${source} league`,
      },
      {
        kind: 'event',
        id: `${source}:e`,
        source,
        sportId: `${source}:1`,
        competitionId: `${source}:c`,
        name: names.join(' v '),
        participants: names,
        status: 'live',
        score,
        updatedAt,
      },
      {
        kind: 'market',
        id: `${source}:m`,
        source,
        eventId: `${source}:e`,
        name: '1X2',
        type: '1x2',
        suspended: false,
        main: true,
      },
    )
    ;(['home', 'draw', 'away'] as Outcome[]).forEach((outcome, i) =>
      out.push({
        kind: 'selection',
        id: `${source}:s${i}`,
        source,
        eventId: `${source}:e`,
        marketId: `${source}:m`,
        name: outcome,
        order: i,
        outcome,
        odds: odds[i]!,
        suspended: false,
        updatedAt: 10 + i,
      }),
    )
  }
  book('winamax', ['Arsenal', 'Chelsea'], [2.0, 3.4, 4.0], { home: 0, away: 0 }, 1)
  book('kwiff', ['Chelsea', 'Arsenal'], [kwiffHome, 3.5, 1.9], { home: 0, away: 1 }, 5)
  book('bet365', ['Leeds', 'Hull'], [2.0, 3.0, 4.0], { home: 0, away: 0 }, 1)
  const canonical: CanonicalEvent = {
    kind: 'canonical',
    id: 'canonical:1',
    sport: 'football',
    name: 'Arsenal v Chelsea',
    participants: ['Arsenal', 'Chelsea'],
    members: [
      {
        eventId: 'winamax:e',
        source: 'winamax',
        swapped: false,
        score: 1,
        reasons: [],
        by: 'matcher',
      },
      {
        eventId: 'kwiff:e',
        source: 'kwiff',
        swapped: true,
        score: 0.9,
        reasons: [],
        by: 'matcher',
      },
    ],
    updatedAt: 1,
  }
  out.push(canonical)
  return out
}

describe('compareRows', () => {
  it('makes one row per canonical event, in canonical side order, and keeps it while nothing it holds changes', () => {
    const state = stateFromEntities(entities())
    const cache: RowCache<CompareRow> = new Map()
    const rows = compareRows(state, indexMarkets(state), () => true, cache)
    expect(rows.map((r) => r.id)).toEqual(['canonical:1'])
    const row = rows[0]!
    expect(row.events.map((e) => e.id)).toEqual(['winamax:e', 'kwiff:e'])
    expect(row.competitions).toEqual(['winamax league', 'kwiff league'])
    // The newest score is Kwiff's 0–1 (Chelsea 0, Arsenal 1), read in canonical order: 1–0.
    expect(row.match.status).toBe('live')
    expect(row.match.score).toEqual({ home: 1, away: 0 })
    const again = compareRows(state, indexMarkets(state), () => true, cache)
    expect(again[0]).toBe(row)
    const c = rowComparison(row.layout, state, new Set(), '')
    // Kwiff's home price (Chelsea) is the canonical away price.
    expect(c.outcomes.map((o) => o.best)).toEqual([2.0, 3.5, 4.2])
    expect(c.outcomes[2]!.bestSources).toEqual(['kwiff'])
    expect(rowComparison(row.layout, state, new Set(), '')).toBe(c)
    // A stale book is never best.
    const stale = rowComparison(row.layout, state, new Set(['kwiff']), 'kwiff')
    expect(stale.outcomes[2]!.best).toBe(4.0)
  })

  it('keeps a row when any of its books passes the filter, and drops it when none does', () => {
    const state = stateFromEntities(entities())
    const idx = indexMarkets(state)
    expect(compareRows(state, idx, (e) => e.source === 'kwiff', new Map())).toHaveLength(1)
    expect(compareRows(state, idx, (e) => e.source === 'bet365', new Map())).toHaveLength(0)
  })
})
