import {
  indexMarkets,
  movedFirst,
  outcomeLabel,
  SOURCES,
  SPORT_LABELS,
  stakeSplit,
  type CompareLayout,
  type EntityState,
  type EventComparison,
  type MovedFirst,
  type Outcome,
  type PricePoint,
  type Source,
  type StakeSplit,
} from '@oddsboard/model'
import { memo, useEffect, useMemo, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { compareRows, rowComparison, type CompareRow } from '../compareRows'
import { bookName, formatLag, formatMoney, formatOdds, formatPercent, formatScore } from '../format'
import { OUTCOME_SLOT, rowIsStale, type PriceSlot, type RowCache } from '../rows'
import { setUrl, useUi } from '../state/uiStore'
import { parseStake, STAKE_STEPS } from '../state/url'
import { useEventFilter } from '../state/useEventFilter'
import { removeFromMatch } from '../sync/links'
import { boardStore, useBoard } from '../sync/store'
import { DataTable, type Column } from '../table/DataTable'
import { Age, BookTag, OddsCell, PinButton } from '../ui/cells'
import { ClockText, StartTime, statusSortValue } from './common'
import { AlertRowButton } from '../alerts/AlertsPanel'

/* ---------- data ---------- */

const staleSets = new Map<string, ReadonlySet<Source>>()

/** Books whose prices may no longer be on offer (feed stale, reconnecting or down, or the page lost the proxy), as a key. */
function useStaleKey(): string {
  return useBoard((s) =>
    SOURCES.filter((src) => rowIsStale(s.board.feeds[src]?.state, s.connection)).join(','),
  )
}

function staleSet(key: string): ReadonlySet<Source> {
  let set = staleSets.get(key)
  if (set === undefined) {
    set = new Set(key === '' ? [] : (key.split(',') as Source[]))
    staleSets.set(key, set)
  }
  return set
}

/**
 * The row's comparison at the current prices (`comparePrices` through `rowComparison`):
 * re-renders its component only when one of the row's prices, markets or events changes.
 */
function useComparison(row: CompareRow): EventComparison {
  const key = useStaleKey()
  return useBoard((s) => rowComparison(row.layout, s.board.entities, staleSet(key), key))
}

/** Compare rows under the dashboard's filters: a row passes when any of its books' events does. */
function useCompareRows(): CompareRow[] {
  const sport = useBoard((s) => s.board.entities.sport)
  const competition = useBoard((s) => s.board.entities.competition)
  const event = useBoard((s) => s.board.entities.event)
  const market = useBoard((s) => s.board.entities.market)
  const canonical = useBoard((s) => s.board.entities.canonical)
  const structure = useBoard((s) => s.board.structure)
  const index = useMemo(
    () => indexMarkets(boardStore.getState().board.entities),
    // `structure` changes when selections are added, removed or moved between markets.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [market, structure],
  )
  const match = useEventFilter()
  const cache = useRef<RowCache<CompareRow>>(new Map()).current
  return useMemo(() => {
    const entities: EntityState = {
      sport,
      competition,
      event,
      market,
      selection: boardStore.getState().board.entities.selection,
      canonical,
    }
    return compareRows(entities, index, match, cache)
  }, [sport, competition, event, market, canonical, index, match, cache])
}

/* ---------- cells ---------- */

/** The compared market, short: "1X2", "Winner", "O/U 2.5", "Handicap −1", "Next goal". */
function marketText(layout: CompareLayout): string {
  const m = layout.market
  if (m === null) return '–'
  switch (m.type) {
    case '1x2':
      return '1X2'
    case 'winner':
      return 'Winner'
    case 'over-under':
      return `O/U ${m.line}`
    case 'handicap':
      return `Handicap ${(m.line ?? 0) > 0 ? '+' : ''}${m.line}`
    case 'next-goal':
      return 'Next goal'
    default:
      return m.type
  }
}

/** The label of a canonical outcome of the row's market ("1", "Player 2", "Over 2.5"). */
function labelOf(row: CompareRow, outcome: Outcome): string {
  const m = row.layout.market
  return m === null ? outcome : outcomeLabel(m, outcome, row.sportKey, outcome)
}

/** Market types whose column headers already name the outcome (no label in the cell). */
function headerSays(row: CompareRow): boolean {
  const t = row.layout.market?.type
  return t === '1x2' || t === 'winner'
}

/**
 * One outcome of a row: each book's price on its own line, in member order, with the book's
 * badge; the best price is boxed and bold, and carries "best" for screen readers (never
 * colour alone). A stale book's price is dimmed and never best.
 */
const OutcomeCell = memo(function OutcomeCell({ row, slot }: { row: CompareRow; slot: PriceSlot }) {
  const c = useComparison(row)
  const staleKey = useStaleKey()
  const outcome = c.outcomes.find((o) => OUTCOME_SLOT[o.outcome] === slot)
  if (outcome === undefined) return <span className="odds odds-none">–</span>
  const stale = staleSet(staleKey)
  return (
    <div
      className="cmp-cell"
      data-testid="compare-outcome"
      data-outcome={outcome.outcome}
      data-best={outcome.best ?? undefined}
    >
      {headerSays(row) ? null : (
        <span className="outcome-label ellipsis" data-testid="outcome-label">
          {labelOf(row, outcome.outcome)}
        </span>
      )}
      <div className="cmp-prices">
        {c.layout.members.map((m, i) => {
          const p = outcome.prices[i]
          return (
            <div
              key={m.eventId}
              className={`cmp-price${p?.best ? ' best' : ''}${stale.has(m.source) ? ' stale' : ''}`}
              data-testid="book-price"
              data-source={m.source}
              data-best={p?.best ? '1' : undefined}
              title={
                p?.best
                  ? `Best price for ${labelOf(row, outcome.outcome)}`
                  : stale.has(m.source)
                    ? `${bookName(m.source)}'s feed is not live: its price may be old`
                    : undefined
              }
            >
              <BookTag source={m.source} />
              <OddsCell id={p?.selectionId ?? null} precise />
              {p?.best ? <span className="sr-only"> (best)</span> : null}
            </div>
          )
        })}
      </div>
    </div>
  )
})

/** Σ 1/best − 1 of the row's best-of-books combination. */
const BestMarginCell = memo(function BestMarginCell({ row }: { row: CompareRow }) {
  const c = useComparison(row)
  return (
    <span
      className={`overround${c.surebet ? ' surebet-margin' : ''}`}
      data-testid="best-margin"
      data-value={c.margin === null ? undefined : c.margin.toFixed(6)}
      title="Margin of the best-of-books combination: Σ 1/best − 1 over the outcomes (below 0 = surebet)"
    >
      {c.margin === null ? '–' : formatSmallPercent(c.margin)}
    </span>
  )
})

/** Age of the best-of-books combination: since its oldest best price changed. */
const BestAgeCell = memo(function BestAgeCell({ row }: { row: CompareRow }) {
  const c = useComparison(row)
  return <Age ts={c.bestSince} testId="best-age" />
})

/** A margin or profit as a percentage: one decimal, or two when one would read 0.0% ("−0.05%"). */
function formatSmallPercent(fraction: number): string {
  const digits = Math.abs(fraction) < 0.001 ? 2 : 1
  return formatPercent(fraction, digits).replace('-', '−')
}

/** Profit of a surebet as a share of the stake: 1 / Σ 1/best − 1. */
function surebetProfit(margin: number): number {
  return 1 / (1 + margin) - 1
}

const SurebetCell = memo(function SurebetCell({ row }: { row: CompareRow }) {
  const c = useComparison(row)
  if (!c.surebet || c.margin === null) return null
  return (
    <span
      className="surebet"
      data-testid="surebet"
      title="Surebet: backing every outcome at its best price returns more than the stakes, whatever the result (before rounding)"
    >
      ✓ SURE +{formatSmallPercent(surebetProfit(c.margin))}
    </span>
  )
})

/** Match status from the members: LIVE with the newest clock and the period, start time, or ended; score below. */
const StatusCellCmp = memo(function StatusCellCmp({ row }: { row: CompareRow }) {
  const { status, clock, period, score } = row.match
  const tennis = row.sportKey === 'tennis'
  const start = row.canonical.startTime
  return (
    <div className="cmp-status">
      {status === 'live' ? (
        <span className="status status-live">
          <span className="live-dot">LIVE</span>
          {clock && !tennis ? <ClockText clock={clock} /> : null}
          {period ? (
            <span className="period ellipsis muted" data-testid="period" title={period}>
              {period}
            </span>
          ) : null}
        </span>
      ) : status === 'suspended' ? (
        <span className="status status-susp">SUSP</span>
      ) : status === 'ended' ? (
        <span className="status status-ended">ended</span>
      ) : (
        <StartTime ts={start} />
      )}
      {score !== undefined && (status === 'live' || status === 'ended') ? (
        <span className="num score" data-testid="score">
          {formatScore(score)}
        </span>
      ) : null}
    </div>
  )
})

/* ---------- columns ---------- */

function sortComparison(r: CompareRow): EventComparison {
  const { board, connection } = boardStore.getState()
  const key = SOURCES.filter((src) => rowIsStale(board.feeds[src]?.state, connection)).join(',')
  return rowComparison(r.layout, board.entities, staleSet(key), key)
}

function outcomeCol(slot: PriceSlot, header: string, title: string): Column<CompareRow> {
  return {
    id: slot,
    header,
    width: 'var(--w-cmp-price, 116px)',
    align: 'right',
    price: true,
    title,
    descFirst: true,
    sortValue: (r) =>
      sortComparison(r).outcomes.find((o) => OUTCOME_SLOT[o.outcome] === slot)?.best ?? undefined,
    cell: (r) => <OutcomeCell row={r} slot={slot} />,
  }
}

const pinOf = (r: CompareRow) => r.layout.members[0]?.eventId ?? r.id

const columns: Column<CompareRow>[] = [
  {
    id: 'pin',
    header: '★',
    width: '30px',
    align: 'center',
    title: 'Pinned favourites sit on top (f)',
    cell: (r) => <PinButton eventId={pinOf(r)} />,
  },
  {
    id: 'match',
    header: 'Match',
    width: 'minmax(150px, var(--w-text-2, 2fr))',
    sortValue: (r) => r.canonical.name,
    cell: (r) => (
      <div className="cmp-match">
        <span className="match ellipsis" title={r.canonical.name} data-testid="match-name">
          <span className="team">{r.canonical.participants[0]}</span>
          <span className="vs"> v </span>
          <span className="team">{r.canonical.participants[1]}</span>
        </span>
        <span
          className="ellipsis muted cmp-sub"
          data-testid="match-sub"
          title={r.competitions
            .map((c, i) => `${bookName(r.layout.members[i]?.source ?? r.source)}: ${c}`)
            .join('\n')}
        >
          {SPORT_LABELS[r.sportKey]} · {r.competition}
        </span>
        <span className="muted cmp-sub" data-testid="book-count">
          {r.layout.members.length} books
        </span>
      </div>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    width: 'var(--w-cmp-status, 104px)',
    sortValue: (r) => statusSortValue({ ...r.events[0]!, status: r.match.status }),
    cell: (r) => <StatusCellCmp row={r} />,
  },
  {
    id: 'market',
    header: 'Market',
    width: '66px',
    title: 'The market the books share, compared across them',
    sortValue: (r) => marketText(r.layout),
    cell: (r) => (
      <span
        className="market-type ellipsis"
        data-testid="market-type"
        data-type={r.layout.market?.type}
      >
        {marketText(r.layout)}
      </span>
    ),
  },
  outcomeCol('home', 'Home · 1', 'Home (1), first player, or Over: every book’s price, best boxed'),
  outcomeCol('draw', 'Draw · X', 'Draw (X) or No goal: every book’s price, best boxed'),
  outcomeCol(
    'away',
    'Away · 2',
    'Away (2), second player, or Under: every book’s price, best boxed',
  ),
  {
    id: 'margin',
    header: 'Margin',
    width: '68px',
    align: 'right',
    price: true,
    title:
      'Margin of the best-of-books combination: Σ 1/best − 1 over the outcomes (below 0 = surebet)',
    sortValue: (r) => sortComparison(r).margin ?? undefined,
    cell: (r) => <BestMarginCell row={r} />,
  },
  {
    id: 'age',
    header: 'Age',
    width: '66px',
    align: 'right',
    price: true,
    descFirst: true,
    title: 'Age of the best-of-books combination: since its oldest best price last changed',
    sortValue: (r) => sortComparison(r).bestSince ?? undefined,
    cell: (r) => <BestAgeCell row={r} />,
  },
  {
    id: 'surebet',
    header: 'Surebet',
    width: '104px',
    price: true,
    title: 'Σ 1/best < 1: a stake on every outcome at its best price returns more than it costs',
    sortValue: (r) => (sortComparison(r).surebet ? 0 : 1),
    cell: (r) => <SurebetCell row={r} />,
  },
]

/* ---------- the expanded row: stake split, who moved first, the books ---------- */

const NO_POINTS: readonly PricePoint[] = []

/** "moved first: Bet365, Winamax +3.2 s, Kwiff not yet" for one outcome's books. */
const MovedFirstText = memo(function MovedFirstText({
  sources,
  selectionIds,
}: {
  sources: readonly Source[]
  selectionIds: readonly (string | null)[]
}) {
  const points = useBoard(
    useShallow((s) =>
      selectionIds.map((id) => (id === null ? NO_POINTS : (s.board.history.get(id) ?? NO_POINTS))),
    ),
  )
  const m: MovedFirst | null = useMemo(
    () => movedFirst(sources.map((source, i) => ({ source, points: points[i]! }))),
    [sources, points],
  )
  if (m === null)
    return (
      <span className="muted moved-first" data-testid="moved-first">
        no move seen
      </span>
    )
  return (
    <span
      className="moved-first"
      data-testid="moved-first"
      data-leader={m.leader.source}
      data-dir={m.dir === 1 ? 'up' : 'down'}
      title={[
        `Latest move ${m.dir === 1 ? 'up (longer)' : 'down (shorter)'}, moved first: ${bookName(m.leader.source)} ${formatOdds(m.leader.from, undefined, false)} → ${formatOdds(m.leader.to, undefined, false)}`,
        ...m.followers.map(
          (f) =>
            `${bookName(f.source)} ${formatLag(f.lagMs)}: ${formatOdds(f.from, undefined, false)} → ${formatOdds(f.to, undefined, false)}`,
        ),
        ...m.notMoved.map((s) => `${bookName(s)} not yet`),
      ].join('\n')}
    >
      <span className={`arrow ${m.dir === 1 ? 'up' : 'down'}`}>{m.dir === 1 ? '▲' : '▼'}</span>{' '}
      moved first: <b>{bookName(m.leader.source)}</b>
      {m.followers.map((f) => (
        <span key={f.source} data-testid="moved-follower" data-source={f.source}>
          , {bookName(f.source)} {formatLag(f.lagMs)}
        </span>
      ))}
      {m.notMoved.map((s) => (
        <span key={s} className="muted" data-testid="moved-not-yet" data-source={s}>
          , {bookName(s)} not yet
        </span>
      ))}
    </span>
  )
})

/** The total stake and rounding step inputs (kept in the URL: `stake`, `step`). */
function StakeInputs() {
  const stake = useUi((s) => s.url.stake)
  const step = useUi((s) => s.url.step)
  const [text, setText] = useState(String(stake))
  useEffect(() => setText((t) => (parseStake(t) === stake ? t : String(stake))), [stake])
  const valid = parseStake(text) !== null
  const steps = (STAKE_STEPS as readonly number[]).includes(step)
    ? STAKE_STEPS
    : [...STAKE_STEPS, step].sort((a, b) => a - b)
  return (
    <div className="stake-inputs">
      <label>
        Total stake{' '}
        <input
          className={`stake-input${valid ? '' : ' invalid'}`}
          data-testid="stake-input"
          inputMode="decimal"
          aria-invalid={!valid}
          value={text}
          onClick={(e) => e.stopPropagation()}
          onChange={(e) => {
            setText(e.target.value)
            const v = parseStake(e.target.value)
            if (v !== null) setUrl((u) => ({ ...u, stake: v }))
          }}
        />
      </label>
      <label>
        rounded to{' '}
        <select
          data-testid="stake-step"
          value={String(step)}
          onClick={(e) => e.stopPropagation()}
          onChange={(e) => setUrl((u) => ({ ...u, step: Number(e.target.value) }))}
        >
          {steps.map((s) => (
            <option key={s} value={String(s)}>
              {formatMoney(s)}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}

/** The stake split of the row's best prices, per outcome, with the guaranteed return and profit. */
function StakeSplitTable({ row }: { row: CompareRow }) {
  const c = useComparison(row)
  const stake = useUi((s) => s.url.stake)
  const step = useUi((s) => s.url.step)
  const fractional = useUi((s) => s.url.fractional)
  const complete = c.margin !== null
  const split: StakeSplit | null = useMemo(() => {
    if (!complete) return null
    try {
      return stakeSplit(
        c.outcomes.map((o) => o.best!),
        stake,
        step,
      )
    } catch {
      return null
    }
  }, [c, complete, stake, step])
  return (
    <div className="stake-split" data-testid="stake-split" data-surebet={c.surebet ? '1' : '0'}>
      <div className="detail-title">
        <span>
          Stake split at the best prices
          {c.surebet ? (
            <span className="surebet inline"> ✓ surebet</span>
          ) : (
            <span className="muted"> · not a surebet (Σ 1/best ≥ 1)</span>
          )}
        </span>
        <StakeInputs />
      </div>
      <table className="split-table">
        <thead>
          <tr>
            <th>Outcome</th>
            <th>Best at</th>
            <th className="num">Odds</th>
            <th className="num">Stake</th>
            <th className="num">Returns</th>
            <th>Latest move</th>
          </tr>
        </thead>
        <tbody>
          {c.outcomes.map((o, i) => (
            <tr
              key={o.outcome}
              data-testid="split-row"
              data-outcome={o.outcome}
              data-odds={o.best ?? undefined}
              data-stake={split?.stakes[i]}
              data-return={split?.returns[i]}
            >
              <td>{labelOf(row, o.outcome)}</td>
              <td className="split-books">
                {o.bestSources.length === 0 ? (
                  <span className="muted">none open</span>
                ) : (
                  o.bestSources.map((s) => <BookTag key={s} source={s} />)
                )}
              </td>
              <td className="num" data-testid="split-odds">
                {formatOdds(o.best, undefined, fractional, true)}
              </td>
              <td className="num" data-testid="split-stake">
                {split === null ? '–' : formatMoney(split.stakes[i]!)}
              </td>
              <td className="num" data-testid="split-return">
                {split === null ? '–' : formatMoney(split.returns[i]!)}
              </td>
              <td className="ellipsis">
                <MovedFirstText
                  sources={c.layout.members.map((m) => m.source)}
                  selectionIds={c.layout.members.map((m) => m.selections[o.outcome] ?? null)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="split-total">
        {split === null ? (
          <span className="muted">
            No stake split: an outcome has no open price on any book (suspended or unpriced).
          </span>
        ) : (
          <>
            <span>
              Staked <b data-testid="split-staked">{formatMoney(split.staked)}</b>
            </span>
            <span>
              Guaranteed return{' '}
              <b data-testid="split-guaranteed">{formatMoney(split.guaranteed)}</b>
            </span>
            <span className={split.profit >= 0 ? 'up' : 'down'}>
              {split.profit >= 0 ? '▲ profit ' : '▼ loss '}
              <b data-testid="split-profit" data-value={split.profit}>
                {formatMoney(Math.abs(split.profit))}
              </b>
            </span>
          </>
        )}
      </div>
    </div>
  )
}

/** The books of a row, each with its own name, how it was matched, its own margin, and "Remove". */
function BooksPanel({ row }: { row: CompareRow }) {
  const c = useComparison(row)
  const [pending, setPending] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  // A new membership (the proxy's canonical ops arrived) ends what was pending.
  useEffect(() => {
    setPending(null)
    setConfirming(null)
  }, [row.canonical])
  const remove = async (eventId: string) => {
    const others = row.layout.members.map((m) => m.eventId).filter((id) => id !== eventId)
    setPending(eventId)
    setError(null)
    const r = await removeFromMatch(eventId, others)
    if (!r.ok) {
      setError(r.error)
      setPending(null)
    }
    // On success the row changes when the proxy's canonical ops arrive; `pending` stays until then.
  }
  return (
    <div className="books-panel" data-testid="books-panel">
      <div className="detail-title">
        <span>Books in this match</span>
      </div>
      {row.layout.members.map((m, i) => {
        const member = row.canonical.members.find((x) => x.eventId === m.eventId)
        const e = row.events[i]
        return (
          <div key={m.eventId} className="book-line" data-testid="member" data-source={m.source}>
            <BookTag source={m.source} />
            <span
              className="ellipsis"
              title={[
                `${e?.name ?? ''} · ${row.competitions[i] ?? ''}`,
                member?.by === 'user'
                  ? 'linked by a user'
                  : `matched, score ${(member?.score ?? 0).toFixed(2)}`,
                ...(member?.reasons ?? []),
              ].join('\n')}
            >
              {e?.name}
              {m.swapped ? <span className="muted"> (sides swapped)</span> : null}
              {member?.by === 'user' ? <span className="muted"> · linked by a user</span> : null}
            </span>
            <span className="muted num" title="This book's own margin on the compared market">
              mgn {formatPercent(c.bookMargins[i] ?? null)}
            </span>
            <button
              type="button"
              className="icon small"
              data-testid="unlink"
              data-source={m.source}
              data-confirm={confirming === m.eventId ? '1' : undefined}
              disabled={pending !== null}
              title={`Not the same match: take ${bookName(m.source)} out of this row (unlink it from every other book here; kept across restarts). Click twice to confirm.`}
              onClick={(ev) => {
                ev.stopPropagation()
                if (confirming !== m.eventId) setConfirming(m.eventId)
                else void remove(m.eventId)
              }}
              onBlur={() => setConfirming((x) => (x === m.eventId ? null : x))}
            >
              {pending === m.eventId
                ? 'Removing…'
                : confirming === m.eventId
                  ? 'Sure? Remove'
                  : 'Remove'}
            </button>
          </div>
        )
      })}
      {error !== null ? (
        <div className="link-error" role="alert" data-testid="link-error">
          {error}
        </div>
      ) : null}
    </div>
  )
}

function CompareDetail({ row }: { row: CompareRow }) {
  return (
    <div className="detail cmp-detail" data-testid="compare-detail">
      <StakeSplitTable row={row} />
      <BooksPanel row={row} />
      <AlertRowButton eventId={row.layout.members[0]?.eventId ?? row.id} kind="surebet" />
    </div>
  )
}

const renderDetail = (r: CompareRow) => <CompareDetail row={r} />

/* ---------- the view ---------- */

/**
 * Compare: one row per canonical event (one real match on two or three books), its shared
 * market with every book's price per outcome side by side, the best price boxed, the
 * best-of-books margin and its age, a surebet flag; the expanded row splits a stake over
 * the best prices and says which book moved first. `?event=<eventId>` scrolls to that
 * event's row and marks it.
 */
export function CompareView() {
  const rows = useCompareRows()
  const eventParam = useUi((s) => s.url.event)
  const highlightId = useMemo(() => {
    if (eventParam === null) return null
    return rows.find((r) => r.layout.members.some((m) => m.eventId === eventParam))?.id ?? null
  }, [rows, eventParam])
  const loaded = useBoard((s) => s.board.snapshots > 0)
  const missing = loaded && eventParam !== null && highlightId === null
  return (
    <section className="view" data-testid="view-compare">
      {missing ? (
        <div className="view-toolbar muted" data-testid="compare-missing">
          The match of {eventParam} is not among these rows (filtered out, or no longer matched
          across books).
        </div>
      ) : null}
      <DataTable
        view="compare"
        rows={rows}
        columns={columns}
        defaultSort={{ id: 'status', desc: false }}
        eventOf={pinOf}
        detail={renderDetail}
        detailHeight={184}
        rowHeight={66}
        bookStale={false}
        highlightId={highlightId}
        empty="No match is listed by two books yet (waiting for the feeds and the matcher), or nothing matches the filters."
      />
    </section>
  )
}
