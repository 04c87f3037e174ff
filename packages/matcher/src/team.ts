/**
 * Team names: one side of a football, basketball or ice-hockey event. A name becomes a
 * bag of canonical tokens (club prefixes and suffixes dropped, aliases replaced) plus the
 * markers that make it a different team of the same club (U21, women, reserves).
 */
import { distance } from 'fastest-levenshtein'
import stringComparison from 'string-comparison'
import { canonicalTokens, fold, isCity, tokenForms } from './normalize'

const { jaroWinkler } = stringComparison

/** Legal-form and club-type prefixes and suffixes that say nothing about which club it is. */
const CLUB_AFFIXES = new Set(
  (
    'fc cf ac as sc sv ssc afc cfc vfb vfl fsv tsg rc rsc kv kvc krc krcg ud sd cd ca se sk skn ' +
    'fk nk hsc fco dsc osc bk if ik aik sl calcio ss us usl cs ogc sco hc bc kfco de la le ' +
    'del di da do the of et y e and vv ec cr aa'
  ).split(' '),
)

/** Words many unrelated clubs share: they count half, so "Manchester United" ≠ "Sheffield United". */
const GENERIC = new Set(
  (
    'united city real club sporting athletic atletico olympique olympic stade racing royal union ' +
    'borussia dynamo dinamo deportivo town county rovers wanderers albion hotspur sport sportivo ' +
    'rb saint'
  ).split(' '),
)

const WOMEN = new Set(
  (
    'w women womens woman ladies feminines feminine feminin fem femenino feminino femenil ' +
    'femminile frauen damen dames femmes f'
  ).split(' '),
)
const RESERVES = new Set('b ii reserves reserve res jong amateure'.split(' '))
/** Youth sides named by a word rather than an age (France "Espoirs" is the U21 side). */
const YOUTH = new Map([
  ['espoirs', 'u21'],
  ['youth', 'youth'],
  ['juniors', 'youth'],
  ['junior', 'youth'],
])

/** A team name ready for comparison; build it with {@link prepareTeam}. */
export interface PreparedTeam {
  /** the name as given */
  raw: string
  /** canonical content tokens, e.g. `Werder Brême` → `['werder','bremen']` */
  tokens: string[]
  /** markers of a non-first team, sorted and joined: `''`, `'u21'`, `'women'`, `'reserve'` */
  markers: string
  /** the folded name with no spaces, for names whose parts a scraper glued together */
  compact: string
  /** tokens written as a dotted abbreviation ("Sp." Moscow, "Ban." Bystrica) */
  abbreviations: Set<string>
}

/**
 * Prepares a team name: folds it, extracts the side markers (U-21 / `(21)` youth,
 * W / Women / Féminines / `(F)` women, B / II / Reserves), drops club affixes and numbers,
 * and replaces aliases by canonical tokens.
 */
export function prepareTeam(raw: string): PreparedTeam {
  const words = fold(raw).split(' ').filter(Boolean)
  const abbreviations = new Set(
    [...raw.matchAll(/(?:^|[\s.])(\p{L}{2,4})\./gu)].map((m) => fold(m[1] ?? '')),
  )
  const markers = new Set<string>()
  const kept: string[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? ''
    const next = words[i + 1]
    if (/^u\d{2}$/.test(w)) {
      markers.add(w)
    } else if ((w === 'u' || w === 'under') && next !== undefined && /^\d{2}$/.test(next)) {
      markers.add(`u${next}`)
      i++
    } else if (/^\d{2}$/.test(w) && Number(w) >= 15 && Number(w) <= 23) {
      markers.add(`u${w}`)
    } else if (i > 0 && YOUTH.has(w)) {
      markers.add(YOUTH.get(w) ?? 'youth')
    } else if (i > 0 && WOMEN.has(w)) {
      markers.add('women')
    } else if ((i > 0 || w === 'jong') && RESERVES.has(w)) {
      markers.add('reserve')
    } else if (/^\d+$/.test(w)) {
      // founding years and numbers in names (Schalke 04, Hannover 96, 1. FC Köln)
    } else {
      kept.push(w)
    }
  }
  const tokens = canonicalTokens(kept).filter((t) => !CLUB_AFFIXES.has(t) && t.length > 1)
  return {
    raw,
    tokens,
    markers: [...markers].sort().join(','),
    abbreviations,
    compact: kept.join(''),
  }
}

/** Weight of a token when found in the other name, and when not. */
function weights(token: string): [found: number, missing: number] {
  if (GENERIC.has(token)) return [0.5, 0.5]
  // clubs gain or lose their city between books ("Lazio Rome", "Betis Séville")
  if (isCity(token)) return [0.5, 0.25]
  // two-letter codes are mostly a state or club type the other book leaves out ("CE", "SP")
  if (token.length <= 2) return [0.5, 0.25]
  return [1, 1]
}

/**
 * Splits the whitespace-stripped tokens of `tokens` ("realbetis", "stpolten") at the
 * written forms of the other name's tokens, so each piece is compared on its own.
 */
function expand(tokens: readonly string[], other: readonly string[]): string[] {
  const forms = other.flatMap((t) => tokenForms(t)).filter((f) => f.length >= 4)
  const out: string[] = []
  for (const t of tokens) {
    const hit =
      t.length >= 7 && !other.includes(t)
        ? forms
            .filter((f) => f.length <= t.length - 2 && t.includes(f))
            .sort((x, y) => y.length - x.length)[0]
        : undefined
    if (hit === undefined) {
      out.push(t)
      continue
    }
    const at = t.indexOf(hit)
    const pieces = [t.slice(0, at), hit, t.slice(at + hit.length)].filter((p) => p.length >= 2)
    out.push(...canonicalTokens(pieces).filter((p) => !CLUB_AFFIXES.has(p)))
  }
  return out
}

/** Credit 0..1 for finding token `t` of one name among the tokens of the other. */
function tokenCredit(
  t: string,
  other: readonly string[],
  otherCompact: string,
  abbreviations: Set<string>,
): number {
  let best = 0
  const forms = tokenForms(t)
  // a multi-word name glued across tokens: "Sint-TruidenseVV" holds "sinttruidense"
  if (forms.some((f) => f.length >= 6 && otherCompact.includes(f))) return 1
  for (const u of other) {
    if (u === t) return 1
    for (const f of forms) {
      if (f === u) return 1
      // a stripped name the split could not cut: "westbromwichalbion"
      if (f.length >= 4 && u.length >= f.length + 2 && u.includes(f)) return 1
    }
    const short = t.length <= u.length ? t : u
    const long = short === t ? u : t
    const minPrefix = abbreviations.has(short) ? 2 : 3
    if (short.length >= minPrefix && long.startsWith(short) && !short.includes('~')) {
      best = Math.max(best, 0.9)
    }
    if (t.length >= 5 && u.length >= 5) {
      const jw = jaroWinkler.similarity(t, u)
      if (jw >= 0.9) best = Math.max(best, jw)
      const lev = 1 - distance(t, u) / Math.max(t.length, u.length)
      if (lev >= 0.85 && Math.min(t.length, u.length) >= 6) best = Math.max(best, lev)
    }
  }
  return best
}

function coverage(
  from: readonly string[],
  to: readonly string[],
  toCompact: string,
  abbreviations: Set<string>,
): number {
  let total = 0
  let got = 0
  for (const t of from) {
    const credit = tokenCredit(t, to, toCompact, abbreviations)
    const [found, missing] = weights(t)
    const w = credit > 0 ? found : missing
    total += w
    got += w * credit
  }
  return total === 0 ? 0 : got / total
}

/**
 * Similarity 0..1 of two team names: how well the tokens of the shorter name are found in
 * the longer one (exactly, as a prefix such as "Brom"/"Bromwich", inside a whitespace-stripped
 * name, or by Jaro-Winkler ≥ 0.9 / Levenshtein ratio ≥ 0.85), with a small share for the
 * other direction. Generic words (United, Real) count half and a city a club name adds
 * ("Betis Séville") a quarter. 0 when side markers differ (first team vs U21, women, reserves).
 */
export function teamSimilarity(a: PreparedTeam, b: PreparedTeam): number {
  if (a.markers !== b.markers) return 0
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0
  const at = expand(a.tokens, b.tokens)
  const bt = expand(b.tokens, a.tokens)
  const abbreviations = new Set([...a.abbreviations, ...b.abbreviations])
  const ab = coverage(at, bt, b.compact, abbreviations)
  const ba = coverage(bt, at, a.compact, abbreviations)
  return 0.85 * Math.max(ab, ba) + 0.15 * Math.min(ab, ba)
}
