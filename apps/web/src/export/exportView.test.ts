import type { Event } from '@oddsboard/model'
import { describe, expect, it } from 'vitest'
import type { Column } from '../table/DataTable'
import { csvValue, historyRows } from './exportView'

const event: Event = {
  kind: 'event',
  id: 'bet365:e1',
  source: 'bet365',
  sportId: 'bet365:football',
  competitionId: 'bet365:c1',
  name: 'Arsenal - Chelsea',
  participants: ['Arsenal', 'Chelsea'],
  startTime: Date.UTC(2026, 10, 29, 20, 0),
  status: 'prematch',
  updatedAt: 0,
}
const row = { id: 'bet365:e1', source: 'bet365', event, competition: 'Premier League', odds: 2.125 }
const col = (id: string, over: Partial<Column<typeof row>> = {}) =>
  ({ id, header: id, width: '1fr', cell: () => null, ...over }) as unknown as Column<never>

describe('view export values', () => {
  it('write what the screen says for the shared event columns, in the chosen zone', () => {
    expect(csvValue(col('match'), row, 'UTC')).toBe('Arsenal v Chelsea')
    expect(csvValue(col('book'), row, 'UTC')).toBe('Bet365')
    expect(csvValue(col('status'), row, 'Europe/Paris')).toBe('2026-11-29T21:00:00.000+01:00')
    expect(csvValue(col('status'), { ...row, event: { ...event, status: 'live' } }, null)).toBe(
      'live',
    )
  })
  it('use a column’s own text, else its sort value (prices to 3 decimals, times as ISO)', () => {
    expect(csvValue(col('x', { text: () => 'own' }), row, null)).toBe('own')
    expect(csvValue(col('competition', { sortValue: (r) => r.competition }), row, null)).toBe(
      'Premier League',
    )
    expect(csvValue(col('home', { price: true, sortValue: () => 2.1254 }), row, null)).toBe(2.125)
    expect(csvValue(col('updated', { sortValue: () => Date.UTC(2026, 0, 1) }), row, 'UTC')).toBe(
      '2026-01-01T00:00:00.000+00:00',
    )
    expect(csvValue(col('margin', { sortValue: () => 0.0512 }), row, null)).toBe('5.1%')
    expect(csvValue(col('pin'), row, null)).toBeNull()
  })
})

describe('price history export', () => {
  it('writes one record per point: zoned time, epoch ms, decimal odds, implied probability', () => {
    const t = Date.UTC(2026, 10, 29, 18, 0, 5, 250)
    expect(
      historyRows(
        [
          [t, 2.5],
          [t + 1000, 4],
        ],
        'Europe/London',
      ),
    ).toEqual([
      ['2026-11-29T18:00:05.250+00:00', t, 2.5, 0.4],
      ['2026-11-29T18:00:06.250+00:00', t + 1000, 4, 0.25],
    ])
  })
})
