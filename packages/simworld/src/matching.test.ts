import { describe, expect, it } from 'vitest'
import { matchBooks, type MatchEvent } from '@oddsboard/matcher'
import type { Source } from '@oddsboard/model'
import { worldFixtures, type FixtureRecord } from './fixtures'

/** The event name a book shows: Winamax `Home - Away`, Bet365 and Kwiff `Home v Away`. */
function rendered(f: FixtureRecord, book: Source, start: number): MatchEvent & { id: string } {
  const [home, away] = f.swapped?.[book]
    ? [f.away[book], f.home[book]]
    : [f.home[book], f.away[book]]
  return {
    id: f.id,
    sport: f.sport,
    name: `${home}${book === 'winamax' ? ' - ' : ' v '}${away}`,
    start,
  }
}

describe('the matcher on the world as the books render it', () => {
  it('finds the cross-book pairs the world creates (recall ≥ 95 %) and merges nothing else', () => {
    const fixtures = worldFixtures()
    // one start per fixture, as the world gives every book the same rebased start; spread
    // over one evening so that blocking by day and the start window both apply
    const t0 = Date.UTC(2026, 10, 29, 17, 0)
    const start = new Map(fixtures.map((f, i) => [f.id, t0 + (i % 24) * 15 * 60_000]))
    const books: Source[] = ['winamax', 'bet365', 'kwiff']
    let expected = 0
    let found = 0
    const wrong: string[] = []
    const missed: string[] = []
    for (let i = 0; i < books.length; i++) {
      for (let j = i + 1; j < books.length; j++) {
        const [a, b] = [books[i]!, books[j]!]
        const listA = fixtures
          .filter((f) => f.books.includes(a))
          .map((f) => rendered(f, a, start.get(f.id)!))
        const listB = fixtures
          .filter((f) => f.books.includes(b))
          .map((f) => rendered(f, b, start.get(f.id)!))
        const idsB = new Set(listB.map((e) => e.id))
        const pairs = listA.filter((e) => idsB.has(e.id))
        expected += pairs.length
        const { matches } = matchBooks(listA, listB)
        const got = new Set<string>()
        for (const m of matches) {
          const ea = listA[m.a]!
          const eb = listB[m.b]!
          if (ea.id === eb.id) {
            found++
            got.add(ea.id)
          } else wrong.push(`${a} ${ea.name} ≠ ${b} ${eb.name} (${m.score.toFixed(2)})`)
        }
        for (const e of pairs) {
          if (!got.has(e.id))
            missed.push(`${a} ${e.name} / ${b} ${listB.find((x) => x.id === e.id)!.name}`)
        }
      }
    }
    expect(expected).toBeGreaterThan(50)
    expect(wrong).toEqual([])
    expect(found / expected, missed.join('\n')).toBeGreaterThanOrEqual(0.95)
    if (process.env.SIMWORLD_REPORT) console.log({ expected, found, missed })
  })
})
