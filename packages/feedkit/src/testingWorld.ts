/**
 * A small hand-driven {@link SharedWorld} for tests of a simulator's world rendering (every book package's tests use it): the
 * test adds matches, sets their play and each book's prices, and removes them; every change
 * is announced to the listeners as the real world would (`added`, `state`, `prices`,
 * `removed`). No timers. Not used outside tests.
 */
import type { Source } from '@oddsboard/model'
import type {
  SharedWorld,
  WorldChange,
  WorldFixture,
  WorldMatch,
  WorldPrices,
  WorldStatus,
} from './world'

/** A test world; see the module comment. */
export class TestWorld implements SharedWorld {
  private readonly byId = new Map<string, WorldMatch>()
  private readonly priced = new Map<string, WorldPrices>()
  private readonly listeners = new Set<(c: WorldChange) => void>()
  /** How many users hold the world now (`retain` minus releases). */
  users = 0

  matches(book: Source): WorldMatch[] {
    return [...this.byId.values()]
      .filter((m) => m.fixture.books.includes(book))
      .sort((a, b) => a.fixture.startTime - b.fixture.startTime)
  }

  match(id: string): WorldMatch | undefined {
    return this.byId.get(id)
  }

  prices(book: Source, id: string): WorldPrices | undefined {
    const m = this.byId.get(id)
    if (m === undefined || !m.fixture.books.includes(book)) return undefined
    return this.priced.get(`${book}|${id}`)
  }

  onChange(listener: (change: WorldChange) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  retain(): () => void {
    this.users++
    let released = false
    return () => {
      if (!released) this.users--
      released = true
    }
  }

  /** Adds a match (announced when `announce`, the default: false = there before any user). */
  add(match: WorldMatch, announce = true): void {
    this.byId.set(match.fixture.id, match)
    if (announce) this.emit({ type: 'added', id: match.fixture.id })
  }

  /** Replaces a match's status and state, then announces `state`. */
  play(id: string, status: WorldStatus, state: WorldMatch['state']): void {
    const m = this.byId.get(id)
    if (m === undefined) throw new Error(`no world match ${id}`)
    this.byId.set(id, { ...m, status, state })
    this.emit({ type: 'state', id })
  }

  /** Sets what `book` shows for match `id` (decimal odds), then announces `prices`. */
  setPrices(
    book: Source,
    id: string,
    odds: readonly number[],
    extra: { fractional?: readonly string[]; suspended?: boolean; announce?: boolean } = {},
  ): void {
    const p: WorldPrices = {
      odds,
      suspended: extra.suspended ?? false,
      at: Date.now(),
      ...(extra.fractional !== undefined && { fractional: extra.fractional }),
    }
    this.priced.set(`${book}|${id}`, p)
    if (extra.announce !== false) this.emit({ type: 'prices', id, book })
  }

  /** Removes a match and announces `removed`. */
  remove(id: string): void {
    this.byId.delete(id)
    this.emit({ type: 'removed', id })
  }

  private emit(change: WorldChange): void {
    for (const l of [...this.listeners]) l(change)
  }
}

/** A football fixture listed by every book, ids and names given by the test. */
export function footballFixture(
  id: string,
  names: { home: [string, string, string]; away: [string, string, string] },
  extra: Partial<WorldFixture> = {},
): WorldFixture {
  const [hw, hb, hk] = names.home
  const [aw, ab, ak] = names.away
  return {
    id,
    sport: 'football',
    competition: {
      winamax: 'Ligue des Champions',
      bet365: 'UEFA Champions League',
      kwiff: 'UEFA Champions League',
    },
    region: { winamax: 'Europe', bet365: 'Europe', kwiff: 'Europe' },
    home: { winamax: hw, bet365: hb, kwiff: hk },
    away: { winamax: aw, bet365: ab, kwiff: ak },
    startTime: Date.now() + 3_600_000,
    books: ['winamax', 'bet365', 'kwiff'],
    ...extra,
  }
}
