/**
 * Tennis sides: one player or a doubles pair, written in any of the forms books use:
 * "Cerundolo J.M.", "J.M. Cerundolo", "Juan Manuel Cerundolo", "Korda, Sebastian",
 * "P.Carreno-Busta (ESP)", "D-R.Collins", "Melzer J / Roger-Vasselin E".
 */
import stringComparison from 'string-comparison'
import { fold } from './normalize'

const { jaroWinkler } = stringComparison

/** One player as parsed from a listing. */
export interface PreparedPlayer {
  /** name tokens (surname, or every name when written in full), folded */
  names: string[]
  /** given names or their initials, in order: `J.M.` → `['j','m']`, `Ka.` → `['ka']` */
  given: string[]
  /** true when `given` was written apart from the surname (initials or "Surname, Given") */
  givenKnown: boolean
}

/** A tennis side: one player, or two for doubles. */
export type PreparedPlayers = PreparedPlayer[]

function parsePlayer(raw: string): PreparedPlayer {
  let text = raw.replace(/\([^)]*\)/g, ' ').trim()
  let commaGiven: string[] | undefined
  const comma = text.indexOf(',')
  if (comma > 0) {
    commaGiven = fold(text.slice(comma + 1))
      .split(' ')
      .filter(Boolean)
    text = text.slice(0, comma)
  }
  const chunks = text.replace(/\./g, '. ').split(/\s+/).filter(Boolean)
  const names: string[] = []
  const initials: string[] = []
  for (const chunk of chunks) {
    const folded = fold(chunk)
    if (folded === '') continue
    const parts = folded.split(' ')
    const dotted = chunk.endsWith('.')
    if (
      (dotted && parts.every((p) => p.length <= 3)) ||
      (folded.length === 1 && chunks.length > 1)
    ) {
      initials.push(...parts)
    } else {
      names.push(...parts)
    }
  }
  if (commaGiven !== undefined) return { names, given: commaGiven, givenKnown: true }
  return { names, given: initials, givenKnown: initials.length > 0 }
}

/** Parses a tennis side; a `/` separates the two players of a doubles pair. */
export function preparePlayers(raw: string): PreparedPlayers {
  return raw
    .split('/')
    .map((p) => p.trim())
    .filter(Boolean)
    .map(parsePlayer)
}

function tokenSim(a: string, b: string): number {
  if (a === b) return 1
  const short = a.length <= b.length ? a : b
  const long = short === a ? b : a
  if (short.length >= 4 && long.startsWith(short)) return 0.9
  const jw = jaroWinkler.similarity(a, b)
  return jw >= 0.92 && short.length >= 4 ? jw : 0
}

/** Index of the best match of `t` in `names` with its similarity, or -1. */
function find(t: string, names: readonly string[]): [number, number] {
  let best: [number, number] = [-1, 0]
  names.forEach((n, i) => {
    const s = tokenSim(t, n)
    if (s > best[1]) best = [i, s]
  })
  return best
}

/** Given names agree when each aligned pair is a prefix of the other ("j" / "juan"). */
function givenAgree(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? ''
    const y = b[i] ?? ''
    if (!x.startsWith(y) && !y.startsWith(x)) return false
  }
  return true
}

/**
 * Similarity 0..1 of two players. The surname written beside initials must be found among
 * the other's names; the names left over on a full-name side are its given names, and
 * initials that conflict with them (Cerundolo F. / J.M., Pliskova Ka. / Kr.) give 0.
 */
export function playerSimilarity(a: PreparedPlayer, b: PreparedPlayer): number {
  // the side whose surname is known (written beside initials) is looked up in the other first
  const first = a.givenKnown || !b.givenKnown
  return Math.max(lookUp(first ? a : b, first ? b : a), lookUp(first ? b : a, first ? a : b))
}

function lookUp(s: PreparedPlayer, o: PreparedPlayer): number {
  if (s.names.length === 0 || o.names.length === 0) return 0
  const used = new Set<number>()
  let sum = 0
  for (const t of s.names) {
    const [i, sim] = find(t, o.names)
    if (i < 0 || used.has(i)) return 0
    used.add(i)
    sum += sim
  }
  const surname = sum / s.names.length
  if (!s.givenKnown && !o.givenKnown) {
    // both in full (or a surname alone): every name of `s` was found; the other may carry
    // a middle name more ("Thiago Monteiro" / "Thiago Moura Monteiro")
    return s.names.length === o.names.length ? surname : surname * 0.95
  }
  const otherGiven = o.givenKnown ? o.given : o.names.filter((_, i) => !used.has(i))
  if (s.given.length === 0 || otherGiven.length === 0) return surname * 0.95
  return givenAgree(s.given, otherGiven) ? surname : 0
}

/** Similarity 0..1 of two tennis sides; doubles pairs are compared in the better pairing. */
export function sideSimilarity(a: PreparedPlayers, b: PreparedPlayers): number {
  if (a.length !== b.length || a.length === 0) return 0
  const [a0, a1] = a
  const [b0, b1] = b
  if (a0 === undefined || b0 === undefined) return 0
  if (a1 === undefined || b1 === undefined) return playerSimilarity(a0, b0)
  const straight = Math.min(playerSimilarity(a0, b0), playerSimilarity(a1, b1))
  const crossed = Math.min(playerSimilarity(a0, b1), playerSimilarity(a1, b0))
  return Math.max(straight, crossed)
}
