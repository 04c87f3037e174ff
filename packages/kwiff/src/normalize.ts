/**
 * Kwiff events → normalized entities (pure). Kwiff pushes no known updates, so the feed
 * builds a whole picture per refresh with {@link buildPicture} and turns two consecutive
 * pictures into ops with `diffEntities` from @oddsboard/model.
 *
 * Ids are `kwiff:<prefix><native>` with one prefix per kind, since Kwiff's native ids of
 * different kinds may collide: `sp` sport, `c` competition, `e` event, `m` market, `s` selection.
 */
import type {
  Competition,
  Entity,
  Event,
  EventStatus,
  Market,
  Selection,
  Sport,
} from '@oddsboard/model'
import { entityId, fractionalToDecimal, OddsError } from '@oddsboard/model'
import type { KwiffEvent, KwiffOffer, KwiffOutcome } from './codec'
import { eventOffers, KWIFF_SPORT_NAMES } from './codec'

/**
 * Kwiff's `stage` values. 1 is seen on a not-yet-started event (captures/kwiff event-get
 * sample, taken 2 h before kick-off); 2 and 3 are ASSUMED (no public sample shows them).
 */
export const KWIFF_STAGE = { prematch: 1, live: 2, ended: 3 } as const

/**
 * Kwiff's `bettingStatus` values. 1 is seen on an open event (event-get sample); 2 and 3
 * are ASSUMED.
 */
export const KWIFF_BETTING_STATUS = { open: 1, suspended: 2, closed: 3 } as const

/** Offer names that mark an event's main market (case-insensitive); else its first offer is main. */
export const MAIN_MARKET_NAMES: ReadonlySet<string> = new Set([
  'full time result',
  'match winner',
  'match result',
])

/** `kwiff:sp<sportId>`. */
export const sportEntityId = (sportId: number): string => entityId('kwiff', `sp${sportId}`)
/** `kwiff:c<competition.id>`. */
export const competitionEntityId = (id: number | string): string => entityId('kwiff', `c${id}`)
/** `kwiff:e<event.id>`. */
export const eventEntityId = (id: number): string => entityId('kwiff', `e${id}`)

/**
 * The dashboard status of an event from its `stage` and `bettingStatus` (see
 * {@link KWIFF_STAGE}, {@link KWIFF_BETTING_STATUS}); an event without them is prematch,
 * as in the event-list sample.
 */
export function eventStatus(ev: Pick<KwiffEvent, 'stage' | 'bettingStatus'>): EventStatus {
  if (ev.stage === KWIFF_STAGE.ended || ev.bettingStatus === KWIFF_BETTING_STATUS.closed) {
    return 'ended'
  }
  if (ev.bettingStatus === KWIFF_BETTING_STATUS.suspended) return 'suspended'
  if (ev.stage === KWIFF_STAGE.live) return 'live'
  return 'prematch'
}

/**
 * Decimal odds of an outcome: its `odds` when a number above 1, else its `fractional` text
 * converted (`"5/1"` → 6), else null (unpriced). Never throws: a bad price is unpriced.
 */
export function outcomeOdds(o: Pick<KwiffOutcome, 'odds' | 'fractional'>): number | null {
  if (typeof o.odds === 'number' && Number.isFinite(o.odds) && o.odds > 1) return o.odds
  if (typeof o.fractional === 'string') {
    try {
      return fractionalToDecimal(o.fractional)
    } catch (e) {
      if (e instanceof OddsError) return null
      throw e
    }
  }
  return null
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** The index of the main offer: the first named in {@link MAIN_MARKET_NAMES}, else 0. */
export function mainOfferIndex(offers: readonly Pick<KwiffOffer, 'name'>[]): number {
  const i = offers.findIndex((o) => MAIN_MARKET_NAMES.has(o.name.trim().toLowerCase()))
  return i === -1 ? 0 : i
}

/**
 * The entities of one event: its sport, competition, the event, one market per offer and
 * one selection per outcome. `offers` overrides the event's own (`details.offers` or
 * `markets`), e.g. with those of an `event:get` reply.
 *
 * - Event: name `"<home> v <away>"`, participants [home, away], `startTime` = `startDate`
 *   as epoch ms, status from {@link eventStatus}.
 * - Market: `kwiff:m<eventId>.<offer id, or n-<slug of name>>`; suspended when the event is
 *   suspended or ended or the offer says so; `main` on {@link mainOfferIndex}.
 * - Selection: `kwiff:s<eventId>.<offer key>.<outcome id, or o<index>>`; decimal `odds`
 *   ({@link outcomeOdds}), the fractional text in `oddsText`, `order` = position.
 */
export function normalizeEvent(ev: KwiffEvent, offers: KwiffOffer[] = eventOffers(ev)): Entity[] {
  const sportId = sportEntityId(ev.sportId)
  const sport: Sport = {
    kind: 'sport',
    id: sportId,
    source: 'kwiff',
    name: KWIFF_SPORT_NAMES[ev.sportId] ?? `Sport ${ev.sportId}`,
  }
  const competitionId = competitionEntityId(ev.competition.id)
  const competition: Competition = {
    kind: 'competition',
    id: competitionId,
    source: 'kwiff',
    sportId,
    name: ev.competition.name,
  }
  const eventId = eventEntityId(ev.id)
  const status = eventStatus(ev)
  const home = ev.homeTeam.name
  const away = ev.awayTeam.name
  const event: Event = {
    kind: 'event',
    id: eventId,
    source: 'kwiff',
    sportId,
    competitionId,
    name: `${home} v ${away}`,
    participants: [home, away],
    startTime: Date.parse(ev.startDate),
    status,
  }
  const out: Entity[] = [sport, competition, event]
  const eventClosed = status === 'suspended' || status === 'ended'
  const main = mainOfferIndex(offers)
  const usedKeys = new Set<string>()
  offers.forEach((offer, i) => {
    let key = offer.id !== undefined ? String(offer.id) : `n-${slug(offer.name)}`
    if (usedKeys.has(key)) key = `${key}~${i}`
    usedKeys.add(key)
    const marketId = entityId('kwiff', `m${ev.id}.${key}`)
    const suspended = eventClosed || offer.suspended === true
    const market: Market = {
      kind: 'market',
      id: marketId,
      source: 'kwiff',
      eventId,
      name: offer.name,
      suspended,
      main: i === main,
    }
    out.push(market)
    const usedOutcomes = new Set<string>()
    offer.outcomes.forEach((o, order) => {
      let oKey = o.id !== undefined ? String(o.id) : `o${order}`
      if (usedOutcomes.has(oKey)) oKey = `${oKey}~${order}`
      usedOutcomes.add(oKey)
      const selection: Selection = {
        kind: 'selection',
        id: entityId('kwiff', `s${ev.id}.${key}.${oKey}`),
        source: 'kwiff',
        eventId,
        marketId,
        name: o.outcomeName,
        order,
        odds: outcomeOdds(o),
        suspended: suspended || o.suspended === true,
      }
      if (typeof o.fractional === 'string') selection.oddsText = o.fractional
      out.push(selection)
    })
  })
  return out
}

/**
 * One whole picture of Kwiff's state: the entities of every event, keyed by id (shared
 * sports and competitions once). `offersByEvent` (Kwiff event id → offers, e.g. from
 * `event:get` for live events) replaces an event's own offers. When two events carry the
 * same id (an event listed under two countries), the later one wins.
 */
export function buildPicture(
  events: readonly KwiffEvent[],
  offersByEvent: ReadonlyMap<number, KwiffOffer[]> = new Map(),
): Map<string, Entity> {
  const byId = new Map<number, KwiffEvent>()
  for (const ev of events) byId.set(ev.id, ev)
  const picture = new Map<string, Entity>()
  for (const ev of byId.values()) addEntities(picture, normalizeEvent(ev, offersByEvent.get(ev.id)))
  return picture
}

/** Adds entities to a picture, keyed by id. */
export function addEntities(picture: Map<string, Entity>, entities: readonly Entity[]): void {
  for (const e of entities) picture.set(e.id, e)
}
