import { describe, expect, it } from 'vitest'
import {
  formatAge,
  formatChange,
  formatOdds,
  formatPercent,
  formatScore,
  formatStart,
  priceAxisWidth,
  formatTime,
  formatDay,
  isoInZone,
  zoneOffsetMinutes,
  zoneLabel,
} from './format'

describe('format', () => {
  it('shows decimal odds with two decimals, or the book fractional text', () => {
    expect(formatOdds(5.5, '9/2', false)).toBe('5.50')
    expect(formatOdds(5.5, '9/2', true)).toBe('9/2')
    expect(formatOdds(2.5, undefined, true)).toBe('3/2')
    expect(formatOdds(null, undefined, false)).toBe('–')
    // Side by side (Compare), 4/7 = 1.5714… must not read as another book's 1.57.
    expect(formatOdds(1 + 4 / 7, '4/7', false, true)).toBe('1.571')
    expect(formatOdds(1.57, undefined, false, true)).toBe('1.57')
    expect(formatOdds(1 + 4 / 7, '4/7', true, true)).toBe('4/7')
    expect(formatOdds(1.002, '1/500', false)).toBe('1.002')
    expect(formatOdds(1.01, '1/100', false)).toBe('1.01')
    expect(formatOdds(2.375, undefined, false)).toBe('2.38')
  })

  it('writes ages relative to now', () => {
    expect(formatAge(null, 0)).toBe('–')
    expect(formatAge(10_000, 10_500)).toBe('now')
    expect(formatAge(0, 12_000)).toBe('12s ago')
    expect(formatAge(0, 4 * 60_000 + 5000)).toBe('4m ago')
    expect(formatAge(0, 2 * 3_600_000)).toBe('2h ago')
  })

  it('writes percentages and signed changes', () => {
    expect(formatPercent(0.0512)).toBe('5.1%')
    expect(formatPercent(null)).toBe('–')
    expect(formatChange(0.125)).toBe('+12.5%')
    expect(formatChange(-0.03)).toBe('−3.0%')
    expect(formatChange(0.999)).toBe('+99.9%')
    expect(formatChange(47.1)).toBe('+4710%')
    expect(formatChange(-1)).toBe('−100%')
  })

  it('writes goal and tennis scores', () => {
    expect(formatScore({ home: 2, away: 1 })).toBe('2–1')
    expect(
      formatScore({
        sets: [
          [6, 4],
          [3, 2],
        ],
        points: ['30', '15'],
        server: 0,
      }),
    ).toBe('6-4 3-2')
    expect(formatScore(undefined)).toBe('')
  })

  it('sizes a price axis for its longest label', () => {
    const narrow = priceAxisWidth(['1.16', '1.17'])
    const wide = priceAxisWidth(['10.00', '11.00'])
    const wider = priceAxisWidth(['100.00', '101.00'])
    expect(wide).toBeGreaterThan(narrow)
    expect(wider).toBeGreaterThan(wide)
    // "11.00": 5 characters of ~6.4 px plus ticks and gap does not fit the old 36 px.
    expect(wide).toBeGreaterThanOrEqual(15 + 5 * 6.4)
    expect(priceAxisWidth(null)).toBe(priceAxisWidth(['1.0']))
  })
})

describe('formatStart', () => {
  // Local times, so the test holds in any time zone.
  const now = new Date(2026, 10, 22, 23, 30).getTime() // Sun 22/11 23:30
  it('is short enough for a status column', () => {
    expect(formatStart(new Date(2026, 10, 22, 23, 45).getTime(), now)).toBe('23:45')
    expect(formatStart(new Date(2026, 10, 23, 0, 5).getTime(), now)).toBe('Mon 00:05')
    expect(formatStart(new Date(2026, 10, 28, 18, 0).getTime(), now)).toBe('Sat 18:00')
    expect(formatStart(new Date(2026, 10, 30, 18, 0).getTime(), now)).toBe('30/11 18:00')
    expect(formatStart(new Date(2026, 10, 20, 9, 0).getTime(), now)).toBe('20/11 09:00')
    expect(formatStart(undefined, now)).toBe('')
  })
})

describe('time zones', () => {
  // 2026-11-29 18:47:42.123 UTC (winter: Paris +1, London +0, New York −5).
  const t = Date.UTC(2026, 10, 29, 18, 47, 42, 123)
  it('formats 24-hour times in the chosen zone', () => {
    expect(formatTime(t, 'UTC')).toBe('18:47')
    expect(formatTime(t, 'Europe/Paris')).toBe('19:47')
    expect(formatTime(t, 'America/New_York', true)).toBe('13:47:42')
    expect(formatTime(Date.UTC(2026, 10, 29, 0, 5), 'UTC')).toBe('00:05')
    expect(formatDay(t, 'Australia/Sydney')).toBe('30/11')
  })
  it('writes ISO 8601 with the offset of the zone', () => {
    expect(isoInZone(t, 'UTC')).toBe('2026-11-29T18:47:42.123+00:00')
    expect(isoInZone(t, 'Europe/Paris')).toBe('2026-11-29T19:47:42.123+01:00')
    expect(isoInZone(t, 'America/New_York')).toBe('2026-11-29T13:47:42.123-05:00')
    expect(isoInZone(Date.UTC(2026, 6, 1, 12), 'Europe/London')).toBe(
      '2026-07-01T13:00:00.000+01:00',
    )
    expect(zoneOffsetMinutes(t, 'Asia/Kolkata')).toBe(330)
    expect(zoneLabel('UTC')).toBe('UTC')
  })
})
