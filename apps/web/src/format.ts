import {
  decimalToFractional,
  isTennisScore,
  type Event,
  type Source,
  type TennisScore,
} from '@oddsboard/model'

/**
 * Odds as text: decimal with 2 decimals (e.g. "5.50"), or 3 when 2 would hide the price
 * (1/500 is 1.002, not "1.00"), or fractional ("9/2") when `fractional`; the book's own
 * fractional text is preferred over a computed one.
 * Unpriced (null) shows "–". `precise` (Compare view, where books' prices sit side by side)
 * shows 3 decimals whenever 2 would round, so two prices that differ never read the same.
 */
export function formatOdds(
  decimal: number | null,
  oddsText: string | undefined,
  fractional: boolean,
  precise = false,
): string {
  if (decimal === null) return '–'
  if (!fractional && precise) {
    // Three decimals when two would round: 4/7 is 1.571, not the 1.57 another book offers.
    const two = decimal.toFixed(2)
    return Math.abs(Number(two) - decimal) > 1e-9 ? decimal.toFixed(3) : two
  }
  if (!fractional) {
    const two = decimal.toFixed(2)
    return Math.abs(Number(two) - decimal) > 1e-9 && decimal < 1.1 ? decimal.toFixed(3) : two
  }
  if (oddsText !== undefined && /^\d+\/\d+$/.test(oddsText)) return oddsText
  if (decimal <= 1) return '0/1'
  return decimalToFractional(decimal)
}

/** Age of a change for a label: "now", "12s ago", "4m ago", "2h ago"; "–" when never. */
export function formatAge(ts: number | null | undefined, now: number): string {
  if (ts === null || ts === undefined) return '–'
  const s = Math.max(0, Math.floor((now - ts) / 1000))
  if (s < 1) return 'now'
  if (s < 60) return `${s}s ago`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ago`
  return `${Math.floor(m / 60)}h ago`
}

/** A probability or margin as a percentage with one decimal, e.g. 0.0512 → "5.1%". */
export function formatPercent(fraction: number | null, digits = 1): string {
  if (fraction === null || !Number.isFinite(fraction)) return '–'
  return `${(fraction * 100).toFixed(digits)}%`
}

/** A signed relative change, e.g. 0.125 → "+12.5%", -0.03 → "−3.0%". */
export function formatChange(fraction: number): string {
  const abs = Math.abs(fraction) * 100
  // One decimal below 100 %; whole percent above, so "+4710%" fits the column.
  const pct = abs >= 99.95 ? abs.toFixed(0) : abs.toFixed(1)
  return fraction > 0 ? `+${pct}%` : fraction < 0 ? `−${pct}%` : '0.0%'
}

/**
 * Each set of a tennis score as text, "6-4", with a completed tiebreak set's tiebreak score
 * where the book sent it: the loser's tiebreak points in brackets, the usual way, "6-7(5)"
 * (`TennisScore.tiebreaks`).
 */
export function formatSets(score: TennisScore): string[] {
  return score.sets.map(([a, b], i) => {
    const tb = score.tiebreaks?.[i]
    return tb === undefined || tb === null ? `${a}-${b}` : `${a}-${b}(${tb})`
  })
}

/** Score text for list views: "2–1" for goals, sets "6-4 3-2" for tennis, "" when none. */
export function formatScore(score: Event['score']): string {
  if (score === undefined) return ''
  if (isTennisScore(score)) return formatSets(score).join(' ')
  return `${score.home}–${score.away}`
}

/**
 * A start time (epoch ms) short enough for a status column, 24-hour in `zone` (an IANA name;
 * null or omitted = the browser's zone): "18:45" today, "Mon 00:05" within the next six
 * days, "30/11 18:00" beyond that (or in the past). Whether a kick-off has passed is
 * {@link kickoffPassed}'s to say; the status cell marks it.
 */
export function formatStart(
  ts: number | undefined,
  now: number,
  zone: string | null = null,
): string {
  if (ts === undefined) return ''
  const hm = formatTime(ts, zone)
  const day = (ms: number) => Math.floor((ms + zoneOffsetMinutes(ms, zone) * 60_000) / 86_400_000)
  const days = day(ts) - day(now)
  if (days === 0) return hm
  if (ts > now && days > 0 && days < 7) return `${weekday(ts, zone)} ${hm}`
  return `${formatDay(ts, zone)} ${hm}`
}

const weekdays = new Map<string, Intl.DateTimeFormat>()

/** Short weekday in `zone`, e.g. "Mon". */
function weekday(ms: number, zone: string | null): string {
  let f = weekdays.get(zone ?? '')
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      ...(zone !== null && { timeZone: zone }),
    })
    weekdays.set(zone ?? '', f)
  }
  return f.format(ms)
}

/**
 * True when a not-yet-live event's kick-off time (epoch ms) is at or before `now`: the time
 * is history, not an upcoming start, and must not read as one ("was 18:45").
 */
export function kickoffPassed(ts: number | undefined, now: number): boolean {
  return ts !== undefined && ts <= now
}

/**
 * Width in px of a chart's price axis: tick length + gap + the longest label at `charPx`
 * per character (10 px tabular digits are ~6.4 px wide), so "11.00" is never clipped to "1.00".
 */
export function priceAxisWidth(
  labels: readonly string[] | null | undefined,
  charPx = 6.5,
  ticksAndGap = 15,
): number {
  let longest = 0
  for (const l of labels ?? []) longest = Math.max(longest, l.length)
  return Math.ceil(ticksAndGap + Math.max(4, longest) * charPx)
}

/** A book's display name: "Winamax", "Bet365", "Kwiff". */
export function bookName(source: Source): string {
  return source === 'winamax' ? 'Winamax' : source === 'bet365' ? 'Bet365' : 'Kwiff'
}

/** A lag between two books' moves, ms → "+3.2 s" under a minute, "+2m 05s" beyond. */
export function formatLag(ms: number): string {
  const s = Math.max(0, ms) / 1000
  if (s < 60) return `+${s.toFixed(1)} s`
  const whole = Math.round(s)
  return `+${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`
}

/** An amount of money to the cent with thousands separators, e.g. 1234.5 → "1,234.50". */
export function formatMoney(amount: number): string {
  return amount.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

/** Zones offered by the time-zone chooser besides the browser's own (null = local). */
export const TIME_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'Europe/Madrid',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
] as const

/** The browser's own IANA zone (e.g. "Europe/Paris"). */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

const timeFormats = new Map<string, Intl.DateTimeFormat>()

/** A cached 24-hour formatter for `zone` (null = local) with `opts`. */
function zoneFormat(zone: string | null, key: string, opts: Intl.DateTimeFormatOptions) {
  const k = `${zone ?? ''}|${key}`
  let f = timeFormats.get(k)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', {
      ...opts,
      hourCycle: 'h23',
      ...(zone !== null && { timeZone: zone }),
    })
    timeFormats.set(k, f)
  }
  return f
}

/**
 * A time of day, 24-hour, in `zone` (an IANA name such as "Europe/London" or "UTC"; null
 * = the browser's zone): "18:45", or "18:45:07" with `seconds`. `ms` is epoch ms. The one
 * helper every time on screen goes through (URL `tz`, `UrlState.tz`), with {@link zoneLabel}
 * naming the zone beside it.
 */
export function formatTime(ms: number, zone: string | null, seconds = false): string {
  return zoneFormat(zone, seconds ? 'hms' : 'hm', {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds && { second: '2-digit' }),
  }).format(ms)
}

/** Day and month in `zone`, e.g. "30/11" (null = the browser's zone). */
export function formatDay(ms: number, zone: string | null): string {
  return zoneFormat(zone, 'dm', { day: 'numeric', month: 'numeric' }).format(ms)
}

/** The short name of a zone for a label: "UTC", "Europe/London", or the local zone's own name. */
export function zoneLabel(zone: string | null): string {
  return zone ?? localZone()
}

/** Offset of `zone` from UTC at `ms`, in minutes (Paris in winter: 60). */
export function zoneOffsetMinutes(ms: number, zone: string | null): number {
  const parts = zoneFormat(zone, 'off', { timeZoneName: 'longOffset' }).formatToParts(ms)
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /^GMT([+-−])(\d{2}):?(\d{2})?$/.exec(name)
  if (m === null) return 0
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0)
  return m[1] === '+' ? v : -v
}

/**
 * An instant as ISO 8601 with the zone's offset, to the millisecond, e.g.
 * "2026-11-29T19:47:42.123+01:00" (UTC ends "+00:00"). For exports: the wall time a user
 * read on screen and the offset that makes it unambiguous.
 */
export function isoInZone(ms: number, zone: string | null): string {
  const off = zoneOffsetMinutes(ms, zone)
  const wall = new Date(ms + off * 60_000).toISOString().slice(0, -1)
  const a = Math.abs(off)
  const sign = off < 0 ? '-' : '+'
  return `${wall}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}
