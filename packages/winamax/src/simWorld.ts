/**
 * The shared world (issue 9; `SharedWorld` in @oddsboard/feedkit) rendered the way Winamax
 * writes it, for the simulator (sim.ts): every match the world lists for `winamax` becomes
 * `matches`/`bets`/`outcomes`/`odds` entities (plus its `sports`, `categories` and
 * `tournaments` parents) in the shapes of the real capture
 * (fixtures/winamax-2025-11-04.ndjson), and every world change becomes a field-level `m`
 * delta. Pure apart from the world it reads: no sockets, no timers (sim.ts calls
 * {@link WinamaxWorldView.change} on each world change and {@link WinamaxWorldView.tick}
 * on its own timer).
 *
 * What each field is and where it comes from:
 * - match (capture snapshot, e.g. 56418335 "Slovénie - Kosovo"; kick-off of 63369817 at
 *   44 s): `title` "Home - Away" from the world's French names (`fixture.home.winamax`),
 *   `competitor1Name`/`competitor2Name`, `matchStart` (epoch SECONDS), `status`
 *   `PREMATCH`/`LIVE`/`ENDED`, `periodId`/`period`/`periodName` (0 `not_started` "",
 *   6 `1p` "1re MT", 7 `2p` "2de MT"; half time 31 `pause` "Mi-temps" and the end `ended`
 *   "Terminé" are ASSUMED: not in the capture), `score` "h:a", `setScores` (goals per half,
 *   "0:0 - 0:2" as in the capture), `matchtime` (the 1-based minute) and `matchtimeExtended`
 *   ("m:ss", re-sent about every 30 s of play as in the capture: "79:08" → "79:38").
 * - tennis: the capture holds NO tennis match (sport 5 is listed with its categories ATP,
 *   WTA, Coupe Davis, but the capture was taken on the football page), so the fields are
 *   what the normalizer reads, with Sportradar's meanings that Winamax's ids follow:
 *   `score` = sets won "1:0", `periodId` 8–12 = set 1–5 (Sportradar match status),
 *   `setScores` = games per set "6:4 - 3:2" (the football format); `period` `s<n>` and
 *   `periodName` "1er set" / "2e set" are ASSUMED. No point score, no clock (the normalizer
 *   reads neither for tennis).
 * - main bet: football `template` `3way`, "Résultat", `marketId` 1, `betType` 3178,
 *   `specialBetValue` `type=prematch` / `type=live` (capture bets 527219550 and 530074737),
 *   outcome `code` "1"/"x"/"2", the draw labelled "Match nul"; tennis "Vainqueur du match"
 *   with two outcomes (ASSUMED `template` `2way`, `marketId` 186: the title is what
 *   markets.ts reads). One bet id for the whole match (the real site swaps to a new live
 *   bet at kick-off; here its `specialBetValue`/`betTypeIsLive` change instead).
 * - odds: the world's decimal prices for `winamax`, in Winamax's side order; a suspended
 *   market is its bet sent `available: false` (the field the capture uses for an
 *   unavailable match, 61731064, and the normalizer reads on bets); no price = `null`.
 * - `hotUsers` on each outcome: plausible counts (the capture's range is 10–11 482, median
 *   48), larger for favourites, drifting a little on each tick.
 *
 * Ids: a match taken from the capture (`fixture.native.winamax` names one of its matches)
 * keeps its capture id, and the capture's own bets and outcomes of it are removed (the
 * replay's frames about it are dropped by the simulator: see {@link WinamaxWorldView.owns});
 * every other id is numbered from 7 000 000 000 up (`WORLD_ID_BASE`), above every id of
 * the capture (the largest, an outcome, is below 1.7e9).
 */
import type { Source } from '@oddsboard/model'
import type { SharedWorld, WorldChange, WorldMatch } from '@oddsboard/feedkit'
import type { RawEntity, WinamaxPayload } from './codec'

/** First id of each kind of entity made for world matches; see the module comment. */
export const WORLD_ID_BASE = {
  match: 7_000_000_000,
  bet: 7_100_000_000,
  outcome: 7_200_000_000,
  tournament: 7_300_000_000,
  category: 7_400_000_000,
} as const

const BOOK: Source = 'winamax'
/** Winamax (Sportradar) sport ids of the world's sports. */
const SPORT_ID = { football: 1, tennis: 5 } as const

/** Formats match seconds as Winamax's `matchtimeExtended`, e.g. 4816 → "80:16". */
function formatMatchtime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** Who won a tennis set from its games, or undefined while it is not won. */
function setWinner([h, a]: readonly [number, number]): 0 | 1 | undefined {
  if ((h >= 6 && h - a >= 2) || (h === 7 && a === 6)) return 0
  if ((a >= 6 && a - h >= 2) || (a === 7 && h === 6)) return 1
  return undefined
}

/** One world match as rendered: its Winamax ids and the entities last sent. */
interface Rendered {
  worldId: string
  matchId: string
  sportId: number
  categoryId: string
  tournamentId: string
  betId: string
  outcomeIds: string[]
  /** The capture's bets and outcomes of this match, removed when it is sent (owned matches). */
  replaced: { bets: string[]; outcomes: string[] }
  match: RawEntity
  bet: RawEntity
  outcomes: Record<string, RawEntity>
  odds: Record<string, number | null>
  /** Match seconds of the clock reading last sent. */
  clockSent: number
  /** Goals at half time, once the world has been seen at half time or later from 1H. */
  halfTime?: readonly [number, number]
}

/** What one world change means for the sockets. */
export interface WorldUpdate {
  /** The Winamax match id. */
  matchId: string
  /** Whether a route lists this match (`sport:<id>`, `hot:live`, `match:<id>`). */
  listedBy(route: string): boolean
  /** Everything about the match (with its parents), for a socket that does not know it yet. */
  full: WinamaxPayload
  /** The fields that changed, for a socket that knows it (`null`s when it is removed). */
  delta: WinamaxPayload
  removed: boolean
}

/** The capture's ids a view needs: which matches it has, and their bets and outcomes. */
export interface CaptureIndex {
  /** The capture's first payload (the snapshot). */
  template: WinamaxPayload
  /** Capture match id → its bet ids, over every frame. */
  betsOfMatch: ReadonlyMap<string, readonly string[]>
  /** Capture bet id → its outcome ids, over every frame. */
  outcomesOfBet: ReadonlyMap<string, readonly string[]>
  /** Capture bet id → match id; outcome id → bet id (for entities sent as `null`). */
  matchOfBet: ReadonlyMap<string, string>
  betOfOutcome: ReadonlyMap<string, string>
}

/**
 * The world seen as Winamax; see the module comment. `random` drives only `hotUsers`;
 * `now` reads the clock the world's `clockAt` is on (epoch ms).
 */
export class WinamaxWorldView {
  private readonly rendered = new Map<string, Rendered>()
  /** Capture match ids the world has taken over (stay owned once removed). */
  private readonly owned = new Set<string>()
  private readonly hot = new Map<string, number>()
  /** (sport, region, competition) → [categoryId, tournamentId]. */
  private readonly competitions = new Map<string, [string, string]>()
  private readonly madeCategories = new Map<string, RawEntity>()
  private readonly madeTournaments = new Map<string, RawEntity>()
  /** Categories each sport lists (the capture's, plus made ones). */
  private readonly sportCategories = new Map<number, number[]>()
  private next = { match: 0, bet: 0, outcome: 0, tournament: 0, category: 0 }

  constructor(
    private readonly world: SharedWorld,
    private readonly capture: CaptureIndex,
    private readonly random: () => number,
    private readonly now: () => number = Date.now,
  ) {
    for (const m of world.matches(BOOK)) this.render(m)
  }

  /** Whether capture match `matchId` is the world's now: the replay must not touch it. */
  owns(matchId: string): boolean {
    return this.owned.has(matchId)
  }

  /** The world matches' Winamax ids, in the world's order. */
  matchIds(): string[] {
    return [...this.rendered.values()].map((r) => r.matchId)
  }

  /**
   * A copy of `p` (a capture snapshot or delta, or a generated delta) without anything about
   * a match the world owns: its match, bets, outcomes and odds. `p` itself when nothing is
   * dropped. Never modifies `p`.
   */
  withoutOwned(p: WinamaxPayload): WinamaxPayload {
    if (this.owned.size === 0) return p
    const c = this.capture
    const ownsBet = (id: string, b: RawEntity | null | undefined) => {
      const m = b?.matchId !== undefined ? String(b.matchId) : c.matchOfBet.get(id)
      return m !== undefined && this.owned.has(m)
    }
    const ownsOutcome = (id: string, o: RawEntity | null | undefined) => {
      const b = o?.betId !== undefined ? String(o.betId) : c.betOfOutcome.get(id)
      return b !== undefined && ownsBet(b, p.bets?.[b] ?? undefined)
    }
    let out: WinamaxPayload | undefined
    const drop = (name: 'matches' | 'bets' | 'outcomes' | 'odds', id: string) => {
      out ??= { ...p }
      if (out[name] === p[name]) out[name] = { ...(p[name] as object) }
      delete (out[name] as Record<string, unknown>)[id]
    }
    for (const id of Object.keys(p.matches ?? {})) if (this.owned.has(id)) drop('matches', id)
    for (const [id, b] of Object.entries(p.bets ?? {})) if (ownsBet(id, b)) drop('bets', id)
    for (const [id, o] of Object.entries(p.outcomes ?? {}))
      if (ownsOutcome(id, o)) drop('outcomes', id)
    for (const id of Object.keys(p.odds ?? {}))
      if (ownsOutcome(id, p.outcomes?.[id])) drop('odds', id)
    return out ?? p
  }

  /** The world's part of a route's snapshot: every listed match with its parents. */
  snapshotPart(route: string): WinamaxPayload {
    const out: WinamaxPayload = {}
    for (const r of this.rendered.values()) if (this.listed(r, route)) mergeInto(out, this.full(r))
    return out
  }

  /** Ids of the world matches a route's snapshot lists. */
  listedIn(route: string): string[] {
    return [...this.rendered.values()].filter((r) => this.listed(r, route)).map((r) => r.matchId)
  }

  /** What a world change means for the sockets; undefined when Winamax shows nothing of it. */
  change(c: WorldChange): WorldUpdate | undefined {
    if (c.type === 'prices' && c.book !== BOOK) return undefined
    const r = this.rendered.get(c.id)
    const m = this.world.match(c.id)
    if (c.type === 'removed' || m === undefined || !m.fixture.books.includes(BOOK)) {
      return r === undefined ? undefined : this.remove(r)
    }
    if (r === undefined) {
      const made = this.render(m)
      return this.update(made, this.full(made))
    }
    return this.update(r, this.diff(r, m, c.type !== 'prices'))
  }

  /**
   * One tick of the simulator (every `tickMs`): the clock of each running football match
   * when 30 s of play passed since it was last sent, and a few `hotUsers` moves.
   */
  tick(): WorldUpdate[] {
    const out: WorldUpdate[] = []
    const changed = new Map<Rendered, WinamaxPayload>()
    for (const r of this.rendered.values()) {
      const m = this.world.match(r.worldId)
      if (m === undefined || m.state.sport !== 'football' || !m.state.running) continue
      if (this.clockSeconds(m) - r.clockSent >= 30) changed.set(r, this.diff(r, m, true))
    }
    const all = [...this.rendered.values()]
    const moves = all.length === 0 ? 0 : 1 + Math.floor(this.random() * 3)
    for (let i = 0; i < moves; i++) {
      const r = all[Math.floor(this.random() * all.length)]!
      const o = r.outcomeIds[Math.floor(this.random() * r.outcomeIds.length)]!
      const users = this.hot.get(o) ?? 0
      const step = Math.max(1, Math.round(users * 0.005 * this.random()))
      const next = Math.max(0, users + (this.random() < 0.6 ? step : -step))
      this.hot.set(o, next)
      r.outcomes[o] = { ...r.outcomes[o], hotUsers: next }
      const p = changed.get(r) ?? {}
      p.outcomes = { ...p.outcomes, [o]: { hotUsers: next } }
      changed.set(r, p)
    }
    for (const [r, p] of changed) if (Object.keys(p).length > 0) out.push(this.update(r, p))
    return out
  }

  private update(r: Rendered, delta: WinamaxPayload): WorldUpdate {
    return {
      matchId: r.matchId,
      listedBy: (route) => this.listed(r, route),
      full: this.full(r),
      delta,
      removed: false,
    }
  }

  private remove(r: Rendered): WorldUpdate {
    this.rendered.delete(r.worldId)
    const delta: WinamaxPayload = {
      matches: { [r.matchId]: null },
      bets: { [r.betId]: null },
      outcomes: Object.fromEntries(r.outcomeIds.map((o) => [o, null])),
      odds: Object.fromEntries(r.outcomeIds.map((o) => [o, null])),
    }
    for (const o of r.outcomeIds) this.hot.delete(o)
    return { matchId: r.matchId, listedBy: () => false, full: delta, delta, removed: true }
  }

  /**
   * Whether `route` lists a world match: `sport:<its sport>`, `match:<its id>`, and
   * `hot:live`, which the simulator answers with every match that has outcomes carrying
   * `hotUsers` (sim.ts), as every world match's outcomes do; so a feed on the default routes
   * (`sport:1`, `hot:live`) also gets the world's tennis.
   */
  private listed(r: Rendered, route: string): boolean {
    return route === `sport:${r.sportId}` || route === `match:${r.matchId}` || route === 'hot:live'
  }

  /** Everything about a rendered match, with its parents (and the capture's bets it replaces). */
  private full(r: Rendered): WinamaxPayload {
    const t = this.capture.template
    const sport = t.sports?.[String(r.sportId)] ?? {
      sportName: r.sportId === SPORT_ID.tennis ? 'Tennis' : 'Football',
    }
    const categories = this.sportCategories.get(r.sportId)
    const p: WinamaxPayload = {
      sports: {
        [r.sportId]: categories !== undefined ? { ...sport, categories: [...categories] } : sport,
      },
      categories: { [r.categoryId]: this.category(r.categoryId) },
      tournaments: { [r.tournamentId]: this.tournament(r.tournamentId) },
      matches: { [r.matchId]: r.match },
      bets: { [r.betId]: r.bet },
      outcomes: { ...r.outcomes },
      odds: { ...r.odds },
    }
    for (const b of r.replaced.bets) p.bets![b] = null
    for (const o of r.replaced.outcomes) {
      p.outcomes![o] = null
      p.odds![o] = null
    }
    return p
  }

  private category(id: string): RawEntity {
    return this.madeCategories.get(id) ?? this.capture.template.categories?.[id] ?? {}
  }

  private tournament(id: string): RawEntity {
    return this.madeTournaments.get(id) ?? this.capture.template.tournaments?.[id] ?? {}
  }

  /** Renders a world match for the first time (ids, parents, entities). */
  private render(m: WorldMatch): Rendered {
    const f = m.fixture
    const sportId = SPORT_ID[f.sport]
    const native = f.native?.[BOOK]
    const t = this.capture.template
    const fromCapture = native !== undefined && t.matches?.[native] != null
    const capMatch = fromCapture ? t.matches![native]! : undefined
    let categoryId: string
    let tournamentId: string
    if (capMatch !== undefined) {
      categoryId = String(capMatch.categoryId)
      tournamentId = String(capMatch.tournamentId)
    } else {
      ;[categoryId, tournamentId] = this.competitionOf(m)
    }
    const matchId = fromCapture ? native : String(WORLD_ID_BASE.match + this.next.match++)
    const replaced = { bets: [] as string[], outcomes: [] as string[] }
    if (fromCapture) {
      this.owned.add(native)
      replaced.bets = [...(this.capture.betsOfMatch.get(native) ?? [])]
      for (const b of replaced.bets)
        replaced.outcomes.push(...(this.capture.outcomesOfBet.get(b) ?? []))
    }
    const betId = String(WORLD_ID_BASE.bet + this.next.bet++)
    const n = f.sport === 'football' ? 3 : 2
    const outcomeIds = Array.from({ length: n }, () =>
      String(WORLD_ID_BASE.outcome + this.next.outcome++),
    )
    const r: Rendered = {
      worldId: f.id,
      matchId,
      sportId,
      categoryId,
      tournamentId,
      betId,
      outcomeIds,
      replaced,
      match: {},
      bet: {},
      outcomes: {},
      odds: {},
      clockSent: 0,
    }
    // hotUsers: a few dozen to a few thousand punters, more on the favourite.
    const prices = this.world.prices(BOOK, f.id)
    outcomeIds.forEach((o, i) => {
      const odds = prices?.odds[i]
      const share = odds !== undefined && odds > 1 ? 1 / odds : 1 / n
      this.hot.set(o, Math.round(10 + share * share * 2000 * (0.3 + this.random() * 1.7)))
    })
    this.rendered.set(f.id, r)
    this.diff(r, m, true)
    return r
  }

  /** The category and tournament of a match not taken from the capture (found or made). */
  private competitionOf(m: WorldMatch): [string, string] {
    const f = m.fixture
    const sportId = SPORT_ID[f.sport]
    const region = f.region?.[BOOK] ?? 'International'
    const name = f.competition[BOOK]
    const k = `${sportId}|${region}|${name}`
    const hit = this.competitions.get(k)
    if (hit !== undefined) return hit
    const t = this.capture.template
    const sportCats =
      this.sportCategories.get(sportId) ??
      (Array.isArray(t.sports?.[String(sportId)]?.categories)
        ? [...(t.sports![String(sportId)]!.categories as number[])]
        : [])
    this.sportCategories.set(sportId, sportCats)
    // A capture category of this sport with this name, and its tournament of this name.
    let categoryId = sportCats
      .map(String)
      .find((c) => (this.madeCategories.get(c) ?? t.categories?.[c])?.categoryName === region)
    let tournamentId: string | undefined
    if (categoryId !== undefined) {
      const cat = this.category(categoryId)
      tournamentId = (Array.isArray(cat.tournaments) ? cat.tournaments : [])
        .map(String)
        .find((id) => this.tournament(id).tournamentName === name)
    } else {
      categoryId = String(WORLD_ID_BASE.category + this.next.category++)
      this.madeCategories.set(categoryId, { categoryName: region, tournaments: [] })
      sportCats.push(Number(categoryId))
    }
    if (tournamentId === undefined) {
      tournamentId = String(WORLD_ID_BASE.tournament + this.next.tournament++)
      this.madeTournaments.set(tournamentId, { tournamentName: name, topName: name })
      const cat = this.category(categoryId)
      const list = Array.isArray(cat.tournaments) ? cat.tournaments : []
      this.madeCategories.set(categoryId, { ...cat, tournaments: [...list, Number(tournamentId)] })
    }
    const out: [string, string] = [categoryId, tournamentId]
    this.competitions.set(k, out)
    return out
  }

  /** Current match seconds of a football match (its reading plus the time run since). */
  private clockSeconds(m: WorldMatch): number {
    const s = m.state
    if (s.sport !== 'football') return 0
    const run = s.running ? Math.max(0, this.now() - s.clockAt) / 1000 : 0
    return Math.floor(s.seconds + run)
  }

  /**
   * Re-renders `r` from `m` and returns the fields that changed (field-level, as Winamax's
   * deltas are); `clock` = also send a fresh clock reading. Updates what `r` holds.
   */
  private diff(r: Rendered, m: WorldMatch, clock: boolean): WinamaxPayload {
    const match = this.matchFields(r, m, clock)
    const live = m.status === 'live'
    const prices = this.world.prices(BOOK, m.fixture.id)
    const football = m.fixture.sport === 'football'
    const bet: RawEntity = {
      betId: Number(r.betId),
      matchId: Number(r.matchId),
      marketId: football ? 1 : 186,
      specialBetValue: live ? 'type=live' : 'type=prematch',
      outcomes: r.outcomeIds.map(Number),
      available: m.status !== 'ended' && prices?.suspended !== true,
      template: football ? '3way' : '2way',
      isAlternativeMainBet: false,
      betTypeIsLive: live,
      betTitle: football ? 'Résultat' : 'Vainqueur du match',
      betTypeName: football ? 'Résultat' : 'Vainqueur du match',
      betType: football ? 3178 : 3186,
      betTypeCategoryId: football ? 1 : 2,
      betCategories: [football ? 1 : 2],
      betTypeCategory: football ? 'Résultat' : 'Match',
      betTypeHelp: '',
      betGroup: Number(r.betId),
    }
    const [home, away] = this.sides(m)
    const labels = football ? [home, 'Match nul', away] : [home, away]
    const codes = football ? ['1', 'x', '2'] : ['1', '2']
    const outcomes: Record<string, RawEntity> = {}
    const odds: Record<string, number | null> = {}
    r.outcomeIds.forEach((o, i) => {
      outcomes[o] = {
        betId: Number(r.betId),
        label: labels[i],
        available: true,
        code: codes[i],
        hotUsers: this.hot.get(o) ?? 0,
      }
      const v = prices?.odds[i]
      odds[o] = v !== undefined && Number.isFinite(v) && v > 1 ? Math.round(v * 100) / 100 : null
    })
    const p: WinamaxPayload = {}
    const dm = changedFields(r.match, match)
    if (dm !== undefined) p.matches = { [r.matchId]: dm }
    const db = changedFields(r.bet, bet)
    if (db !== undefined) p.bets = { [r.betId]: db }
    for (const o of r.outcomeIds) {
      const d = changedFields(r.outcomes[o] ?? {}, outcomes[o]!)
      if (d !== undefined) (p.outcomes ??= {})[o] = d
      if (r.odds[o] !== odds[o]) (p.odds ??= {})[o] = odds[o]
    }
    r.match = { ...r.match, ...match }
    r.bet = bet
    r.outcomes = outcomes
    r.odds = odds
    return p
  }

  /**
   * The fields of a capture match that do not depend on its play (round, flags, filters,
   * Sportradar ids), kept when the world takes the match over; none for other matches.
   */
  private staticCaptureFields(matchId: string): RawEntity {
    const m = this.capture.template.matches?.[matchId]
    const out: RawEntity = {}
    if (m == null) return out
    for (const k of STATIC_MATCH_FIELDS) if (k in m) out[k] = m[k]
    return out
  }

  /** Home and away as Winamax lists them (swapped when the world says Winamax does). */
  private sides(m: WorldMatch): [string, string] {
    const f = m.fixture
    return f.swapped?.[BOOK] === true ? [f.away[BOOK], f.home[BOOK]] : [f.home[BOOK], f.away[BOOK]]
  }

  /** The match entity's fields now; the clock only when `clock` (else as last sent). */
  private matchFields(r: Rendered, m: WorldMatch, clock: boolean): RawEntity {
    const f = m.fixture
    const [home, away] = this.sides(m)
    const swap = f.swapped?.[BOOK] === true
    const pair = (x: readonly [number, number]) => (swap ? `${x[1]}:${x[0]}` : `${x[0]}:${x[1]}`)
    const out: RawEntity = {
      ...(Object.keys(r.match).length === 0 ? this.staticCaptureFields(r.matchId) : {}),
      matchId: Number(r.matchId),
      available: true,
      status: m.status === 'live' ? 'LIVE' : m.status === 'ended' ? 'ENDED' : 'PREMATCH',
      mainBetId: Number(r.betId),
      title: `${home} - ${away}`,
      sportId: r.sportId,
      categoryId: Number(r.categoryId),
      tournamentId: Number(r.tournamentId),
      competitor1Name: home,
      competitor2Name: away,
      matchStart: Math.floor(f.startTime / 1000),
      isBooked: true,
    }
    const s = m.state
    if (m.status === 'ended') {
      Object.assign(out, { period: 'ended', periodName: 'Terminé' })
    } else if (m.status === 'prematch') {
      Object.assign(out, { periodId: 0, period: 'not_started', periodName: '' })
    }
    if (s.sport === 'football') {
      if (m.status === 'live') {
        const p =
          s.period === '2H'
            ? { periodId: 7, period: '2p', periodName: '2de MT' }
            : s.period === 'HT'
              ? { periodId: 31, period: 'pause', periodName: 'Mi-temps' }
              : { periodId: 6, period: '1p', periodName: '1re MT' }
        Object.assign(out, p)
      }
      if (m.status !== 'prematch') {
        if (s.period === '1H' || s.period === 'HT') r.halfTime = s.goals
        out.score = pair(s.goals)
        const ht = r.halfTime
        out.setScores =
          s.period === '1H' || s.period === 'HT' || ht === undefined
            ? pair(s.goals)
            : `${pair(ht)} - ${pair([s.goals[0] - ht[0], s.goals[1] - ht[1]])}`
        if (clock || r.match.matchtimeExtended === undefined) {
          const seconds = this.clockSeconds(m)
          r.clockSent = seconds
          Object.assign(out, {
            matchtime: Math.floor(seconds / 60) + 1,
            matchtimeExtended: formatMatchtime(seconds),
            clockStopped: null,
            stoppageTime: null,
            remainingTime: null,
          })
        }
      }
    } else if (m.status !== 'prematch') {
      const sets = s.sets.map((g) => (swap ? ([g[1], g[0]] as const) : g))
      const won = [0, 0]
      for (const g of sets) {
        const w = setWinner(g)
        if (w !== undefined) won[w]!++
      }
      out.score = `${won[0]}:${won[1]}`
      out.setScores = sets.map((g) => `${g[0]}:${g[1]}`).join(' - ')
      if (m.status === 'live') {
        const n = Math.min(5, Math.max(1, sets.length))
        Object.assign(out, {
          periodId: 7 + n,
          period: `s${n}`,
          periodName: n === 1 ? '1er set' : `${n}e set`,
        })
      }
    }
    return out
  }
}

/** Capture match fields kept when the world takes a match over (see staticCaptureFields). */
const STATIC_MATCH_FIELDS = [
  'moreBets',
  'hlType',
  'roundId',
  'roundName',
  'tvChannels',
  'srTournamentId',
  'srSeasonId',
  'competitor1Id',
  'competitor1Flag',
  'competitor2Id',
  'competitor2Flag',
  'prematchDisplayOrder',
  'liveDisplayOrder',
  'filters',
  'image',
  'imageXl',
  'mymatchAvailable',
] as const

/** The fields of `next` whose values differ from `prev` (JSON-compared); undefined when none. */
function changedFields(prev: RawEntity, next: RawEntity): RawEntity | undefined {
  let out: RawEntity | undefined
  for (const k of Object.keys(next)) {
    const a = prev[k]
    const b = next[k]
    if (a === b) continue
    if (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b)) continue
    ;(out ??= {})[k] = b
  }
  return out
}

/** Merges payload `p`'s collections into `into` (entity by entity; later wins). */
export function mergeInto(into: WinamaxPayload, p: WinamaxPayload): WinamaxPayload {
  for (const [k, v] of Object.entries(p)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      into[k] = { ...(into[k] as object | undefined), ...v }
    } else {
      into[k] = v
    }
  }
  return into
}
