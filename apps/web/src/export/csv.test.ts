import { describe, expect, it } from 'vitest'
import { csvField, csvFileName, csvText, slug } from './csv'

describe('CSV', () => {
  it('quotes only what needs quoting, doubling quotes', () => {
    expect(csvField('Arsenal')).toBe('Arsenal')
    expect(csvField('Paris, FR')).toBe('"Paris, FR"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(2.5)).toBe('2.5')
    expect(csvField(null)).toBe('')
    expect(csvField(Number.NaN)).toBe('')
  })
  it('defuses spreadsheet formulas but keeps signed numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    // papaparse quotes a defused field as well
    expect(csvField('@cmd')).toBe(`"'@cmd"`)
    expect(csvField('-3.2%')).toBe('-3.2%')
    expect(csvField('+12')).toBe('+12')
  })
  it('writes a header and CRLF records', () => {
    expect(
      csvText(
        ['Match', 'Home · 1'],
        [
          ['A v B', 2.1],
          ['C, D', null],
        ],
      ),
    ).toBe('Match,Home · 1\r\nA v B,2.1\r\n"C, D",\r\n')
    // no rows: the header record alone, not an empty record after it
    expect(csvText(['time', 'odds'], [])).toBe('time,odds\r\n')
  })
  it('names files by their parts and a zoned time', () => {
    expect(slug('Sinner v Alcaraz · Player 1 (Bet365)')).toBe('sinner-v-alcaraz-player-1-bet365')
    expect(slug('Élodie Müller')).toBe('elodie-muller')
    expect(csvFileName(['live'], '2026-11-29T19:47:42.123+01:00')).toBe(
      'oddsboard-live-2026-11-29T19-47-42+0100.csv',
    )
    expect(csvFileName(['history', 'A v B'], '2026-11-29T13:47:42.000-05:00')).toBe(
      'oddsboard-history-a-v-b-2026-11-29T13-47-42-0500.csv',
    )
  })
})
