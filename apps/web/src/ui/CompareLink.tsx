import {
  canonicalOfEvent,
  type CanonicalEvent,
  type EntityState,
  type Event,
} from '@oddsboard/model'
import { memo, useMemo, useState } from 'react'
import { fold } from '../filters'
import { bookName } from '../format'
import { setUrl } from '../state/uiStore'
import { postLink } from '../sync/links'
import { useBoard } from '../sync/store'
import { BookTag } from './cells'

const indexes = new WeakMap<ReadonlyMap<string, CanonicalEvent>, Map<string, string>>()

/** Canonical id per member event id, built once per canonical map (`canonicalOfEvent`). */
export function canonicalIndex(
  canonicals: ReadonlyMap<string, CanonicalEvent>,
): Map<string, string> {
  let idx = indexes.get(canonicals)
  if (idx === undefined) {
    idx = canonicalOfEvent(canonicals)
    indexes.set(canonicals, idx)
  }
  return idx
}

/** The canonical event an event belongs to, or undefined. */
function useCanonicalOf(eventId: string): CanonicalEvent | undefined {
  return useBoard((s) => {
    const canonicals = s.board.entities.canonical
    const id = canonicalIndex(canonicals).get(eventId)
    return id === undefined ? undefined : canonicals.get(id)
  })
}

/** Opens the Compare view on the row of `eventId` (`?view=compare&event=<eventId>`). */
export function openCompare(eventId: string): void {
  setUrl((u) => ({ ...u, view: 'compare', event: eventId, sort: null }), true)
}

/**
 * "⇄ 3" beside a match in the other views when the match is listed by other books too
 * (it has a canonical event): opens its Compare row. Nothing when it has none.
 */
export const CompareLink = memo(function CompareLink({ eventId }: { eventId: string }) {
  const c = useCanonicalOf(eventId)
  if (c === undefined) return null
  const books = c.members.map((m) => bookName(m.source)).join(', ')
  return (
    <a
      className="cmp-link"
      href={`?view=compare&event=${encodeURIComponent(eventId)}`}
      data-testid="compare-link"
      data-canonical={c.id}
      title={`Compare across ${books}`}
      onClick={(e) => {
        e.preventDefault()
        e.stopPropagation()
        openCompare(eventId)
      }}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      ⇄{c.members.length}
    </a>
  )
})

/** Events of other books that could be the same match as `event`: same canonical sport, not ended, words of `q` in their names. */
function candidates(
  event: Event,
  entities: Pick<EntityState, 'event' | 'sport' | 'canonical'>,
  q: string,
  limit: number,
): Event[] {
  const sportKey = entities.sport.get(event.sportId)?.key
  const idx = canonicalIndex(entities.canonical)
  const mine = idx.get(event.id)
  const words = fold(q)
    .split(/\s+/)
    .filter((w) => w.length >= 2)
  if (words.length === 0) return []
  const out: Event[] = []
  for (const e of entities.event.values()) {
    if (e.source === event.source || e.status === 'ended') continue
    if (mine !== undefined && idx.get(e.id) === mine) continue
    if (entities.sport.get(e.sportId)?.key !== sportKey) continue
    const hay = fold(`${e.participants[0]} ${e.participants[1]} ${e.name}`)
    if (!words.every((w) => hay.includes(w))) continue
    out.push(e)
    if (out.length >= limit) break
  }
  return out
}

/**
 * The expanded row's link panel: the books this match is compared with (⇄ opens the row),
 * and "Link to…": find the same match on another book by name and join the two
 * (`POST /api/links` `link`). The change shows when the proxy's canonical ops arrive.
 */
export function LinkPanel({ event }: { event: Event }) {
  const c = useCanonicalOf(event.id)
  const sport = useBoard((s) => s.board.entities.sport)
  const events = useBoard((s) => s.board.entities.event)
  const canonical = useBoard((s) => s.board.entities.canonical)
  const [q, setQ] = useState('')
  const [status, setStatus] = useState<{ id: string; text: string; error: boolean } | null>(null)
  // As many as the expanded row's height holds (168 px): three, or two beside a status line.
  const found = useMemo(
    () => candidates(event, { event: events, sport, canonical }, q, status === null ? 3 : 2),
    [event, events, sport, canonical, q, status],
  )
  const link = async (other: Event) => {
    setStatus({ id: other.id, text: 'linking…', error: false })
    const r = await postLink('link', event.id, other.id)
    setStatus(
      r.ok
        ? { id: other.id, text: 'linked: the Compare row updates in a moment', error: false }
        : { id: other.id, text: r.error, error: true },
    )
  }
  return (
    <div className="link-panel" data-testid="link-panel" onDoubleClick={(e) => e.stopPropagation()}>
      <div className="link-head">
        {c === undefined ? (
          <span className="muted">Not matched with another book.</span>
        ) : (
          <>
            <span>Also on </span>
            {c.members
              .filter((m) => m.eventId !== event.id)
              .map((m) => (
                <BookTag key={m.eventId} source={m.source} />
              ))}
            <CompareLink eventId={event.id} />
          </>
        )}
      </div>
      <input
        className="menu-search"
        type="search"
        placeholder="Link to… (another book's team or player)"
        aria-label="Find the same match on another book"
        data-testid="link-search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => e.stopPropagation()}
      />
      {found.map((e) => (
        <div key={e.id} className="link-candidate" data-testid="link-candidate" data-id={e.id}>
          <BookTag source={e.source} />
          <span className="ellipsis" title={e.name}>
            {e.name}
          </span>
          <button
            type="button"
            className="icon small"
            data-testid="link-button"
            onClick={() => void link(e)}
            title={`Same match: compare it with ${bookName(e.source)}'s (kept across restarts)`}
          >
            Link
          </button>
        </div>
      ))}
      {status !== null ? (
        <div
          className={status.error ? 'link-error' : 'muted'}
          role={status.error ? 'alert' : undefined}
          data-testid={status.error ? 'link-error' : 'link-status'}
        >
          {status.text}
        </div>
      ) : null}
    </div>
  )
}
