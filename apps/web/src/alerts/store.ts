import { indexMarkets, type MarketIndex } from '@oddsboard/model'
import { useStore } from 'zustand'
import { createStore } from 'zustand/vanilla'
import { serverNow } from '../state/ticker'
import { boardStore } from '../sync/store'
import { layoutStore } from '../layouts/store'
import { emptyMemory, evaluateRules, type AlertFire, type AlertMemory } from './evaluate'
import { notify, playTone } from './notify'
import { decodeRules, encodeRules, mergeRules, type AlertRule } from './rules'

/** One line of the alerts log. */
export interface AlertLogEntry extends AlertFire {
  /** Unique within the page (React key). */
  n: number
  /** Whether its sound played, or was muted. */
  sound: 'played' | 'muted'
}

/** What a row asked the alerts panel to offer rules for (the row's event, and a selection when the row is one). */
export interface AlertDraft {
  eventId: string
  selectionId: string | null
  /** The kind of rule the form starts on (Compare offers "a surebet appears" first). */
  kind?: 'surebet'
}

/** The alerts state: rules (kept in localStorage `oddsboard.alerts` and URL `alerts`), the log, sound. */
export interface AlertsState {
  rules: AlertRule[]
  /** Newest first, at most {@link LOG_MAX}. */
  log: AlertLogEntry[]
  muted: boolean
  open: boolean
  draft: AlertDraft | null
}

const RULES_KEY = 'oddsboard.alerts'
const MUTED_KEY = 'oddsboard.alerts.muted'
/** URL parameter holding the rules (`encodeRules`). */
export const ALERTS_PARAM = 'alerts'
const LOG_MAX = 200

const hasWindow = typeof window !== 'undefined'

function initialRules(): AlertRule[] {
  if (!hasWindow) return []
  let local: AlertRule[] = []
  try {
    local = decodeRules(localStorage.getItem(RULES_KEY))
  } catch {
    /* private mode */
  }
  return mergeRules(local, decodeRules(new URLSearchParams(location.search).get(ALERTS_PARAM)))
}

/** The alerts store (zustand). */
export const alertsStore = createStore<AlertsState>(() => ({
  rules: initialRules(),
  log: [],
  muted: hasWindow && localStorage.getItem(MUTED_KEY) === '1',
  open: false,
  draft: null,
}))

/** Subscribes a component to one slice of the alerts store. */
export function useAlerts<T>(selector: (s: AlertsState) => T): T {
  return useStore(alertsStore, selector)
}

/** Writes the rules to localStorage and to the URL's `alerts` parameter (other parameters kept). */
function persist(rules: readonly AlertRule[]): void {
  if (!hasWindow) return
  const token = encodeRules(rules)
  try {
    if (token === '') localStorage.removeItem(RULES_KEY)
    else localStorage.setItem(RULES_KEY, token)
  } catch {
    /* private mode: rules last for this page */
  }
  const p = new URLSearchParams(location.search)
  if (token === '') p.delete(ALERTS_PARAM)
  else p.set(ALERTS_PARAM, token)
  const qs = p.toString()
  history.replaceState(
    history.state,
    '',
    `${location.pathname}${qs ? `?${qs}` : ''}${location.hash}`,
  )
}

// Rules from a shared link are kept with the user's own, and the address bar carries all
// of them from the start (so a copied URL shares them).
if (hasWindow && alertsStore.getState().rules.length > 0) persist(alertsStore.getState().rules)

/** Adds a rule (kept and put in the URL). */
export function addRule(rule: AlertRule): void {
  const rules = mergeRules(alertsStore.getState().rules, [rule])
  alertsStore.setState({ rules })
  persist(rules)
}

/** Removes a rule by id. */
export function removeRule(id: string): void {
  const rules = alertsStore.getState().rules.filter((r) => r.id !== id)
  alertsStore.setState({ rules })
  persist(rules)
}

/** Mutes or unmutes alert sounds (persisted). */
export function setMuted(muted: boolean): void {
  alertsStore.setState({ muted })
  try {
    localStorage.setItem(MUTED_KEY, muted ? '1' : '0')
  } catch {
    /* ignore */
  }
}

/** Opens the alerts panel, offering rules for a row's event (and selection) when given. */
export function openAlerts(draft: AlertDraft | null = null): void {
  alertsStore.setState({ open: true, draft })
  layoutStore.setState({ open: false })
}

/**
 * Opens the alerts panel for a table row (the `a` key on the focused row): its event, and
 * its selection when the row is one (Hot outcomes, Movers); a Compare row (a canonical
 * event) offers its first member and the surebet rule. Without a row, just the panel.
 */
export function openAlertsFor(row: { rowId: string; eventId: string } | null): void {
  const { entities } = boardStore.getState().board
  if (row === null) return openAlerts(null)
  const c = entities.canonical.get(row.rowId)
  if (c !== undefined) {
    const first = c.members.find((m) => entities.event.has(m.eventId))
    return openAlerts(
      first === undefined ? null : { eventId: first.eventId, selectionId: null, kind: 'surebet' },
    )
  }
  const selectionId = entities.selection.has(row.rowId) ? row.rowId : null
  openAlerts(entities.event.has(row.eventId) ? { eventId: row.eventId, selectionId } : null)
}

let counter = 0

/** Logs, notifies and sounds the alerts that fired (the sound once per batch, at the highest severity). */
export function raise(fires: readonly AlertFire[]): void {
  if (fires.length === 0) return
  const muted = alertsStore.getState().muted
  const sound = muted ? 'muted' : 'played'
  const entries = fires.map((f) => ({ ...f, n: ++counter, sound }) as AlertLogEntry)
  alertsStore.setState((s) => ({ log: [...entries.reverse(), ...s.log].slice(0, LOG_MAX) }))
  for (const f of fires) notify(f)
  if (!muted) {
    const top = fires.some((f) => f.severity === 'alarm')
      ? 'alarm'
      : fires.some((f) => f.severity === 'warn')
        ? 'warn'
        : 'info'
    playTone(top)
  }
}

/**
 * Evaluates the rules on every change of the board store, i.e. as each relay delta (or
 * snapshot) is applied: no timer, so a background tab (whose timers the browser slows)
 * still alerts as the deltas arrive. Returns a stop function.
 */
export function startAlerts(): () => void {
  let memory: AlertMemory = emptyMemory()
  let index: { structure: number; index: MarketIndex } | null = null
  return boardStore.subscribe((s, prev) => {
    const rules = alertsStore.getState().rules
    if (rules.length === 0 || s.board.entities === prev.board.entities) return
    const board = s.board
    let idx: MarketIndex | undefined
    if (rules.some((r) => r.kind === 'surebet')) {
      if (index?.structure !== board.structure)
        index = { structure: board.structure, index: indexMarkets(board.entities) }
      idx = index.index
    }
    const r = evaluateRules(
      rules,
      {
        prev: prev.board.entities,
        next: board.entities,
        history: board.history,
        now: serverNow(),
        ...(idx !== undefined && { index: idx }),
      },
      memory,
    )
    memory = r.memory
    raise(r.fires)
  })
}
