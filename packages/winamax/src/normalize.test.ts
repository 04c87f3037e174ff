import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { applyOps, emptyState, entityId } from '@oddsboard/model'
import type { EntityState, Op, Selection } from '@oddsboard/model'
import { mFrames, readCapture } from './capture'
import { decodeEventFrame, decodeMPayload, WinamaxPayloadError } from './codec'
import type { WinamaxPayload } from './codec'
import type { ApplyResult } from './normalize'
import { matchStatus, parseScore, winamaxId, WinamaxStore } from './normalize'

const frames = mFrames(readCapture().frames)
/** Fresh objects every call: a store takes ownership of what it is given. */
const payloads = (): WinamaxPayload[] =>
  frames.map((f) => decodeEventFrame(f.data).args[0] as WinamaxPayload)

/** Receive time of the payloads in these tests, epoch ms. */
const T0 = 1_762_278_279_249

/** Decodes `p` (as the feed does) and applies it at `now`. */
function put(store: WinamaxStore, p: unknown, now: number = T0): ApplyResult {
  return store.apply(decodeMPayload(p), now)
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A reference merge written independently of the store: deep-merge every payload's
 * collections, null deletes, arrays replace; odds keep the last valid number.
 */
function referenceState() {
  const colls = ['sports', 'categories', 'tournaments', 'matches', 'bets', 'outcomes'] as const
  const state: Record<string, Record<string, Obj>> = Object.fromEntries(colls.map((c) => [c, {}]))
  const odds: Record<string, number> = {}
  const merge = (a: Obj, b: Obj) => {
    for (const [k, v] of Object.entries(b)) {
      if (isObj(v) && isObj(a[k])) merge(a[k] as Obj, v)
      else a[k] = v
    }
  }
  for (const f of frames) {
    const p = JSON.parse(f.data.slice(2))[1] as Obj
    for (const c of colls) {
      for (const [id, e] of Object.entries((p[c] as Obj | undefined) ?? {})) {
        if (e === null) delete state[c]![id]
        else if (state[c]![id] !== undefined) merge(state[c]![id]!, e as Obj)
        else state[c]![id] = structuredClone(e) as Obj
      }
    }
    for (const [id, v] of Object.entries((p.odds as Obj | undefined) ?? {})) {
      if (v === null) delete odds[id]
      else if (typeof v === 'number' && v > 1) odds[id] = v
    }
  }
  return { ...state, odds } as Record<(typeof colls)[number], Record<string, Obj>> & {
    odds: Record<string, number>
  }
}

function applyAll(store: WinamaxStore, list: WinamaxPayload[]): EntityState {
  let state = emptyState()
  for (const p of list) state = applyOps(state, put(store, p).ops)
  return state
}

describe('WinamaxStore on the real capture', () => {
  it('snapshot alone matches the capture digest (689 matches, 2,843 outcomes, 200 tournaments, 24 sports)', () => {
    const snapshot = payloads()[0]!
    expect(Object.keys(snapshot.matches!)).toHaveLength(689)
    expect(Object.keys(snapshot.bets!)).toHaveLength(689)
    expect(Object.keys(snapshot.outcomes!)).toHaveLength(2843)
    expect(Object.keys(snapshot.tournaments!)).toHaveLength(200)
    expect(Object.keys(snapshot.sports!)).toHaveLength(24)
    // One bet and three outcomes are already null in the snapshot itself.
    const nullBets = Object.values(snapshot.bets!).filter((b) => b === null).length
    const nullOutcomes = Object.values(snapshot.outcomes!).filter((o) => o === null).length
    const store = new WinamaxStore()
    const state = applyAll(store, [snapshot])
    expect(state.sport.size).toBe(24)
    expect(state.competition.size).toBe(200)
    expect(state.event.size).toBe(689)
    expect(state.market.size).toBe(689 - nullBets)
    expect(state.selection.size).toBe(2843 - nullOutcomes)
    // The snapshot's two odds of exactly 1 mean "not on offer": unpriced, not rejected.
    expect(store.rejectedOdds).toBe(0)
    expect(state.selection.get('winamax:o1659943496')).toMatchObject({
      name: 'Danemark',
      odds: null,
    })
  })

  it('after all 113 frames, counts equal an independent merge of the raw frames', () => {
    const ref = referenceState()
    const sportOfCategory = new Map<string, string>()
    for (const [sid, s] of Object.entries(ref.sports))
      for (const c of (s.categories as number[]) ?? []) sportOfCategory.set(String(c), sid)
    const tournamentsWithSport = new Set<string>()
    for (const [cid, c] of Object.entries(ref.categories))
      if (sportOfCategory.has(cid))
        for (const t of (c.tournaments as number[]) ?? []) tournamentsWithSport.add(String(t))
    const matchIds = new Set(
      Object.entries(ref.matches)
        .filter(([, m]) => m.sportId != null && m.tournamentId != null)
        .map(([id]) => id),
    )
    const betIds = new Set(
      Object.entries(ref.bets)
        .filter(([, b]) => matchIds.has(String(b.matchId)))
        .map(([id]) => id),
    )
    const outcomeIds = Object.entries(ref.outcomes)
      .filter(([, o]) => betIds.has(String(o.betId)))
      .map(([id]) => id)

    const store = new WinamaxStore()
    const state = applyAll(store, payloads())
    expect(state.sport.size).toBe(
      Object.values(ref.sports).filter((s) => typeof s.sportName === 'string').length,
    )
    expect(state.competition.size).toBe(
      Object.keys(ref.tournaments).filter((t) => tournamentsWithSport.has(t)).length,
    )
    expect(state.event.size).toBe(matchIds.size)
    expect(state.market.size).toBe(betIds.size)
    expect(state.selection.size).toBe(outcomeIds.length)
    // The store's own bookkeeping agrees with the state the ops built.
    expect(store.counts()).toEqual({
      sport: state.sport.size,
      competition: state.competition.size,
      event: state.event.size,
      market: state.market.size,
      selection: state.selection.size,
    })
    // Every selection carries the last valid odds of the raw frames.
    for (const id of outcomeIds) {
      const s = state.selection.get(winamaxId.selection(id))!
      expect(s.odds).toBe(ref.odds[id] ?? null)
    }
  })

  it('odds moved several times by deltas hold their last values', () => {
    const state = applyAll(new WinamaxStore(), payloads())
    const odds = (o: string) => state.selection.get(winamaxId.selection(o))?.odds
    // 1666975405: 1.98 in the snapshot, then 2, 2.05, …, 2.2, 2.3 (10 deltas).
    expect(odds('1666975405')).toBe(2.3)
    // 1666975406: 1.52, then 1.47 … 1.41, 1.39.
    expect(odds('1666975406')).toBe(1.39)
    // 1668962575: new at the Naples kick-off, then 3.75, 3.8, 3.8, 3.75, 3.7.
    expect(odds('1668962575')).toBe(3.7)
    // 1668797834: 1.17 → 1.18, 1.2, 1.17, 1.16 …, 1.16.
    expect(odds('1668797834')).toBe(1.16)
  })

  it('removed (null) outcomes and bets are gone; the live main bet replaced them', () => {
    const state = applyAll(new WinamaxStore(), payloads())
    for (const o of ['1646285223', '1646285224', '1646285225', '1646444452', '1646444453'])
      expect(state.selection.has(winamaxId.selection(o))).toBe(false)
    expect(state.market.has(winamaxId.market('522800237'))).toBe(false)
    // 63369817 (Slavia Prague - Arsenal) kicked off: live, new main bet 530074737.
    const ev = state.event.get(winamaxId.event('63369817'))!
    expect(ev.status).toBe('live')
    expect(ev.score).toEqual({ home: 0, away: 0 })
    expect(ev.clock).toEqual({ running: true, seconds: 131, at: T0, period: '1st half' })
    expect(ev.period).toBe('1st half')
    expect(state.market.get(winamaxId.market('530074737'))).toMatchObject({ main: true })
    expect(state.selection.get(winamaxId.selection('1668961121'))).toMatchObject({
      name: 'Arsenal',
      order: 2,
      hotUsers: 451,
    })
  })

  it('removing a match removes its markets and selections, and they return with it', () => {
    const list = payloads()
    const store = new WinamaxStore()
    const ops: Op[][] = []
    for (const p of list) ops.push(put(store, p).ops)
    // Frame 27 of the m frames (index 24 here) sets match 1000131614 to null.
    const i = list.findIndex((_, k) => frames[k]!.data.includes('"1000131614":null'))
    expect(i).toBeGreaterThan(0)
    const removed = ops[i]!.filter((o) => o.op === 'remove').map((o) => (o as { id: string }).id)
    expect(removed).toContain(winamaxId.event('1000131614'))
    expect(removed).toContain(winamaxId.market('529384906'))
    expect(removed).toContain(winamaxId.selection('1666907269'))
    // Removes come children first.
    expect(removed.indexOf(winamaxId.selection('1666907269'))).toBeLessThan(
      removed.indexOf(winamaxId.market('529384906')),
    )
    // The next frame sends the match again in full: it is back with its market.
    const back = ops[i + 1]!.filter((o) => o.op === 'upsert').map(
      (o) => (o as { entity: { id: string } }).entity.id,
    )
    expect(back).toContain(winamaxId.event('1000131614'))
    expect(back).toContain(winamaxId.market('529384906'))
  })

  it('normalizes a prematch and a live match as the digest shows them', () => {
    const state = applyAll(new WinamaxStore(), payloads().slice(0, 1))
    const pre = state.event.get(entityId('winamax', 'm56418335'))!
    expect(pre).toMatchObject({
      name: 'Slovénie - Kosovo',
      participants: ['Slovénie', 'Kosovo'],
      status: 'prematch',
      startTime: 1763235900_000,
      sportId: 'winamax:s1',
      competitionId: 'winamax:t900002365',
    })
    expect(pre.clock).toBeUndefined()
    const live = state.event.get(winamaxId.event('64890878'))!
    expect(live).toMatchObject({
      status: 'live',
      clock: { running: true, seconds: 78 * 60 + 16, at: T0, period: '2nd half' },
      period: '2nd half',
      score: { home: 1, away: 0 },
      updatedAt: T0,
    })
    const sel = state.selection.get(winamaxId.selection('1659938405')) as Selection
    expect(sel).toMatchObject({ name: 'Slovénie', odds: 1.72, order: 0, suspended: false })
    expect(sel.marketId).toBe(winamaxId.market('527219550'))
    expect(state.market.get(winamaxId.market('527219550'))).toMatchObject({
      name: 'Résultat',
      main: true,
      eventId: winamaxId.event('56418335'),
    })
    expect(state.competition.get(winamaxId.competition('1'))).toMatchObject({
      name: 'Premier League',
      region: 'Angleterre',
      sportId: 'winamax:s1',
    })
  })
})

describe('WinamaxStore deltas', () => {
  const snapshotStore = () => {
    const store = new WinamaxStore()
    put(store, payloads()[0]!)
    return store
  }

  it('an odds delta for one outcome is one selection upsert', () => {
    const store = snapshotStore()
    const { ops } = put(store, { odds: { '1659938405': 1.8 } })
    expect(ops).toHaveLength(1)
    expect(ops[0]).toMatchObject({
      op: 'upsert',
      entity: { kind: 'selection', id: 'winamax:o1659938405', odds: 1.8 },
    })
  })

  it('fields the model does not show change nothing; a clock tick is one event upsert', () => {
    const store = snapshotStore()
    expect(put(store, { matches: { '64890878': { moreBets: 12, filters: [1] } } }).ops).toEqual([])
    const { ops } = put(
      store,
      { matches: { '64890878': { matchtimeExtended: '79:01' } } },
      T0 + 45_000,
    )
    expect(ops).toHaveLength(1)
    expect(ops[0]).toMatchObject({
      entity: {
        kind: 'event',
        clock: { running: true, seconds: 79 * 60 + 1, at: T0 + 45_000 },
        updatedAt: T0 + 45_000,
      },
    })
  })

  it('hotUsers and availability reach the selection; bet availability suspends its selections', () => {
    const store = snapshotStore()
    let ops = put(store, { outcomes: { '1659938406': { hotUsers: 42 } } }).ops
    expect(ops).toEqual([
      {
        op: 'upsert',
        entity: expect.objectContaining({ id: 'winamax:o1659938406', hotUsers: 42 }),
      },
    ])
    ops = put(store, { bets: { '527219550': { available: false } } }).ops
    const kinds = ops.map((o) => (o as { entity: { kind: string; suspended: boolean } }).entity)
    expect(kinds.filter((e) => e.kind === 'market' && e.suspended)).toHaveLength(1)
    expect(kinds.filter((e) => e.kind === 'selection' && e.suspended)).toHaveLength(3)
  })

  it('a partial entity for an unknown id is kept raw but not shown', () => {
    const store = snapshotStore()
    const before = store.counts()
    expect(put(store, { outcomes: { '999': { hotUsers: 3 } } }).ops).toEqual([])
    expect(store.counts()).toEqual(before)
    expect(store.raw('outcomes')['999']).toEqual({ hotUsers: 3 })
  })

  it('nested objects merge field by field and arrays replace', () => {
    const store = new WinamaxStore()
    put(store, { settings: { a: { x: 1, y: 2 }, list: [1, 2] } })
    put(store, { settings: { a: { y: 3 }, list: [9] } })
    expect(store.meta().settings).toEqual({ a: { x: 1, y: 3 }, list: [9] })
  })
})

describe('WinamaxStore bad input', () => {
  const snapshotStore = () => {
    const store = new WinamaxStore()
    const state = applyOps(emptyState(), put(store, payloads()[0]!).ops)
    return { store, state }
  }

  it('odds that are strings, NaN, Infinity or below 1 are counted and skipped; the price stays', () => {
    const { store } = snapshotStore()
    const before = store.rejectedOdds
    const { ops, rejectedOdds } = put(store, {
      odds: { '1659938405': '2.5', '1659938406': Number.NaN, '1659938407': 0.5, y: Infinity },
    })
    expect(rejectedOdds).toBe(4)
    expect(store.rejectedOdds).toBe(before + 4)
    expect(ops).toEqual([])
    expect(store.price('1659938405')).toBe(1.72)
    expect(store.entity('selection', 'winamax:o1659938406')).toMatchObject({ odds: 3.25 })
  })

  it('odds of exactly 1 (not on offer) make a selection unpriced without counting an error', () => {
    const { store } = snapshotStore()
    const before = store.rejectedOdds
    const { ops, rejectedOdds } = put(store, { odds: { '1659938405': 1 } })
    expect(rejectedOdds).toBe(0)
    expect(store.rejectedOdds).toBe(before)
    expect(ops).toMatchObject([{ op: 'upsert', entity: { id: 'winamax:o1659938405', odds: null } }])
  })

  it('unknown fields and keys are tolerated', () => {
    const { store } = snapshotStore()
    const { ops } = put(store, {
      somethingNew: { a: 1 },
      matches: { '56418335': { brandNewField: 'x' } },
    } as WinamaxPayload)
    expect(ops).toEqual([])
    expect(store.meta().somethingNew).toEqual({ a: 1 })
  })

  it('a payload with a bad entity throws and changes nothing, even its good parts', () => {
    const { store } = snapshotStore()
    const entitiesBefore = store.entities()
    expect(() =>
      put(store, {
        odds: { '1659938405': 9.5 },
        outcomes: { '1659938406': 'not an entity' },
      }),
    ).toThrow(WinamaxPayloadError)
    expect(store.price('1659938405')).toBe(1.72)
    const after = store.entities()
    expect(after.size).toBe(entitiesBefore.size)
    for (const [id, e] of entitiesBefore) expect(after.get(id)).toBe(e)
  })

  it('a snapshot with a bad entity deep inside leaves an empty store, which then takes a good one', () => {
    const store = new WinamaxStore()
    const bad = payloads()[0]!
    ;(bad.outcomes as Record<string, unknown>)['1659938407'] = [1, 2]
    expect(() => put(store, bad)).toThrow(WinamaxPayloadError)
    expect(store.counts()).toEqual({ sport: 0, competition: 0, event: 0, market: 0, selection: 0 })
    expect(store.entities().size).toBe(0)
    const state = applyAll(store, payloads().slice(0, 1))
    expect(state.event.size).toBe(689)
  })

  it('property: any JSON value either applies or throws WinamaxPayloadError leaving the store as it was', () => {
    const { store } = snapshotStore()
    const collection = fc.dictionary(
      fc.constantFrom('1659938405', '56418335', '527219550', '1', '5', '77'),
      fc.oneof(fc.constant(null), fc.jsonValue()),
    )
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              matches: collection,
              outcomes: collection,
              bets: collection,
              odds: collection,
              sports: collection,
            },
            { requiredKeys: [] },
          ),
        ),
        (value) => {
          const counts = store.counts()
          const sample = ['winamax:o1659938405', 'winamax:o1659938406'].map((id) =>
            store.entity('selection', id),
          )
          const event = store.entity('event', 'winamax:m56418335')
          try {
            put(store, value)
          } catch (err) {
            expect(err).toBeInstanceOf(WinamaxPayloadError)
            expect(store.counts()).toEqual(counts)
            expect(store.entity('selection', 'winamax:o1659938405')).toBe(sample[0])
            expect(store.entity('selection', 'winamax:o1659938406')).toBe(sample[1])
            expect(store.entity('event', 'winamax:m56418335')).toBe(event)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('field helpers', () => {
  it('matchStatus maps Winamax status/period/availability', () => {
    expect(matchStatus({ status: 'PREMATCH', period: 'not_started' })).toBe('prematch')
    expect(matchStatus({ status: 'LIVE', period: '2p' })).toBe('live')
    expect(matchStatus({ status: 'LIVE', available: false })).toBe('suspended')
    expect(matchStatus({ status: 'PREMATCH', period: 'cancelled' })).toBe('ended')
    expect(matchStatus({ status: 'ENDED' })).toBe('ended')
  })

  it('parseScore reads "h:a"', () => {
    expect(parseScore('1:0')).toEqual({ home: 1, away: 0 })
    expect(parseScore('12:10')).toEqual({ home: 12, away: 10 })
    expect(parseScore('1:0 - 0:0')).toBeUndefined()
    expect(parseScore(3)).toBeUndefined()
  })

  it('ids are kind-prefixed entityIds', () => {
    expect(winamaxId.selection(1659938405)).toBe(entityId('winamax', 'o1659938405'))
    expect(winamaxId.event('61065927')).toBe('winamax:m61065927')
  })
})
