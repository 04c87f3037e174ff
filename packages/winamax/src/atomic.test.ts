/**
 * Issue 13 part 2: a frame counted as bad must leave no trace, at any layer (raw store,
 * indexes, entities). Each payload goes the feed's way: decode (`decodeMEvent`) then
 * `WinamaxStore.apply`; a throw from either is a bad frame.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Entity } from '@oddsboard/model'
import { mFrames, readCapture } from './capture'
import {
  decodeEventFrame,
  decodeMEvent,
  decodeMPayload,
  ENTITY_COLLECTIONS,
  WinamaxPayloadError,
} from './codec'
import type { Derivation } from './derive'
import { WinamaxStore } from './normalize'

const snapshotText = mFrames(readCapture().frames)[0]!.data

/** The capture's snapshot in a fresh store, applied the feed's way. */
function snapshotStore(): WinamaxStore {
  const store = new WinamaxStore()
  store.apply(decodeMEvent(decodeEventFrame(snapshotText).args), 1_000)
  return store
}

/** `{"deep":{"deep":…}}` nested `levels` times, as JSON text (as it comes off the socket). */
function nested(levels: number): string {
  return '{"deep":'.repeat(levels) + '1' + '}'.repeat(levels)
}

/** Applies one frame's JSON text the feed's way; returns the error of a bad frame, or null. */
function feedApply(store: WinamaxStore, text: string, now: number): Error | null {
  try {
    store.apply(decodeMEvent([JSON.parse(text)]), now)
    return null
  } catch (err) {
    return err as Error
  }
}

describe('issue 13: a rejected frame changes nothing', () => {
  // A = Slovénie - Kosovo (prematch); B = Torreense - FC Felgueiras. A's id sorts first, so
  // a merge that walks the matches in order reaches A before B.
  const A = '56418335'
  const B = '64890878'

  it('the exact scenario: a 20,000-level field, then a frame whose second half is that deep', () => {
    const store = snapshotStore()
    // 1. A match gets a field nested 20,000 levels deep.
    feedApply(store, `{"matches":{"${B}":{"deep":${nested(20_000)}}}}`, 2_000)
    // 2. One frame: A goes live 3-0, B gets the deep field again. Counted as bad.
    const bad = feedApply(
      store,
      `{"matches":{"${A}":{"status":"LIVE","score":"3:0"},"${B}":{"deep":${nested(20_000)}}}}`,
      3_000,
    )
    expect(bad).not.toBeNull()
    expect(store.entity('event', `winamax:m${A}`)).toMatchObject({ status: 'prematch' })
    // 3. A valid frame on A: A must still be prematch with no score.
    expect(feedApply(store, `{"matches":{"${A}":{"matchtime":5}}}`, 4_000)).toBeNull()
    const a = store.entity('event', `winamax:m${A}`)
    expect(a).toMatchObject({ status: 'prematch' })
    expect(a && 'score' in a ? a.score : undefined).toBeUndefined()
    expect(store.raw('matches')[A]!.status).toBe('PREMATCH')
    expect(store.raw('matches')[A]!.score).toBeUndefined()
  })

  it('nesting beyond what the book sends is refused up front with a clear reason', () => {
    const store = snapshotStore()
    const err = feedApply(store, `{"matches":{"${B}":{"deep":${nested(40)}}}}`, 2_000)
    expect(err).toBeInstanceOf(WinamaxPayloadError)
    expect(err!.message).toMatch(/nest/i)
    expect(store.raw('matches')[B]!.deep).toBeUndefined()
  })
})

describe('the first payload of an empty store is adopted, not walked', () => {
  const B = '64890878'

  it('its nesting is never followed: the entities stay plain, a delta into it is bounded', () => {
    const store = new WinamaxStore()
    // A snapshot is adopted as sent (walking its 114,810 values would cost a third of
    // JSON.parse): a 20,000-level field in it is kept, inert.
    const first = `{"sports":{"1":{"sportName":"Football"}},"matches":{"${B}":{"sportId":1,"deep":${nested(20_000)}}}}`
    expect(feedApply(store, first, 1_000)).toBeNull()
    // Nothing derived carries raw values: the entities serialize whole.
    expect(() => JSON.stringify([...store.entities()])).not.toThrow()
    // A delta that would merge into that depth is refused whole, before anything changes.
    const bad = feedApply(
      store,
      `{"sports":{"1":{"sportName":"Soccer"}},"matches":{"${B}":{"deep":${nested(40)}}}}`,
      2_000,
    )
    expect(bad).toBeInstanceOf(WinamaxPayloadError)
    expect(bad!.message).toMatch(/nests deeper than 32 levels \(under matches\.64890878\.deep/)
    expect(store.entity('sport', 'winamax:s1')).toMatchObject({ name: 'Football' })
    // A shallow delta replaces it (the merge follows the delta, not what it holds).
    expect(feedApply(store, `{"matches":{"${B}":{"deep":1}}}`, 3_000)).toBeNull()
    expect(store.raw('matches')[B]!.deep).toBe(1)
  })
})

/** Everything a store holds, as text: raw collections, prices (sampled), meta, entities. */
function dump(store: WinamaxStore): string {
  return JSON.stringify({
    raw: ENTITY_COLLECTIONS.map((c) => store.raw(c)),
    meta: store.meta(),
    prices: ['1659938405', '1668797834', '1668797835'].map((o) => store.price(o)),
    entities: [...store.entities()],
    rejected: store.rejectedOdds,
  })
}

type Builder = (...args: unknown[]) => unknown

describe('a throw part-way through apply leaves nothing behind', () => {
  // Touches every layer: a sport's category list (index), a category's tournaments, a match
  // removed and one changed (main bet, clock), a bet moved, new outcomes, odds, meta.
  const delta = {
    sports: { '1': { categories: [1, 4] } },
    categories: { '4': { categoryName: 'Europe', tournaments: [900002365] } },
    matches: {
      '56418335': { status: 'LIVE', score: '3:0', matchtimeExtended: '1:00', periodId: 6 },
      '64890878': null,
    },
    bets: { '527219550': { available: false }, '530021069': { matchId: 56418335 } },
    outcomes: { '77': { betId: 527219550, label: 'new' } },
    odds: { '1659938405': 9.5, '1668797834': null, '77': 2 },
    mainMatchCount: 3,
    settings: { a: 1 },
  }

  for (const after of [1, 5, 40]) {
    it(`when the derivation throws after ${after} rebuilt entities`, () => {
      const store = snapshotStore()
      const control = snapshotStore()
      const before = dump(store)
      const entities = store.entities()
      // Fault injection: every builder of this store's derivation throws after `after` calls.
      const derivation = (store as unknown as { derivation: Derivation }).derivation
      const builders = (derivation as unknown as { builders: Record<string, Builder> }).builders
      let calls = 0
      for (const [kind, real] of Object.entries(builders)) {
        builders[kind] = (...args: unknown[]) => {
          if (++calls > after) throw new Error('boom')
          return real(...args)
        }
      }
      expect(() => store.apply(decodeMPayload(structuredClone(delta)), 2_000)).toThrow('boom')
      calls = -Infinity
      expect(dump(store)).toBe(before)
      for (const [id, e] of entities) expect(store.entity(e.kind, id)).toBe(e)
      // The indexes too: the same delta now gives the same ops and state as on a store that
      // never saw the failure.
      const a = store.apply(decodeMPayload(structuredClone(delta)), 3_000)
      const b = control.apply(decodeMPayload(structuredClone(delta)), 3_000)
      expect(a).toEqual(b)
      expect(dump(store)).toBe(dump(control))
    })
  }
})

/** A small world: two matches of one tournament, their bets, outcomes and odds. */
const world = {
  sports: { '1': { sportName: 'Football', categories: [1] } },
  categories: { '1': { categoryName: 'France', tournaments: [10] } },
  tournaments: { '10': { tournamentName: 'Ligue 1' } },
  matches: {
    '100': {
      sportId: 1,
      tournamentId: 10,
      title: 'A - B',
      competitor1Name: 'A',
      competitor2Name: 'B',
      status: 'PREMATCH',
      mainBetId: 200,
    },
    '101': {
      sportId: 1,
      tournamentId: 10,
      title: 'C - D',
      competitor1Name: 'C',
      competitor2Name: 'D',
      status: 'LIVE',
      periodId: 6,
      matchtimeExtended: '10:00',
    },
  },
  bets: {
    '200': { matchId: 100, betTitle: 'Résultat', template: '3way', outcomes: [300, 301, 302] },
    '201': {
      matchId: 101,
      betTitle: 'Nombre de buts',
      template: 'OverUnder',
      specialBetValue: 'total=2.5',
      outcomes: [303, 304],
    },
  },
  outcomes: {
    '300': { betId: 200, label: 'A', code: '1' },
    '301': { betId: 200, label: 'Match nul', code: 'x' },
    '302': { betId: 200, label: 'B', code: '2' },
    '303': { betId: 201, label: 'Plus de 2,5', code: 'over' },
    '304': { betId: 201, label: 'Moins de 2,5', code: 'under' },
  },
  odds: { '300': 2, '301': 3.2, '302': 3.5, '303': 1.8, '304': 2 },
}

const matchId = fc.constantFrom('100', '101', '102')
const betId = fc.constantFrom('200', '201', '202')
const outcomeId = fc.constantFrom('300', '301', '302', '303', '304', '305')
const maybeNull = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: a })

/** Deltas of the shapes Winamax sends (fields of the capture), including removals. */
const validDelta = fc.record(
  {
    matches: fc.dictionary(
      matchId,
      maybeNull(
        fc.record(
          {
            status: fc.constantFrom('PREMATCH', 'LIVE', 'ENDED'),
            score: fc.constantFrom('0:0', '1:0', '2:1'),
            matchtimeExtended: fc.constantFrom('1:00', '45:00', '80:16'),
            periodId: fc.constantFrom(0, 6, 7),
            mainBetId: fc.constantFrom(200, 201, 202),
            sportId: fc.constant(1),
            tournamentId: fc.constant(10),
            competitor1Name: fc.constant('E'),
            nested: fc.record({ a: fc.record({ b: fc.integer() }) }),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
    bets: fc.dictionary(
      betId,
      maybeNull(
        fc.record(
          {
            matchId: fc.constantFrom(100, 101, 102),
            available: fc.boolean(),
            template: fc.constantFrom('3way', 'OverUnder', 'ListOdd'),
            outcomes: fc.subarray([300, 301, 302, 303, 304, 305]),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
    outcomes: fc.dictionary(
      outcomeId,
      maybeNull(
        fc.record(
          {
            betId: fc.constantFrom(200, 201, 202),
            hotUsers: fc.nat(500),
            available: fc.boolean(),
            label: fc.string({ maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
    odds: fc.dictionary(
      outcomeId,
      fc.oneof(fc.constant(null), fc.double({ min: 1, max: 50, noNaN: true }), fc.constant('x')),
    ),
    categories: fc.dictionary(
      fc.constant('1'),
      fc.record({ tournaments: fc.subarray([10, 11]) }, { requiredKeys: [] }),
    ),
  },
  { requiredKeys: [] },
)

/** A valid delta with something the book never sends mixed in: the whole frame must go. */
const malformed = fc
  .tuple(
    validDelta,
    fc.oneof(
      fc.integer({ min: 40, max: 3_000 }).map((levels) => ({
        matches: { '999': { deep: JSON.parse(nested(levels)) as unknown } },
      })),
      fc.constantFrom<Record<string, unknown>>(
        { bets: { '999': 'not an entity' } },
        { outcomes: { '999': [1, 2] } },
        { matches: { '999': 7 } },
        { odds: [1.5] },
        { sports: 'Football' },
        { requestId: 5 },
      ),
    ),
  )
  .map(([valid, poison]) => {
    const out: Record<string, unknown> = { ...valid }
    for (const [k, v] of Object.entries(poison)) {
      const cur = out[k]
      out[k] =
        typeof cur === 'object' &&
        cur !== null &&
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v)
          ? { ...cur, ...v }
          : v
    }
    return out
  })

describe('property: malformed frames interleaved with valid ones', () => {
  it('leave the same entities as the valid frames alone', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            validDelta.map((p) => ({ ok: true, p })),
            malformed.map((p) => ({ ok: false, p })),
          ),
          {
            maxLength: 25,
          },
        ),
        (frames) => {
          const mixed = new WinamaxStore()
          const clean = new WinamaxStore()
          mixed.apply(decodeMPayload(structuredClone(world)), 0)
          clean.apply(decodeMPayload(structuredClone(world)), 0)
          let now = 0
          for (const { ok, p } of frames) {
            if (ok) now += 1_000
            const err = feedApply(mixed, JSON.stringify(p), now)
            expect(err === null).toBe(ok)
            if (ok) clean.apply(decodeMPayload(JSON.parse(JSON.stringify(p))), now)
          }
          const sorted = (s: WinamaxStore) =>
            [...s.entities().values()].sort((a: Entity, b: Entity) => (a.id < b.id ? -1 : 1))
          expect(sorted(mixed)).toEqual(sorted(clean))
          expect(mixed.rejectedOdds).toBe(clean.rejectedOdds)
        },
      ),
      { numRuns: 150 },
    )
  })
})
