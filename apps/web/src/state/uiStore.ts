import { useStore } from 'zustand'
import { createStore } from 'zustand/vanilla'
import { formatUrlState, parseUrlState, type UrlState } from './url'

/** Theme preference: follow the system, or forced. */
export type ThemePref = 'system' | 'light' | 'dark'

/** UI state that is not relay data: the URL part, preferences kept in localStorage, and focus. */
export interface UiState {
  url: UrlState
  /** Event ids pinned on top of every view (persisted in localStorage `oddsboard.pins`). */
  pins: ReadonlySet<string>
  theme: ThemePref
  /** Show implied probability beside every price. */
  showProb: boolean
  /** Virtualized rows (URL `virtual=0` turns it off, for the bench). */
  virtual: boolean
  /** Focused row id per view. */
  focus: Readonly<Record<string, string | null>>
  /** Expanded row id per view. */
  expanded: Readonly<Record<string, string | null>>
  /** Selection whose price chart is shown on hover, and where. */
  hover: { selectionId: string; x: number; y: number } | null
  helpOpen: boolean
  /** The theme in effect (preference or system), for code that draws with theme colours (charts). */
  effectiveTheme: 'light' | 'dark'
}

const PINS_KEY = 'oddsboard.pins'
const THEME_KEY = 'oddsboard.theme'
const PROB_KEY = 'oddsboard.prob'

function readPins(): Set<string> {
  try {
    const raw = localStorage.getItem(PINS_KEY)
    const list: unknown = raw === null ? [] : JSON.parse(raw)
    return new Set(
      Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [],
    )
  } catch {
    return new Set()
  }
}

function readTheme(): ThemePref {
  try {
    const t = localStorage.getItem(THEME_KEY)
    return t === 'light' || t === 'dark' ? t : 'system'
  } catch {
    return 'system'
  }
}

const hasWindow = typeof window !== 'undefined'

/** The UI store (zustand). */
export const uiStore = createStore<UiState>(() => ({
  url: hasWindow ? parseUrlState(location.search) : parseUrlState(''),
  pins: hasWindow ? readPins() : new Set(),
  theme: hasWindow ? readTheme() : 'system',
  showProb: hasWindow ? localStorage.getItem(PROB_KEY) === '1' : false,
  virtual: hasWindow ? new URLSearchParams(location.search).get('virtual') !== '0' : true,
  focus: {},
  expanded: {},
  hover: null,
  helpOpen: false,
  effectiveTheme: 'dark',
}))

/** Subscribes a component to one slice of the UI store. */
export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(uiStore, selector)
}

/**
 * Changes the URL state and writes it to the address bar: `push` for a view switch (so
 * Back works), replace for typing and toggles.
 */
export function setUrl(update: (u: UrlState) => UrlState, push = false): void {
  const url = update(uiStore.getState().url)
  uiStore.setState({ url })
  if (!hasWindow) return
  const qs = formatUrlState(url, location.search)
  const href = `${location.pathname}${qs === '' ? '' : `?${qs}`}${location.hash}`
  if (href === `${location.pathname}${location.search}${location.hash}`) return
  if (push) history.pushState(null, '', href)
  else history.replaceState(null, '', href)
}

/** Pins or unpins an event (favourite matches sit on top of every view). */
export function togglePin(eventId: string): void {
  const pins = new Set(uiStore.getState().pins)
  if (pins.has(eventId)) pins.delete(eventId)
  else pins.add(eventId)
  uiStore.setState({ pins })
  try {
    localStorage.setItem(PINS_KEY, JSON.stringify([...pins]))
  } catch {
    /* private mode: pins last for this page only */
  }
}

/** True when the system asks for a dark theme. */
export function systemPrefersDark(): boolean {
  return hasWindow && window.matchMedia('(prefers-color-scheme: dark)').matches
}

/** The theme in effect: the preference, or the system's when following it. */
export function effectiveTheme(pref: ThemePref, systemDark: boolean): 'light' | 'dark' {
  return pref === 'system' ? (systemDark ? 'dark' : 'light') : pref
}

/**
 * Flips between light and dark. Landing on the system's own theme goes back to following
 * the system (so the default stays "follow the system").
 */
export function toggleTheme(): void {
  const systemDark = systemPrefersDark()
  const next = effectiveTheme(uiStore.getState().theme, systemDark) === 'dark' ? 'light' : 'dark'
  const theme: ThemePref = (next === 'dark') === systemDark ? 'system' : next
  uiStore.setState({ theme })
  try {
    if (theme === 'system') localStorage.removeItem(THEME_KEY)
    else localStorage.setItem(THEME_KEY, theme)
  } catch {
    /* ignore */
  }
}

/** Shows or hides implied probabilities beside prices (persisted). */
export function toggleProb(): void {
  const showProb = !uiStore.getState().showProb
  uiStore.setState({ showProb })
  try {
    localStorage.setItem(PROB_KEY, showProb ? '1' : '0')
  } catch {
    /* ignore */
  }
}

if (hasWindow) {
  window.addEventListener('popstate', () =>
    uiStore.setState({ url: parseUrlState(location.search) }),
  )
}
