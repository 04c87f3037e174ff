import { useState } from 'react'
import { TIME_ZONES, localZone, zoneLabel } from '../format'
import { setUrl, useUi } from '../state/uiStore'
import { parseZone } from '../state/url'
import {
  applyLayout,
  currentLayout,
  deleteLayout,
  layoutStore,
  layoutUrl,
  saveLayout,
  setDense,
  toggleColumn,
  useLayout,
} from './store'
import { alertsStore } from '../alerts/store'
import './layouts.css'

const NO_IDS: readonly string[] = []

/**
 * A zone's short name now for the top bar: the British abbreviation ("GMT", "BST", "CET"),
 * else the American one ("EST"), else the offset ("GMT+11"), via `Intl`.
 */
export function zoneShort(zone: string | null, now = Date.now()): string {
  const short = (locale: string) =>
    new Intl.DateTimeFormat(locale, {
      timeZoneName: 'short',
      ...(zone !== null && { timeZone: zone }),
    })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value
  const gb = short('en-GB')
  if (gb !== undefined && !/^GMT[+-]/.test(gb)) return gb
  const us = short('en-US')
  if (us !== undefined && !/^GMT[+-]/.test(us)) return us
  return gb ?? zoneLabel(zone)
}

/** The top-bar "Layout" button (naming the time zone in use) and its menu. */
export function LayoutMenu() {
  const open = useLayout((s) => s.open)
  const zone = useUi((s) => s.url.tz)
  return (
    <>
      <button
        type="button"
        className="icon tb-button"
        data-testid="layout-toggle"
        aria-expanded={open}
        title={`Columns, compact rows, saved layouts; times shown in ${zoneLabel(zone)}`}
        onClick={() => {
          layoutStore.setState({ open: !open })
          alertsStore.setState({ open: false })
        }}
      >
        <span className="tb-icon">▦ </span>
        <span className="tb-label">Layout · </span>
        <span data-testid="zone-name" data-zone={zoneLabel(zone)}>
          {zoneShort(zone)}
        </span>
      </button>
      {open ? <LayoutPanel /> : null}
    </>
  )
}

function LayoutPanel() {
  const view = useUi((s) => s.url.view)
  const zone = useUi((s) => s.url.tz)
  const columns = useLayout((s) => s.columns[view])
  const hidden = useLayout((s) => s.hidden[view] ?? NO_IDS)
  const dense = useLayout((s) => s.dense[view] ?? false)
  const saved = useLayout((s) => s.saved)
  const [name, setName] = useState('')
  const [copied, setCopied] = useState<string | null>(null)
  return (
    <div className="layout-menu" data-testid="layout-menu" role="dialog" aria-label="Layout">
      <button
        type="button"
        className="close"
        aria-label="Close layout menu"
        onClick={() => layoutStore.setState({ open: false })}
      >
        ×
      </button>
      <h3>Columns of this view</h3>
      <div className="column-chooser" data-testid="column-chooser">
        {(columns ?? []).map((c) => (
          <label key={c.id}>
            <input
              type="checkbox"
              data-testid={`column-toggle-${c.id}`}
              checked={!hidden.includes(c.id)}
              onChange={() => toggleColumn(view, c.id)}
            />{' '}
            {c.header === '★' ? '★ Pin' : c.header}
          </label>
        ))}
      </div>
      <label className="layout-row">
        <input
          type="checkbox"
          data-testid="density-toggle"
          checked={dense}
          onChange={(e) => setDense(view, e.target.checked)}
        />{' '}
        Compact rows
      </label>
      <label className="layout-row">
        Time zone{' '}
        <select
          data-testid="tz-select"
          value={zone ?? ''}
          onChange={(e) => {
            const tz = parseZone(e.target.value)
            setUrl((u) => ({ ...u, tz }))
          }}
        >
          <option value="">Local ({localZone()})</option>
          {TIME_ZONES.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <h3>Saved layouts</h3>
      <form
        className="layout-row"
        onSubmit={(e) => {
          e.preventDefault()
          if (name.trim() === '') return
          saveLayout(currentLayout(name))
          setName('')
        }}
      >
        <input
          data-testid="layout-name"
          placeholder="Name this layout"
          maxLength={60}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" data-testid="layout-save" disabled={name.trim() === ''}>
          Save
        </button>
      </form>
      {saved.length === 0 ? (
        <p className="muted">
          A layout keeps the view, filters, sort, time zone, columns, density and pins.
        </p>
      ) : (
        <ul className="saved-layouts">
          {saved.map((l) => {
            const url = layoutUrl(l)
            return (
              <li key={l.name} data-testid="saved-layout" data-name={l.name}>
                <button type="button" data-testid="layout-open" onClick={() => applyLayout(l)}>
                  {l.name}
                </button>
                <span className="muted">{l.view}</span>
                <input
                  readOnly
                  data-testid="layout-url"
                  value={url}
                  onFocus={(e) => e.target.select()}
                />
                <button
                  type="button"
                  data-testid="layout-copy"
                  onClick={() =>
                    void navigator.clipboard?.writeText(url).then(() => setCopied(l.name))
                  }
                >
                  {copied === l.name ? 'Copied' : 'Copy link'}
                </button>
                <button
                  type="button"
                  data-testid="layout-delete"
                  title="Delete this layout"
                  onClick={() => deleteLayout(l.name)}
                >
                  ×
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </div>
  )
}
