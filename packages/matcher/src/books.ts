/**
 * One-to-one matching of two books' event lists, with blocking so that 5,000 × 5,000
 * events compare only the pairs that could be the same match.
 */
import {
  compareEvents,
  prepareEvent,
  type MatchEvent,
  type MatchResult,
  type PreparedEvent,
} from './match'

/** One assigned pair: indexes into the two input lists, with the comparison. */
export interface BookMatch extends MatchResult {
  /** index in `eventsA` */
  a: number
  /** index in `eventsB` */
  b: number
}

/** Statistics of one {@link matchBooks} run. */
export interface MatchBooksStats {
  /** pairs actually compared after blocking */
  compared: number
  /** events that could not be prepared (no home/away and no splittable name) */
  skipped: number
}

/** Options of {@link matchBooks}. */
export interface MatchBooksOptions {
  /**
   * Pairs never to assign (e.g. a pair a user said are different events): called with the
   * indexes into `eventsA` and `eventsB` of each candidate judged same; `true` drops it
   * before the one-to-one assignment, so each event may still take its next best partner.
   */
  exclude?: (a: number, b: number) => boolean
}

const DAY_MS = 86_400_000

/** Start day of an event for blocking; undefined when unknown. */
function dayOf(e: PreparedEvent): number | undefined {
  if (e.start.kind === 'time') return Math.floor(e.start.ms / DAY_MS)
  if (e.start.kind === 'date') return e.start.day
  return undefined
}

/** Blocking keys of a name token: its first four letters, so "bromwich"/"brom" meet. */
function tokenKeys(e: PreparedEvent): string[] {
  const keys = new Set<string>()
  for (const t of e.keys) {
    if (t.length >= 2) keys.add(t.slice(0, 4))
  }
  return [...keys]
}

function prepareAll(events: readonly MatchEvent[]): (PreparedEvent | undefined)[] {
  return events.map((e) => {
    try {
      return prepareEvent(e)
    } catch {
      return undefined
    }
  })
}

/**
 * Matches the events of book A with those of book B one to one: every candidate pair is
 * compared, pairs judged `same` are taken greedily by descending score, and an event is
 * used at most once, so two similar fixtures on one day never collapse into one.
 *
 * Blocking: candidates share the sport, a start day at most one day apart (or one start
 * unknown), and a name key: the first four letters of a token, or, for whitespace-stripped
 * names, a four-letter piece of the other's glued name. Events with neither home/away nor a
 * splittable name are skipped (counted in `stats.skipped`). Pairs `options.exclude` names
 * are dropped before the assignment.
 *
 * @returns the assigned pairs, ordered by `a`, and run statistics
 */
export function matchBooks(
  eventsA: readonly MatchEvent[],
  eventsB: readonly MatchEvent[],
  options: MatchBooksOptions = {},
): { matches: BookMatch[]; stats: MatchBooksStats } {
  return matchPreparedBooks(prepareAll(eventsA), prepareAll(eventsB), options)
}

/**
 * {@link matchBooks} on events already prepared with {@link prepareEvent} (`undefined` for
 * one that could not be, counted as skipped), for a caller that matches the same events
 * again and again (the proxy's linker) and keeps each one prepared while it is unchanged.
 */
export function matchPreparedBooks(
  prepA: readonly (PreparedEvent | undefined)[],
  prepB: readonly (PreparedEvent | undefined)[],
  options: MatchBooksOptions = {},
): { matches: BookMatch[]; stats: MatchBooksStats } {
  const exclude = options.exclude
  const skipped = [...prepA, ...prepB].filter((e) => e === undefined).length

  // index B by sport|day|key and sport|*|key (unknown start); keys are token prefixes
  // plus every 4-gram of long glued tokens, so "realbetis" is found under "beti"
  const index = new Map<string, number[]>()
  const add = (key: string, i: number) => {
    const list = index.get(key)
    if (list === undefined) index.set(key, [i])
    else list.push(i)
  }
  prepB.forEach((e, i) => {
    if (e === undefined) return
    const day = dayOf(e)
    const keys = new Set(tokenKeys(e))
    for (const t of e.keys) {
      if (t.length >= 8) for (let k = 0; k + 4 <= t.length; k++) keys.add(t.slice(k, k + 4))
    }
    for (const key of keys) {
      add(`${e.sport}|${day ?? '*'}|${key}`, i)
      add(`${e.sport}|any|${key}`, i)
    }
  })

  const candidates: BookMatch[] = []
  let compared = 0
  prepA.forEach((e, ai) => {
    if (e === undefined) return
    const day = dayOf(e)
    const days = day === undefined ? undefined : [day - 1, day, day + 1, '*']
    const keys = new Set(tokenKeys(e))
    for (const t of e.keys) {
      if (t.length >= 8) for (let k = 0; k + 4 <= t.length; k++) keys.add(t.slice(k, k + 4))
    }
    const seen = new Set<number>()
    for (const key of keys) {
      const lists =
        days === undefined
          ? [index.get(`${e.sport}|any|${key}`)]
          : days.map((d) => index.get(`${e.sport}|${d}|${key}`))
      for (const list of lists) {
        if (list === undefined) continue
        for (const bi of list) {
          if (seen.has(bi)) continue
          seen.add(bi)
          const other = prepB[bi]
          if (other === undefined) continue
          compared++
          const r = compareEvents(e, other)
          if (r.same && exclude?.(ai, bi) !== true) candidates.push({ ...r, a: ai, b: bi })
        }
      }
    }
  })

  return { matches: assign(candidates), stats: { compared, skipped } }
}

/** Greedy one-to-one assignment by descending score (ties: lower indexes first). */
function assign(candidates: BookMatch[]): BookMatch[] {
  candidates.sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b)
  const usedA = new Set<number>()
  const usedB = new Set<number>()
  const matches: BookMatch[] = []
  for (const c of candidates) {
    if (usedA.has(c.a) || usedB.has(c.b)) continue
    usedA.add(c.a)
    usedB.add(c.b)
    matches.push(c)
  }
  return matches.sort((x, y) => x.a - y.a)
}

/**
 * The naive reference for {@link matchBooks}: compares every pair (|A| × |B| comparisons),
 * then assigns greedily the same way. For benchmarks and tests only.
 */
export function matchBooksNaive(
  eventsA: readonly MatchEvent[],
  eventsB: readonly MatchEvent[],
): BookMatch[] {
  const prepA = prepareAll(eventsA)
  const prepB = prepareAll(eventsB)
  const candidates: BookMatch[] = []
  prepA.forEach((e, ai) => {
    if (e === undefined) return
    prepB.forEach((o, bi) => {
      if (o === undefined) return
      const r = compareEvents(e, o)
      if (r.same) candidates.push({ ...r, a: ai, b: bi })
    })
  })
  return assign(candidates)
}
