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
  SportKey,
} from '@oddsboard/model'
import { entityId, fractionalToDecimal, OddsError } from '@oddsboard/model'
import type { KwiffEvent, KwiffOffer, KwiffOutcome } from './codec'
import { eventOffers, KWIFF_SPORT_NAMES, KWIFF_SPORTS } from './codec'
import { classifyOffer, mainOfferIndex } from './markets'

export type { EventSides, OfferMeaning, OfferNames } from './markets'
export { classifyOffer, mainOfferIndex } from './markets'

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

/**
 * Kwiff sport id → canonical sport ({@link SportKey}). Kwiff's events carry only a numeric
 * `sportId`, never a sport name (captures/kwiff samples), so the table is keyed by id:
 * - 11 → `football`: seed 002 ("sportId - Sport type (11=Football, 36=Basketball, etc.)");
 * - 36 → `basketball`: seed 002, same line;
 * - 15 → `tennis`: ASSUMED, no public source shows Kwiff's tennis id ({@link KWIFF_SPORTS}).
 * Any other id is `other`, named `Sport <id>` (the book gives no name to keep).
 */
export const KWIFF_SPORT_KEYS: Readonly<Record<number, SportKey>> = {
  [KWIFF_SPORTS.football]: 'football',
  [KWIFF_SPORTS.basketball]: 'basketball',
  [KWIFF_SPORTS.tennis]: 'tennis',
}

/** The canonical key and display name of a Kwiff sport id; see {@link KWIFF_SPORT_KEYS}. */
export function kwiffSport(sportId: number): { key: SportKey; name: string } {
  return {
    key: KWIFF_SPORT_KEYS[sportId] ?? 'other',
    name: KWIFF_SPORT_NAMES[sportId] ?? `Sport ${sportId}`,
  }
}

/**
 * What a normalizer call needs besides the payload, so that it stays pure.
 * `receivedAt`: epoch ms at which the feed received the replies the picture is built from.
 * `previous`: the picture built before (entities by id); an event or selection rebuilt with
 * exactly its previous fields keeps its previous object and so its `updatedAt`.
 */
export interface NormalizeContext {
  receivedAt: number
  previous?: ReadonlyMap<string, Entity>
}

/** Deep equality of JSON-like values; `undefined` object fields count as absent. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((x, i) => same(x, bb[i]))
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)])
  for (const k of keys) if (k !== 'updatedAt' && !same(ao[k], bo[k])) return false
  return true
}

/**
 * `built` with its `updatedAt`: the previous entity of the same id itself when nothing but
 * `updatedAt` differs (so a refresh that brings nothing new changes nothing), else `built`
 * stamped with `ctx.receivedAt`.
 */
function stamped<T extends Event | Selection>(
  built: Omit<T, 'updatedAt'>,
  ctx: NormalizeContext,
): T {
  const prev = ctx.previous?.get(built.id)
  if (prev !== undefined && prev.kind === built.kind && same(prev, built)) return prev as T
  return { ...built, updatedAt: ctx.receivedAt } as T
}

/**
 * The entities of one event: its sport, competition, the event, one market per offer and
 * one selection per outcome. `offers` overrides the event's own (`details.offers` or
 * `markets`), e.g. with those of an `event:get` reply. Pure; never throws for an event that
 * passed the codec's schema.
 *
 * - Sport: `key` and name from {@link kwiffSport}.
 * - Event: name `"<home> v <away>"`, participants [home, away], `startTime` = `startDate`
 *   as epoch ms, status from {@link eventStatus}. No `clock`, `period` or `score`: no Kwiff
 *   sample carries any (seed 002 lists only a `matchTracker` flag).
 * - Market: `kwiff:m<eventId>.<offer id, or n-<slug of name>>`; `type`, `line` from
 *   {@link classifyOffer}; suspended when the event is suspended or ended or the offer says
 *   so; `main` on exactly one offer, {@link mainOfferIndex}.
 * - Selection: `kwiff:s<eventId>.<offer key>.<outcome id, or o<index>>`; decimal `odds`
 *   ({@link outcomeOdds}), the fractional text in `oddsText`, `order` = position, `outcome`
 *   from {@link classifyOffer} (typed markets only).
 * - `updatedAt` of the event and of each selection: `ctx.receivedAt` when new or changed,
 *   else kept from `ctx.previous` (see {@link NormalizeContext}).
 */
export function normalizeEvent(
  ev: KwiffEvent,
  ctx: NormalizeContext,
  offers: KwiffOffer[] = eventOffers(ev),
): Entity[] {
  const sportId = sportEntityId(ev.sportId)
  const sport: Sport = { kind: 'sport', id: sportId, source: 'kwiff', ...kwiffSport(ev.sportId) }
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
  const event = stamped<Event>(
    {
      kind: 'event',
      id: eventId,
      source: 'kwiff',
      sportId,
      competitionId,
      name: `${home} v ${away}`,
      participants: [home, away],
      startTime: Date.parse(ev.startDate),
      status,
    },
    ctx,
  )
  const out: Entity[] = [sport, competition, event]
  const eventClosed = status === 'suspended' || status === 'ended'
  const meanings = offers.map((offer) => classifyOffer(offer, { home, away }))
  const main = mainOfferIndex(meanings.map((m) => m.type))
  const usedKeys = new Set<string>()
  offers.forEach((offer, i) => {
    let key = offer.id !== undefined ? String(offer.id) : `n-${slug(offer.name)}`
    if (usedKeys.has(key)) key = `${key}~${i}`
    usedKeys.add(key)
    const marketId = entityId('kwiff', `m${ev.id}.${key}`)
    const suspended = eventClosed || offer.suspended === true
    const meaning = meanings[i]!
    const market: Market = {
      kind: 'market',
      id: marketId,
      source: 'kwiff',
      eventId,
      name: offer.name,
      type: meaning.type,
      ...(meaning.line !== undefined && { line: meaning.line }),
      suspended,
      main: i === main,
    }
    out.push(market)
    const usedOutcomes = new Set<string>()
    offer.outcomes.forEach((o, order) => {
      let oKey = o.id !== undefined ? String(o.id) : `o${order}`
      if (usedOutcomes.has(oKey)) oKey = `${oKey}~${order}`
      usedOutcomes.add(oKey)
      const outcome = meaning.outcomes[order]
      const selection: Omit<Selection, 'updatedAt'> = {
        kind: 'selection',
        id: entityId('kwiff', `s${ev.id}.${key}.${oKey}`),
        source: 'kwiff',
        eventId,
        marketId,
        name: o.outcomeName,
        order,
        ...(outcome !== undefined && { outcome }),
        odds: outcomeOdds(o),
        ...(typeof o.fractional === 'string' && { oddsText: o.fractional }),
        suspended: suspended || o.suspended === true,
      }
      out.push(stamped<Selection>(selection, ctx))
    })
  })
  return out
}

/**
 * One whole picture of Kwiff's state: the entities of every event, keyed by id (shared
 * sports and competitions once). `offersByEvent` (Kwiff event id → offers, e.g. from
 * `event:get` for live events) replaces an event's own offers. When two events carry the
 * same id (an event listed under two countries), the later one wins. `ctx.previous` is the
 * picture before this one: what did not change keeps its object and `updatedAt`, so
 * `diffEntities(previous, next)` gives no op for it.
 */
export function buildPicture(
  events: readonly KwiffEvent[],
  ctx: NormalizeContext,
  offersByEvent: ReadonlyMap<number, KwiffOffer[]> = new Map(),
): Map<string, Entity> {
  const byId = new Map<number, KwiffEvent>()
  for (const ev of events) byId.set(ev.id, ev)
  const picture = new Map<string, Entity>()
  for (const ev of byId.values()) {
    addEntities(picture, normalizeEvent(ev, ctx, offersByEvent.get(ev.id)))
  }
  return picture
}

/** Adds entities to a picture, keyed by id. */
export function addEntities(picture: Map<string, Entity>, entities: readonly Entity[]): void {
  for (const e of entities) picture.set(e.id, e)
}
