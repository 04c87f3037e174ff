/**
 * Name normalization shared by team and player matching: folding to ASCII lower case,
 * tokenizing, and replacing every known alias (countries from CLDR, city exonyms and club
 * short forms from `data/aliases.json`) by one canonical token.
 */
import anyAscii from 'any-ascii'
import aliases from './data/aliases.json'

/**
 * Folds a name to ASCII lower case: accents and other scripts are transliterated
 * (any-ascii), `&` read as "and", apostrophes dropped ("M'gladbach" → "mgladbach"), every other non-alphanumeric
 * character becomes one space. `Saint-Étienne` → `saint etienne`.
 */
export function fold(text: string): string {
  return anyAscii(text)
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/** The languages whose CLDR region names are read back to a region code. */
const DISPLAY_LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'pt'] as const

/** One phrase table: folded phrase (tokens joined by one space) → canonical token. */
interface AliasTable {
  phrases: Map<string, string>
  /** canonical token → every folded variant with spaces removed, for stripped names */
  variants: Map<string, string[]>
  /** longest phrase, in tokens */
  longest: number
  /** canonical tokens that name a city (a club name may add or drop them: "Lazio Rome") */
  cities: Set<string>
}

function addAlias(table: AliasTable, canonical: string, variant: string): void {
  const folded = fold(variant)
  if (folded === '') return
  if (!table.phrases.has(folded)) table.phrases.set(folded, canonical)
  table.longest = Math.max(table.longest, folded.split(' ').length)
  const list = table.variants.get(canonical) ?? []
  const compact = folded.replace(/ /g, '')
  // the whitespace-stripped spelling is a phrase of its own ("parissg", "sinttruidense")
  if (!table.phrases.has(compact)) table.phrases.set(compact, canonical)
  if (!list.includes(compact)) list.push(compact)
  table.variants.set(canonical, list)
}

/**
 * Builds the alias table once: every ISO 3166-1 region name CLDR knows in
 * {@link DISPLAY_LANGUAGES} (Intl.DisplayNames, full ICU as in Node 20) maps to `c~<code>`,
 * then the extra country forms and the name groups of `data/aliases.json`.
 */
function buildAliasTable(): AliasTable {
  const table: AliasTable = {
    phrases: new Map(),
    variants: new Map(),
    longest: 1,
    cities: new Set(),
  }
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const displays = DISPLAY_LANGUAGES.map(
    (lang) => new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' }),
  )
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b
      for (const display of displays) {
        let name: string | undefined
        try {
          name = display.of(code)
        } catch {
          name = undefined
        }
        if (name === undefined || name === code || /unknown/i.test(name)) continue
        addAlias(table, `c~${code.toLowerCase()}`, name)
        // "Myanmar (Burma)", "Congo - Kinshasa": the part before the qualifier alone too
        const head = name.split(/ \(| - /)[0]
        if (head !== undefined && head !== name) addAlias(table, `c~${code.toLowerCase()}`, head)
      }
    }
  }
  for (const [code, ...names] of aliases.countryExtras) {
    for (const name of names) addAlias(table, `c~${(code ?? '').toLowerCase()}`, name)
  }
  for (const group of [...aliases.cityExonyms, ...aliases.clubShortForms, ...aliases.saint]) {
    const canonical = fold(group[0] ?? '').replace(/ /g, '')
    for (const name of group) addAlias(table, canonical, name)
  }
  for (const group of aliases.cityExonyms) {
    table.cities.add(fold(group[0] ?? '').replace(/ /g, ''))
  }
  return table
}

let aliasTable: AliasTable | undefined

function table(): AliasTable {
  aliasTable ??= buildAliasTable()
  return aliasTable
}

/**
 * Replaces known phrases in folded tokens by their canonical token, longest phrase first:
 * `['irlande','du','nord']` → `['c~gb-nir']`, `['man','utd']` → `['manchester','united']`.
 */
export function canonicalTokens(tokens: readonly string[]): string[] {
  const { phrases, longest } = table()
  const out: string[] = []
  let i = 0
  while (i < tokens.length) {
    let taken = 0
    for (let n = Math.min(longest, tokens.length - i); n >= 1; n--) {
      const canonical = phrases.get(tokens.slice(i, i + n).join(' '))
      if (canonical !== undefined) {
        out.push(canonical)
        taken = n
        break
      }
    }
    if (taken === 0) {
      out.push(tokens[i] ?? '')
      taken = 1
    }
    i += taken
  }
  return out
}

/**
 * Every written form of a canonical token with spaces removed, for finding it inside a
 * whitespace-stripped name ("SampdoriadeGenes"); a token with no alias is its own form.
 */
export function tokenForms(token: string): readonly string[] {
  return table().variants.get(token) ?? [token]
}

/** True when a canonical token names a city from the exonym table ("napoli", "sevilla"). */
export function isCity(token: string): boolean {
  return table().cities.has(token)
}
