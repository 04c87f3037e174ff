import { SOURCES, type Source } from '@oddsboard/model'
import { useMemo, useState } from 'react'
import { competitionOptions, fold, sportOptions } from '../filters'
import { clearFilters, hasFilters } from '../state/url'
import { useBoard } from '../sync/store'
import { BookTag } from './cells'
import { setUrl, toggleProb, useUi } from '../state/uiStore'

function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v]
}

/** The `/` key focuses this input. */
export const searchInputRef: { current: HTMLInputElement | null } = { current: null }

/** Filters shared by every view (kept in the URL) and display toggles. */
export function FilterBar() {
  const url = useUi((s) => s.url)
  const showProb = useUi((s) => s.showProb)
  const sport = useBoard((s) => s.board.entities.sport)
  const competition = useBoard((s) => s.board.entities.competition)
  const event = useBoard((s) => s.board.entities.event)
  const entities = useMemo(
    () => ({
      sport,
      competition,
      event,
      market: new Map(),
      selection: new Map(),
      canonical: new Map(),
    }),
    [sport, competition, event],
  )
  const sports = useMemo(() => sportOptions(url, entities), [url, entities])
  const comps = useMemo(() => competitionOptions(url, entities), [url, entities])
  const [compSearch, setCompSearch] = useState('')
  const shownComps = useMemo(() => {
    const w = fold(compSearch.trim())
    return (
      w === '' ? comps : comps.filter((c) => fold(`${c.name} ${c.region ?? ''}`).includes(w))
    ).slice(0, 300)
  }, [comps, compSearch])

  return (
    <div className="filterbar" data-testid="filters">
      <input
        ref={(el) => {
          searchInputRef.current = el
        }}
        className="search"
        type="search"
        placeholder="Search team or player  ( / )"
        aria-label="Search team or player"
        data-testid="filter-search"
        value={url.q}
        onChange={(e) => setUrl((u) => ({ ...u, q: e.target.value }))}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setUrl((u) => ({ ...u, q: '' }))
            e.currentTarget.blur()
          }
        }}
      />
      <details className="dropdown" data-testid="filter-sport">
        <summary>Sport{url.sports.length > 0 ? <b> · {url.sports.length}</b> : null}</summary>
        <div className="menu">
          {sports.map((s) => (
            <label key={s.key} className="menu-item">
              <input
                type="checkbox"
                checked={url.sports.includes(s.key)}
                data-testid={`sport-option-${s.key}`}
                onChange={() => setUrl((u) => ({ ...u, sports: toggle(u.sports, s.key) }))}
              />
              <span className="ellipsis">{s.name}</span>
              <span className="count num">{s.count}</span>
            </label>
          ))}
        </div>
      </details>
      <details className="dropdown" data-testid="filter-competition">
        <summary>Competition{url.comps.length > 0 ? <b> · {url.comps.length}</b> : null}</summary>
        <div className="menu wide">
          <input
            className="menu-search"
            type="search"
            placeholder="Find competition"
            value={compSearch}
            onChange={(e) => setCompSearch(e.target.value)}
          />
          {shownComps.map((c) => (
            <label key={c.id} className="menu-item">
              <input
                type="checkbox"
                checked={url.comps.includes(c.id)}
                data-testid="competition-option"
                data-id={c.id}
                onChange={() => setUrl((u) => ({ ...u, comps: toggle(u.comps, c.id) }))}
              />
              <span className="ellipsis" title={c.region ? `${c.name} · ${c.region}` : c.name}>
                {c.name}
                {c.region ? <span className="muted region"> · {c.region}</span> : null}
              </span>
              <BookTag source={c.source} />
              <span className="count num">{c.count}</span>
            </label>
          ))}
        </div>
      </details>
      <div className="seg books" role="group" aria-label="Books">
        {SOURCES.map((b: Source) => (
          <button
            key={b}
            type="button"
            className={url.books.includes(b) ? 'active' : ''}
            aria-pressed={url.books.includes(b)}
            data-testid={`filter-book-${b}`}
            onClick={() => setUrl((u) => ({ ...u, books: toggle(u.books, b) }))}
          >
            {b}
          </button>
        ))}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={url.liveOnly}
          data-testid="filter-live"
          onChange={(e) => setUrl((u) => ({ ...u, liveOnly: e.target.checked }))}
        />
        Live only
      </label>
      <button
        type="button"
        className="clear"
        data-testid="filter-clear"
        disabled={!hasFilters(url)}
        onClick={() => setUrl((u) => clearFilters(u))}
        title="Clear every filter (Esc)"
      >
        Clear filters
      </button>
      <span className="spacer" />
      <div className="seg" role="group" aria-label="Odds format">
        <button
          type="button"
          className={!url.fractional ? 'active' : ''}
          aria-pressed={!url.fractional}
          data-testid="odds-decimal"
          onClick={() => setUrl((u) => ({ ...u, fractional: false }))}
        >
          Decimal
        </button>
        <button
          type="button"
          className={url.fractional ? 'active' : ''}
          aria-pressed={url.fractional}
          data-testid="odds-fractional"
          onClick={() => setUrl((u) => ({ ...u, fractional: true }))}
        >
          Fractional
        </button>
      </div>
      <button
        type="button"
        className={showProb ? 'toggle active' : 'toggle'}
        aria-pressed={showProb}
        data-testid="toggle-prob"
        title="Show implied probability beside every price (p)"
        onClick={toggleProb}
      >
        Implied %
      </button>
    </div>
  )
}
