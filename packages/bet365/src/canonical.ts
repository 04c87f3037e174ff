import { parseZapTime } from './tree'
import type { MarketType, MatchClock, Outcome, SportKey } from '@oddsboard/model'

/**
 * Bet365's ids and fields → the model's canonical meaning (sport key, market type and line,
 * selection outcome, match clock). Pure tables and functions; the normalizer applies them.
 * Every table names its source; packages/bet365/README.md lists them for readers.
 */

/**
 * Bet365 classification (`CL` record `ID`, `EV` field `CL`) → canonical sport and Bet365's
 * own name (used when a load has no CL record). Sources: the bet365 seed, "Sport Category
 * IDs" (1, 13, 16, 17, 18); the real 2026 in-play load's CL records (1 Soccer, 13 Tennis,
 * 3 Cricket, 12 American Football); the public BetsAPI list of bet365 sport ids (as copied
 * in public client code: 2 Horse Racing … 151 E-sports, 162 MMA). Ids not listed → `other`.
 */
export const BET365_SPORTS: Readonly<Record<string, { key: SportKey; name: string }>> = {
  '1': { key: 'football', name: 'Soccer' },
  '2': { key: 'other', name: 'Horse Racing' },
  '3': { key: 'cricket', name: 'Cricket' },
  '4': { key: 'other', name: 'Greyhounds' },
  '8': { key: 'rugby-union', name: 'Rugby Union' },
  '9': { key: 'boxing', name: 'Boxing' },
  '12': { key: 'american-football', name: 'American Football' },
  '13': { key: 'tennis', name: 'Tennis' },
  '14': { key: 'snooker', name: 'Snooker' },
  '15': { key: 'darts', name: 'Darts' },
  '16': { key: 'baseball', name: 'Baseball' },
  '17': { key: 'ice-hockey', name: 'Ice Hockey' },
  '18': { key: 'basketball', name: 'Basketball' },
  '19': { key: 'rugby-league', name: 'Rugby League' },
  '36': { key: 'other', name: 'Australian Rules' },
  '66': { key: 'other', name: 'Bowls' },
  '75': { key: 'other', name: 'Gaelic Sports' },
  '78': { key: 'handball', name: 'Handball' },
  '83': { key: 'futsal', name: 'Futsal' },
  '90': { key: 'other', name: 'Floorball' },
  '91': { key: 'volleyball', name: 'Volleyball' },
  '92': { key: 'table-tennis', name: 'Table Tennis' },
  '94': { key: 'badminton', name: 'Badminton' },
  '95': { key: 'beach-volleyball', name: 'Beach Volleyball' },
  '107': { key: 'other', name: 'Squash' },
  '110': { key: 'other', name: 'Water Polo' },
  '148': { key: 'other', name: 'Surfing' },
  '151': { key: 'esports', name: 'E-sports' },
  '162': { key: 'mma', name: 'MMA' },
}

/** Sport names Bet365 uses for classifications the id table lacks (golf, motor sport, cycling…). */
const SPORT_BY_NAME: ReadonlyArray<[RegExp, SportKey]> = [
  [/^(soccer|football)$/i, 'football'],
  [/^golf$/i, 'golf'],
  [/^(motor ?sports?|formula 1|motorsport|motorbikes|speedway)$/i, 'motorsport'],
  [/^cycling$/i, 'cycling'],
  [/^(e-?sports|esports)$/i, 'esports'],
  [/^(ufc|mma|ufc\/mma)$/i, 'mma'],
]

/**
 * The canonical sport of a Bet365 classification: by id ({@link BET365_SPORTS}), else by the
 * CL record's name, else `other` (the caller keeps the book's name on `Sport.name`).
 */
export function sportKeyOf(classification: string, name?: string): SportKey {
  const known = BET365_SPORTS[classification]
  if (known !== undefined) return known.key
  for (const [re, key] of SPORT_BY_NAME) if (name !== undefined && re.test(name.trim())) return key
  return 'other'
}

/**
 * Bet365 lists simulated matches ("Esoccer Battle - 8 mins play", "Ebasketball H2H GG League")
 * under the real sport's classification (the 2026 load has six Esoccer events under CL 1).
 * They are esports. Recognised by the competition name (its first word `Esoccer`,
 * `E-Basketball`…) or the competition key `CK` (`ESOCCERBATTLE`, `ESOCH2HGG-8MP`), as the
 * public parser that recorded the 2026 load does (`CK` starting with `ESOC`).
 */
const ESPORTS_COMPETITION =
  /^(e-?(soccer|football|basketball|hockey|ice hockey|tennis|cricket|volleyball|sports?))\b/i
const ESPORTS_KEY = /^E(SOC|BASK|HOCK|SPORT)/i

/** The esports word a competition starts with (e.g. `Esoccer`), or null for a real sport. */
export function esportsName(competition: string | undefined, key?: string): string | null {
  const m = competition === undefined ? null : ESPORTS_COMPETITION.exec(competition.trim())
  if (m !== null) return m[1]!
  if (key !== undefined && ESPORTS_KEY.test(key)) return 'Esports'
  return null
}

/**
 * Market ids → type. Sources: the bet365 seed's "Known Tennis Market IDs" (1763 and 130170
 * Money Line; 130020 Current Set, 130468 Next Game, 130078 Current Game, 130077 Point
 * Betting, 130476 Svr Win: not a match market, so `other`); the 2026 load (1777 "Fulltime
 * Result" home/Draw/away; 1778 "8th Goal", "5th Goal" with a "No 8th Goal" selection;
 * 120201, an American-football line with `HA=-20.5`/`+20.5`); the 2017 OVInPlay_1_3 load's
 * soccer CL `MR` registry (10124 "Match Goals" Over/Under, 10147 "Asian Handicap In-Play",
 * 10148 "Goal Line In-Play" Over/Under); the 2017 Chrome frames' `HM` (1778 = 下一个进球,
 * "next goal").
 */
export const MARKET_TYPE_BY_ID: Readonly<Record<string, MarketType>> = {
  '1777': '1x2',
  '1778': 'next-goal',
  '1763': 'winner',
  '130170': 'winner',
  '10124': 'over-under',
  '10148': 'over-under',
  '10147': 'handicap',
  '120201': 'handicap',
  '130020': 'other',
  '130468': 'other',
  '130078': 'other',
  '130077': 'other',
  '130476': 'other',
}

/**
 * When no market of an event is flagged first by the book (`OR=0`), the main market is the
 * first of these present, in this order (the seed's table: 1777 the soccer overview market,
 * 1763 the tennis money line; then the others above), else the event's first market.
 */
export const MAIN_MARKET_IDS: readonly string[] = ['1777', '1763', '130170', '1778', '120201']

const BY_NAME: ReadonlyArray<[RegExp, MarketType]> = [
  [/outright|^to win (the )?(league|tournament|cup|title|competition)|^winner$/i, 'outright'],
  [/^(full ?time result|match result|match betting|1x2|result)$/i, '1x2'],
  [
    /^(match winner|to win match|to win|money ?line|winner|winner \(incl\.? overtime\))$/i,
    'winner',
  ],
  [/^(next goal|\d+(st|nd|rd|th) goal)$/i, 'next-goal'],
  [/handicap|spread|run line|puck line/i, 'handicap'],
  [
    /^(match goals|total goals|goal line|(match )?totals?|over\/under|total points|total games)\b/i,
    'over-under',
  ],
]

/**
 * The type of a market from its id ({@link MARKET_TYPE_BY_ID}), else its name, else
 * `other`. `selections` is the number of its selections: an `outright` by name needs more
 * than three, and a nameless market with many runners is an outright.
 */
export function marketTypeOf(id: string, name: string, selections: number): MarketType {
  const byId = MARKET_TYPE_BY_ID[id]
  if (byId !== undefined) return byId
  for (const [re, type] of BY_NAME) {
    if (!re.test(name.trim())) continue
    if (type === 'outright' && selections <= 3) continue
    return type
  }
  return 'other'
}

/**
 * A line as Bet365 writes it in `HA`/`HD` or a name: `2.5`, `+20.5`, ` -20.5`, `O 2.5`,
 * `Over 2.5`, or an Asian split `2.0,2.5` / `-0.5,-1.0` (the mean: 2.25). Null when none.
 */
export function parseLine(text: string | undefined): number | null {
  if (text === undefined) return null
  const parts = text.match(/[+-]?\d+(\.\d+)?/g)
  if (parts === null || parts.length > 2) return null
  const values = parts.map(Number)
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return Math.round(mean * 100) / 100
}

/** What one selection of a market needs to be placed. */
export interface SelectionShape {
  /** The book's `OR` position (0 first). */
  order: number
  /** The selection's `NA`. */
  name: string
  /** `HD` (handicap display, e.g. `O 2.5`). */
  hd?: string
}

/**
 * The outcome a selection stands for in a typed market; undefined for `outright`/`other` or
 * when it cannot be placed. `count` is its market's number of selections; `reversed` is true
 * for `"A @ B"` events (B is at home: the book's first selection is the away side).
 * Positions (the 2026 load): 1X2 `OR` 0 home, 1 Draw, 2 away; next goal 0 home, 1 "No Nth
 * Goal", 2 away; winner and two-way handicap 0 / 1; totals by name (`Over`/`Under`, `HD`
 * `O`/`U`), else `OR` 0 over, 1 under (public parser antibagr/Bet365-parser).
 */
export function outcomeOf(
  type: MarketType,
  sel: SelectionShape,
  count: number,
  reversed: boolean,
): Outcome | undefined {
  const side = (first: boolean): Outcome => (first !== reversed ? 'home' : 'away')
  switch (type) {
    case '1x2':
    case 'next-goal':
      if (sel.order === 1) return type === '1x2' ? 'draw' : 'none'
      if (sel.order === 0 || sel.order === 2) return side(sel.order === 0)
      return undefined
    case 'winner':
      return sel.order === 0 || sel.order === 1 ? side(sel.order === 0) : undefined
    case 'handicap':
      if (count === 3) {
        if (sel.order === 1) return 'draw'
        return sel.order === 0 || sel.order === 2 ? side(sel.order === 0) : undefined
      }
      return sel.order === 0 || sel.order === 1 ? side(sel.order === 0) : undefined
    case 'over-under': {
      const text = `${sel.name} ${sel.hd ?? ''}`.trim()
      if (/^(over|o)\b/i.test(text)) return 'over'
      if (/^(under|u)\b/i.test(text)) return 'under'
      if (sel.name === '' && (sel.order === 0 || sel.order === 1))
        return sel.order === 0 ? 'over' : 'under'
      return undefined
    }
    default:
      return undefined
  }
}

/**
 * Sports whose Bet365 clock counts down inside a period (American football's `TM=6;TS=30`
 * in the 2026 load is 6:30 left in the "2nd Quarter"; basketball and ice hockey are shown
 * the same way). The model's clock counts elapsed time up, so these get no clock, only
 * their period.
 */
export const COUNTDOWN_SPORTS: ReadonlySet<SportKey> = new Set([
  'american-football',
  'basketball',
  'ice-hockey',
])

/** Sports with no match clock at all (tennis plays by points; cricket by overs). */
const CLOCKLESS_SPORTS: ReadonlySet<SportKey> = new Set([
  'tennis',
  'cricket',
  'table-tennis',
  'badminton',
  'volleyball',
  'beach-volleyball',
  'darts',
  'snooker',
  'baseball',
])

const HOUR = 3_600_000

/** Epoch ms of the last Sunday of `month` (0-based) of `year`, at 01:00 UTC (UK clock change). */
function lastSundayOneUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0))
  const d = lastDay.getUTCDate() - lastDay.getUTCDay()
  return Date.UTC(year, month, d, 1)
}

/**
 * Parses a Bet365 `TU` timestamp `YYYYMMDDHHmmss` (an optional 3-digit ms tail is allowed) as
 * UK wall-clock time (Europe/London: GMT in winter, BST = UTC+1 from the last Sunday of March
 * to the last Sunday of October, 01:00 UTC). Returns epoch ms, or null when the text is not
 * such a timestamp.
 *
 * Why London and not UTC: the public parser that recorded the 2026 load
 * (Dev-Soft-source/bk_aggregator_parser, `mapper.py` `_parse_tu_epoch`) reads TU in
 * Europe/London, and the load agrees: "PSG v Arsenal" (the Champions League final, kick-off
 * 18:00 CEST = 16:00 UTC on 2026-05-30) has `TM=45;TS=0;TT=0;TU=20260530175327`, half time;
 * read as BST that is 16:53:27 UTC, 53 minutes after kick-off; read as UTC it would be
 * 113 minutes after kick-off with the clock still stopped at 45:00.
 */
export function parseBet365Time(text: string | undefined): number | null {
  if (text === undefined) return null
  // The same digits as the heartbeat's timestamp, read first as if they were UTC.
  const wall = parseZapTime(text)
  if (wall === null) return null
  const y = new Date(wall).getUTCFullYear()
  const bstStart = lastSundayOneUtc(y, 2)
  const bstEnd = lastSundayOneUtc(y, 9)
  const asBst = wall - HOUR
  return asBst >= bstStart && asBst < bstEnd ? asBst : wall
}

/** Formats epoch ms as a Bet365 `TU` timestamp `YYYYMMDDHHmmss` in UK time (the inverse of {@link parseBet365Time}). */
export function formatBet365Time(ms: number): string {
  const year = new Date(ms).getUTCFullYear()
  const bst = ms >= lastSundayOneUtc(year, 2) && ms < lastSundayOneUtc(year, 9)
  return new Date(ms + (bst ? HOUR : 0)).toISOString().slice(0, 19).replace(/[-:T]/g, '')
}

const DIGITS = /^\d+$/

/**
 * The match clock of a non-tennis event from its fields (seed EV field list; the public
 * parser above, `_timer_payload`): `TM` minutes and `TS` seconds of elapsed play as of `TU`
 * (UK time, {@link parseBet365Time}); `TT=1` the clock runs, so at `now` it reads
 * `TM*60+TS + (now − TU)`. `at` is TU as epoch ms; when TU is absent or not a timestamp,
 * `fallbackAt` (the receive time). Undefined for clockless and countdown sports
 * ({@link COUNTDOWN_SPORTS}), when TM is missing, and for a clock at 0:00 that is not running
 * (not kicked off). `period` is the phase when it is certain: `Half time` for a football
 * clock stopped at exactly half the match length (`ML`, 90 by default).
 */
export function clockOf(
  fields: Readonly<Record<string, string>>,
  sport: SportKey,
  fallbackAt: number,
): MatchClock | undefined {
  if (CLOCKLESS_SPORTS.has(sport) || COUNTDOWN_SPORTS.has(sport)) return undefined
  const tm = fields.TM
  const ts = fields.TS ?? '0'
  if (tm === undefined || !DIGITS.test(tm)) return undefined
  const seconds = Number(tm) * 60 + (DIGITS.test(ts) ? Number(ts) : 0)
  const running = fields.TT === '1'
  if (seconds === 0 && !running) return undefined
  const at = parseBet365Time(fields.TU) ?? fallbackAt
  const clock: MatchClock = { running, seconds, at }
  const length = DIGITS.test(fields.ML ?? '') && Number(fields.ML) > 0 ? Number(fields.ML) : 90
  if (sport === 'football' && !running && seconds === (length / 2) * 60) clock.period = 'Half time'
  return clock
}

/**
 * The period of an event as the book names it: `ED` (American football "2nd Quarter"), else
 * `CP` ("Q2"); for tennis, `Set N` from the score's set count. Undefined when none.
 */
export function periodOf(
  fields: Readonly<Record<string, string>>,
  tennisSets?: number,
): string | undefined {
  if (tennisSets !== undefined) return tennisSets > 0 ? `Set ${tennisSets}` : undefined
  const ed = fields.ED?.trim()
  if (ed) return ed
  const cp = fields.CP?.trim()
  return cp ? cp : undefined
}
