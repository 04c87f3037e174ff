import type { TennisScore } from '@oddsboard/model'

/**
 * Tennis: parsing bet365's score fields, and a point-by-point scoring engine with a
 * match-winner probability for the simulator. Pure: randomness is injected.
 *
 * Score fields (bet365 seed, "Score Encoding"): `SS` games per set `3-6,1-0` (current set
 * last), `XP` points of the current game `40-15` (`0/15/30/40/A`, digits in a tiebreak),
 * `PI` server `0,1` / `1,0` where the first digit is the serving player's index.
 */

/** The result of parsing a score: the score, or why it does not parse (never a guess). */
export type TennisParse = { ok: true; score: TennisScore } | { ok: false; error: string }

const GAME_POINTS = new Set(['0', '15', '30', '40', 'A'])
const SET_RE = /^(\d{1,2})-(\d{1,2})$/
const XP_RE = /^([0-9]{1,2}|A)-([0-9]{1,2}|A)$/

/**
 * Parses bet365 tennis score fields into the model's {@link TennisScore}.
 * `ss` is required (e.g. `3-6,1-0`); `xp` defaults to `0-0` and `pi` to an unknown server.
 * Returns `{ ok: false, error }` for anything that is not a valid score (e.g. `SS=6-x`,
 * `XP=50-0`, `XP=A-A`, `PI=2,0`): a bad score is reported, never guessed.
 */
export function parseTennisScore(ss: string, xp?: string, pi?: string): TennisParse {
  if (ss === '') return { ok: false, error: 'empty SS' }
  const sets: [number, number][] = []
  for (const part of ss.split(',')) {
    const m = SET_RE.exec(part)
    if (m === null) return { ok: false, error: `bad set score ${JSON.stringify(part)}` }
    const a = Number(m[1])
    const b = Number(m[2])
    if (a > 7 || b > 7) return { ok: false, error: `games above 7 in ${part}` }
    sets.push([a, b])
  }
  const current = sets[sets.length - 1]!
  const inTiebreak = current[0] === 6 && current[1] === 6
  let points: [string, string] = ['0', '0']
  if (xp !== undefined && xp !== '') {
    const m = XP_RE.exec(xp)
    if (m === null) return { ok: false, error: `bad points ${JSON.stringify(xp)}` }
    const p: [string, string] = [m[1]!, m[2]!]
    if (inTiebreak) {
      if (p[0] === 'A' || p[1] === 'A') return { ok: false, error: `advantage in a tiebreak` }
    } else {
      if (!GAME_POINTS.has(p[0]) || !GAME_POINTS.has(p[1])) {
        return { ok: false, error: `bad points ${JSON.stringify(xp)}` }
      }
      if ((p[0] === 'A' && p[1] !== '40') || (p[1] === 'A' && p[0] !== '40')) {
        return { ok: false, error: `advantage without 40 in ${xp}` }
      }
    }
    points = p
  }
  let server: 0 | 1 | null = null
  if (pi !== undefined && pi !== '') {
    if (pi === '0,1') server = 0
    else if (pi === '1,0') server = 1
    else return { ok: false, error: `bad server indicator ${JSON.stringify(pi)}` }
  }
  return { ok: true, score: { sets, points, server } }
}

/**
 * Keeps the tiebreak scores of completed sets across score updates (`TennisScore.tiebreaks`).
 * Bet365 sends a tiebreak's points in `XP` while it is played (digits, set at 6-6) and then
 * only the set's games (`SS` 7-6): when `prev` was in a tiebreak of set i with points
 * [a, b] and `next` has set i won 7-6 or 6-7, the loser's points at that last `XP` are the
 * tiebreak score's short side (the winner won the final point, which XP never shows).
 * Earlier sets keep `prev`'s tiebreaks. A set whose tiebreak this normalizer did not watch
 * gets null: never guessed. Returns `next` itself when there is no tiebreak to record.
 */
export function carryTiebreaks(prev: TennisScore | undefined, next: TennisScore): TennisScore {
  const out: (number | null)[] = []
  let any = false
  for (let i = 0; i < next.sets.length; i++) {
    const [a, b] = next.sets[i]!
    const done = (a === 7 && b === 6) || (a === 6 && b === 7)
    let tb: number | null = null
    if (done) {
      const kept = prev?.tiebreaks?.[i]
      const pSet = prev?.sets[i]
      if (kept !== undefined && kept !== null) tb = kept
      else if (
        prev !== undefined &&
        pSet !== undefined &&
        pSet[0] === 6 &&
        pSet[1] === 6 &&
        i === prev.sets.length - 1 &&
        /^\d+$/.test(prev.points[0]) &&
        /^\d+$/.test(prev.points[1])
      ) {
        tb = Number(a === 7 ? prev.points[1] : prev.points[0])
      }
    }
    if (tb !== null) any = true
    out.push(tb)
  }
  return any ? { ...next, tiebreaks: out } : next
}

/** Writes a score back as bet365 fields `SS`, `XP`, `PI` (inverse of {@link parseTennisScore}). */
export function formatTennisScore(score: TennisScore): { SS: string; XP: string; PI: string } {
  return {
    SS: score.sets.map(([a, b]) => `${a}-${b}`).join(','),
    XP: `${score.points[0]}-${score.points[1]}`,
    PI: score.server === 1 ? '1,0' : '0,1',
  }
}

// ---------------------------------------------------------------------------------------------
// Scoring engine

/** A player index: 0 (home, first named) or 1 (away). */
export type Player = 0 | 1

/** The state of a match, point by point. Immutable: {@link playPoint} returns a new one. */
export interface MatchState {
  /** 3 or 5. */
  bestOf: number
  /** Games per set, the current set last (a finished match's last set is its final set). */
  sets: [number, number][]
  /** Points in the current game (regular: 0..n counts; tiebreak: points won). */
  points: [number, number]
  server: Player
  /** True while the current set's game is a tiebreak (6-6). */
  tiebreak: boolean
  /** Who served the first point of the current tiebreak. */
  tiebreakFirstServer: Player
  /** The match winner, once there is one. */
  winner: Player | null
}

/** Thrown when a parsed score cannot be continued by the engine (an impossible score). */
export class TennisStateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TennisStateError'
  }
}

/** A fresh match: 0-0, `server` to serve. */
export function newMatch(bestOf = 3, server: Player = 0): MatchState {
  return {
    bestOf,
    sets: [[0, 0]],
    points: [0, 0],
    server,
    tiebreak: false,
    tiebreakFirstServer: server,
    winner: null,
  }
}

const other = (p: Player): Player => (p === 0 ? 1 : 0)
const POINT_VALUES = ['0', '15', '30', '40']

function setWinner(games: [number, number]): Player | null {
  const [a, b] = games
  if ((a >= 6 || b >= 6) && Math.abs(a - b) >= 2) return a > b ? 0 : 1
  if ((a === 7 && b === 6) || (a === 6 && b === 7)) return a > b ? 0 : 1
  return null
}

function setsWon(sets: readonly [number, number][]): [number, number] {
  const won: [number, number] = [0, 0]
  for (const s of sets) {
    const w = setWinner(s)
    if (w !== null) won[w]++
  }
  return won
}

/**
 * Continues a parsed score in the engine. When the parsed `server` is unknown player 0
 * serves. A finished last set with the match still open gets a new 0-0 set.
 * @throws TennisStateError for a score no match can reach (e.g. `8-1`, a set won 6-5, a
 *   finished set before the last one that is not finished, points that are not tennis points).
 */
export function stateFromScore(score: TennisScore, bestOf = 3): MatchState {
  const sets = score.sets.map(([a, b]) => [a, b] as [number, number])
  if (sets.length === 0) throw new TennisStateError('no sets')
  const need = Math.ceil(bestOf / 2)
  for (let i = 0; i < sets.length - 1; i++) {
    if (setWinner(sets[i]!) === null) throw new TennisStateError(`set ${i + 1} not finished`)
  }
  for (const [a, b] of sets) {
    if (a > 7 || b > 7 || (a === 7 && (b < 5 || b === 7)) || (b === 7 && a < 5)) {
      throw new TennisStateError(`impossible set ${a}-${b}`)
    }
  }
  const won = setsWon(sets)
  if (won[0] > need || won[1] > need) throw new TennisStateError('more sets than the match has')
  const winner: Player | null = won[0] === need ? 0 : won[1] === need ? 1 : null
  if (winner === null && setWinner(sets[sets.length - 1]!) !== null) sets.push([0, 0])
  if (winner !== null && setWinner(sets[sets.length - 1]!) === null) {
    throw new TennisStateError('play after the match ended')
  }
  const last = sets[sets.length - 1]!
  const tiebreak = winner === null && last[0] === 6 && last[1] === 6
  const toCount = (t: string): number => {
    if (tiebreak) {
      if (!/^\d+$/.test(t)) throw new TennisStateError(`bad tiebreak point ${t}`)
      return Number(t)
    }
    if (t === 'A') return 4
    const i = POINT_VALUES.indexOf(t)
    if (i === -1) throw new TennisStateError(`bad point ${t}`)
    return i
  }
  const points: [number, number] = [toCount(score.points[0]), toCount(score.points[1])]
  if (!tiebreak && (points[0] === 4 || points[1] === 4) && Math.min(...points) !== 3) {
    throw new TennisStateError('advantage without deuce')
  }
  if (tiebreak && Math.max(...points) >= 7 && Math.abs(points[0] - points[1]) >= 2) {
    throw new TennisStateError('tiebreak already won')
  }
  const server: Player = score.server ?? 0
  // In a tiebreak the first server is whoever's turn it was after the points played so far.
  const played = points[0] + points[1]
  const tiebreakFirstServer =
    tiebreak && Math.floor((played + 1) / 2) % 2 === 1 ? other(server) : server
  return { bestOf, sets, points, server, tiebreak, tiebreakFirstServer, winner }
}

/** The server of the next point of a tiebreak after `played` points (1, then 2 each). */
function tiebreakServer(first: Player, played: number): Player {
  return Math.floor((played + 1) / 2) % 2 === 0 ? first : other(first)
}

/**
 * Plays one point won by `by`. Returns the new state (the input is not changed); a
 * finished match is returned as is. Rules: a game is won at 4+ points with a 2-point lead
 * (deuce, advantage); a set at 6 games with a 2-game lead, or 7-6 by a tiebreak played at
 * 6-6 to 7 points with a 2-point lead; the server changes every game, in a tiebreak after
 * the first point and then every two points, and the player who received first in a
 * tiebreak serves the next set's first game; the match ends at ⌈bestOf/2⌉ sets.
 */
export function playPoint(state: MatchState, by: Player): MatchState {
  if (state.winner !== null) return state
  const points: [number, number] = [state.points[0], state.points[1]]
  points[by]++
  const sets = state.sets.map((s) => [s[0], s[1]] as [number, number])
  const games = sets[sets.length - 1]!
  const lead = points[by] - points[other(by)]
  const gameOver = state.tiebreak ? points[by] >= 7 && lead >= 2 : points[by] >= 4 && lead >= 2
  if (!gameOver) {
    if (!state.tiebreak && points[0] === 4 && points[1] === 4) {
      // Back to deuce: keep counts small (A-40 / 40-A / 40-40 only).
      points[0] = 3
      points[1] = 3
    }
    const server = state.tiebreak
      ? tiebreakServer(state.tiebreakFirstServer, points[0] + points[1])
      : state.server
    return { ...state, points, server }
  }
  games[by]++
  const nextServer = state.tiebreak ? other(state.tiebreakFirstServer) : other(state.server)
  if (setWinner(games) !== null) {
    const won = setsWon(sets)
    const need = Math.ceil(state.bestOf / 2)
    if (won[by] >= need) {
      return { ...state, sets, points: [0, 0], server: nextServer, tiebreak: false, winner: by }
    }
    sets.push([0, 0])
    return {
      ...state,
      sets,
      points: [0, 0],
      server: nextServer,
      tiebreak: false,
      tiebreakFirstServer: nextServer,
    }
  }
  const tiebreak = games[0] === 6 && games[1] === 6
  return {
    ...state,
    sets,
    points: [0, 0],
    server: nextServer,
    tiebreak,
    tiebreakFirstServer: nextServer,
  }
}

/** The current game's points as bet365 shows them: `0/15/30/40/A`, or tiebreak digits. */
export function pointsText(state: MatchState): [string, string] {
  const [a, b] = state.points
  if (state.tiebreak) return [String(a), String(b)]
  if (a >= 3 && b >= 3) {
    if (a === b) return ['40', '40']
    return a > b ? ['A', '40'] : ['40', 'A']
  }
  return [POINT_VALUES[a] ?? '40', POINT_VALUES[b] ?? '40']
}

/** The model's score of a state. */
export function scoreOf(state: MatchState): TennisScore {
  return {
    sets: state.sets.map((s) => [s[0], s[1]] as [number, number]),
    points: pointsText(state),
    server: state.server,
  }
}

// ---------------------------------------------------------------------------------------------
// Match-winner probability (independent points; p = chance the server wins a point)

/** P(server wins the game) from points (a server, b receiver); deuce closed form p²/(p²+q²). */
export function gameWinProbability(p: number, a = 0, b = 0): number {
  const q = 1 - p
  const memo = new Map<number, number>()
  const go = (x: number, y: number): number => {
    if (x >= 4 && x - y >= 2) return 1
    if (y >= 4 && y - x >= 2) return 0
    if (x >= 3 && y >= 3) {
      const deuce = (p * p) / (p * p + q * q)
      if (x === y) return deuce
      return x > y ? p + q * deuce : p * deuce
    }
    const k = x * 8 + y
    const hit = memo.get(k)
    if (hit !== undefined) return hit
    const v = p * go(x + 1, y) + q * go(x, y + 1)
    memo.set(k, v)
    return v
  }
  return go(a, b)
}

/**
 * P(player 0 wins the tiebreak) from points (a, b), `first` having served its first point;
 * `p0`/`p1` are each player's point-win probability on serve.
 */
export function tiebreakWinProbability(
  p0: number,
  p1: number,
  a = 0,
  b = 0,
  first: Player = 0,
): number {
  // From a tie at 6-6 or later the next two points are served one each.
  const win2 = p0 * (1 - p1)
  const lose2 = (1 - p0) * p1
  const tieWin = win2 + lose2 === 0 ? 0.5 : win2 / (win2 + lose2)
  const memo = new Map<number, number>()
  const go = (i: number, j: number): number => {
    if (i >= 7 && i - j >= 2) return 1
    if (j >= 7 && j - i >= 2) return 0
    if (i >= 6 && i === j) return tieWin
    const k = i * 64 + j
    const hit = memo.get(k)
    if (hit !== undefined) return hit
    const server = tiebreakServer(first, i + j)
    const pw = server === 0 ? p0 : 1 - p1
    const v = pw * go(i + 1, j) + (1 - pw) * go(i, j + 1)
    memo.set(k, v)
    return v
  }
  return go(a, b)
}

/** P(player 0 wins the set) from games (g0, g1) with `server` serving the next game (fresh game). */
function setFromGames(p0: number, p1: number, g0: number, g1: number, server: Player): number {
  const memo = new Map<number, number>()
  const hold0 = gameWinProbability(p0)
  const hold1 = gameWinProbability(p1)
  const go = (a: number, b: number, s: Player): number => {
    const w = setWinner([a, b])
    if (w !== null) return w === 0 ? 1 : 0
    if (a === 6 && b === 6) return tiebreakWinProbability(p0, p1, 0, 0, s)
    const k = a * 32 + b * 2 + s
    const hit = memo.get(k)
    if (hit !== undefined) return hit
    const win = s === 0 ? hold0 : 1 - hold1
    const v = win * go(a + 1, b, other(s)) + (1 - win) * go(a, b + 1, other(s))
    memo.set(k, v)
    return v
  }
  return go(g0, g1, server)
}

/** P(player 0 wins a match needing n0 more sets against n1), each fresh set won with `s`. */
function matchFromSets(n0: number, n1: number, s: number): number {
  if (n0 <= 0) return 1
  if (n1 <= 0) return 0
  return s * matchFromSets(n0 - 1, n1, s) + (1 - s) * matchFromSets(n0, n1 - 1, s)
}

/**
 * P(player 0 wins the match) at `state`, given each player's probability of winning a
 * point on serve (`p0`, `p1`, in (0, 1)). Exact for the current game and set; later sets
 * use the average of the two possible first servers. 1 or 0 once the match is over.
 */
export function matchWinProbability(state: MatchState, p0: number, p1: number): number {
  if (state.winner !== null) return state.winner === 0 ? 1 : 0
  const need = Math.ceil(state.bestOf / 2)
  const won = setsWon(state.sets.slice(0, -1))
  const [g0, g1] = state.sets[state.sets.length - 1]!
  let pSet: number
  if (state.tiebreak) {
    pSet = tiebreakWinProbability(
      p0,
      p1,
      state.points[0],
      state.points[1],
      state.tiebreakFirstServer,
    )
  } else {
    const s = state.server
    const pHoldPoint = s === 0 ? p0 : p1
    const serverPts = s === 0 ? state.points[0] : state.points[1]
    const receiverPts = s === 0 ? state.points[1] : state.points[0]
    const hold = gameWinProbability(pHoldPoint, serverPts, receiverPts)
    const p0Game = s === 0 ? hold : 1 - hold
    const after0 = setFromGames(p0, p1, g0 + 1, g1, other(s))
    const after1 = setFromGames(p0, p1, g0, g1 + 1, other(s))
    pSet = p0Game * after0 + (1 - p0Game) * after1
  }
  const fresh = (setFromGames(p0, p1, 0, 0, 0) + setFromGames(p0, p1, 0, 0, 1)) / 2
  const rest0 = need - won[0] - 1
  const rest1 = need - won[1] - 1
  return (
    pSet * matchFromSets(rest0, rest1 + 1, fresh) +
    (1 - pSet) * matchFromSets(rest0 + 1, rest1, fresh)
  )
}

/** bet365-style fractional prices, shortest first (the ladder the simulator rounds onto). */
export const FRACTION_LADDER: readonly string[] = (
  '1/500 1/200 1/100 1/66 1/50 1/40 1/33 1/25 1/20 1/16 1/14 1/12 1/10 1/9 1/8 1/7 1/6 1/5 ' +
  '2/9 1/4 2/7 3/10 1/3 4/11 2/5 4/9 1/2 8/15 4/7 8/13 4/6 8/11 4/5 5/6 10/11 20/21 1/1 ' +
  '21/20 11/10 6/5 5/4 11/8 6/4 13/8 7/4 15/8 2/1 9/4 12/5 5/2 11/4 3/1 10/3 7/2 4/1 9/2 ' +
  '5/1 11/2 6/1 13/2 7/1 15/2 8/1 17/2 9/1 10/1 11/1 12/1 14/1 16/1 18/1 20/1 25/1 28/1 ' +
  '33/1 40/1 50/1 66/1 80/1 100/1 150/1 200/1 250/1 500/1'
).split(' ')
const LADDER_DECIMALS = FRACTION_LADDER.map((f) => {
  const [n, d] = f.split('/').map(Number) as [number, number]
  return 1 + n / d
})

/**
 * Prices a probability with a bookmaker margin: the fair decimal odds `1 / (p·(1+margin))`
 * rounded down onto {@link FRACTION_LADDER}, kept within 1/100 … 100/1. Returns fractional
 * odds text, e.g. `"9/2"`.
 */
export function priceFractional(probability: number, margin = 0.06): string {
  // In-play books stop at 1/100 (1.01) and 100/1 rather than quote certainties.
  const implied = Math.min(1 / 1.01, Math.max(1 / 101, probability * (1 + margin)))
  const decimal = 1 / implied
  let best = FRACTION_LADDER[0]!
  for (let i = 0; i < LADDER_DECIMALS.length; i++) {
    if (LADDER_DECIMALS[i]! <= decimal + 1e-9) best = FRACTION_LADDER[i]!
    else break
  }
  return best
}
