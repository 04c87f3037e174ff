import { isTennisScore, type Selection } from '@oddsboard/model'
import { useEffect, useState } from 'react'
import { bookName, formatOdds, formatTime, zoneLabel } from '../format'
import { useUi } from '../state/uiStore'
import { boardStore, useBoard } from '../sync/store'
import { askNotificationPermission, notificationPermission, unlockAudio } from './notify'
import { describeRule, newRuleId, type AlertRule } from './rules'
import {
  addRule,
  alertsStore,
  openAlerts,
  removeRule,
  setMuted,
  startAlerts,
  useAlerts,
  type AlertDraft,
} from './store'
import { layoutStore } from '../layouts/store'
import './alerts.css'

/** The top-bar button: opens the alerts panel, shows how many rules are set; starts rule evaluation. */
export function AlertsButton() {
  useEffect(() => startAlerts(), [])
  useEffect(() => {
    // A right-click on any price opens the rule form for that selection.
    const onContextMenu = (e: MouseEvent) => {
      const el =
        e.target instanceof Element
          ? e.target.closest('[data-testid="odds"][data-selection]')
          : null
      const id = el?.getAttribute('data-selection')
      const sel = id ? boardStore.getState().board.entities.selection.get(id) : undefined
      if (sel === undefined) return
      e.preventDefault()
      unlockAudio()
      openAlerts({ eventId: sel.eventId, selectionId: sel.id })
    }
    document.addEventListener('contextmenu', onContextMenu)
    return () => document.removeEventListener('contextmenu', onContextMenu)
  }, [])
  const count = useAlerts((s) => s.rules.length)
  const open = useAlerts((s) => s.open)
  const latest = useAlerts((s) => s.log[0]?.n ?? 0)
  const [seen, setSeen] = useState(0)
  useEffect(() => {
    if (open) setSeen(latest)
  }, [open, latest])
  return (
    <button
      type="button"
      className={`icon tb-button alerts-toggle${latest > seen ? ' unseen' : ''}`}
      data-testid="alerts-toggle"
      aria-label={`Alerts${count > 0 ? `: ${count} rules` : ''}`}
      aria-expanded={open}
      title="Alerts: rules, log, sound and notifications (a)"
      onClick={() => {
        unlockAudio()
        alertsStore.setState({ open: !open })
        layoutStore.setState({ open: false })
      }}
    >
      ⚑<span className="tb-label"> Alerts</span>
      {count > 0 ? ` ${count}` : ''}
    </button>
  )
}

/** A row's "⚑ Alert…" button (in its expanded detail): opens the panel with rules for that match. */
export function AlertRowButton({
  eventId,
  selectionId = null,
  kind,
}: {
  eventId: string
  selectionId?: string | null
  kind?: 'surebet'
}) {
  return (
    <button
      type="button"
      className="row-tool"
      data-testid="alert-open"
      title="Set an alert on this match or one of its prices"
      onClick={(e) => {
        e.stopPropagation()
        unlockAudio()
        openAlerts({ eventId, selectionId, ...(kind && { kind }) })
      }}
    >
      ⚑ Alert…
    </button>
  )
}

/** Label of a selection for a rule: "Arsenal v Chelsea · Arsenal · Bet365". */
function selectionLabel(sel: Selection): string {
  const e = boardStore.getState().board.entities.event.get(sel.eventId)
  const match = e === undefined ? '' : `${e.participants.filter((p) => p !== '').join(' v ')} · `
  return `${match}${sel.name} · ${bookName(sel.source)}`
}

type Kind = 'above' | 'below' | 'move' | 'hot' | 'tennis' | 'surebet'

/** The form offering rules for one row's event. */
function DraftForm({ draft }: { draft: AlertDraft }) {
  useBoard((s) => s.board.structure)
  const { entities } = boardStore.getState().board
  const event = entities.event.get(draft.eventId)
  const sels: Selection[] = []
  if (draft.selectionId !== null) {
    const s = entities.selection.get(draft.selectionId)
    if (s !== undefined) sels.push(s)
  }
  if (sels.length === 0) {
    const mains = new Set<string>()
    for (const m of entities.market.values())
      if (m.eventId === draft.eventId && m.main) mains.add(m.id)
    for (const s of entities.selection.values()) if (mains.has(s.marketId)) sels.push(s)
    sels.sort((a, b) => a.order - b.order)
  }
  let canonical: string | null = null
  for (const c of entities.canonical.values())
    if (c.members.some((m) => m.eventId === draft.eventId)) canonical = c.id
  const tennis =
    (event?.score !== undefined && isTennisScore(event.score)) ||
    (event !== undefined && entities.sport.get(event.sportId)?.key === 'tennis')
  const [selId, setSelId] = useState(sels[0]?.id ?? '')
  const sel = entities.selection.get(selId) ?? sels[0]
  const kinds: Kind[] = [
    ...(sel !== undefined ? (['above', 'below', 'move'] as const) : []),
    ...(sel?.hotUsers !== undefined ? (['hot'] as const) : []),
    ...(tennis ? (['tennis'] as const) : []),
    ...(canonical !== null ? (['surebet'] as const) : []),
  ]
  const [kind, setKind] = useState<Kind>(
    draft.kind !== undefined && kinds.includes(draft.kind) ? draft.kind : (kinds[0] ?? 'above'),
  )
  const [value, setValue] = useState(sel?.odds != null ? sel.odds.toFixed(2) : '2.00')
  const [pct, setPct] = useState('5')
  const [mins, setMins] = useState('5')
  const [on, setOn] = useState<'any' | 'break' | 'set'>('any')
  const [unit, setUnit] = useState<'users' | 'pct'>('users')
  if (event === undefined) return <p className="muted">That match is no longer on the board.</p>
  const match = event.participants.filter((p) => p !== '').join(' v ')
  const add = () => {
    const id = newRuleId()
    const n = (t: string) => Number(t.replace(',', '.'))
    let rule: AlertRule | null = null
    if ((kind === 'above' || kind === 'below') && sel && n(value) > 1)
      rule = {
        id,
        label: selectionLabel(sel),
        kind: 'price',
        sel: sel.id,
        dir: kind,
        value: n(value),
      }
    else if (kind === 'move' && sel && n(pct) > 0 && n(mins) > 0)
      rule = {
        id,
        label: selectionLabel(sel),
        kind: 'move',
        sel: sel.id,
        pct: n(pct),
        mins: n(mins),
      }
    else if (kind === 'hot' && sel && n(pct) > 0 && n(mins) > 0)
      rule = {
        id,
        label: selectionLabel(sel),
        kind: 'hot',
        sel: sel.id,
        by: n(pct),
        unit,
        mins: n(mins),
      }
    else if (kind === 'tennis')
      rule = {
        id,
        label: `${match} · ${bookName(event.source)}`,
        kind: 'tennis',
        event: event.id,
        on,
      }
    else if (kind === 'surebet' && canonical !== null)
      rule = { id, label: `Surebet: ${match}`, kind: 'surebet', canonical }
    if (rule !== null) {
      addRule(rule)
      alertsStore.setState({ draft: null })
    }
  }
  const needsSel = kind === 'above' || kind === 'below' || kind === 'move' || kind === 'hot'
  return (
    <form
      className="alert-form"
      data-testid="alert-form"
      onSubmit={(e) => {
        e.preventDefault()
        add()
      }}
    >
      <div className="alert-form-title">
        New rule · <b>{match}</b> <span className="muted">{bookName(event.source)}</span>
      </div>
      <label>
        When
        <select
          data-testid="alert-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as Kind)}
        >
          {kinds.includes('above') && <option value="above">price rises to ≥</option>}
          {kinds.includes('below') && <option value="below">price falls to ≤</option>}
          {kinds.includes('move') && <option value="move">price moves more than</option>}
          {kinds.includes('hot') && <option value="hot">hot users jump by more than</option>}
          {kinds.includes('tennis') && <option value="tennis">tennis: break / set end</option>}
          {kinds.includes('surebet') && <option value="surebet">a surebet appears</option>}
        </select>
      </label>
      {needsSel && (
        <label>
          Selection
          <select
            data-testid="alert-selection"
            value={sel?.id ?? ''}
            onChange={(e) => setSelId(e.target.value)}
          >
            {sels.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({formatOdds(s.odds, s.oddsText, false)})
              </option>
            ))}
          </select>
        </label>
      )}
      {(kind === 'above' || kind === 'below') && (
        <label>
          Decimal odds
          <input
            data-testid="alert-value"
            inputMode="decimal"
            size={6}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </label>
      )}
      {(kind === 'move' || kind === 'hot') && (
        <>
          <label>
            {kind === 'move' ? '%' : null}
            <input
              data-testid="alert-pct"
              inputMode="decimal"
              size={4}
              value={pct}
              onChange={(e) => setPct(e.target.value)}
            />
            {kind === 'hot' ? (
              <select
                data-testid="alert-hot-unit"
                value={unit}
                onChange={(e) => setUnit(e.target.value as 'users' | 'pct')}
              >
                <option value="users">users</option>
                <option value="pct">%</option>
              </select>
            ) : null}
          </label>
          <label>
            within min
            <input
              data-testid="alert-mins"
              inputMode="numeric"
              size={3}
              value={mins}
              onChange={(e) => setMins(e.target.value)}
            />
          </label>
        </>
      )}
      {kind === 'tennis' && (
        <label>
          On
          <select
            data-testid="alert-tennis-on"
            value={on}
            onChange={(e) => setOn(e.target.value as 'any' | 'break' | 'set')}
          >
            <option value="any">break of serve or set end</option>
            <option value="break">break of serve</option>
            <option value="set">set end</option>
          </select>
        </label>
      )}
      <span className="alert-form-buttons">
        <button type="submit" data-testid="alert-add" className="primary">
          Add rule
        </button>
        <button type="button" onClick={() => alertsStore.setState({ draft: null })}>
          Cancel
        </button>
      </span>
    </form>
  )
}

/** The alerts panel: sound and notification switches, a row's rule form, the rules, the log. */
export function AlertsPanel() {
  const open = useAlerts((s) => s.open)
  const rules = useAlerts((s) => s.rules)
  const log = useAlerts((s) => s.log)
  const muted = useAlerts((s) => s.muted)
  const draft = useAlerts((s) => s.draft)
  const zone = useUi((s) => s.url.tz)
  const [perm, setPerm] = useState(notificationPermission)
  const [copied, setCopied] = useState(false)
  if (!open) return null
  return (
    <aside className="alerts-panel" data-testid="alerts-panel" aria-label="Alerts">
      <header>
        <h2>Alerts</h2>
        <label className="switch" title="Mute or unmute alert sounds">
          <input
            type="checkbox"
            data-testid="alerts-mute"
            checked={muted}
            onChange={(e) => {
              unlockAudio()
              setMuted(e.target.checked)
            }}
          />{' '}
          Mute sound
        </label>
        {perm === 'granted' ? (
          <span className="muted" data-testid="alerts-permission" data-state="granted">
            notifications on
          </span>
        ) : (
          <button
            type="button"
            data-testid="alerts-permission"
            data-state={perm}
            disabled={perm === 'denied' || perm === 'unsupported'}
            title={
              perm === 'denied'
                ? 'Notifications are blocked in the browser settings for this site'
                : 'Show alerts as system notifications'
            }
            onClick={() => void askNotificationPermission().then(setPerm)}
          >
            {perm === 'denied'
              ? 'Notifications blocked'
              : perm === 'unsupported'
                ? 'No notifications here'
                : 'Enable notifications'}
          </button>
        )}
        <button
          type="button"
          className="close"
          aria-label="Close alerts"
          onClick={() => alertsStore.setState({ open: false })}
        >
          ×
        </button>
      </header>
      {draft !== null ? (
        <DraftForm key={`${draft.eventId}|${draft.selectionId}`} draft={draft} />
      ) : null}
      <section>
        <h3>
          Rules <span className="muted">({rules.length})</span>
          <span className="spacer" />
          <button
            type="button"
            data-testid="alert-add-surebet"
            title="Alert when any match listed by two or more books becomes a surebet"
            onClick={() =>
              addRule({ id: newRuleId(), label: 'Any surebet', kind: 'surebet', canonical: null })
            }
          >
            + any surebet
          </button>
          <button
            type="button"
            data-testid="alerts-share"
            title="Copy a link carrying these rules"
            disabled={rules.length === 0}
            onClick={() => {
              void navigator.clipboard?.writeText(location.href).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }}
          >
            {copied ? 'Link copied' : 'Copy link'}
          </button>
        </h3>
        {rules.length === 0 ? (
          <p className="muted">
            No rules yet: right-click a price, or expand a row (Enter or double-click) and press ⚑
            Alert…, or press a on a row, or add “any surebet”.
          </p>
        ) : (
          <ul className="alert-rules">
            {rules.map((r) => (
              <li key={r.id} data-testid="alert-rule" data-rule-id={r.id} data-kind={r.kind}>
                <span className="ellipsis" title={r.label}>
                  <b>{describeRule(r)}</b> · {r.label}
                </span>
                <button
                  type="button"
                  data-testid="alert-remove"
                  title="Remove this rule"
                  onClick={() => removeRule(r.id)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="alert-log-section">
        <h3>
          Log{' '}
          <span className="muted">
            ({log.length}, times {zoneLabel(zone)})
          </span>
          <span className="spacer" />
          <button
            type="button"
            onClick={() => alertsStore.setState({ log: [] })}
            disabled={log.length === 0}
          >
            Clear
          </button>
        </h3>
        <ol className="alert-log" data-testid="alert-log">
          {log.map((e) => (
            <li
              key={e.n}
              className={`sev-${e.severity}`}
              data-testid="alert-entry"
              data-rule-id={e.ruleId}
              data-severity={e.severity}
              data-sound={e.sound}
            >
              <span className="num muted">{formatTime(e.ts, zone, true)}</span>
              <span className="sev">{e.severity}</span>
              <span className="alert-text">
                <b>{e.title}</b> {e.body}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </aside>
  )
}
