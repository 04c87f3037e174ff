/**
 * Tennis scoring and its Markov model (pure). Each player wins a point on their own serve
 * with a fixed probability (independent points: the textbook model of Newton & Keller,
 * "Probability of winning at tennis", Studies in Applied Mathematics 2005). Points → games
 * (deuce and advantage) → sets (tiebreak at 6-6, first to 7 by two; first to 10 in the
 * deciding set of a best-of-5, as at the Grand Slams since 2022) → match.
 */

/** Home / away index. */
export type Side = 0 | 1

/** The score of a tennis match, home first. */
export interface TennisScore {
  /** Games per set, the current set last; empty before the first point. */
  sets: [number, number][]
  /** Points in the current game (tiebreak points during a tiebreak). */
  points: [number, number]
  server: Side
  tiebreak: boolean
  /** Tiebreak scores of completed tiebreak sets, by set index. */
  tiebreaks: Record<number, [number, number]>
  bestOf: 3 | 5
  /** Who served the first point of the current tiebreak (it decides who serves next set). */
  tiebreakFirstServer?: Side
  /** Set when the match is over. */
  winner?: Side
}

/** A new match's score; `server` serves the first game. */
export function newTennisScore(bestOf: 3 | 5, server: Side): TennisScore {
  return { sets: [], points: [0, 0], server, tiebreak: false, tiebreaks: {}, bestOf }
}

/** Sets won by each side (completed sets only). */
export function setsWon(score: TennisScore): [number, number] {
  const won: [number, number] = [0, 0]
  score.sets.forEach((set, i) => {
    if (i === score.sets.length - 1 && !setOver(set, score.tiebreaks[i])) return
    won[set[0] > set[1] ? 0 : 1]++
  })
  return won
}

function setOver(set: readonly [number, number], tb: readonly [number, number] | undefined) {
  const [a, b] = set
  return tb !== undefined || ((a >= 6 || b >= 6) && Math.abs(a - b) >= 2)
}

function tiebreakTarget(score: TennisScore): number {
  const deciding = score.sets.length === score.bestOf
  return deciding && score.bestOf === 5 ? 10 : 7
}

/**
 * Plays one point won by `winner`, in place. Handles games, tiebreaks (server changes after
 * the first point, then every two), sets and the match end. Returns what the point decided.
 */
export function playPoint(
  score: TennisScore,
  winner: Side,
): { game: boolean; set: boolean; match: boolean; breakOfServe: boolean } {
  if (score.winner !== undefined) throw new Error('the match is over')
  if (score.sets.length === 0) score.sets.push([0, 0])
  const set = score.sets[score.sets.length - 1]!
  const pts = score.points
  pts[winner]++
  const other = (1 - winner) as Side
  if (score.tiebreak) {
    const target = tiebreakTarget(score)
    const played = pts[0] + pts[1]
    if (pts[winner] >= target && pts[winner] - pts[other] >= 2) {
      set[winner]++
      score.tiebreaks[score.sets.length - 1] = [pts[0], pts[1]]
      const nextServer = (1 - (score.tiebreakFirstServer ?? score.server)) as Side
      return endSet(score, winner, nextServer, false)
    }
    if (played % 2 === 1) score.server = (1 - score.server) as Side
    return { game: false, set: false, match: false, breakOfServe: false }
  }
  if (pts[winner] >= 4 && pts[winner] - pts[other] >= 2) {
    const breakOfServe = winner !== score.server
    set[winner]++
    score.points = [0, 0]
    const nextServer = (1 - score.server) as Side
    if (setOver(set, undefined)) return endSet(score, winner, nextServer, breakOfServe)
    score.server = nextServer
    if (set[0] === 6 && set[1] === 6) {
      score.tiebreak = true
      score.tiebreakFirstServer = nextServer
    }
    return { game: true, set: false, match: false, breakOfServe }
  }
  return { game: false, set: false, match: false, breakOfServe: false }
}

function endSet(score: TennisScore, winner: Side, nextServer: Side, breakOfServe: boolean) {
  score.points = [0, 0]
  score.tiebreak = false
  delete score.tiebreakFirstServer
  score.server = nextServer
  const won = setsWon(score)
  if (won[winner] > score.bestOf / 2) {
    score.winner = winner
    return { game: true, set: true, match: true, breakOfServe }
  }
  score.sets.push([0, 0])
  return { game: true, set: true, match: false, breakOfServe }
}

/** P(server wins the game) from points [server, receiver], server point probability p. */
export function gameProbability(p: number, a: number, b: number): number {
  if (a >= 4 && a - b >= 2) return 1
  if (b >= 4 && b - a >= 2) return 0
  if (a >= 3 && b >= 3) {
    const deuce = (p * p) / (p * p + (1 - p) * (1 - p))
    if (a === b) return deuce
    return a > b ? p + (1 - p) * deuce : p * deuce
  }
  return p * gameProbability(p, a + 1, b) + (1 - p) * gameProbability(p, a, b + 1)
}

/**
 * P(home wins the tiebreak) from tiebreak points [home, away], `first` the player who served
 * its first point, `serve` each player's point-on-serve probability, `target` 7 or 10.
 * `memo` caches results for one `serve` pair.
 */
export function tiebreakProbability(
  serve: readonly [number, number],
  a: number,
  b: number,
  first: Side,
  target: number,
  memo: Map<string, number> = new Map(),
): number {
  if (a >= target && a - b >= 2) return 1
  if (b >= target && b - a >= 2) return 0
  const n = a + b
  // server of point n: the first server serves point 0, then each player serves two
  const serverOf = (k: number): Side =>
    Math.floor((k + 1) / 2) % 2 === 0 ? first : ((1 - first) as Side)
  const homeWins = (k: number) => (serverOf(k) === 0 ? serve[0] : 1 - serve[1])
  if (a === b && a >= target - 1 && n % 2 === 0) {
    // from an even tie the next two points are one on each serve: win both or come back level
    const q1 = homeWins(n)
    const q2 = homeWins(n + 1)
    return (q1 * q2) / (q1 * q2 + (1 - q1) * (1 - q2))
  }
  const key = `t${a}:${b}:${first}:${target}`
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const q = homeWins(n)
  const v =
    q * tiebreakProbability(serve, a + 1, b, first, target, memo) +
    (1 - q) * tiebreakProbability(serve, a, b + 1, first, target, memo)
  memo.set(key, v)
  return v
}

/** P(home wins the set) from games [home, away] at the start of a game served by `server`. */
function setFromGames(
  serve: readonly [number, number],
  ga: number,
  gb: number,
  server: Side,
  target: number,
  memo: Map<string, number>,
): number {
  if ((ga >= 6 && ga - gb >= 2) || ga === 7) return 1
  if ((gb >= 6 && gb - ga >= 2) || gb === 7) return 0
  if (ga === 6 && gb === 6) return tiebreakProbability(serve, 0, 0, server, target, memo)
  const key = `${ga}:${gb}:${server}:${target}`
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const hold = gameProbability(serve[server], 0, 0)
  const g = server === 0 ? hold : 1 - hold
  const next = (1 - server) as Side
  const v =
    g * setFromGames(serve, ga + 1, gb, next, target, memo) +
    (1 - g) * setFromGames(serve, ga, gb + 1, next, target, memo)
  memo.set(key, v)
  return v
}

/**
 * True probability that home wins the match, from the current score, server and each
 * player's point-on-serve probability `serve` [home, away] (0..1). Future sets are scored
 * as the mean of both possible first servers (who serves first in a later set depends on
 * how the current one ends; the difference is a fraction of a percent). `memo` may be kept
 * across calls for one `serve` pair (the world keeps one per match).
 */
export function tennisProbability(
  score: TennisScore,
  serve: readonly [number, number],
  memo: Map<string, number> = new Map(),
): number {
  if (score.winner !== undefined) return score.winner === 0 ? 1 : 0
  const setNo = Math.max(1, score.sets.length)
  const set = score.sets[setNo - 1] ?? [0, 0]
  const deciding = setNo === score.bestOf
  const target = deciding && score.bestOf === 5 ? 10 : 7
  // probability home wins the current set
  let current: number
  if (score.tiebreak) {
    current = tiebreakProbability(
      serve,
      score.points[0],
      score.points[1],
      score.tiebreakFirstServer ?? score.server,
      target,
      memo,
    )
  } else {
    const s = score.server
    const [sp, rp] = s === 0 ? score.points : [score.points[1], score.points[0]]
    const hold = gameProbability(serve[s], sp, rp)
    const g = s === 0 ? hold : 1 - hold
    const next = (1 - s) as Side
    const after = (ga: number, gb: number) => {
      if ((ga >= 6 && ga - gb >= 2) || ga === 7) return 1
      if ((gb >= 6 && gb - ga >= 2) || gb === 7) return 0
      return setFromGames(serve, ga, gb, next, target, memo)
    }
    current = g * after(set[0] + 1, set[1]) + (1 - g) * after(set[0], set[1] + 1)
  }
  const won = setsWon(score)
  const need = Math.floor(score.bestOf / 2) + 1
  const futureSet = (deciding: boolean) => {
    const t = deciding && score.bestOf === 5 ? 10 : 7
    return (setFromGames(serve, 0, 0, 0, t, memo) + setFromGames(serve, 0, 0, 1, t, memo)) / 2
  }
  const fromSets = (a: number, b: number): number => {
    if (a >= need) return 1
    if (b >= need) return 0
    const s = futureSet(a + b + 1 === score.bestOf)
    return s * fromSets(a + 1, b) + (1 - s) * fromSets(a, b + 1)
  }
  return current * fromSets(won[0] + 1, won[1]) + (1 - current) * fromSets(won[0], won[1] + 1)
}
