import { describe, expect, it } from 'vitest'
import {
  gameProbability,
  newTennisScore,
  playPoint,
  setsWon,
  tennisProbability,
  tiebreakProbability,
  type Side,
  type TennisScore,
} from './tennis'

/** Plays points won by the given sides in order. */
function play(score: TennisScore, winners: readonly Side[]) {
  return winners.map((w) => playPoint(score, w))
}
const hold = (s: Side): Side[] => [s, s, s, s]

describe('tennis scoring', () => {
  it('plays games, changes server, and records a tiebreak at 6-6', () => {
    const score = newTennisScore(3, 0)
    // twelve holds: 6-6
    for (let g = 0; g < 12; g++) play(score, hold(score.server))
    expect(score.sets).toEqual([[6, 6]])
    expect(score.tiebreak).toBe(true)
    expect(score.server).toBe(0) // home served game 1, so serves game 13 first
    // tiebreak 7-5 to home; server changes after the first point, then every two
    const servers: Side[] = []
    for (const w of [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0] as Side[]) {
      servers.push(score.server)
      playPoint(score, w)
    }
    expect(servers.slice(0, 5)).toEqual([0, 1, 1, 0, 0])
    expect(score.tiebreaks).toEqual({ 0: [7, 5] })
    expect(score.sets).toEqual([
      [7, 6],
      [0, 0],
    ])
    expect(score.tiebreak).toBe(false)
    expect(score.server).toBe(1) // the tiebreak's receiver serves the next set
    expect(setsWon(score)).toEqual([1, 0])
  })

  it('needs two clear points from deuce and ends the match after two sets in best of 3', () => {
    const score = newTennisScore(3, 0)
    play(score, [0, 0, 0, 1, 1, 1]) // 40-40
    expect(score.points).toEqual([3, 3])
    play(score, [0, 1, 1]) // advantage home, deuce, advantage away
    expect(score.sets).toEqual([[0, 0]])
    const r = playPoint(score, 1) // break
    expect(r).toMatchObject({ game: true, breakOfServe: true })
    let last
    while (score.winner === undefined) last = playPoint(score, 1)
    expect(last).toMatchObject({ match: true })
    expect(score.sets).toEqual([
      [0, 6],
      [0, 6],
    ])
    expect(() => playPoint(score, 0)).toThrow()
  })
})

describe('tennis Markov model', () => {
  it('game and tiebreak probabilities match known values', () => {
    // Newton & Keller: p = 0.6 on serve wins a game ≈ 0.7357
    expect(gameProbability(0.6, 0, 0)).toBeCloseTo(0.7357, 3)
    expect(gameProbability(0.5, 0, 0)).toBeCloseTo(0.5, 9)
    expect(tiebreakProbability([0.65, 0.65], 0, 0, 0, 7)).toBeCloseTo(0.5, 2)
  })

  it('gives evenly matched players 50 % and the better server the edge', () => {
    expect(tennisProbability(newTennisScore(3, 0), [0.64, 0.64])).toBeCloseTo(0.5, 2)
    expect(tennisProbability(newTennisScore(3, 0), [0.68, 0.6])).toBeGreaterThan(0.7)
    expect(tennisProbability(newTennisScore(5, 0), [0.68, 0.6])).toBeGreaterThan(
      tennisProbability(newTennisScore(3, 0), [0.68, 0.6]),
    )
  })

  it('makes the player who breaks serve shorter', () => {
    const serve = [0.64, 0.64] as const
    const score = newTennisScore(3, 1) // away serves first
    play(score, [0, 0, 0]) // 0-40 on away's serve: break points for home
    const before = tennisProbability(score, serve)
    playPoint(score, 0) // home breaks
    const after = tennisProbability(score, serve)
    expect(score.sets).toEqual([[1, 0]])
    expect(after).toBeGreaterThan(before)
    expect(after).toBeGreaterThan(0.6)
    // and losing a service game back (the break back) returns towards even
    play(score, [1, 1, 1, 1])
    expect(tennisProbability(score, serve)).toBeLessThan(after)
  })

  it('is certain once the match is won', () => {
    const score = newTennisScore(3, 0)
    while (score.winner === undefined) playPoint(score, 0)
    expect(tennisProbability(score, [0.6, 0.6])).toBe(1)
  })
})
