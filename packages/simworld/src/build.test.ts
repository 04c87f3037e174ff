import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { buildFixtures, CROSS_LISTED_SHARE } from './build'
import { readCaptures, renderFixtureFile } from './captures'
import { worldFixtures } from './fixtures'

describe('the stored fixture list', () => {
  const built = buildFixtures(readCaptures())

  it('is exactly what the build makes from the captures', () => {
    const stored = readFileSync(
      fileURLToPath(new URL('../fixtures/world-fixtures.json', import.meta.url)),
      'utf8',
    )
    expect(stored).toBe(renderFixtureFile(built))
  })

  it('takes the Bet365 load football and tennis, the Winamax football and the Kwiff samples', () => {
    const fromBook = (book: 'winamax' | 'bet365' | 'kwiff', sport: string) =>
      built.filter((f) => f.native?.[book] !== undefined && f.sport === sport)
    expect(fromBook('bet365', 'tennis')).toHaveLength(23)
    expect(fromBook('bet365', 'football').length).toBeGreaterThan(30)
    expect(fromBook('winamax', 'football').length).toBeGreaterThan(30)
    expect(fromBook('kwiff', 'football').map((f) => f.native?.kwiff)).toEqual([
      '10748848',
      '11505695',
    ])
    // a few lines checked by hand against the captures
    const psg = built.find((f) => f.native?.bet365 === '194225036')!
    expect(psg.home).toEqual({ winamax: 'Paris SG', bet365: 'PSG', kwiff: 'PSG' })
    expect(psg.competition.winamax).toBe('Ligue des Champions')
    const cerundolo = built.find((f) => f.native?.bet365 === '195403390')!
    expect(cerundolo.home.winamax).toBe('J-M. Cerundolo')
    expect(cerundolo.bestOf).toBe(5) // L3=Slam M-R3, and the capture shows a fifth set
    const gauff = built.find((f) => f.native?.bet365 === '195413166')!
    expect(gauff.bestOf).toBe(3) // women's Grand Slam singles: best of 3
    const naples = built.find((f) => f.home.winamax === 'Naples')!
    expect(naples.home.bet365).toBe('Napoli')
    expect(naples.away).toMatchObject({
      winamax: 'Eintracht Francfort',
      bet365: 'Eintracht Frankfurt',
    })
    const ireland = built.find((f) => f.home.winamax === "République d'Irlande")!
    expect(ireland.home.bet365).toBe('Republic of Ireland') // CLDR gives Irlande / Ireland
    expect(built.some((f) => /Esoccer/.test(f.competition.bet365))).toBe(false)
  })

  it('lists every fixture on its own book, and about 60 % on one or two others', () => {
    for (const f of built) {
      const own = Object.keys(f.native ?? {})[0] as 'winamax' | 'bet365' | 'kwiff'
      expect(f.books[0]).toBe(own)
      expect(new Set(f.books).size).toBe(f.books.length)
    }
    const shared = built.filter((f) => f.books.length > 1).length / built.length
    expect(Math.abs(shared - CROSS_LISTED_SHARE)).toBeLessThan(0.1)
    expect(new Set(built.map((f) => f.id)).size).toBe(built.length)
  })

  it('is the list the world loads', () => {
    expect(worldFixtures()).toEqual(JSON.parse(JSON.stringify(built)))
  })
})
