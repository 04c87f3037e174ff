/**
 * Winamax bets → canonical market type, line and selection outcomes. Pure.
 *
 * Structural fields first, from the capture (captures/winamax snapshot, 689 bets):
 * - `template`: `3way` (match result "Résultat", outcome `code` "1" / "x" / "2"),
 *   `OverUnder` ("Nombre de buts", `specialBetValue` "total=2.5", codes "over" / "under"),
 *   `ListOdd` (a list of runners, e.g. "Vainqueur" of "Coupe du Monde 2026": 67 outcomes,
 *   codes "pre:outcometext:…");
 * - `specialBetValue`: Sportradar specifiers, `key=value` joined by `|`
 *   ("total=4.5", "type=live", "variant=pre:markettext:176991"; handicaps `hcp=…`);
 * - the match: `isOutright: true` and no competitors for outrights and Winamax's
 *   "MultiFoot" specials (a `3way` "Domicile / Match nul / Extérieur" over several matches).
 * Templates and titles not in the capture (two-way winners, handicaps, next goal) are read
 * from their French titles as the site shows them: "Vainqueur du match", "Face à face",
 * "Handicap", "Prochain but".
 */
import type { MarketType, Outcome } from '@oddsboard/model'
import type { RawEntity } from './codec'

/** A market's canonical type and, for over/under and handicap, its line. */
export interface BetKind {
  type: MarketType
  /** Over/under total, or the handicap given to the home side (e.g. -1.5). */
  line?: number
}

/** Parses Sportradar specifiers, e.g. `"total=2.5|variant=x"` → `{total: "2.5", variant: "x"}`. */
export function parseSpecifiers(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof v !== 'string') return out
  for (const part of v.split('|')) {
    const eq = part.indexOf('=')
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  return out
}

/**
 * One specifier of a `specialBetValue` (`specifier("total=2.5|x=1", "total")` → "2.5"), found
 * without splitting the whole text (this runs for every bet of a snapshot).
 */
export function specifier(v: unknown, name: string): string | undefined {
  return specifierAfter(v, name + '=')
}

/** {@link specifier} given `name=` (a constant, so the hot path builds no string). */
function specifierAfter(v: unknown, needle: string): string | undefined {
  if (typeof v !== 'string') return undefined
  let at = v.indexOf(needle)
  while (at > 0 && v[at - 1] !== '|') at = v.indexOf(needle, at + 1)
  if (at < 0) return undefined
  const end = v.indexOf('|', at)
  return v.slice(at + needle.length, end < 0 ? undefined : end).trim()
}

/** A decimal number as Winamax writes it, with a point or a comma ("2.5", "2,5", "+1"). */
function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text.trim().replace(',', '.'))
  return text.trim() !== '' && Number.isFinite(n) ? n : undefined
}

/**
 * A handicap specifier as the home side's line: `"-1.5"` → -1.5; a European `"h:a"` start
 * (`"0:1"`: the away side starts one goal up) → h − a = -1.
 */
export function parseHandicap(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const parts = text.split(':')
  if (parts.length === 2) {
    const h = parseNumber(parts[0])
    const a = parseNumber(parts[1])
    return h !== undefined && a !== undefined ? h - a : undefined
  }
  return parseNumber(text)
}

/** A number in a title or label, e.g. "Plus de 2,5" → 2.5, "Handicap (-1)" → -1. */
function numberIn(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined
  const m = /([+-]?\d+(?:[.,]\d+)?)/.exec(text)
  return m === null ? undefined : parseNumber(m[1])
}

/** True for an outright "match" (a competition, a MultiFoot): no two competitors. */
export function isOutrightMatch(m: RawEntity | undefined): boolean {
  if (m === undefined) return false
  if (m.isOutright === true) return true
  return typeof m.competitor1Name !== 'string' || typeof m.competitor2Name !== 'string'
}

function title(b: RawEntity): string {
  const t = typeof b.betTitle === 'string' ? b.betTitle : b.betTypeName
  return typeof t === 'string' ? t.trim().toLowerCase() : ''
}

function outcomeCount(b: RawEntity): number {
  return Array.isArray(b.outcomes) ? b.outcomes.length : 0
}

/**
 * The canonical type (and line) of a Winamax bet on its match.
 * - On an outright match: `outright` for a list of runners (`ListOdd`, or more than three),
 *   `other` otherwise (MultiFoot's three-way over several matches is no match result).
 * - `3way` → `1x2`; `OverUnder` → `over-under` with the `total` specifier (else the number
 *   in the title); a `hcp` specifier or a "Handicap" title → `handicap` with its line;
 *   "Vainqueur du match" / "Face à face" / "Vainqueur" with two outcomes → `winner`;
 *   "Prochain but" with three outcomes → `next-goal`; "Résultat" / "1N2" with three → `1x2`;
 *   "Nombre de …" / "Plus/Moins" with a total → `over-under`. Anything else `other`.
 */
export function classifyBet(b: RawEntity, match: RawEntity | undefined): BetKind {
  const template = typeof b.template === 'string' ? b.template.toLowerCase() : ''
  const hcp = specifierAfter(b.specialBetValue, 'hcp=')
  const total = specifierAfter(b.specialBetValue, 'total=')
  const n = outcomeCount(b)
  const t = title(b)
  if (isOutrightMatch(match)) {
    return { type: template === 'listodd' || n > 3 ? 'outright' : 'other' }
  }
  if (hcp !== undefined || template.includes('handicap') || t.startsWith('handicap')) {
    const line = parseHandicap(hcp) ?? numberIn(t)
    return line === undefined ? { type: 'handicap' } : { type: 'handicap', line }
  }
  if (template === 'overunder' || (total !== undefined && n === 2)) {
    const line = parseNumber(total) ?? numberIn(t)
    return line === undefined ? { type: 'over-under' } : { type: 'over-under', line }
  }
  if (template === '3way' && n === 3) return { type: '1x2' }
  if (template === '2way' && n === 2) return { type: 'winner' }
  if (n === 2 && (t === 'vainqueur du match' || t === 'face à face' || t === 'vainqueur'))
    return { type: 'winner' }
  if (n === 3 && t.startsWith('prochain but')) return { type: 'next-goal' }
  if (n === 3 && (t === 'résultat' || t === '1n2')) return { type: '1x2' }
  if (n === 2 && (t.startsWith('nombre de') || t.startsWith('plus/moins'))) {
    const line = numberIn(t)
    return line === undefined ? { type: 'over-under' } : { type: 'over-under', line }
  }
  return { type: 'other' }
}

/** Outcome `code` values (captures/winamax: "1", "x", "2", "over", "under"). */
const CODES: ReadonlyMap<string, Outcome> = new Map([
  ['1', 'home'],
  ['x', 'draw'],
  ['n', 'draw'],
  ['2', 'away'],
  ['over', 'over'],
  ['under', 'under'],
  ['none', 'none'],
])

/** Outcomes by position (`order` in the bet's `outcomes` list) when the code says nothing. */
const BY_ORDER: Partial<Record<MarketType, readonly Outcome[]>> = {
  '1x2': ['home', 'draw', 'away'],
  winner: ['home', 'away'],
  'next-goal': ['home', 'none', 'away'],
  'over-under': ['over', 'under'],
}

/**
 * What one outcome of a typed market stands for: from its `code` ("1" → home, "x" → draw,
 * "2" → away, "over", "under"), else from its label ("Plus de…" / "Moins de…", "Aucun but"),
 * else from its position `order` in the bet. Undefined for `outright` and `other`.
 */
export function selectionOutcome(
  type: MarketType,
  o: RawEntity,
  order: number,
  outcomes: number,
): Outcome | undefined {
  if (type === 'outright' || type === 'other') return undefined
  const raw = typeof o.code === 'string' ? o.code : ''
  // The capture's codes are already lower case: look them up as sent first.
  const byCode = CODES.get(raw) ?? CODES.get(raw.trim().toLowerCase())
  if (byCode !== undefined) {
    if (type === 'over-under') return byCode === 'over' || byCode === 'under' ? byCode : undefined
    if (type === 'next-goal' && byCode === 'draw') return 'none'
    if (byCode === 'over' || byCode === 'under') return undefined
    if (byCode === 'draw' && type === 'winner') return undefined
    return byCode
  }
  const label = typeof o.label === 'string' ? o.label.trim().toLowerCase() : ''
  if (type === 'over-under') {
    if (label.startsWith('plus')) return 'over'
    if (label.startsWith('moins')) return 'under'
  }
  if (type === 'next-goal' && label.startsWith('aucun')) return 'none'
  const list =
    type === 'handicap' ? (outcomes === 2 ? BY_ORDER.winner : BY_ORDER['1x2']) : BY_ORDER[type]
  return list !== undefined && list.length === outcomes ? list[order] : undefined
}
