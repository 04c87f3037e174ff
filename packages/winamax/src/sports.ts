/**
 * Winamax `sportId` → canonical {@link SportKey}. Pure.
 *
 * Winamax's sport ids are Sportradar's (its matches carry `srTournamentId: "sr:tournament:…"`,
 * and every sport of the capture has Sportradar's id: 1 Football/soccer, 5 Tennis, 4 ice
 * hockey…). The table lists the 24 sports of the capture's snapshot (`sports`, with their
 * `sportName` as Winamax sends it) and a few more Sportradar ids Winamax offers; any other id
 * is `other`, and the Sport keeps Winamax's own name (`sportName`).
 *
 * | sportId | sportName (Winamax)   | key                 |
 * |--------:|-----------------------|---------------------|
 * |       1 | Football              | football            |
 * |       2 | Basketball            | basketball          |
 * |       3 | Baseball              | baseball            |
 * |       4 | Hockey sur glace      | ice-hockey          |
 * |       5 | Tennis                | tennis              |
 * |       6 | Handball              | handball            |
 * |       9 | Golf                  | golf                |
 * |      10 | Boxe                  | boxing              |
 * |      11 | Automobile            | motorsport          |
 * |      12 | Rugby à XV            | rugby-union         |
 * |      13 | Football australien   | other (no key)      |
 * |      16 | Football américain    | american-football   |
 * |      17 | Cyclisme              | cycling             |
 * |      19 | Snooker               | snooker             |
 * |      20 | Tennis de table       | table-tennis        |
 * |      21 | (Cricket)             | cricket             |
 * |      22 | (Fléchettes)          | darts               |
 * |      23 | Volley-ball           | volleyball          |
 * |      29 | (Futsal)              | futsal              |
 * |      31 | (Badminton)           | badminton           |
 * |      34 | (Beach-volley)        | beach-volleyball    |
 * |      40 | Formule 1             | motorsport          |
 * |      43 | Ski alpin             | other (no key)      |
 * |      44 | Biathlon              | other (no key)      |
 * |      46 | Ski de fond           | other (no key)      |
 * |     117 | MMA                   | mma                 |
 * |     190 | Moto                  | motorsport          |
 * |    9992 | Rugby à XIII          | rugby-league        |
 * |  100000 | Cotes boostées        | other (boosted odds, not a sport) |
 *
 * Names in parentheses are not in the capture (Sportradar's sport of that id).
 */
import type { SportKey } from '@oddsboard/model'

/** The table above: Winamax sportId → canonical sport (ids absent here are `other`). */
export const WINAMAX_SPORT_KEYS: Readonly<Record<string, SportKey>> = {
  '1': 'football',
  '2': 'basketball',
  '3': 'baseball',
  '4': 'ice-hockey',
  '5': 'tennis',
  '6': 'handball',
  '9': 'golf',
  '10': 'boxing',
  '11': 'motorsport',
  '12': 'rugby-union',
  '16': 'american-football',
  '17': 'cycling',
  '19': 'snooker',
  '20': 'table-tennis',
  '21': 'cricket',
  '22': 'darts',
  '23': 'volleyball',
  '29': 'futsal',
  '31': 'badminton',
  '34': 'beach-volleyball',
  '40': 'motorsport',
  '117': 'mma',
  '190': 'motorsport',
  '9992': 'rugby-league',
}

/** The canonical sport of a Winamax sportId (number or decimal string); `other` when unknown. */
export function winamaxSportKey(sportId: string | number): SportKey {
  return Object.hasOwn(WINAMAX_SPORT_KEYS, String(sportId))
    ? WINAMAX_SPORT_KEYS[String(sportId)]!
    : 'other'
}
