/**
 * What a Kwiff offer means (pure): its canonical market type and line, the outcome each of its
 * selections stands for, and which offer of an event is its main market.
 *
 * Kwiff sends no market type, line or outcome code: an offer is `{id?, name, outcomes:
 * [{id?, outcomeName, odds, fractional}]}` (captures/kwiff event-list sample; the ticket:odds:get
 * sample names the markets "Anytime Goalscorer" and "rcd mallorca total goals" with the outcome
 * "over 0.5"). So everything here is read from the offer's name and its outcomes' names, the
 * outcomes' own names first and their position only where the names say nothing
 * (see {@link classifyOffer}). The name patterns are the UK market names Kwiff's web app shows;
 * only "Full Time Result" and "over 0.5" are confirmed by a capture.
 */
import type { MarketType, Outcome } from '@oddsboard/model'

/** The part of an offer this module reads. */
export interface OfferNames {
  name: string
  outcomes: readonly { outcomeName: string }[]
}

/** The home and away names of the event (`homeTeam.name`, `awayTeam.name`). */
export interface EventSides {
  home: string
  away: string
}

/** The meaning of one offer; `outcomes[i]` is that of `offer.outcomes[i]`. */
export interface OfferMeaning {
  type: MarketType
  /** Over-under total, or handicap of the home side; absent when the names carry none. */
  line?: number
  outcomes: (Outcome | undefined)[]
}

/** Lower case, accents and punctuation dropped, Unicode minus as `-`; keeps digits, `.`, `+`, `-`. */
function norm(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\u2212/g, '-')
    .replace(/[^a-z0-9.+-]+/g, ' ')
    .trim()
}

/** A number standing alone (`2.5`, `-1.5`, `+1`), not a part of a word such as `1st`. */
const NUMBER = /(?<![\w.])[+-]?\d+(?:\.\d+)?(?![\w.])/g

function numbers(s: string): number[] {
  return [...norm(s).matchAll(NUMBER)].map((m) => Number(m[0]))
}

/** The one number of a name ("Handicap -1.5" → -1.5); undefined when it has none or several. */
function onlyNumber(s: string): number | undefined {
  const all = numbers(s)
  return all.length === 1 ? all[0] : undefined
}

/** Time qualifiers a result or winner name may end with ("Match Winner (Incl. Overtime)"). */
const QUALIFIER = String.raw`(?: (?:incl|including|inc)\.? (?:overtime|ot|extra time|et)| 90 (?:mins?|minutes)| regular time| normal time)?`

/** Three-way result names: 1X2 when a draw is offered. */
const RESULT = new RegExp(
  String.raw`^(?:full time result|fulltime result|ft result|match result|result|1x2|match betting|win draw win|three way|3 way|regular time result|normal time result|90 minutes? result)${QUALIFIER}$`,
)

/** Two-way winner names: match winner, money line, head to head, to qualify. */
const WINNER = new RegExp(
  String.raw`^(?:match winner|winner|match odds|to win match|to win the match|money ?line|head to head|h2h|2 way|two way|home away|to qualify|fight winner|bout winner|game winner)${QUALIFIER}$`,
)

/** Next goal / Nth goal, not a goalscorer market. */
const NEXT_GOAL =
  /^(?:next goal|\d+(?:st|nd|rd|th) goal|first goal|team to score first|first team to score|to score first)$/

/** Over/under named as such ("Total Goals Over/Under 2.5", "O/U"), as {@link norm} leaves it. */
const OVER_UNDER_NAME = /\bover under\b|\bo u\b/

const HANDICAP = /handicap|spread|\b(?:run|puck|point|goal) line\b/

const OUTRIGHT =
  /\boutright|\b(?:tournament|league|competition|championship|cup|group|division|series|title) winner\b|\bto win (?:the )?(?:tournament|league|competition|championship|cup|group|division|series|title)\b/

const DRAW_NAMES = new Set(['draw', 'x', 'tie', 'the draw'])
const NONE_NAMES = new Set(['no goal', 'no goals', 'none', 'neither', 'no goalscorer', 'no team'])

/** `over` / `under` and the line of an outcome named "Over 2.5", "under (0.5)", else undefined. */
function overUnder(name: string): { side: 'over' | 'under'; line?: number } | undefined {
  const m = /^(over|under)\b(?:\s*([+-]?\d+(?:\.\d+)?))?/.exec(norm(name))
  if (m === null) return undefined
  const side = m[1] as 'over' | 'under'
  return m[2] === undefined ? { side } : { side, line: Number(m[2]) }
}

/** True when `a` and `b` name the same side: equal, or one holds the other's words. */
function sameSide(a: string, b: string): boolean {
  if (a === '' || b === '') return false
  if (a === b) return true
  if (a.length < 3 || b.length < 3) return false
  return ` ${b} `.includes(` ${a} `) || ` ${a} `.includes(` ${b} `)
}

/** The outcome an outcome's own name says, for a typed market other than over-under. */
function namedOutcome(type: MarketType, name: string, sides: EventSides): Outcome | undefined {
  const raw = norm(name)
  if (raw === '1') return 'home'
  if (raw === '2') return 'away'
  // Handicap outcomes carry their line ("Arsenal -1.5", "Draw (+1)"): compare without it.
  const base = raw.replace(NUMBER, ' ').replace(/\s+/g, ' ').trim()
  if (type === '1x2' || type === 'handicap') {
    if (DRAW_NAMES.has(base) || DRAW_NAMES.has(raw)) return 'draw'
  }
  if (type === 'next-goal' && NONE_NAMES.has(base)) return 'none'
  if (base === 'home') return 'home'
  if (base === 'away') return 'away'
  const home = norm(sides.home)
  const away = norm(sides.away)
  if (base === home && base !== away) return 'home'
  if (base === away && base !== home) return 'away'
  const h = sameSide(base, home)
  const a = sameSide(base, away)
  if (h && !a) return 'home'
  if (a && !h) return 'away'
  return undefined
}

/** The outcomes a market of `type` with `n` selections stands for, by position. */
function positional(type: MarketType, n: number): Outcome[] {
  switch (type) {
    case '1x2':
    case 'handicap':
      return n >= 3 ? ['home', 'draw', 'away'] : n === 2 ? ['home', 'away'] : ['home']
    case 'next-goal':
      return n >= 3 ? ['home', 'none', 'away'] : n === 2 ? ['home', 'away'] : ['home']
    case 'winner':
      return n >= 2 ? ['home', 'away'] : ['home']
    default:
      return []
  }
}

/**
 * The outcomes of a typed market's selections: each outcome's own name first (team name,
 * "Draw"/"X", "1"/"2", "Home"/"Away", "No goal"); the selections the names leave open take
 * the outcomes left over, in column order, when exactly as many are left as are open, else
 * their position's outcome when no named selection holds it. Never two selections with one
 * outcome.
 */
function resolveOutcomes(
  type: MarketType,
  names: readonly string[],
  sides: EventSides,
): (Outcome | undefined)[] {
  const out: (Outcome | undefined)[] = names.map(() => undefined)
  const taken = new Set<Outcome>()
  names.forEach((n, i) => {
    const o = namedOutcome(type, n, sides)
    if (o !== undefined && !taken.has(o)) {
      out[i] = o
      taken.add(o)
    }
  })
  const slots = positional(type, names.length)
  const open = out.flatMap((o, i) => (o === undefined ? [i] : []))
  const left = slots.filter((o) => !taken.has(o))
  if (open.length === left.length) {
    open.forEach((i, k) => (out[i] = left[k]))
    return out
  }
  for (const i of open) {
    const o = slots[i]
    if (o !== undefined && !taken.has(o)) {
      out[i] = o
      taken.add(o)
    }
  }
  return out
}

function result(type: MarketType, outcomes: (Outcome | undefined)[], line?: number): OfferMeaning {
  return line === undefined || !Number.isFinite(line)
    ? { type, outcomes }
    : { type, line, outcomes }
}

/**
 * The canonical meaning of one Kwiff offer, from its name and its outcomes' names (Kwiff sends
 * no type or line). Checked in this order:
 * 1. `over-under`: every outcome is named "Over …"/"Under …" (at most one of each), or the
 *    name says "Over/Under" and there are no outcomes; `line` from the outcomes ("Over 2.5"),
 *    else the name's one number; outcomes over/under from their names. Outcomes on several
 *    lines in one offer are `other`.
 * 2. `outright`: "Outright…", "<competition> Winner", "To Win the League", or "Winner" with
 *    more than three outcomes.
 * 3. `next-goal`: "Next Goal", "8th Goal", "First Goal", "Team To Score First".
 * 4. `handicap`: "Handicap", "Asian Handicap", "Spread", "Run/Puck/Point Line"; `line` is the
 *    home side's: the name's one number, else the home outcome's ("Arsenal -1.5"), else the first's.
 * 5. result names ("Full Time Result", "Match Result", "1X2", "Match Betting") and winner
 *    names ("Match Winner", "Money Line", "Head to Head", "To Qualify"): `1x2` when an outcome
 *    is a draw or a result name has other than two outcomes, else `winner`.
 * 6. anything else: `other` (both teams to score, correct score, goalscorers, specials).
 * Outcomes of typed markets: see the module comment; `outright` and `other` have none.
 */
export function classifyOffer(offer: OfferNames, sides: EventSides): OfferMeaning {
  const name = norm(offer.name)
  const names = offer.outcomes.map((o) => o.outcomeName)
  const none = names.map(() => undefined)
  const n = names.length

  const ou = names.map(overUnder)
  const allOu = n > 0 && ou.every((x) => x !== undefined)
  if (allOu || (n === 0 && OVER_UNDER_NAME.test(name))) {
    const sides2 = ou.map((x) => x?.side)
    const overs = sides2.filter((s) => s === 'over').length
    const unders = sides2.filter((s) => s === 'under').length
    const lines = new Set(ou.flatMap((x) => (x?.line === undefined ? [] : [x.line])))
    if (overs > 1 || unders > 1 || lines.size > 1) return { type: 'other', outcomes: none }
    const line = lines.size === 1 ? [...lines][0] : onlyNumber(offer.name)
    return result('over-under', sides2, line)
  }
  if (OUTRIGHT.test(name) || (name === 'winner' && n > 3)) {
    return { type: 'outright', outcomes: none }
  }
  if (NEXT_GOAL.test(name)) {
    return result('next-goal', resolveOutcomes('next-goal', names, sides))
  }
  if (HANDICAP.test(name)) {
    const outcomes = resolveOutcomes('handicap', names, sides)
    const homeAt = outcomes.indexOf('home')
    const line =
      onlyNumber(offer.name) ??
      (homeAt >= 0 ? onlyNumber(names[homeAt]!) : undefined) ??
      (n > 0 ? onlyNumber(names[0]!) : undefined)
    return result('handicap', outcomes, line)
  }
  const isResult = RESULT.test(name)
  if (isResult || WINNER.test(name)) {
    const hasDraw = names.some((x) => namedOutcome('1x2', x, sides) === 'draw')
    if (!isResult && n > 3) return { type: 'other', outcomes: none }
    const type: MarketType = hasDraw || (isResult && n !== 2) ? '1x2' : 'winner'
    return result(type, resolveOutcomes(type, names, sides))
  }
  return { type: 'other', outcomes: none }
}

/** Preference of market types for an event's main market, best first. */
const MAIN_TYPES: readonly MarketType[] = ['1x2', 'winner']

/**
 * The index of an event's main offer among `types` (one per offer, in the event's order): its
 * first `1x2` offer, else its first `winner`, else its first offer (Kwiff has no main flag;
 * `event:list` carries one offer per event, the one its list shows, e.g. "Full Time Result" in
 * the sample). -1 when there are no offers.
 */
export function mainOfferIndex(types: readonly MarketType[]): number {
  if (types.length === 0) return -1
  for (const t of MAIN_TYPES) {
    const i = types.indexOf(t)
    if (i !== -1) return i
  }
  return 0
}
