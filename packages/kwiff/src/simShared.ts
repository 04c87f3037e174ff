/**
 * The shared world (issue 9; `SharedWorld` in @oddsboard/feedkit) as Kwiff shows it, for the
 * simulator (sim.ts): every match the world lists for `kwiff` is an event in Kwiff's wire
 * shape (captures/kwiff event-list and event-get samples, as {@link KwiffSimWorld.render}
 * writes them), answered in `event:list` for its sport and in `event:get`. Pure apart from
 * the world it reads; Kwiff pushes nothing, so the world's changes reach a feed with its next
 * refresh and a removed match is simply no longer listed.
 *
 * Fields: `homeTeam`/`awayTeam` names in English as the world gives them for Kwiff (in
 * Kwiff's side order when the world says Kwiff lists them the other way round),
 * `competition` (a sample competition of the same sport and name keeps its ids, e.g. UEFA
 * Champions League 1/134822), `startDate` ISO from the fixture's start, `stage` 1/2/3 and
 * `bettingStatus` 1 open / 2 suspended / 3 closed (normalize.ts `KWIFF_STAGE`,
 * `KWIFF_BETTING_STATUS`; 2 and 3 ASSUMED there), one main offer ("Full Time Result" with
 * "Draw" in football, "Match Winner" in tennis, as the simulator's own events) whose outcomes
 * carry the world's Kwiff prices: `fractional` as the world rounds them and `odds` their
 * decimal. No score, clock or period: Kwiff sends none (README, "Clock, period, score").
 *
 * Ids: a match taken from the Kwiff samples (`fixture.native.kwiff`) keeps its sample event
 * id and replaces the sample event (see {@link KwiffSharedView.owns}); every other event id
 * is numbered from 90 000 000 up, offers from 900 000 000 and outcomes from 9 000 000 000,
 * above every id of the samples and of the simulator's own world (events from 11 600 000,
 * offers from 300 000 000, outcomes from 1 250 000 000, which grow by a few per new fixture).
 */
import type { Source } from '@oddsboard/model'
import { fractionalToDecimal, OddsError } from '@oddsboard/model'
import type { SharedWorld, WorldMatch } from '@oddsboard/feedkit'
import { KWIFF_SPORTS } from './codec'
import { KWIFF_BETTING_STATUS, KWIFF_STAGE } from './normalize'
import { KWIFF_COMPETITIONS } from './simWorld'

/** First id of each kind made for world matches; see the module comment. */
export const SHARED_ID_BASE = {
  event: 90_000_000,
  offer: 900_000_000,
  outcome: 9_000_000_000,
  team: 900_000,
  competition: 900,
  competitionId: 190_000,
} as const

const BOOK: Source = 'kwiff'

/** Kwiff's ids of one world match, fixed at its first render. */
interface Ids {
  event: number
  offer: number
  outcomes: number[]
  home: number
  away: number
}

/** The world seen as Kwiff; see the module comment. */
export class KwiffSharedView {
  private readonly ids = new Map<string, Ids>()
  /** Sample event ids the world has taken over (stay owned once removed). */
  private readonly owned = new Set<number>()
  private readonly competitions = new Map<string, { id: number; competitionId: number }>()
  private next = { event: 0, offer: 0, outcome: 0, team: 0, competition: 0 }
  private readonly unsubscribe: () => void

  constructor(private readonly world: SharedWorld) {
    for (const m of world.matches(BOOK)) this.idsOf(m)
    this.unsubscribe = world.onChange((c) => {
      if (c.type === 'removed') this.ids.delete(c.id)
    })
  }

  /** Stops following the world's removals. */
  close(): void {
    this.unsubscribe()
  }

  /**
   * Whether the simulator's own event `id` is the world's (the world's version is served):
   * a sample event named by a world match seen so far (at start, or by `list`/`get`).
   */
  owns(id: number): boolean {
    return this.owned.has(id)
  }

  /** The world's events of a Kwiff sport, in `event:list` shape, in start order. */
  list(sportId: number): Record<string, unknown>[] {
    return this.world
      .matches(BOOK)
      .filter((m) => sportIdOf(m) === sportId)
      .map((m) => this.render(m))
  }

  /** One world event by Kwiff event id, in `event:get` shape; undefined when it has none. */
  get(eventId: number): Record<string, unknown> | undefined {
    for (const m of this.world.matches(BOOK)) {
      if (this.idsOf(m).event === eventId) return this.render(m)
    }
    return undefined
  }

  private idsOf(m: WorldMatch): Ids {
    const f = m.fixture
    const hit = this.ids.get(f.id)
    if (hit !== undefined) return hit
    const native = Number(f.native?.[BOOK])
    const event = Number.isSafeInteger(native) ? native : SHARED_ID_BASE.event + this.next.event++
    if (Number.isSafeInteger(native)) this.owned.add(native)
    const n = f.sport === 'football' ? 3 : 2
    const ids: Ids = {
      event,
      offer: SHARED_ID_BASE.offer + this.next.offer++,
      outcomes: Array.from({ length: n }, () => SHARED_ID_BASE.outcome + this.next.outcome++),
      home: SHARED_ID_BASE.team + this.next.team++,
      away: SHARED_ID_BASE.team + this.next.team++,
    }
    this.ids.set(f.id, ids)
    return ids
  }

  /** The competition of a world match: a sample one of the same sport and name, or one made. */
  private competitionOf(m: WorldMatch): { id: number; name: string; competitionId: number } {
    const sportId = sportIdOf(m)
    const name = m.fixture.competition[BOOK]
    const k = `${sportId}|${name}`
    let c = this.competitions.get(k)
    if (c === undefined) {
      const known = KWIFF_COMPETITIONS.find((d) => d.sportId === sportId && d.name === name)
      c =
        known !== undefined
          ? { id: known.id, competitionId: known.competitionId }
          : {
              id: SHARED_ID_BASE.competition + this.next.competition,
              competitionId: SHARED_ID_BASE.competitionId + this.next.competition++,
            }
      this.competitions.set(k, c)
    }
    return { id: c.id, name, competitionId: c.competitionId }
  }

  /** A world match as Kwiff's wire event (see the module comment). */
  private render(m: WorldMatch): Record<string, unknown> {
    const f = m.fixture
    const ids = this.idsOf(m)
    const football = f.sport === 'football'
    const swapped = f.swapped?.[BOOK] === true
    const home = swapped ? f.away[BOOK] : f.home[BOOK]
    const away = swapped ? f.home[BOOK] : f.away[BOOK]
    const prices = this.world.prices(BOOK, f.id)
    const stage =
      m.status === 'ended'
        ? KWIFF_STAGE.ended
        : m.status === 'live'
          ? KWIFF_STAGE.live
          : KWIFF_STAGE.prematch
    const bettingStatus =
      m.status === 'ended'
        ? KWIFF_BETTING_STATUS.closed
        : prices?.suspended === true
          ? KWIFF_BETTING_STATUS.suspended
          : KWIFF_BETTING_STATUS.open
    const names = football ? [home, 'Draw', away] : [home, away]
    return {
      id: ids.event,
      sportId: sportIdOf(m),
      stage,
      bettingStatus,
      startDate: new Date(f.startTime).toISOString(),
      betBuilderEnabled: football,
      matchTracker: football,
      homeTeam: { id: ids.home, name: home, short: 'N/A' },
      awayTeam: { id: ids.away, name: away, short: 'N/A' },
      competition: this.competitionOf(m),
      details: {
        offers: [
          {
            id: ids.offer,
            name: football ? 'Full Time Result' : 'Match Winner',
            outcomes: ids.outcomes.map((id, i) => ({
              id,
              outcomeName: names[i],
              ...priceOf(prices?.odds[i], prices?.fractional?.[i]),
            })),
          },
        ],
      },
    }
  }
}

function sportIdOf(m: WorldMatch): number {
  return m.fixture.sport === 'football' ? KWIFF_SPORTS.football : KWIFF_SPORTS.tennis
}

/**
 * An outcome's price fields: the world's `fractional` text and its decimal (2 decimals, as
 * Kwiff shows them), else the world's decimal alone; none when the world has no price.
 */
function priceOf(
  odds: number | undefined,
  fractional: string | undefined,
): { odds?: number; fractional?: string } {
  if (fractional !== undefined) {
    try {
      const decimal = fractionalToDecimal(fractional)
      // "0/0" is Kwiff's "no price": the text alone, unpriced.
      if (decimal === null) return { fractional }
      return { odds: Math.round(decimal * 100) / 100, fractional }
    } catch (e) {
      if (!(e instanceof OddsError)) throw e
    }
  }
  if (odds !== undefined && Number.isFinite(odds) && odds > 1)
    return { odds: Math.round(odds * 100) / 100 }
  return {}
}
