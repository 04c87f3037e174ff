/**
 * Names as each book writes them (pure): Winamax in French (countries from CLDR via
 * `Intl.DisplayNames(['fr'])`, clubs with French city names, tennis players as
 * `I. Surname`), Bet365 in English ASCII, Kwiff in English. What CLDR does not give is data
 * in `fixtures/names.json`, each entry with its source.
 */
import anyAscii from 'any-ascii'
import type { BookNames } from '@oddsboard/feedkit'
import data from '../fixtures/names.json'

interface NamesData {
  cities: [string, string][]
  countries: [string, string, string][]
  clubs: [string, string, string?][]
  competitions: [string, string][]
  givenNames: string[]
}
const NAMES = data as unknown as NamesData

const FR = new Intl.DisplayNames(['fr'], { type: 'region' })
const EN = new Intl.DisplayNames(['en'], { type: 'region' })

/** Folds for lookups: ASCII, lower case, single spaces, apostrophes and hyphens as spaces. */
function key(text: string): string {
  return anyAscii(text)
    .toLowerCase()
    .replace(/['’\-.]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

interface Country {
  fr: string
  en: string
}

/** Every region CLDR names, by folded French and English name; overrides from names.json. */
const COUNTRIES: Map<string, Country> = (() => {
  const byKey = new Map<string, Country>()
  const overrides = new Map(NAMES.countries.map(([code, fr, en]) => [code, { fr, en }]))
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b
      let fr: string | undefined
      let en: string | undefined
      try {
        fr = FR.of(code)
        en = EN.of(code)
      } catch {
        continue
      }
      if (fr === undefined || en === undefined || fr === code || en === code) continue
      const c = overrides.get(code) ?? { fr, en: en.replace(/’/g, "'") }
      byKey.set(key(fr), c)
      byKey.set(key(en), c)
    }
  }
  for (const [, fr, en] of NAMES.countries) {
    const c = { fr, en }
    byKey.set(key(fr), c)
    byKey.set(key(en), c)
  }
  return byKey
})()

const CLUBS_FR = new Map(NAMES.clubs.map((c) => [key(c[0]), c]))
const CLUBS_EN = new Map(NAMES.clubs.map((c) => [key(c[1]), c]))
const CITY_FR_TO_EN = new Map(NAMES.cities.map(([fr, en]) => [key(fr), en]))
const COMPETITION_FR = new Map(NAMES.competitions.map(([fr, en]) => [key(fr), en]))
const COMPETITION_EN = new Map(NAMES.competitions.map(([fr, en]) => [key(en), fr]))

/** A women's side: Bet365 and Kwiff write `(W)`, Winamax `(F)` (both seen in the captures/pairs). */
const WOMEN = /\s*\((W|F)\)\s*$/

function splitWomen(name: string): [string, boolean] {
  return WOMEN.test(name) ? [name.replace(WOMEN, ''), true] : [name, false]
}

/**
 * A team as each book writes it, from the English (Bet365 or Kwiff) name in a capture.
 * Winamax: the club table, else a whole-name country in French, else the name unchanged
 * (clubs of small leagues keep their local name on French books).
 */
export function teamFromEnglish(name: string, kwiffName?: string): BookNames {
  const [base, women] = splitWomen(name.trim())
  const club = CLUBS_EN.get(key(base))
  const country = COUNTRIES.get(key(base))
  const fr = club?.[0] ?? country?.fr ?? base
  return {
    winamax: women ? `${fr} (F)` : fr,
    bet365: anyAscii(name.trim()),
    kwiff: kwiffName ?? club?.[2] ?? name.trim(),
  }
}

/**
 * A team as each book writes it, from Winamax's French name: the club table, else a
 * whole-name country in English, else each French city name replaced by its local form
 * (Naples → Napoli, Mayence → Mainz); Bet365 in ASCII.
 */
export function teamFromFrench(name: string): BookNames {
  const [base, women] = splitWomen(name.trim())
  const club = CLUBS_FR.get(key(base))
  const country = COUNTRIES.get(key(base))
  let en: string
  let kwiff: string | undefined
  if (club !== undefined) {
    en = club[1]
    kwiff = club[2]
  } else if (country !== undefined) {
    en = country.en
  } else {
    en = base
      .split(' ')
      .map((w) => CITY_FR_TO_EN.get(key(w)) ?? w)
      .join(' ')
  }
  const suffix = women ? ' (W)' : ''
  return {
    winamax: name.trim(),
    bet365: anyAscii(en) + suffix,
    kwiff: (kwiff ?? en) + suffix,
  }
}

/**
 * A tennis side as each book writes it, from Bet365's form (`Juan Manuel Cerundolo`, doubles
 * `Maginley/Shick`): Winamax `J-M. Cerundolo` (initials of the given names, hyphenated, as in
 * its `J-W. Tsonga`), doubles `Maginley / Shick`; Kwiff the full name like Bet365 (no Kwiff
 * tennis capture: ASSUMED).
 */
export function playerFromBet365(name: string): BookNames {
  const trimmed = name.trim()
  if (trimmed.includes('/')) {
    const pair = trimmed.split('/').map((p) => p.trim())
    return { winamax: pair.join(' / '), bet365: trimmed, kwiff: trimmed }
  }
  const words = trimmed.split(/\s+/)
  const compound = NAMES.givenNames.find((g) => trimmed.startsWith(`${g} `))
  const given = compound ? compound.split(' ') : words.slice(0, 1)
  const surname = words.slice(given.length).join(' ')
  const initials = given.map((g) => g[0]!.toUpperCase()).join('-')
  return {
    winamax: surname === '' ? trimmed : `${initials}. ${surname}`,
    bet365: trimmed,
    kwiff: trimmed,
  }
}

/**
 * A competition as each book names it, from an English name: the table, else a leading
 * English country name put in French (`Argentina Primera C` → `Argentine Primera C`).
 */
export function competitionFromEnglish(name: string): BookNames {
  const table = COMPETITION_EN.get(key(name))
  let fr = table
  if (fr === undefined) {
    const words = name.split(' ')
    fr = name
    for (let n = Math.min(3, words.length - 1); n >= 1; n--) {
      const c = COUNTRIES.get(key(words.slice(0, n).join(' ')))
      if (c !== undefined) {
        fr = [c.fr, ...words.slice(n)].join(' ')
        break
      }
    }
  }
  return { winamax: fr, bet365: name, kwiff: name }
}

/** A competition as each book names it, from Winamax's tournament and category names. */
export function competitionFromFrench(tournament: string, category: string): BookNames {
  const en = COMPETITION_FR.get(key(tournament))
  const country = COUNTRIES.get(key(category))
  const english = en ?? (country ? `${country.en} ${tournament}` : tournament)
  return { winamax: tournament.trim(), bet365: anyAscii(english).trim(), kwiff: english.trim() }
}

/** A region (category) as each book names it, from Winamax's French category name. */
export function regionFromFrench(category: string): BookNames {
  const country = COUNTRIES.get(key(category))
  const en = country?.en ?? (key(category) === 'europe' ? 'Europe' : category)
  return { winamax: category, bet365: anyAscii(en), kwiff: en }
}

/** The city pairs of `fixtures/names.json` (French, English or local), for tests. */
export function cityPairs(): readonly [string, string][] {
  return NAMES.cities
}
