import { SOURCES, type FeedStatus, type Source } from '@oddsboard/model'
import { memo } from 'react'
import { useBoard } from '../sync/store'
import { Age, isStaleState } from './cells'

const NAMES: Record<Source, string> = { winamax: 'Winamax', bet365: 'Bet365', kwiff: 'Kwiff' }

const FeedChip = memo(function FeedChip({ source }: { source: Source }) {
  const f: FeedStatus | undefined = useBoard((s) => s.board.feeds[source])
  const state = f?.state ?? 'off'
  return (
    <div
      className={`feed feed-${state}`}
      data-testid={`feed-${source}`}
      data-state={state}
      title={f?.error ? `${NAMES[source]}: ${f.error}` : `${NAMES[source]}: ${state}`}
    >
      <span className="dot" aria-hidden />
      <span className="feed-name">{NAMES[source]}</span>
      <span className="feed-state">{state}</span>
      {(f?.mode === 'replay' || f?.mode === 'tap') && (
        <span
          className="feed-state"
          data-testid={`feed-${source}-mode`}
          title={
            f.mode === 'tap'
              ? 'Read from your own browser over CDP (TAP_CDP_URL)'
              : 'Played back from a recording (replay:FILE, REPLAY_SPEED)'
          }
        >
          {f.mode === 'tap' ? 'tap' : `replay ×${f.replaySpeed ?? 1}`}
        </span>
      )}
      {f && (
        <>
          <span className="feed-stat" title="Last upstream message">
            <Age ts={f.lastMessageAt} testId={`feed-${source}-age`} />
          </span>
          <span className="feed-stat num" title="Upstream messages per second">
            {f.messagesPerSec.toFixed(1)}/s
          </span>
          <span className="feed-stat num" title="Reconnects since the proxy started">
            ↻{f.reconnects}
          </span>
        </>
      )}
    </div>
  )
})

/** Feed health: the browser's relay connection and one chip per book. */
export function FeedBar() {
  const connection = useBoard((s) => s.connection)
  const reconnects = useBoard((s) => s.relayReconnects)
  return (
    <div className="feedbar" data-testid="feed-status">
      <div
        className={`feed conn-${connection}`}
        data-testid="connection"
        data-state={connection}
        title={`Relay connection: ${connection}; reconnects ${reconnects}`}
      >
        <span className="dot" aria-hidden />
        <span className="feed-name">Relay</span>
        <span className="feed-state">{connection}</span>
      </div>
      {SOURCES.map((s) => (
        <FeedChip key={s} source={s} />
      ))}
    </div>
  )
}

/** A loud banner naming every book that is stale, down or reconnecting. */
export function StaleBanner() {
  const bad = useBoard((s) =>
    SOURCES.filter((src) => isStaleState(s.board.feeds[src]?.state))
      .map((src) => `${NAMES[src]} (${s.board.feeds[src]!.state})`)
      .join(', '),
  )
  const conn = useBoard((s) => s.connection)
  const lost = conn === 'reconnecting' || conn === 'closed'
  if (bad === '' && !lost) return null
  return (
    <div className="banner" role="alert" data-testid="stale-banner">
      {lost
        ? 'Connection to the proxy lost: reconnecting… every row is marked stale until it is back.'
        : `Stale data: ${bad}. Their rows are dimmed and marked "stale" until the feed is live again.`}
    </div>
  )
}
