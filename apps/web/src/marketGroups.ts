import {
  canonicalOutcome,
  MARKET_OUTCOMES,
  outcomeLabel,
  type CanonicalEvent,
  type EntityState,
  type Market,
  type MarketIndex,
  type MarketType,
  type Source,
  type SportKey,
} from '@oddsboard/model'

/**
 * Every market of one match from every book that prices it, grouped by market type (and
 * line), for the Markets view's expanded row. The books of a match are its canonical
 * event's members (`@oddsboard/model` CanonicalEvent, set by the proxy's linker or a user's
 * link); a match on one book only has that book's markets. Pure.
 */

/** One member book of the match, as the grouping needs it. */
export interface MatchMember {
  eventId: string
  source: Source
  /** True when this book lists the canonical away side first (`CanonicalMember.swapped`). */
  swapped: boolean
}

/** One price of a book's market, in canonical outcome order. */
export interface GroupedSelection {
  selectionId: string
  /** "1", "X", "Over 2.5", "Player 1", "Home -1.5", or the selection's own name. */
  label: string
}

/** One book's market inside a group. */
export interface GroupedMarket {
  source: Source
  eventId: string
  marketId: string
  /** The book's own market name ("Nombre de buts", "Match Goals"). */
  name: string
  main: boolean
  suspended: boolean
  selections: GroupedSelection[]
}

/** Markets of the same type (and line, in canonical side order) from one or more books. */
export interface MarketGroup {
  /** Stable key: `over-under:2.5`, `handicap:-1`, `1x2`, `other:<book>:<name>`. */
  key: string
  type: MarketType
  /** Over/under line, or the handicap line of the canonical home side. */
  line?: number
  /** Heading: "1X2", "Over/Under 2.5", "Handicap −1", or an `other` market's own name. */
  title: string
  markets: GroupedMarket[]
}

/** Display order of market types (a match's result first, unlisted `other` markets last). */
const TYPE_ORDER: readonly MarketType[] = [
  '1x2',
  'winner',
  'handicap',
  'over-under',
  'next-goal',
  'other',
  'outright',
]

function groupTitle(type: MarketType, line: number | undefined, name: string): string {
  const signed = line === undefined ? '' : ` ${line > 0 ? '+' : ''}${line}`
  switch (type) {
    case '1x2':
      return '1X2 (match result)'
    case 'winner':
      return 'Winner'
    case 'next-goal':
      return 'Next goal'
    case 'over-under':
      return line === undefined ? 'Over/Under' : `Over/Under ${line}`
    case 'handicap':
      return `Handicap${signed}`
    case 'outright':
      return `Outright · ${name}`
    default:
      return name
  }
}

/**
 * The members of the match `eventId` belongs to: its canonical event's members present in
 * `entities`, in the canonical event's order; the event alone when it has no canonical event.
 */
export function matchMembers(
  entities: Pick<EntityState, 'event' | 'canonical'>,
  eventId: string,
  canonicalId: string | undefined,
): MatchMember[] {
  const c: CanonicalEvent | undefined =
    canonicalId === undefined ? undefined : entities.canonical.get(canonicalId)
  if (c === undefined) {
    const e = entities.event.get(eventId)
    return e === undefined ? [] : [{ eventId, source: e.source, swapped: false }]
  }
  return c.members
    .filter((m) => entities.event.has(m.eventId))
    .map((m) => ({ eventId: m.eventId, source: m.source, swapped: m.swapped }))
}

/**
 * Groups every market of `members` by type: typed markets by type and canonical line (a
 * swapped book's handicap line is negated to the canonical home side, and its home/away
 * prices exchanged), so two books' "Over/Under 2.5" sit together; `other` and `outright`
 * markets stay one group per book's market (their meaning is in the book's own name, which
 * is never matched here). Selections of typed markets follow the type's canonical outcome
 * order; others keep the book's order. Groups come in {@link TYPE_ORDER}, lines ascending;
 * inside a group, main markets first, then members' order.
 */
export function marketGroups(
  index: MarketIndex,
  members: readonly MatchMember[],
  sport: SportKey,
): MarketGroup[] {
  const groups = new Map<string, MarketGroup>()
  members.forEach((mem) => {
    for (const market of index.byEvent.get(mem.eventId) ?? []) {
      const sels = index.byMarket.get(market.id) ?? []
      const outcomes = MARKET_OUTCOMES[market.type]
      const canonLine =
        market.type === 'handicap' && mem.swapped && market.line !== undefined
          ? -market.line
          : market.line
      const typed = outcomes.length > 0
      const key = typed
        ? `${market.type}${canonLine === undefined ? '' : `:${canonLine}`}`
        : `${market.type}:${mem.source}:${market.id}`
      let g = groups.get(key)
      if (g === undefined) {
        g = {
          key,
          type: market.type,
          ...(canonLine !== undefined ? { line: canonLine } : {}),
          title: groupTitle(market.type, canonLine, market.name),
          markets: [],
        }
        groups.set(key, g)
      }
      const labelMarket: Pick<Market, 'type' | 'line'> = {
        type: market.type,
        ...(canonLine !== undefined ? { line: canonLine } : {}),
      }
      let selections: GroupedSelection[]
      if (typed) {
        selections = []
        for (const o of outcomes) {
          const s = sels.find(
            (x) => x.outcome !== undefined && canonicalOutcome(x.outcome, mem.swapped) === o,
          )
          if (s !== undefined)
            selections.push({
              selectionId: s.id,
              label: outcomeLabel(labelMarket, o, sport, s.name),
            })
        }
      } else selections = sels.map((s) => ({ selectionId: s.id, label: s.name }))
      g.markets.push({
        source: mem.source,
        eventId: mem.eventId,
        marketId: market.id,
        name: market.name,
        main: market.main,
        suspended: market.suspended,
        selections,
      })
    }
  })
  const out = [...groups.values()]
  for (const g of out) g.markets.sort((a, b) => Number(b.main) - Number(a.main))
  out.sort(
    (a, b) =>
      TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.title.localeCompare(b.title),
  )
  return out
}
