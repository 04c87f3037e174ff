/**
 * Winamax match time and period → canonical {@link MatchClock} and period name. Pure.
 *
 * What a live match carries (captures/winamax, snapshot match 64890878 and the kick-off
 * of 63369817 at frame 22):
 * - `matchtimeExtended`: elapsed playing time as `"m:ss"` ("78:16"), re-sent about every
 *   30 s while the match plays ("78:16" → "78:46" → "80:16"…), "0:00" at kick-off;
 * - `matchtime`: the minute being played, 1-based (79 beside "78:16", 1 beside "0:00");
 * - `periodId` / `period` / `periodName`: 0 `not_started` "", 6 `1p` "1re MT", 7 `2p`
 *   "2de MT", 70 `cancelled` "Annulé". The ids are Sportradar's match statuses (1–5
 *   periods, 6–7 halves, 8–12 sets, 13–16 quarters; Sportradar Live Data `statusName`);
 * - `clockStopped`, `remainingTime`, `stoppageTime`: null in every frame of the capture.
 */
import type { MatchClock } from '@oddsboard/model'
import type { RawEntity } from './codec'

/** A period Winamax names by id: its canonical name, and whether the clock runs in it. */
interface Period {
  name: string
  playing: boolean
}

/** Winamax `periodId` (Sportradar match status) → period; see the module comment. */
export const WINAMAX_PERIODS: Readonly<Record<number, Period>> = {
  1: { name: '1st period', playing: true },
  2: { name: '2nd period', playing: true },
  3: { name: '3rd period', playing: true },
  4: { name: '4th period', playing: true },
  5: { name: '5th period', playing: true },
  6: { name: '1st half', playing: true },
  7: { name: '2nd half', playing: true },
  8: { name: 'Set 1', playing: false },
  9: { name: 'Set 2', playing: false },
  10: { name: 'Set 3', playing: false },
  11: { name: 'Set 4', playing: false },
  12: { name: 'Set 5', playing: false },
  13: { name: 'Q1', playing: true },
  14: { name: 'Q2', playing: true },
  15: { name: 'Q3', playing: true },
  16: { name: 'Q4', playing: true },
}

/** Winamax `period` codes seen in the capture and the simulator, for a match without `periodId`. */
const PERIOD_CODES: Readonly<Record<string, Period>> = {
  '1p': WINAMAX_PERIODS[6]!,
  '2p': WINAMAX_PERIODS[7]!,
}

function periodOf(m: RawEntity): Period | undefined {
  if (typeof m.periodId === 'number' && Object.hasOwn(WINAMAX_PERIODS, m.periodId))
    return WINAMAX_PERIODS[m.periodId]
  if (typeof m.period === 'string' && Object.hasOwn(PERIOD_CODES, m.period))
    return PERIOD_CODES[m.period]
  return undefined
}

/**
 * The period of a live match as shown: the canonical name when Winamax's `periodId` (or
 * `period` code) is known, else Winamax's own `periodName` ("2de MT"); undefined when it has
 * none or the match has not started.
 */
export function periodName(m: RawEntity): string | undefined {
  const p = periodOf(m)
  if (p !== undefined) return p.name
  if (m.period === 'not_started') return undefined
  return typeof m.periodName === 'string' && m.periodName !== '' ? m.periodName : undefined
}

const MATCHTIME = /^\s*(\d+):([0-5]\d)\s*$/

/**
 * Elapsed playing seconds of a match: from `matchtimeExtended` ("78:16" → 4696), else from
 * the 1-based minute `matchtime` (79 → 78:00 = 4680 s); undefined when it has neither.
 */
export function matchSeconds(m: RawEntity): number | undefined {
  if (typeof m.matchtimeExtended === 'string') {
    const t = MATCHTIME.exec(m.matchtimeExtended)
    if (t !== null) return Number(t[1]) * 60 + Number(t[2])
  }
  if (typeof m.matchtime === 'number' && Number.isFinite(m.matchtime) && m.matchtime >= 1)
    return Math.floor(m.matchtime - 1) * 60
  return undefined
}

/**
 * The text that identifies one reading of the clock (`matchtimeExtended`, else `matchtime`):
 * the store notes the receive time whenever it changes, which becomes the clock's `at`.
 */
export function clockReading(m: RawEntity): string | undefined {
  if (typeof m.matchtimeExtended === 'string') return m.matchtimeExtended
  if (typeof m.matchtime === 'number') return String(m.matchtime)
  return undefined
}

/**
 * The clock of a live match, or undefined when it sends no time (tennis, prematch).
 * `at` (epoch ms) is when the current reading was received. It runs when the match is in a
 * playing period (halves, periods, quarters) and Winamax does not say `clockStopped: true`;
 * in a period not in the table it runs only when Winamax says `clockStopped: false`.
 */
export function matchClock(m: RawEntity, at: number): MatchClock | undefined {
  const seconds = matchSeconds(m)
  if (seconds === undefined) return undefined
  const p = periodOf(m)
  const running = p !== undefined ? p.playing && m.clockStopped !== true : m.clockStopped === false
  const clock: MatchClock = { running, seconds, at }
  const name = periodName(m)
  if (name !== undefined) clock.period = name
  return clock
}
