/**
 * The simulator's world (pure, deterministic given its seed): a fixture list across football,
 * basketball and tennis that moves one tick at a time — odds drift on a fractional ladder,
 * matches go prematch → live → ended → gone, new fixtures appear. It renders events in
 * Kwiff's wire shape (captures/kwiff event-list and event-get samples). No sockets, no timers.
 *
 * Seeded from the real samples: Bodoe/Glimt v Manchester City (event 10748848, UEFA
 * Champions League, competitionId 134822, Bodo/Glimt 6.0 "5/1" — the draw and City prices
 * are abridged in the sample, so 11/2 and 4/11 are ASSUMED, a 5.6 % book) and Mallorca v
 * Sevilla (event 11505695, with the Anytime Goalscorer market 298620996 / Vedat Muriqi
 * 1247853363 and the "rcd mallorca total goals" market 293646786 / "over 0.5" 1247492634 from
 * the ticket:odds:get sample).
 */
import { mulberry32 } from '@oddsboard/feedkit'
import { KWIFF_SPORTS } from './codec'
import { KWIFF_BETTING_STATUS, KWIFF_STAGE } from './normalize'

/** The UK fractional odds ladder, shortest first. */
export const ODDS_LADDER: readonly string[] = [
  '1/100', '1/50', '1/33', '1/25', '1/20', '1/16', '1/14', '1/12', '1/10', '1/9', '1/8', '2/17',
  '1/7', '2/13', '1/6', '2/11', '1/5', '2/9', '1/4', '2/7', '3/10', '1/3', '4/11', '2/5', '4/9',
  '1/2', '8/15', '4/7', '8/13', '4/6', '8/11', '4/5', '5/6', '10/11', '1/1', '21/20', '11/10',
  '6/5', '5/4', '11/8', '7/5', '6/4', '8/5', '13/8', '7/4', '9/5', '15/8', '2/1', '85/40',
  '11/5', '9/4', '12/5', '5/2', '13/5', '11/4', '3/1', '10/3', '7/2', '4/1', '9/2', '5/1',
  '11/2', '6/1', '13/2', '7/1', '15/2', '8/1', '17/2', '9/1', '10/1', '11/1', '12/1', '14/1',
  '16/1', '18/1', '20/1', '25/1', '33/1', '40/1', '50/1', '66/1', '80/1', '100/1',
] // prettier-ignore

/** Decimal odds of ladder step `i`, rounded to 2 decimals as Kwiff shows them ("7/5" → 2.4). */
export function ladderDecimal(i: number): number {
  const [n, d] = ODDS_LADDER[i]!.split('/').map(Number) as [number, number]
  return Math.round((1 + n / d) * 100) / 100
}

/** The ladder step nearest to decimal odds `decimal`. */
export function ladderIndex(decimal: number): number {
  let best = 0
  for (let i = 1; i < ODDS_LADDER.length; i++) {
    if (Math.abs(ladderDecimal(i) - decimal) < Math.abs(ladderDecimal(best) - decimal)) best = i
  }
  return best
}

interface SimOutcome {
  id: number
  name: string
  step: number
}
interface SimOffer {
  id: number
  name: string
  outcomes: SimOutcome[]
}
/** One simulated event; `startTick`/`endTick` are world ticks. */
export interface SimEvent {
  id: number
  sportId: number
  competition: { id: number; name: string; competitionId: number }
  home: { id: number; name: string }
  away: { id: number; name: string }
  startTick: number
  /** Tick at which the match ends (stage 3); it is gone 5 ticks later. */
  endTick: number
  /** Suspended (bettingStatus 2) until this tick. */
  suspendedUntil: number
  offers: SimOffer[]
  betBuilderEnabled: boolean
}

/** One competition the simulator's own world fills with fixtures. */
export interface CompetitionDef {
  sportId: number
  id: number
  competitionId: number
  name: string
  teams: string[]
  count: number
}

const COMPETITIONS: CompetitionDef[] = [
  {
    sportId: KWIFF_SPORTS.football,
    id: 1,
    competitionId: 134822,
    name: 'UEFA Champions League',
    teams: ['Real Madrid', 'Bayern Munich', 'Inter Milan', 'Paris Saint-Germain', 'Arsenal',
      'Barcelona', 'Borussia Dortmund', 'Atletico Madrid', 'Benfica', 'Juventus'],
    count: 3,
  },
  {
    sportId: KWIFF_SPORTS.football,
    id: 2,
    competitionId: 134801,
    name: 'Premier League',
    teams: ['Arsenal', 'Aston Villa', 'Bournemouth', 'Brentford', 'Brighton', 'Burnley',
      'Chelsea', 'Crystal Palace', 'Everton', 'Fulham', 'Leeds United', 'Liverpool',
      'Manchester City', 'Manchester United', 'Newcastle United', 'Nottingham Forest',
      'Sunderland', 'Tottenham Hotspur', 'West Ham United', 'Wolverhampton'],
    count: 10,
  },
  {
    sportId: KWIFF_SPORTS.football,
    id: 3,
    competitionId: 134805,
    name: 'La Liga',
    teams: ['Athletic Bilbao', 'Atletico Madrid', 'Barcelona', 'Celta Vigo', 'Getafe', 'Girona',
      'Osasuna', 'Rayo Vallecano', 'Real Betis', 'Real Madrid', 'Real Sociedad', 'Valencia',
      'Villarreal', 'Espanyol', 'Alaves', 'Elche'],
    count: 7,
  },
  {
    sportId: KWIFF_SPORTS.football,
    id: 4,
    competitionId: 134802,
    name: 'Championship',
    teams: ['Birmingham City', 'Blackburn Rovers', 'Bristol City', 'Coventry City', 'Derby County',
      'Hull City', 'Ipswich Town', 'Leicester City', 'Middlesbrough', 'Millwall', 'Norwich City',
      'Preston North End', 'QPR', 'Sheffield United', 'Southampton', 'Stoke City', 'Swansea City',
      'Watford', 'West Brom', 'Wrexham'],
    count: 6,
  },
  {
    sportId: KWIFF_SPORTS.basketball,
    id: 20,
    competitionId: 134900,
    name: 'NBA',
    teams: ['Boston Celtics', 'Los Angeles Lakers', 'Golden State Warriors', 'Denver Nuggets',
      'Milwaukee Bucks', 'Oklahoma City Thunder', 'New York Knicks', 'Miami Heat',
      'Dallas Mavericks', 'Phoenix Suns', 'Cleveland Cavaliers', 'Minnesota Timberwolves',
      'Philadelphia 76ers', 'Sacramento Kings', 'Indiana Pacers', 'Houston Rockets'],
    count: 8,
  },
  {
    sportId: KWIFF_SPORTS.basketball,
    id: 21,
    competitionId: 134910,
    name: 'EuroLeague',
    teams: ['Real Madrid', 'Olympiacos', 'Panathinaikos', 'Fenerbahce', 'Barcelona', 'Monaco',
      'Anadolu Efes', 'Maccabi Tel Aviv', 'Zalgiris Kaunas', 'Partizan Belgrade'],
    count: 4,
  },
  {
    sportId: KWIFF_SPORTS.tennis,
    id: 30,
    competitionId: 135000,
    name: 'ATP Finals, Turin',
    teams: ['Jannik Sinner', 'Carlos Alcaraz', 'Alexander Zverev', 'Novak Djokovic',
      'Taylor Fritz', 'Ben Shelton', 'Alex de Minaur', 'Lorenzo Musetti'],
    count: 4,
  },
  {
    sportId: KWIFF_SPORTS.tennis,
    id: 31,
    competitionId: 135010,
    name: 'ATP Challenger, Bergamo',
    teams: ['Jack Draper', 'Jacob Fearnley', 'Cameron Norrie', 'Dan Evans', 'Luca Nardi',
      'Flavio Cobolli', 'Arthur Fils', 'Jakub Mensik', 'Tomas Machac', 'Joao Fonseca'],
    count: 5,
  },
  {
    sportId: KWIFF_SPORTS.tennis,
    id: 32,
    competitionId: 135020,
    name: 'WTA Finals, Riyadh',
    teams: ['Aryna Sabalenka', 'Iga Swiatek', 'Coco Gauff', 'Elena Rybakina', 'Jessica Pegula',
      'Jasmine Paolini', 'Madison Keys', 'Amanda Anisimova', 'Mirra Andreeva', 'Emma Raducanu'],
    count: 5,
  },
] // prettier-ignore

/**
 * The competitions of the simulator's own world (sport, ids, name as Kwiff writes it); the
 * shared world's events of the same sport and name share their ids (simShared.ts).
 */
export const KWIFF_COMPETITIONS: readonly CompetitionDef[] = COMPETITIONS

/** How long a match stays live, in ticks, per sport. */
const LIVE_TICKS: Record<number, [number, number]> = {
  [KWIFF_SPORTS.football]: [90, 180],
  [KWIFF_SPORTS.basketball]: [80, 150],
  [KWIFF_SPORTS.tennis]: [60, 160],
}
/** Ticks an ended match stays listed before it is gone. */
const ENDED_TICKS = 5

/**
 * The overround band (Σ 1/decimal − 1) each offer of two or more outcomes is pulled back into,
 * one ladder step per tick: prices drift independently, and without this a book would soon
 * offer arbitrage (below 0) or absurd margins. Real books price main markets at about 3–10 %.
 */
export const OVERROUND_BAND: readonly [number, number] = [0.02, 0.15]

/** The overround of an offer's prices: Σ 1/decimal − 1 (e.g. 0.05 = 5 %). */
export function offerOverround(offer: { outcomes: readonly { step: number }[] }): number {
  return offer.outcomes.reduce((sum, o) => sum + 1 / ladderDecimal(o.step), 0) - 1
}

/** The options of a world. */
export interface KwiffSimWorldOptions {
  seed?: number
  /** Epoch ms of tick 0; start dates are `baseTime + startTick * tickMs`. */
  baseTime: number
  /** Wall-clock length of one tick, ms, for start dates only. */
  tickMs: number
}

/** The simulated fixture list and its evolution; see the module comment. */
export class KwiffSimWorld {
  /** The current tick. */
  tick = 0
  private readonly rng: () => number
  private readonly byId = new Map<number, SimEvent>()
  private nextEventId = 11_600_000
  private nextOfferId = 300_000_000
  private nextOutcomeId = 1_250_000_000
  private nextTeamId = 5_000

  constructor(private readonly opts: KwiffSimWorldOptions) {
    this.rng = mulberry32(opts.seed ?? 1)
    this.addSampleEvents()
    for (const def of COMPETITIONS) {
      const have = this.ofCompetition(def.id).length
      for (let i = have; i < def.count; i++) this.addFixture(def, true)
    }
  }

  /** Every event currently listed (including ended ones in their last ticks). */
  events(): SimEvent[] {
    return [...this.byId.values()]
  }

  /** One event by id. */
  get(id: number): SimEvent | undefined {
    return this.byId.get(id)
  }

  /** Removes an event now (tests: "vanished event"). Returns whether it existed. */
  remove(id: number): boolean {
    return this.byId.delete(id)
  }

  /** Sets one outcome's price to the ladder step nearest `decimal` (tests: "odds change"). */
  setOdds(eventId: number, offerIndex: number, outcomeIndex: number, decimal: number): void {
    const o = this.byId.get(eventId)?.offers[offerIndex]?.outcomes[outcomeIndex]
    if (o === undefined) throw new Error(`no outcome ${eventId}/${offerIndex}/${outcomeIndex}`)
    o.step = ladderIndex(decimal)
  }

  /** Advances the world by one tick: lifecycle, suspensions, odds drift, new fixtures. */
  step(): void {
    this.tick++
    const t = this.tick
    for (const ev of [...this.byId.values()]) {
      if (t >= ev.endTick + ENDED_TICKS) {
        this.byId.delete(ev.id)
        const def = COMPETITIONS.find((c) => c.id === ev.competition.id)
        if (def !== undefined) this.addFixture(def, false)
        continue
      }
      if (t >= ev.endTick) continue
      const live = t >= ev.startTick
      if (live && t >= ev.suspendedUntil && this.rng() < 0.01) {
        // A goal, a break point, a timeout: the book suspends and reprices.
        ev.suspendedUntil = t + 2 + Math.floor(this.rng() * 5)
        this.shock(ev)
        continue
      }
      const p = live ? 0.08 : 0.01
      for (const offer of ev.offers) {
        for (const o of offer.outcomes) {
          if (this.rng() < p) o.step = clampStep(o.step + (this.rng() < 0.5 ? -1 : 1))
        }
        this.rebalance(offer)
      }
    }
  }

  /**
   * The event in Kwiff's wire shape (captures/kwiff samples): `full` = every offer (as
   * `event:get` answers), else the main offer only (as `event:list` does).
   */
  render(ev: SimEvent, full: boolean): Record<string, unknown> {
    const t = this.tick
    const stage =
      t >= ev.endTick
        ? KWIFF_STAGE.ended
        : t >= ev.startTick
          ? KWIFF_STAGE.live
          : KWIFF_STAGE.prematch
    const bettingStatus =
      stage === KWIFF_STAGE.ended
        ? KWIFF_BETTING_STATUS.closed
        : stage === KWIFF_STAGE.live && t < ev.suspendedUntil
          ? KWIFF_BETTING_STATUS.suspended
          : KWIFF_BETTING_STATUS.open
    // The samples' real dates are in the past: every start date is re-based on the world's clock.
    const startDate = new Date(this.opts.baseTime + ev.startTick * this.opts.tickMs).toISOString()
    const offers = full ? ev.offers : ev.offers.slice(0, 1)
    return {
      id: ev.id,
      sportId: ev.sportId,
      stage,
      bettingStatus,
      startDate,
      betBuilderEnabled: ev.betBuilderEnabled,
      matchTracker: ev.sportId === KWIFF_SPORTS.football,
      homeTeam: { id: ev.home.id, name: ev.home.name, short: 'N/A' },
      awayTeam: { id: ev.away.id, name: ev.away.name, short: 'N/A' },
      competition: { ...ev.competition },
      details: {
        offers: offers.map((offer) => ({
          id: offer.id,
          name: offer.name,
          outcomes: offer.outcomes.map((o) => ({
            id: o.id,
            outcomeName: o.name,
            odds: ladderDecimal(o.step),
            fractional: ODDS_LADDER[o.step],
          })),
        })),
      },
    }
  }

  /** Moves one outcome one ladder step back towards {@link OVERROUND_BAND} when outside it. */
  private rebalance(offer: SimOffer): void {
    if (offer.outcomes.length < 2) return
    const over = offerOverround(offer)
    const [lo, hi] = OVERROUND_BAND
    if (over >= lo && over <= hi) return
    const o = offer.outcomes[Math.floor(this.rng() * offer.outcomes.length)]!
    // Shorter prices raise the overround, longer ones lower it.
    o.step = clampStep(o.step + (over < lo ? -1 : 1))
  }

  private ofCompetition(id: number): SimEvent[] {
    return [...this.byId.values()].filter((e) => e.competition.id === id)
  }

  private shock(ev: SimEvent): void {
    const main = ev.offers[0]
    if (main === undefined) return
    const shift = 2 + Math.floor(this.rng() * 4)
    const up = this.rng() < 0.5
    main.outcomes.forEach((o, i) => {
      const dir = i === 0 ? (up ? 1 : -1) : i === main.outcomes.length - 1 ? (up ? -1 : 1) : 1
      o.step = clampStep(o.step + dir * shift)
    })
  }

  private offer(name: string, outcomes: [string, number][], ids?: [number, number[]]): SimOffer {
    return {
      id: ids?.[0] ?? this.nextOfferId++,
      name,
      outcomes: outcomes.map(([n, decimal], i) => ({
        id: ids?.[1][i] ?? this.nextOutcomeId++,
        name: n,
        step: ladderIndex(decimal),
      })),
    }
  }

  private addSampleEvents(): void {
    const ucl = COMPETITIONS[0]!
    // captures/kwiff event-get sample (ids, names, stage/bettingStatus 1, betBuilderEnabled).
    this.byId.set(10748848, {
      id: 10748848,
      sportId: KWIFF_SPORTS.football,
      competition: { id: ucl.id, name: ucl.name, competitionId: ucl.competitionId },
      home: { id: 1, name: 'Bodoe/Glimt' },
      away: { id: 2, name: 'Manchester City' },
      startTick: 40,
      endTick: 40 + 150,
      suspendedUntil: 0,
      betBuilderEnabled: true,
      offers: [
        this.offer('Full Time Result', [
          ['Bodo/Glimt', 6.0],
          ['Draw', 6.5],
          ['Manchester City', 1.36],
        ]),
        this.offer('Total Goals Over/Under 2.5', [
          ['Over 2.5', 1.5],
          ['Under 2.5', 2.5],
        ]),
        this.offer('Both Teams To Score', [
          ['Yes', 1.73],
          ['No', 2.0],
        ]),
      ],
    })
    const liga = COMPETITIONS[2]!
    // captures/kwiff ticket:odds:get sample (event, market and selection ids, names).
    this.byId.set(11505695, {
      id: 11505695,
      sportId: KWIFF_SPORTS.football,
      competition: { id: liga.id, name: liga.name, competitionId: liga.competitionId },
      home: { id: this.nextTeamId++, name: 'Mallorca' },
      away: { id: this.nextTeamId++, name: 'Sevilla' },
      startTick: -20,
      endTick: -20 + 170,
      suspendedUntil: 0,
      betBuilderEnabled: true,
      offers: [
        this.offer('Full Time Result', [
          ['Mallorca', 2.4],
          ['Draw', 3.25],
          ['Sevilla', 3.1],
        ]),
        this.offer('Anytime Goalscorer', [['Vedat Muriqi', 2.75]], [298620996, [1247853363]]),
        this.offer('rcd mallorca total goals', [['over 0.5', 1.3]], [293646786, [1247492634]]),
      ],
    })
  }

  private addFixture(def: CompetitionDef, initial: boolean): void {
    const busy = new Set<string>()
    for (const e of this.ofCompetition(def.id)) busy.add(e.home.name).add(e.away.name)
    const free = def.teams.filter((n) => !busy.has(n))
    const pool = free.length >= 2 ? free : def.teams
    const hi = Math.floor(this.rng() * pool.length)
    let ai = Math.floor(this.rng() * (pool.length - 1))
    if (ai >= hi) ai++
    const home = pool[hi]!
    const away = pool[ai]!
    const [lo, span] = LIVE_TICKS[def.sportId] ?? [90, 180]
    const liveTicks = lo + Math.floor(this.rng() * (span - lo))
    // At boot a third are already live; later fixtures start within the next 2–20 minutes.
    const startTick = initial
      ? this.rng() < 0.33
        ? this.tick - Math.floor(this.rng() * liveTicks * 0.8)
        : this.tick + 15 + Math.floor(this.rng() * 1800)
      : this.tick + 120 + Math.floor(this.rng() * 1080)
    const pHome = 0.2 + this.rng() * 0.6
    const margin = 1.06
    const id = this.nextEventId++
    let offers: SimOffer[]
    if (def.sportId === KWIFF_SPORTS.football) {
      const pDraw = 0.22 + this.rng() * 0.08
      const pH = pHome * (1 - pDraw)
      const pA = (1 - pHome) * (1 - pDraw)
      const pOver = 0.4 + this.rng() * 0.25
      offers = [
        this.offer('Full Time Result', [
          [home, 1 / (pH * margin)],
          ['Draw', 1 / (pDraw * margin)],
          [away, 1 / (pA * margin)],
        ]),
        this.offer('Total Goals Over/Under 2.5', [
          ['Over 2.5', 1 / (pOver * margin)],
          ['Under 2.5', 1 / ((1 - pOver) * margin)],
        ]),
        this.offer('Both Teams To Score', [
          ['Yes', 1 / (0.55 * margin)],
          ['No', 1 / (0.45 * margin)],
        ]),
      ]
    } else if (def.sportId === KWIFF_SPORTS.basketball) {
      const line = def.name === 'NBA' ? 220.5 + Math.floor(this.rng() * 20) : 160.5
      // The favourite gives points: about one point per 3 % of win probability past 50 %.
      const spread = Math.round(Math.abs(pHome - 0.5) * 30) + 0.5
      const homeLine = pHome >= 0.5 ? -spread : spread
      const signed = (v: number) => (v > 0 ? `+${v}` : String(v))
      offers = [
        this.offer('Match Winner', [
          [home, 1 / (pHome * margin)],
          [away, 1 / ((1 - pHome) * margin)],
        ]),
        this.offer(`Total Points Over/Under ${line}`, [
          [`Over ${line}`, 1.91],
          [`Under ${line}`, 1.91],
        ]),
        this.offer('Handicap', [
          [`${home} ${signed(homeLine)}`, 1.91],
          [`${away} ${signed(-homeLine)}`, 1.91],
        ]),
      ]
    } else {
      offers = [
        this.offer('Match Winner', [
          [home, 1 / (pHome * margin)],
          [away, 1 / ((1 - pHome) * margin)],
        ]),
        this.offer('Total Games Over/Under 22.5', [
          ['Over 22.5', 1.83],
          ['Under 22.5', 1.91],
        ]),
      ]
    }
    this.byId.set(id, {
      id,
      sportId: def.sportId,
      competition: { id: def.id, name: def.name, competitionId: def.competitionId },
      home: { id: this.nextTeamId++, name: home },
      away: { id: this.nextTeamId++, name: away },
      startTick,
      endTick: startTick + liveTicks,
      suspendedUntil: 0,
      betBuilderEnabled: def.sportId === KWIFF_SPORTS.football,
      offers,
    })
  }
}

function clampStep(i: number): number {
  return Math.max(0, Math.min(ODDS_LADDER.length - 1, i))
}
