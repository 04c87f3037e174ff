/**
 * Canonical fields of the Winamax normalizer (issue 8 item 1), on the real capture where it
 * has the case, on small hand-written payloads where it does not.
 */
import { describe, expect, it } from 'vitest'
import type { Entity, Event, Market, Selection } from '@oddsboard/model'
import { mFrames, readCapture } from './capture'
import { decodeEventFrame, decodeMPayload } from './codec'
import {
  classifyBet,
  matchClock,
  parseHandicap,
  selectionOutcome,
  specifier,
  winamaxId,
  winamaxSportKey,
  WinamaxStore,
} from './normalize'

const frames = mFrames(readCapture().frames)
/** Capture start (serverSendTime of the snapshot), epoch ms; frame i arrives at T0 + t. */
const T0 = 1_762_278_279_249

function replay(count = frames.length): WinamaxStore {
  const store = new WinamaxStore()
  for (const f of frames.slice(0, count))
    store.apply(decodeMPayload(decodeEventFrame(f.data).args[0]), T0 + Math.round(f.t))
  return store
}

const all = (store: WinamaxStore) => [...store.entities().values()]
const marketsOf = (store: WinamaxStore, eventId: string) =>
  all(store).filter((e): e is Market => e.kind === 'market' && e.eventId === eventId)
const selectionsOf = (store: WinamaxStore, marketId: string) =>
  all(store)
    .filter((e): e is Selection => e.kind === 'selection' && e.marketId === marketId)
    .sort((a, b) => a.order - b.order)

describe('the issue 8 defects, on the capture', () => {
  const store = replay()

  it('Dinamo Batoumi - Iberia 1999: its main bet is over/under 2.5, over and under', () => {
    const [m, ...rest] = marketsOf(store, winamaxId.event('57274261'))
    expect(rest).toEqual([])
    expect(m).toMatchObject({ name: 'Nombre de buts', type: 'over-under', line: 2.5, main: true })
    expect(selectionsOf(store, m!.id).map((s) => [s.name, s.outcome])).toEqual([
      ['Plus de 2,5', 'over'],
      ['Moins de 2,5', 'under'],
    ])
  })

  it('Coupe du Monde 2026: one outright market of 67 runners, main, no outcomes', () => {
    const [m, ...rest] = marketsOf(store, winamaxId.event('1000027736'))
    expect(rest).toEqual([])
    expect(m).toMatchObject({ name: 'Vainqueur', type: 'outright', main: true })
    expect(m!.line).toBeUndefined()
    const sels = selectionsOf(store, m!.id)
    expect(sels).toHaveLength(67)
    expect(sels.every((s) => s.outcome === undefined)).toBe(true)
  })

  it('a 1X2 main bet has home, draw and away; the live one that replaced it too', () => {
    const m = store.entity('market', winamaxId.market('527219550')) as Market
    expect(m).toMatchObject({ type: '1x2', main: true })
    expect(selectionsOf(store, m.id).map((s) => s.outcome)).toEqual(['home', 'draw', 'away'])
    const live = store.entity('market', winamaxId.market('530074737')) as Market
    expect(live).toMatchObject({ type: '1x2', main: true, eventId: winamaxId.event('63369817') })
  })

  it('every market has a type and a boolean main; exactly one main per event with markets', () => {
    const markets = all(store).filter((e): e is Market => e.kind === 'market')
    expect(markets.length).toBeGreaterThan(600)
    const mains = new Map<string, number>()
    for (const m of markets) {
      expect(typeof m.main).toBe('boolean')
      expect(['1x2', 'over-under', 'outright', 'other']).toContain(m.type)
      if (m.main) mains.set(m.eventId, (mains.get(m.eventId) ?? 0) + 1)
    }
    const events = new Set(markets.map((m) => m.eventId))
    for (const id of events) expect(mains.get(id), id).toBe(1)
  })

  it('MultiFoot (a 3-way over nine matches, no opponent) is no match result: other', () => {
    const m = store.entity('market', winamaxId.market('529386330')) as Market
    expect(m).toMatchObject({ type: 'other', main: true })
    expect(selectionsOf(store, m.id).map((s) => s.outcome)).toEqual([
      undefined,
      undefined,
      undefined,
    ])
  })

  it('sports carry their canonical key; unknown ones are other with Winamax name kept', () => {
    const sports = all(store).filter((e) => e.kind === 'sport')
    expect(sports).toHaveLength(24)
    expect(store.entity('sport', 'winamax:s1')).toMatchObject({ key: 'football', name: 'Football' })
    expect(store.entity('sport', 'winamax:s4')).toMatchObject({
      key: 'ice-hockey',
      name: 'Hockey sur glace',
    })
    expect(store.entity('sport', 'winamax:s9992')).toMatchObject({ key: 'rugby-league' })
    expect(store.entity('sport', 'winamax:s100000')).toMatchObject({
      key: 'other',
      name: 'Cotes boostées ',
    })
    expect(store.entity('sport', 'winamax:s13')).toMatchObject({ key: 'other' })
    expect(winamaxSportKey(5)).toBe('tennis')
    expect(winamaxSportKey('424242')).toBe('other')
  })

  it('live clocks run from the receive time of their last reading, in the named period', () => {
    const torreense = store.entity('event', winamaxId.event('64890878')) as Event
    // Its last reading, "81:16", was first received at frame t; later frames resend it.
    const first = frames.find((f) => f.data.includes('"81:16"'))!
    expect(frames.filter((f) => f.data.includes('"81:16"')).length).toBeGreaterThan(1)
    expect(torreense.clock!.at).toBe(T0 + Math.round(first.t))
    expect(torreense.period).toBe('2nd half')
    // A prematch match has no clock and no period.
    const pre = store.entity('event', winamaxId.event('56418335')) as Event
    expect(pre.clock).toBeUndefined()
    expect(pre.period).toBeUndefined()
  })
})

describe('updatedAt', () => {
  const snapshot = () => {
    const store = new WinamaxStore()
    store.apply(decodeMPayload(decodeEventFrame(frames[0]!.data).args[0]), 1_000)
    return store
  }
  const put = (store: WinamaxStore, p: unknown, now: number) =>
    store.apply(decodeMPayload(p), now).ops

  it('is the receive time of the last visible change, per entity', () => {
    const store = snapshot()
    expect(store.entity('event', 'winamax:m64890878')!).toMatchObject({ updatedAt: 1_000 })
    put(store, { outcomes: { '1668797834': { hotUsers: 300 } } }, 2_000)
    expect(store.entity('selection', 'winamax:o1668797834')).toMatchObject({ updatedAt: 2_000 })
    expect(store.entity('selection', 'winamax:o1668797835')).toMatchObject({ updatedAt: 1_000 })
    expect(store.entity('event', 'winamax:m64890878')).toMatchObject({ updatedAt: 1_000 })
    put(store, { matches: { '64890878': { score: '2:0' } } }, 3_000)
    expect(store.entity('event', 'winamax:m64890878')).toMatchObject({ updatedAt: 3_000 })
  })

  it('a payload that brings nothing new keeps it (and emits nothing)', () => {
    const store = snapshot()
    const before = store.entity('selection', 'winamax:o1668797834')
    expect(put(store, { odds: { '1668797834': 1.17 } }, 5_000)).toEqual([])
    expect(put(store, { matches: { '64890878': { moreBets: 3 } } }, 5_000)).toEqual([])
    expect(put(store, { matches: { '64890878': { matchtimeExtended: '78:16' } } }, 5_000)).toEqual(
      [],
    )
    expect(store.entity('selection', 'winamax:o1668797834')).toBe(before)
    expect(store.entity('event', 'winamax:m64890878')).toMatchObject({
      updatedAt: 1_000,
      clock: { at: 1_000 },
    })
  })

  it('a store rebuilt after a reconnect keeps what did not change (entities, clock at)', () => {
    const old = snapshot()
    put(old, { outcomes: { '1668797834': { hotUsers: 300 } } }, 2_000)
    const fresh = new WinamaxStore({ previous: old })
    const snap = decodeMPayload(decodeEventFrame(frames[0]!.data).args[0])
    ;(snap.outcomes!['1668797834'] as Record<string, unknown>).hotUsers = 300
    ;(snap.matches!['64890878'] as Record<string, unknown>).score = '2:0'
    fresh.apply(snap, 9_000)
    expect(fresh.entity('selection', 'winamax:o1668797834')).toBe(
      old.entity('selection', 'winamax:o1668797834'),
    )
    expect(fresh.entity('market', 'winamax:b527219550')).toBe(
      old.entity('market', 'winamax:b527219550'),
    )
    // The score changed while away: new updatedAt; the clock reading did not: same at.
    expect(fresh.entity('event', 'winamax:m64890878')).toMatchObject({
      updatedAt: 9_000,
      clock: { seconds: 78 * 60 + 16, at: 1_000 },
    })
  })
})

describe('main market when the match names none', () => {
  const base = {
    sports: { '5': { sportName: 'Tennis', categories: [3] } },
    categories: { '3': { categoryName: 'ATP', tournaments: [7] } },
    tournaments: { '7': { tournamentName: 'Paris' } },
    matches: {
      '100': {
        sportId: 5,
        tournamentId: 7,
        title: 'A - B',
        competitor1Name: 'A',
        competitor2Name: 'B',
        status: 'LIVE',
        periodId: 9,
      },
    },
    bets: {
      '30': {
        matchId: 100,
        betTitle: 'Nombre de jeux',
        specialBetValue: 'total=22.5',
        template: 'OverUnder',
        outcomes: [301, 302],
      },
      '20': { matchId: 100, betTitle: 'Vainqueur du match', outcomes: [201, 202] },
      '10': { matchId: 100, betTitle: 'Score exact', template: 'ListOdd', outcomes: [101] },
    },
    outcomes: {
      '201': { betId: 20, label: 'A', code: '1' },
      '202': { betId: 20, label: 'B', code: '2' },
      '301': { betId: 30, label: 'Plus de 22,5', code: 'over' },
      '302': { betId: 30, label: 'Moins de 22,5', code: 'under' },
      '101': { betId: 10, label: '2-0' },
    },
    odds: { '201': 1.5, '202': 2.6, '301': 1.9, '302': 1.9, '101': 3 },
  }

  it('picks the first winner/1x2 bet, then follows mainBetId, then falls back when it goes', () => {
    const store = new WinamaxStore()
    store.apply(decodeMPayload(structuredClone(base)), 1)
    const main = () =>
      ['10', '20', '30'].filter(
        (b) => (store.entity('market', `winamax:b${b}`) as Market | undefined)?.main,
      )
    expect(main()).toEqual(['20'])
    expect(store.entity('market', 'winamax:b20')).toMatchObject({ type: 'winner' })
    expect(store.entity('selection', 'winamax:o201')).toMatchObject({ outcome: 'home' })
    expect(store.entity('market', 'winamax:b30')).toMatchObject({ type: 'over-under', line: 22.5 })
    expect(store.entity('sport', 'winamax:s5')).toMatchObject({ key: 'tennis' })
    // Tennis: no clock, the set as period.
    expect(store.entity('event', 'winamax:m100')).toMatchObject({ period: 'Set 2' })
    expect((store.entity('event', 'winamax:m100') as Event).clock).toBeUndefined()
    store.apply(decodeMPayload({ matches: { '100': { mainBetId: 30 } } }), 2)
    expect(main()).toEqual(['30'])
    store.apply(decodeMPayload({ bets: { '30': null, '20': null } }), 3)
    expect(main()).toEqual(['10'])
  })
})

describe('market types, lines and outcomes', () => {
  const match = { competitor1Name: 'A', competitor2Name: 'B' }
  it('reads structural fields first, French titles for what the capture lacks', () => {
    expect(classifyBet({ template: '3way', outcomes: [1, 2, 3] }, match)).toEqual({ type: '1x2' })
    expect(
      classifyBet({ template: 'OverUnder', specialBetValue: 'total=4', outcomes: [1, 2] }, match),
    ).toEqual({ type: 'over-under', line: 4 })
    expect(
      classifyBet({ betTitle: 'Handicap', specialBetValue: 'hcp=0:1', outcomes: [1, 2, 3] }, match),
    ).toEqual({ type: 'handicap', line: -1 })
    expect(
      classifyBet(
        { betTitle: 'Handicap asiatique', specialBetValue: 'hcp=-1.5', outcomes: [1, 2] },
        match,
      ),
    ).toEqual({ type: 'handicap', line: -1.5 })
    expect(classifyBet({ betTitle: 'Face à face', outcomes: [1, 2] }, match)).toEqual({
      type: 'winner',
    })
    expect(classifyBet({ betTitle: 'Prochain but', outcomes: [1, 2, 3] }, match)).toEqual({
      type: 'next-goal',
    })
    expect(
      classifyBet({ betTitle: 'Buteur', template: 'ListOdd', outcomes: [1, 2, 3, 4] }, match),
    ).toEqual({ type: 'other' })
    expect(classifyBet({ template: 'ListOdd', outcomes: [1, 2] }, { isOutright: true })).toEqual({
      type: 'outright',
    })
    expect(specifier('type=live|hcp=-1', 'hcp')).toBe('-1')
    expect(specifier('xhcp=1|hcp=2', 'hcp')).toBe('2')
    expect(specifier('xhcp=1', 'hcp')).toBeUndefined()
    expect(parseHandicap('+2')).toBe(2)
    expect(parseHandicap('x')).toBeUndefined()
  })

  it('maps outcome codes, labels, then positions', () => {
    expect(selectionOutcome('1x2', { code: 'x' }, 1, 3)).toBe('draw')
    expect(selectionOutcome('winner', { code: '2' }, 1, 2)).toBe('away')
    expect(selectionOutcome('over-under', { label: 'Moins de 2,5' }, 0, 2)).toBe('under')
    expect(selectionOutcome('next-goal', { code: 'x' }, 1, 3)).toBe('none')
    expect(selectionOutcome('handicap', {}, 1, 2)).toBe('away')
    expect(selectionOutcome('outright', { code: '1' }, 0, 20)).toBeUndefined()
  })

  it('a clock stops outside playing periods and when Winamax says clockStopped', () => {
    expect(matchClock({ matchtimeExtended: '45:00', periodId: 6 }, 5)).toEqual({
      running: true,
      seconds: 2700,
      at: 5,
      period: '1st half',
    })
    expect(
      matchClock({ matchtimeExtended: '45:00', periodId: 6, clockStopped: true }, 5),
    ).toMatchObject({ running: false })
    expect(matchClock({ matchtime: 46, periodId: 31, periodName: 'Mi-temps' }, 5)).toEqual({
      running: false,
      seconds: 2700,
      at: 5,
      period: 'Mi-temps',
    })
    expect(matchClock({ periodId: 6 }, 5)).toBeUndefined()
  })
})

// Keep the type import used when entity shapes change.
export type { Entity }
