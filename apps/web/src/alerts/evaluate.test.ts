import {
  applyOps,
  stateFromEntities,
  type CanonicalEvent,
  type Entity,
  type EntityState,
  type Event,
  type Market,
  type Outcome,
  type PricePoint,
  type Selection,
  type Source,
} from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import { emptyMemory, evaluateRules, tennisEvents, type AlertMemory } from './evaluate'
import { decodeRules, encodeRules, mergeRules, type AlertRule } from './rules'

/* ---------- a hand-built board ---------- */

const event = (source: Source, over: Partial<Event> = {}): Event => ({
  kind: 'event',
  id: `${source}:e1`,
  source,
  sportId: `${source}:football`,
  competitionId: `${source}:c1`,
  name: 'Arsenal v Chelsea',
  participants: ['Arsenal', 'Chelsea'],
  status: 'live',
  updatedAt: 1_000,
  ...over,
})
const market = (source: Source): Market => ({
  kind: 'market',
  id: `${source}:m1`,
  source,
  eventId: `${source}:e1`,
  name: 'Match result',
  type: '1x2',
  suspended: false,
  main: true,
})
const sel = (
  source: Source,
  outcome: Outcome,
  odds: number | null,
  over: Partial<Selection> = {},
): Selection => ({
  kind: 'selection',
  id: `${source}:${outcome}`,
  source,
  eventId: `${source}:e1`,
  marketId: `${source}:m1`,
  name: outcome,
  order: 0,
  outcome,
  odds,
  suspended: false,
  updatedAt: 2_000,
  ...over,
})

const book = (source: Source, home: number, draw: number, away: number): Entity[] => [
  event(source),
  market(source),
  sel(source, 'home', home),
  sel(source, 'draw', draw),
  sel(source, 'away', away),
]

const upsert = (s: EntityState, ...entities: Entity[]) =>
  applyOps(
    s,
    entities.map((entity) => ({ op: 'upsert' as const, entity })),
  )

const T0 = 1_800_000_000_000
const change = (
  prev: EntityState,
  next: EntityState,
  now: number,
  history = new Map<string, PricePoint[]>(),
) => ({
  prev,
  next,
  now,
  history,
})

const price = (over: Partial<Extract<AlertRule, { kind: 'price' }>> = {}): AlertRule => ({
  id: 'r1',
  label: 'Arsenal v Chelsea · Arsenal (Bet365)',
  kind: 'price',
  sel: 'bet365:home',
  dir: 'above',
  value: 2.5,
  ...over,
})

describe('price rules', () => {
  const s0 = stateFromEntities(book('bet365', 2.4, 3.2, 3))
  it('fire when the odds cross the value upwards, once', () => {
    const s1 = upsert(s0, sel('bet365', 'home', 2.6))
    const { fires } = evaluateRules([price()], change(s0, s1, T0), emptyMemory())
    expect(fires).toHaveLength(1)
    expect(fires[0]).toMatchObject({ ruleId: 'r1', severity: 'warn', ts: T0 })
    expect(fires[0]!.body).toContain('2.40 → 2.60')
    // Already above: a further rise does not fire again.
    const s2 = upsert(s1, sel('bet365', 'home', 2.7))
    expect(evaluateRules([price()], change(s1, s2, T0 + 1), emptyMemory()).fires).toEqual([])
  })
  it('fire downwards for a below rule, and never on a suspended or unpriced side', () => {
    const below = price({ dir: 'below', value: 2.2 })
    const s1 = upsert(s0, sel('bet365', 'home', 2.2))
    expect(evaluateRules([below], change(s0, s1, T0), emptyMemory()).fires).toHaveLength(1)
    const susp = upsert(s0, sel('bet365', 'home', 2.1, { suspended: true }))
    expect(evaluateRules([below], change(s0, susp, T0), emptyMemory()).fires).toEqual([])
    const unpriced = upsert(s0, sel('bet365', 'home', null))
    expect(evaluateRules([below], change(s0, unpriced, T0), emptyMemory()).fires).toEqual([])
    // Not crossing: 2.40 → 2.30 stays above 2.20.
    const s2 = upsert(s0, sel('bet365', 'home', 2.3))
    expect(evaluateRules([below], change(s0, s2, T0), emptyMemory()).fires).toEqual([])
  })
  it('ignore a selection that appears for the first time (a snapshot)', () => {
    const empty = stateFromEntities([])
    expect(evaluateRules([price()], change(empty, s0, T0), emptyMemory()).fires).toEqual([])
  })
})

describe('move rules', () => {
  const rule: AlertRule = {
    id: 'mv',
    label: 'x',
    kind: 'move',
    sel: 'bet365:home',
    pct: 10,
    mins: 5,
  }
  const s0 = stateFromEntities(book('bet365', 2.0, 3.2, 3))
  it('fire when the price is more than N % away from a price within M minutes, then stay quiet for M minutes', () => {
    // 2.00 four minutes ago, 2.10 two minutes ago, now 2.30: +15 % on 2.00.
    const history = new Map<string, PricePoint[]>([
      [
        'bet365:home',
        [
          [T0 - 240_000, 2.0],
          [T0 - 120_000, 2.1],
          [T0, 2.3],
        ],
      ],
    ])
    const s1 = upsert(s0, sel('bet365', 'home', 2.1))
    const s2 = upsert(s1, sel('bet365', 'home', 2.3))
    const r = evaluateRules([rule], change(s1, s2, T0, history), emptyMemory())
    expect(r.fires).toHaveLength(1)
    expect(r.fires[0]!.body).toBe('2.00 → 2.30 (+15.0 % within 5 min)')
    const s3 = upsert(s2, sel('bet365', 'home', 2.6))
    expect(evaluateRules([rule], change(s2, s3, T0 + 60_000, history), r.memory).fires).toEqual([])
    expect(
      evaluateRules([rule], change(s2, s3, T0 + 301_000, history), r.memory).fires,
    ).toHaveLength(1)
  })
  it('do not fire for a move spread over longer than the window', () => {
    // 2.00 twenty minutes ago, 2.20 eight minutes ago (held at the window start), now 2.30: +4.5 %.
    const history = new Map<string, PricePoint[]>([
      [
        'bet365:home',
        [
          [T0 - 1_200_000, 2.0],
          [T0 - 480_000, 2.2],
          [T0, 2.3],
        ],
      ],
    ])
    const s1 = upsert(s0, sel('bet365', 'home', 2.2))
    const s2 = upsert(s1, sel('bet365', 'home', 2.3))
    expect(evaluateRules([rule], change(s1, s2, T0, history), emptyMemory()).fires).toEqual([])
  })
})

describe('hot rules', () => {
  const hot = (users: number) => sel('winamax', 'home', 2, { hotUsers: users })
  const s0 = stateFromEntities([event('winamax'), market('winamax'), hot(100)])
  const byUsers: AlertRule = {
    id: 'h',
    label: 'x',
    kind: 'hot',
    sel: 'winamax:home',
    by: 50,
    unit: 'users',
    mins: 5,
  }
  it('fire when hotUsers rise by more than N within M minutes', () => {
    let mem: AlertMemory = emptyMemory()
    const s1 = upsert(s0, hot(130))
    let r = evaluateRules([byUsers], change(s0, s1, T0), mem)
    expect(r.fires).toEqual([])
    mem = r.memory
    const s2 = upsert(s1, hot(160))
    r = evaluateRules([byUsers], change(s1, s2, T0 + 60_000), mem)
    expect(r.fires).toHaveLength(1)
    expect(r.fires[0]!.body).toBe('Hot users 100 → 160 (+60 %) within 5 min')
  })
  it('measure from the count held at the window start, and in % when asked', () => {
    const pct: AlertRule = { ...byUsers, by: 50, unit: 'pct' }
    let mem: AlertMemory = emptyMemory()
    const s1 = upsert(s0, hot(140))
    mem = evaluateRules([pct], change(s0, s1, T0), mem).memory
    // Ten minutes later: 140 held at the window start, +40 → +28.6 %: no.
    const s2 = upsert(s1, hot(180))
    const r = evaluateRules([pct], change(s1, s2, T0 + 600_000), mem)
    expect(r.fires).toEqual([])
    const s3 = upsert(s2, hot(220))
    expect(evaluateRules([pct], change(s2, s3, T0 + 660_000), r.memory).fires).toHaveLength(1)
  })
})

describe('tennis rules', () => {
  const match = (
    sets: [number, number][],
    server: 0 | 1 | null,
    status: Event['status'] = 'live',
  ) =>
    event('bet365', {
      id: 'bet365:t1',
      name: 'Sinner v Alcaraz',
      participants: ['Sinner', 'Alcaraz'],
      status,
      score: { sets, points: ['0', '0'], server },
    })
  it('see a break of serve, a hold, a set end, a tiebreak and the match end', () => {
    expect(tennisEvents(match([[2, 2]], 0), match([[2, 3]], 1))).toEqual([
      { type: 'break', text: 'Alcaraz breaks Sinner: 2-3' },
    ])
    expect(tennisEvents(match([[2, 2]], 0), match([[3, 2]], 1))).toEqual([])
    expect(
      tennisEvents(
        match([[5, 4]], 0),
        match(
          [
            [6, 4],
            [0, 0],
          ],
          1,
        ),
      ),
    ).toEqual([{ type: 'set', text: 'Set 1 to Sinner 6-4: 6-4 0-0' }])
    expect(
      tennisEvents(
        match([[6, 6]], 0),
        match(
          [
            [6, 7],
            [0, 0],
          ],
          1,
        ),
      ).map((c) => c.type),
    ).toEqual(['set'])
    expect(
      tennisEvents(
        match(
          [
            [6, 4],
            [5, 3],
          ],
          1,
        ),
        match(
          [
            [6, 4],
            [6, 3],
          ],
          null,
          'ended',
        ),
      ),
    ).toEqual([
      { type: 'break', text: 'Sinner breaks Alcaraz: 6-4 6-3' },
      { type: 'set', text: 'Match over: 6-4 6-3' },
    ])
    // Server unknown: no break claimed.
    expect(tennisEvents(match([[2, 2]], null), match([[2, 3]], null))).toEqual([])
  })
  it('fire only what the rule asks', () => {
    const s0 = stateFromEntities([match([[5, 4]], 1)])
    const s1 = upsert(
      s0,
      match(
        [
          [6, 4],
          [0, 0],
        ],
        0,
      ),
    )
    const rule = (on: 'break' | 'set' | 'any'): AlertRule => ({
      id: on,
      label: 'x',
      kind: 'tennis',
      event: 'bet365:t1',
      on,
    })
    const r = evaluateRules(
      [rule('break'), rule('set'), rule('any')],
      change(s0, s1, T0),
      emptyMemory(),
    )
    expect(r.fires.map((f) => f.ruleId)).toEqual(['break', 'set', 'any', 'any'])
  })
})

describe('surebet rules', () => {
  const canonical: CanonicalEvent = {
    kind: 'canonical',
    id: 'canonical:1',
    sport: 'football',
    name: 'Arsenal v Chelsea',
    participants: ['Arsenal', 'Chelsea'],
    members: (['winamax', 'bet365'] as const).map((source) => ({
      eventId: `${source}:e1`,
      source,
      swapped: false,
      score: 0.95,
      reasons: [],
      by: 'matcher' as const,
    })),
    updatedAt: 1_000,
  }
  const s0 = stateFromEntities([
    ...book('winamax', 2.5, 3.2, 2.8),
    ...book('bet365', 2.4, 3.3, 2.9),
    canonical,
  ])
  const any: AlertRule = { id: 's', label: 'Any surebet', kind: 'surebet', canonical: null }
  it('fire when the best-of-books combination becomes a surebet, after a first sight', () => {
    let r = evaluateRules([any], change(stateFromEntities([]), s0, T0), emptyMemory())
    expect(r.fires).toEqual([])
    expect(r.memory.surebet['canonical:1']).toBe(false)
    // 1/3.3 + 1/3.5 + 1/3.6 < 1.
    const s1 = upsert(s0, sel('winamax', 'home', 3.5), sel('bet365', 'away', 3.6))
    r = evaluateRules([any], change(s0, s1, T0 + 1), r.memory)
    expect(r.fires).toHaveLength(1)
    expect(r.fires[0]).toMatchObject({ severity: 'alarm', title: 'Surebet: Arsenal v Chelsea' })
    // A rule added just before the change (nothing remembered) compares with the state before it.
    expect(evaluateRules([any], change(s0, s1, T0 + 1), emptyMemory()).fires).toHaveLength(1)
    expect(evaluateRules([any], change(s1, s1, T0 + 1), emptyMemory()).fires).toEqual([])
    // Still a surebet: no second alert.
    const s2 = upsert(s1, sel('winamax', 'draw', 3.25))
    expect(evaluateRules([any], change(s1, s2, T0 + 2), r.memory).fires).toEqual([])
  })
})

describe('rule encoding', () => {
  const rules: AlertRule[] = [
    price(),
    {
      id: 'mv',
      label: 'Sinner · Player 1 (Bet365) ✓',
      kind: 'move',
      sel: 'bet365:x',
      pct: 7.5,
      mins: 10,
    },
    { id: 's', label: 'Any surebet', kind: 'surebet', canonical: null },
    { id: 't', label: 'Sinner v Alcaraz', kind: 'tennis', event: 'bet365:t1', on: 'break' },
    { id: 'h', label: 'x', kind: 'hot', sel: 'winamax:1', by: 25, unit: 'pct', mins: 15 },
  ]
  it('round-trips every kind through one URL-safe token', () => {
    const token = encodeRules(rules)
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeRules(token)).toEqual(rules)
    expect(encodeRules([])).toBe('')
  })
  it('drops malformed tokens and rules, and merges by id', () => {
    expect(decodeRules('%%%')).toEqual([])
    expect(decodeRules(btoa('{"a":1}'))).toEqual([])
    const bad = btoa(JSON.stringify([['p', 'a', 'l', 'sel', 1, -2], ['q'], ['s', 'b', 'l', null]]))
    expect(decodeRules(bad)).toEqual([{ id: 'b', label: 'l', kind: 'surebet', canonical: null }])
    expect(mergeRules(rules.slice(0, 2), rules.slice(1)).map((r) => r.id)).toEqual([
      'r1',
      'mv',
      's',
      't',
      'h',
    ])
  })
})
