import fc from 'fast-check'
import { fractionalToDecimal } from '@oddsboard/model'
import { mulberry32 } from '@oddsboard/feedkit'
import { describe, expect, it } from 'vitest'
import {
  FRACTION_LADDER,
  formatTennisScore,
  gameWinProbability,
  matchWinProbability,
  newMatch,
  parseTennisScore,
  playPoint,
  pointsText,
  priceFractional,
  scoreOf,
  stateFromScore,
  TennisStateError,
  tiebreakWinProbability,
  type MatchState,
  type Player,
} from './tennis'

const play = (state: MatchState, winners: string): MatchState =>
  [...winners].reduce((s, w) => playPoint(s, Number(w) as Player), state)

describe('parseTennisScore (SS, XP, PI)', () => {
  it("parses the seed's and the 2026 load's scores", () => {
    expect(parseTennisScore('3-6,1-0', '0-0', '0,1')).toEqual({
      ok: true,
      score: {
        sets: [
          [3, 6],
          [1, 0],
        ],
        points: ['0', '0'],
        server: 0,
      },
    })
    expect(parseTennisScore('4-6,1-0', '40-A', '0,1')).toEqual({
      ok: true,
      score: {
        sets: [
          [4, 6],
          [1, 0],
        ],
        points: ['40', 'A'],
        server: 0,
      },
    })
    expect(parseTennisScore('6-4,6-7,7-6,6-7,0-0', '0-0', '1,0')).toMatchObject({
      ok: true,
      score: { server: 1 },
    })
    // Tiebreak digits at 6-6.
    expect(parseTennisScore('6-6', '5-4', '1,0')).toMatchObject({ score: { points: ['5', '4'] } })
    expect(parseTennisScore('6-3')).toEqual({
      ok: true,
      score: { sets: [[6, 3]], points: ['0', '0'], server: null },
    })
  })

  it('reports what does not parse instead of guessing', () => {
    const bad: [string, string?, string?][] = [
      ['', '0-0'],
      ['6-x', '0-0'],
      ['9-1'],
      ['6-3,', '0-0'],
      ['3-2', '50-0'],
      ['3-2', 'A-A'],
      ['3-2', 'A-15'],
      ['3-2', '5-4'],
      ['6-6', 'A-40'],
      ['3-2', '15-0', '2,0'],
      ['124/2,200 All Out'],
    ]
    for (const [ss, xp, pi] of bad) {
      const r = parseTennisScore(ss, xp, pi)
      expect(r.ok, `${ss} ${xp} ${pi}`).toBe(false)
      if (!r.ok) expect(r.error.length).toBeGreaterThan(3)
    }
  })

  it('formatTennisScore writes the fields back', () => {
    const parsed = parseTennisScore('3-6,1-0', '40-15', '1,0')
    expect(parsed.ok && formatTennisScore(parsed.score)).toEqual({
      SS: '3-6,1-0',
      XP: '40-15',
      PI: '1,0',
    })
  })
})

describe('scoring engine', () => {
  it('deuce and advantage', () => {
    let s = play(newMatch(), '000111')
    expect(pointsText(s)).toEqual(['40', '40'])
    s = playPoint(s, 0)
    expect(pointsText(s)).toEqual(['A', '40'])
    s = playPoint(s, 1)
    expect(pointsText(s)).toEqual(['40', '40'])
    s = play(s, '11')
    expect(s.sets).toEqual([[0, 1]])
    expect(s.server).toBe(1) // the server changes every game
  })

  it('a tiebreak at 6-6 to 7 by 2, with its serve rotation, then the receiver serves the next set', () => {
    // Hold serve 12 times: 6-6, each game won by its server.
    let s = newMatch(3, 0)
    for (let g = 0; g < 12; g++) s = play(s, String(s.server).repeat(4))
    expect(s.sets).toEqual([[6, 6]])
    expect(s.tiebreak).toBe(true)
    expect(s.server).toBe(0)
    const servers: Player[] = []
    for (let i = 0; i < 6; i++) {
      servers.push(s.server)
      s = playPoint(s, i % 2 === 0 ? 0 : 1)
    }
    expect(servers).toEqual([0, 1, 1, 0, 0, 1])
    expect(pointsText(s)).toEqual(['3', '3'])
    s = play(s, '000')
    expect(pointsText(s)).toEqual(['6', '3'])
    s = play(s, '111')
    expect(pointsText(s)).toEqual(['6', '6'])
    s = play(s, '01')
    expect(s.tiebreak).toBe(true)
    s = play(s, '00')
    expect(s.sets).toEqual([
      [7, 6],
      [0, 0],
    ])
    expect(s.tiebreak).toBe(false)
    expect(s.server).toBe(1) // player 0 served first in the tiebreak
  })

  it('a best-of-3 match ends after two sets won', () => {
    let s = newMatch(3, 0)
    for (let i = 0; i < 12; i++) s = play(s, '0000')
    expect(s.winner).toBe(0)
    expect(s.sets).toEqual([
      [6, 0],
      [6, 0],
    ])
    expect(playPoint(s, 1)).toBe(s)
  })

  it('continues a real score: Pavel Bushuev v AJ Deem, 4-6,1-0 40-A', () => {
    const parsed = parseTennisScore('4-6,1-0', '40-A', '0,1')
    if (!parsed.ok) throw new Error(parsed.error)
    let s = stateFromScore(parsed.score)
    s = playPoint(s, 1)
    expect(scoreOf(s)).toEqual({
      sets: [
        [4, 6],
        [1, 1],
      ],
      points: ['0', '0'],
      server: 1,
    })
    expect(() => stateFromScore({ sets: [[8, 1]], points: ['0', '0'], server: 0 })).toThrow(
      TennisStateError,
    )
    expect(() =>
      stateFromScore({
        sets: [
          [6, 5],
          [1, 0],
        ],
        points: ['0', '0'],
        server: 0,
      }),
    ).toThrow(TennisStateError)
  })

  it('invariants over random matches (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom(3, 5),
        fc.double({ min: 0.3, max: 0.85, noNaN: true }),
        (seed, bestOf, pServe) => {
          const rng = mulberry32(seed)
          let s = newMatch(bestOf, rng() < 0.5 ? 0 : 1)
          for (let i = 0; i < 2000 && s.winner === null; i++) {
            const by: Player = rng() < pServe ? s.server : s.server === 0 ? 1 : 0
            const before = s
            s = playPoint(s, by)
            const games = (x: MatchState) => x.sets.reduce((n, [a, b]) => n + a + b, 0)
            const other = (p: Player): Player => (p === 0 ? 1 : 0)
            if (games(s) !== games(before)) {
              // A game ended: the other player serves next (after a tiebreak, the one who
              // received its first point); the points start again at 0-0.
              const first = before.tiebreak ? before.tiebreakFirstServer : before.server
              expect(s.server).toBe(other(first))
              expect(s.points).toEqual([0, 0])
            } else if (!before.tiebreak) {
              expect(s.server).toBe(before.server) // one server for a whole game
            }
            if (s.winner === null) {
              // The set being played is never already decided.
              const [ca, cb] = s.sets[s.sets.length - 1]!
              const decided =
                (Math.max(ca, cb) >= 6 && Math.abs(ca - cb) >= 2) || Math.max(ca, cb) === 7
              expect(decided).toBe(false)
              expect(s.tiebreak).toBe(ca === 6 && cb === 6)
            }
            const pts = pointsText(s)
            if (pts.includes('A')) expect(pts).toContain('40') // advantage only from deuce
            for (const p of pts) {
              expect(s.tiebreak ? /^\d+$/.test(p) : ['0', '15', '30', '40', 'A'].includes(p)).toBe(
                true,
              )
            }
            for (const [a, b] of s.sets) {
              expect(a).toBeLessThanOrEqual(7)
              expect(b).toBeLessThanOrEqual(7)
            }
            if (i % 5 === 0 || s.tiebreak) {
              // (Every fifth point and every tiebreak point: the exact model is the costly part.)
              const p = matchWinProbability(s, 0.62, 0.6)
              expect(p).toBeGreaterThanOrEqual(0)
              expect(p).toBeLessThanOrEqual(1)
            }
          }
          expect(s.winner).not.toBeNull()
          const finished = s.sets
          for (const [a, b] of finished) {
            const hi = Math.max(a, b)
            const lo = Math.min(a, b)
            expect((hi === 6 && lo <= 4) || (hi === 7 && (lo === 5 || lo === 6))).toBe(true)
          }
          const won = [0, 0]
          for (const [a, b] of finished) won[a > b ? 0 : 1]!++
          const need = Math.ceil(bestOf / 2)
          expect(won[s.winner!]).toBe(need)
          expect(won[s.winner === 0 ? 1 : 0]).toBeLessThan(need)
          const [la, lb] = finished[finished.length - 1]!
          expect(la > lb ? 0 : 1).toBe(s.winner)
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('match-winner probability and prices', () => {
  it('follows the score', () => {
    expect(gameWinProbability(0.6)).toBeCloseTo(0.7357, 3)
    expect(gameWinProbability(0.5, 3, 3)).toBeCloseTo(0.5, 9)
    expect(tiebreakWinProbability(0.6, 0.6)).toBeCloseTo(0.5, 9)
    const even = matchWinProbability(newMatch(), 0.62, 0.62)
    expect(even).toBeCloseTo(0.5, 6)
    const ahead = matchWinProbability(play(newMatch(), '0000'), 0.62, 0.62)
    expect(ahead).toBeGreaterThan(even)
    const setUp = matchWinProbability(play(newMatch(), '0'.repeat(24)), 0.62, 0.62)
    expect(setUp).toBeGreaterThan(ahead)
    const breakPoint = play(newMatch(3, 0), '111')
    expect(matchWinProbability(breakPoint, 0.62, 0.62)).toBeLessThan(even)
    expect(matchWinProbability(play(newMatch(), '0'.repeat(48)), 0.62, 0.62)).toBe(1)
  })

  it('prices probabilities with a margin onto the fractional ladder', () => {
    expect(priceFractional(0.5, 0)).toBe('1/1')
    expect(priceFractional(0.5)).toBe('5/6') // 1/0.53 = 1.887, rounded down: 5/6 = 1.833
    const p = 0.8
    const fav = fractionalToDecimal(priceFractional(p))!
    const dog = fractionalToDecimal(priceFractional(1 - p))!
    expect(1 / fav + 1 / dog).toBeGreaterThan(1) // an overround
    for (const f of FRACTION_LADDER) expect(fractionalToDecimal(f)).toBeGreaterThan(1)
    expect(priceFractional(0.9999)).toBe('1/100')
    expect(priceFractional(0.0001)).toBe('100/1')
  })
})
