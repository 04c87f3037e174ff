import { useEffect, useSyncExternalStore, type ReactNode } from 'react'
import { effectiveTheme, setUrl, toggleProb, toggleTheme, uiStore, useUi } from './state/uiStore'
import { clearFilters, VIEWS, type ViewId } from './state/url'
import { activeTable } from './table/DataTable'
import { FeedBar, StaleBanner } from './ui/FeedBar'
import { FilterBar, searchInputRef } from './ui/FilterBar'
import { HoverCard } from './ui/Sparkline'
import { HotView } from './views/HotView'
import { LiveView } from './views/LiveView'
import { MarketsView } from './views/MarketsView'
import { MoversView } from './views/MoversView'
import { CompareView } from './views/CompareView'
import { TennisView } from './views/TennisView'
import { AlertsButton, AlertsPanel } from './alerts/AlertsPanel'
import { openAlertsFor } from './alerts/store'
import { ExportButton } from './export/exportView'
import { LayoutMenu } from './layouts/LayoutMenu'

const TABS: Record<ViewId, { label: string; render: () => ReactNode }> = {
  live: { label: 'Live matches', render: () => <LiveView /> },
  hot: { label: 'Hot outcomes', render: () => <HotView /> },
  tennis: { label: 'Tennis', render: () => <TennisView /> },
  markets: { label: 'Markets', render: () => <MarketsView /> },
  movers: { label: 'Movers', render: () => <MoversView /> },
  compare: { label: 'Compare', render: () => <CompareView /> },
}

const darkQuery =
  typeof window !== 'undefined' ? window.matchMedia('(prefers-color-scheme: dark)') : null

function useSystemDark(): boolean {
  return useSyncExternalStore(
    (cb) => {
      darkQuery?.addEventListener('change', cb)
      return () => darkQuery?.removeEventListener('change', cb)
    },
    () => darkQuery?.matches ?? false,
  )
}

function isTyping(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false
  const tag = t.tagName
  return (
    (tag === 'INPUT' && (t as HTMLInputElement).type !== 'checkbox') ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    t.isContentEditable
  )
}

/** Keyboard: 1–6 views, j/k or ↓/↑ rows, Enter expands, f pins, / search, a alerts, Esc clears, t theme, o odds, p implied, ? help. */
function onKey(e: KeyboardEvent): void {
  if (e.ctrlKey || e.metaKey || e.altKey) return
  if (isTyping(e.target)) return
  const k = e.key
  const n = Number(k)
  if (Number.isInteger(n) && n >= 1 && n <= VIEWS.length) {
    setUrl((u) => ({ ...u, view: VIEWS[n - 1]!, sort: null, event: null }), true)
  } else if (k === 'j' || k === 'ArrowDown') activeTable.current?.move(1)
  else if (k === 'k' || k === 'ArrowUp') activeTable.current?.move(-1)
  else if (k === 'PageDown') activeTable.current?.move(15)
  else if (k === 'PageUp') activeTable.current?.move(-15)
  else if (k === 'Enter') activeTable.current?.toggleExpandFocused()
  else if (k === 'f') activeTable.current?.togglePinFocused()
  else if (k === '/') searchInputRef.current?.focus()
  else if (k === 'a') openAlertsFor(activeTable.current?.focusedRow?.() ?? null)
  else if (k === 't') toggleTheme()
  else if (k === 'o') setUrl((u) => ({ ...u, fractional: !u.fractional }))
  else if (k === 'p') toggleProb()
  else if (k === '?') uiStore.setState((s) => ({ helpOpen: !s.helpOpen }))
  else if (k === 'Escape') {
    const s = uiStore.getState()
    const view = s.url.view
    if (s.helpOpen) uiStore.setState({ helpOpen: false })
    else if (s.expanded[view]) uiStore.setState({ expanded: { ...s.expanded, [view]: null } })
    else setUrl((u) => clearFilters(u))
  } else return
  e.preventDefault()
}

/** Colours and keys, always reachable (the ? button, or the ? key). */
function Help() {
  const open = useUi((s) => s.helpOpen)
  if (!open) return null
  return (
    <div className="help" data-testid="help" role="dialog" aria-label="Legend and keys">
      <button type="button" className="close" onClick={() => uiStore.setState({ helpOpen: false })}>
        ×
      </button>
      <h2>Legend</h2>
      <ul className="legend">
        <li>
          <span className="arrow up">▲</span> <span className="swatch flash-up-swatch" /> green
          flash: the price went
          <b> up</b> (longer odds, drifting)
        </li>
        <li>
          <span className="arrow down">▼</span> <span className="swatch flash-down-swatch" /> red
          flash: the price went
          <b> down</b> (shorter odds, backed)
        </li>
        <li>
          The arrow stays beside the price until its next move; "Changed" is the age of the row's
          latest move.
        </li>
        <li>
          <span className="stale-badge inline">stale</span> dimmed rows: that book's feed is stale,
          reconnecting or down; its prices may be old.
        </li>
        <li>
          <span className="stale-badge inline event-stale">no update 3m</span> a live match whose
          score, clock and prices have not changed upstream for longer than its book's cadence.
        </li>
        <li>
          Prices sit under Home · 1, Draw · X, Away · 2. A match result (1X2) shows bare prices; any
          other market labels each price (<span className="outcome-label">Over 2.5</span>,{' '}
          <span className="outcome-label">Player 1</span>,{' '}
          <span className="outcome-label">No goal</span>), and the Market column names its type.
        </li>
        <li>
          Margin = overround of the whole market (Σ 1/odds − 1 over all its outcomes); none for
          outrights. Implied % = 1 / decimal odds.
        </li>
        <li>
          Hover a price for its history chart; Enter or double-click a row for all its outcomes.
        </li>
        <li>
          Compare (6): one row per match listed by two or three books; each book&apos;s price per
          outcome, the <span className="cmp-price best inline">best</span> one boxed and bold. Best
          mgn = Σ 1/best − 1 over the outcomes; below 0 it is a{' '}
          <span className="surebet inline">✓ SURE</span>bet. Enter a row for the stake split and
          which book moved first; ⇄ beside a match in another view opens its Compare row.
        </li>
      </ul>
      <h2>Keys</h2>
      <table className="keys">
        <tbody>
          <tr>
            <td>1 – 6</td>
            <td>switch view</td>
          </tr>
          <tr>
            <td>j / k, ↓ / ↑</td>
            <td>move the row focus (PgUp/PgDn by 15)</td>
          </tr>
          <tr>
            <td>Enter</td>
            <td>expand the focused row (price charts)</td>
          </tr>
          <tr>
            <td>f</td>
            <td>pin / unpin the focused match on top</td>
          </tr>
          <tr>
            <td>/</td>
            <td>search team or player</td>
          </tr>
          <tr>
            <td>a</td>
            <td>alerts: set a rule on the focused row</td>
          </tr>
          <tr>
            <td>Esc</td>
            <td>close, collapse, then clear filters</td>
          </tr>
          <tr>
            <td>o</td>
            <td>decimal ↔ fractional odds</td>
          </tr>
          <tr>
            <td>p</td>
            <td>show implied probability beside prices</td>
          </tr>
          <tr>
            <td>t</td>
            <td>light / dark theme</td>
          </tr>
        </tbody>
      </table>
    </div>
  )
}

/** The dashboard shell: feed health, tabs, filters, the current view, legend. */
export function App({ bench }: { bench?: { rows: number; rate: number } }) {
  const view = useUi((s) => s.url.view)
  const themePref = useUi((s) => s.theme)
  const systemDark = useSystemDark()
  const theme = effectiveTheme(themePref, systemDark)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
    uiStore.setState({ effectiveTheme: theme })
  }, [theme])
  useEffect(() => {
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  return (
    <div className="app" data-testid="app" data-view={view}>
      <header className="topbar">
        <div className="brand">oddsboard</div>
        <nav className="tabs" role="tablist" data-testid="tabs">
          {VIEWS.map((v, i) => (
            <button
              key={v}
              type="button"
              role="tab"
              aria-selected={v === view}
              className={v === view ? 'tab active' : 'tab'}
              data-testid={`tab-${v}`}
              onClick={() => setUrl((u) => ({ ...u, view: v, sort: null, event: null }), true)}
              title={`${TABS[v].label} (${i + 1})`}
            >
              <span className="key">{i + 1}</span> {TABS[v].label}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        {bench ? (
          <span className="bench-tag" data-testid="bench-tag">
            bench: {bench.rows.toLocaleString('en-GB')} rows · {bench.rate}/s changes
          </span>
        ) : null}
        <AlertsButton />
        <ExportButton />
        <LayoutMenu />
        <button
          type="button"
          className="icon"
          data-testid="theme-toggle"
          data-theme-now={theme}
          title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme (t); follows the system by default`}
          onClick={toggleTheme}
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
        <button
          type="button"
          className="icon"
          data-testid="help-toggle"
          title="Legend and keys (?)"
          onClick={() => uiStore.setState((s) => ({ helpOpen: !s.helpOpen }))}
        >
          ? Legend
        </button>
      </header>
      <FeedBar />
      <StaleBanner />
      <FilterBar />
      <main className="main">{TABS[view].render()}</main>
      <footer className="legend-bar" data-testid="legend">
        <span>
          <span className="arrow up">▲</span> up (green)
        </span>
        <span>
          <span className="arrow down">▼</span> down (red)
        </span>
        <span>
          <span className="stale-badge inline">stale</span> book feed stale
        </span>
        <span className="muted">
          1–6 views · j/k rows · Enter expand · f pin · / search · Esc clear · ? help
        </span>
      </footer>
      <HoverCard />
      <AlertsPanel />
      <Help />
    </div>
  )
}
