import {
  CANONICAL_NAME_ORDER,
  indexMarkets,
  type EntityState,
  type Event,
  type MarketType,
  SPORT_LABELS,
  type SportKey,
} from '@oddsboard/model'
import { memo, useMemo } from 'react'
import { bookName } from '../format'
import { marketGroups, matchMembers, type MarketGroup } from '../marketGroups'
import type { EventRow } from '../rows'
import { boardStore, useBoard } from '../sync/store'
import { DataTable, type Column } from '../table/DataTable'
import { BookTag, OddsCell } from '../ui/cells'
import { canonicalIndex, LinkPanel } from '../ui/CompareLink'
import { eventCols, eventIdOf, eventOfRow, outcomeCol, useEventRows } from './common'

/** Types whose outcomes the Home / Draw / Away headers name without a label. */
const HOME_DRAW_AWAY: ReadonlySet<MarketType> = new Set(['1x2', 'winner'])

/**
 * One row per match: an event from any book, not ended; a match listed by several books
 * (one canonical event) is one row, that of the member present of the first book in
 * {@link CANONICAL_NAME_ORDER} (its other books' markets are in the expanded row).
 */
const include = (e: Event, entities: EntityState) => {
  if (e.status === 'ended') return false
  const cid = canonicalIndex(entities.canonical).get(e.id)
  if (cid === undefined) return true
  const c = entities.canonical.get(cid)
  if (c === undefined) return true
  const present = c.members.filter((m) => entities.event.has(m.eventId))
  const row = CANONICAL_NAME_ORDER.map((b) => present.find((m) => m.source === b)).find(
    (m) => m !== undefined,
  )
  return row === undefined || row.eventId === e.id
}

const countCache = new WeakMap<EntityState['market'], Map<string, number>>()

/** Markets per event id, counted once per market map. */
function marketsPerEvent(markets: EntityState['market']): Map<string, number> {
  let out = countCache.get(markets)
  if (out === undefined) {
    out = new Map()
    for (const m of markets.values()) out.set(m.eventId, (out.get(m.eventId) ?? 0) + 1)
    countCache.set(markets, out)
  }
  return out
}

/** How many markets the match has across its books, and how many books. */
const MarketCount = memo(function MarketCount({ eventId }: { eventId: string }) {
  const text = useBoard((s) => {
    const { entities } = s.board
    const cid = canonicalIndex(entities.canonical).get(eventId)
    const members = matchMembers(entities, eventId, cid)
    const per = marketsPerEvent(entities.market)
    let n = 0
    for (const mem of members) n += per.get(mem.eventId) ?? 0
    return `${n}|${members.length}`
  })
  const [n, books] = text.split('|')
  return (
    <span className="num" data-testid="market-count" title="Markets of this match across its books">
      {n}
      <span className="muted"> · {books === '1' ? '1 book' : `${books} books`}</span>
    </span>
  )
})

const columns: Column<EventRow>[] = [
  eventCols.pin,
  eventCols.book,
  { ...eventCols.status, header: 'Start' },
  eventCols.match,
  eventCols.market,
  outcomeCol('home', 'Home', 'Home / first player (or Over)', HOME_DRAW_AWAY),
  outcomeCol('draw', 'Draw', 'Draw (or No goal)', HOME_DRAW_AWAY),
  outcomeCol('away', 'Away', 'Away / second player (or Under)', HOME_DRAW_AWAY),
  eventCols.margin,
  {
    id: 'markets',
    header: 'Markets',
    width: '96px',
    align: 'right',
    title: 'Markets of the match on every book that prices it (double-click or Enter: all of them)',
    cell: (r) => <MarketCount eventId={r.id} />,
  },
  eventCols.updated,
]

/** Groups by canonical sport (Bet365's "Soccer" and Winamax's "Football" are one) and competition. */
const groupOf = (r: EventRow) => `${SPORT_LABELS[r.sportKey]} · ${r.competition || 'Other'}`

/** One group of the panel: its heading, then each book's market of it, prices by outcome. */
function GroupBlock({ group }: { group: MarketGroup }) {
  return (
    <div className="mkt-group" data-testid="market-group" data-type={group.type}>
      <div className="mkt-group-title" title={group.title}>
        {group.title}
      </div>
      {group.markets.map((m) => (
        <div
          key={m.marketId}
          className={`mkt-line${m.suspended ? ' mkt-susp' : ''}`}
          data-testid="book-market"
          data-source={m.source}
        >
          <BookTag source={m.source} />
          <span className="mkt-name ellipsis muted" title={`${bookName(m.source)}: ${m.name}`}>
            {m.name}
            {m.main ? ' · main' : ''}
          </span>
          <span className="mkt-sels">
            {m.selections.map((s) => (
              <span key={s.selectionId} className="mkt-sel">
                <span className="outcome-label ellipsis" title={s.label}>
                  {s.label}
                </span>
                <OddsCell id={s.selectionId} />
              </span>
            ))}
          </span>
        </div>
      ))}
    </div>
  )
}

/**
 * Every market of the row's match from every book that prices it (its canonical event's
 * members), grouped by type and line: the expanded row of the Markets view.
 */
function MarketsPanel({ row }: { row: EventRow }) {
  const market = useBoard((s) => s.board.entities.market)
  const structure = useBoard((s) => s.board.structure)
  const canonical = useBoard((s) => s.board.entities.canonical)
  const groups = useMemo(() => {
    const { entities } = boardStore.getState().board
    const members = matchMembers(entities, row.id, canonicalIndex(canonical).get(row.id))
    const index = indexMarkets(entities)
    return { members, groups: marketGroups(index, members, row.sportKey as SportKey) }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [market, structure, canonical, row.id, row.sportKey])
  return (
    <div className="detail" data-testid="event-detail">
      <div className="detail-title">
        <span className="ellipsis">
          All markets · {groups.groups.length} {groups.groups.length === 1 ? 'type' : 'types'} from{' '}
          {groups.members.map((m) => bookName(m.source)).join(', ')}
        </span>
      </div>
      <div className="mkt-panel" data-testid="markets-panel">
        {groups.groups.map((g) => (
          <GroupBlock key={g.key} group={g} />
        ))}
      </div>
      <div className="detail-sels">
        <LinkPanel event={row.event} />
      </div>
    </div>
  )
}

const renderMarketsDetail = (r: EventRow) => <MarketsPanel row={r} />

/**
 * Markets: one row per match from every book (its main market), grouped by competition;
 * the expanded row lists every market of the match from every book that prices it.
 */
export function MarketsView() {
  const rows = useEventRows(include)
  return (
    <section className="view" data-testid="view-markets">
      <DataTable
        view="markets"
        rows={rows}
        columns={columns}
        defaultSort={{ id: 'status', desc: false }}
        eventOf={eventIdOf}
        eventOfRow={eventOfRow}
        groupOf={groupOf}
        detail={renderMarketsDetail}
        detailHeight={320}
        empty="No matches match the filters."
      />
    </section>
  )
}
