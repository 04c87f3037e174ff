import { describe, expect, it } from 'vitest'
import { mulberry32 } from '@oddsboard/feedkit'
import { fractionalToDecimal } from '@oddsboard/model'
import { parseBet365Time } from './canonical'
import { decodeBody, type ZapMessage } from './codec'
import { INPLAY_2026_TOPIC, inPlay2026Body } from './fixtures'
import {
  americanFootballPlay,
  coverProbability,
  lineFor,
  lineText,
  normalCdf,
} from './simAmericanFootball'
import { TopicTree } from './tree'

const EV = 'L12-1-5-195509164-5-20062134_1_3'
const MA = 'L151955091645C12-120201_1_3'
const PA0 = 'L195509164-1404577631_1_3'
const PA1 = 'L195509164-1404577639_1_3'

describe('American football pricing', () => {
  it('normal CDF, cover probability and half-point lines', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6)
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3)
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 3)
    // The load: Munich leads 23-6, line -20.5, expected to gain 3.5 more: an even market.
    expect(coverProbability(17, -20.5, 2190, 3.5 / 2190)).toBeCloseTo(0.5, 6)
    // Time running out without a score makes the favourite's cover less likely.
    expect(coverProbability(17, -20.5, 600, 3.5 / 2190)).toBeLessThan(0.5)
    expect(coverProbability(21, -20.5, 0, 0)).toBe(1)
    expect(coverProbability(20, -20.5, 0, 0)).toBe(0)
    expect(lineFor(20.3)).toBe(-20.5)
    expect(lineFor(-3.2)).toBe(3.5)
    expect(lineText(-20.5)).toBe('-20.5')
    expect(lineText(3.5)).toBe('+3.5')
  })
})

describe('American football play (the load match, on a simulated clock)', () => {
  it('the clock counts down through the quarters, scores move the line, the game ends and leaves', () => {
    const tree = new TopicTree()
    tree.apply({
      kind: 'load',
      topic: INPLAY_2026_TOPIC,
      op: 'F',
      records: decodeBody(inPlay2026Body()).records,
    })
    const sent: ZapMessage[][] = []
    const removed: string[] = []
    const play = americanFootballPlay({
      tree,
      speed: 50,
      broadcast: (messages) => {
        for (const m of messages) tree.apply(m)
        sent.push(messages)
      },
      rngFor: () => mulberry32(12),
      remove: (it) => {
        removed.push(it)
        tree.apply({ kind: 'delta', topic: it, op: 'D', records: [] })
      },
    })
    const t0 = Date.UTC(2026, 4, 30, 17, 10)
    expect(play.add(tree.get(EV)!, t0)).toBe(true)
    const periods = new Set<string>()
    const scores = new Set<string>()
    const lines = new Set<string>()
    let lastLeft = Infinity
    let quarter = '2nd Quarter'
    for (let now = t0; now < t0 + 3 * 3600_000 && removed.length === 0; now += 1000) {
      play.tick(now)
      const ev = tree.get(EV)
      if (ev === undefined) break
      const f = ev.fields
      periods.add(`${f.ED}/${f.CP}`)
      scores.add(f.SS!)
      const pa0 = tree.get(PA0)!.fields
      const pa1 = tree.get(PA1)!.fields
      lines.add(pa0.HA!)
      // Each side's line is the other's negated; prices are fractions with a margin.
      expect(Number(pa0.HA)).toBe(-Number(pa1.HA))
      expect(pa0.HD).toBe(` ${pa0.HA}`)
      const d0 = fractionalToDecimal(pa0.OD!)!
      const d1 = fractionalToDecimal(pa1.OD!)!
      expect(1 / d0 + 1 / d1).toBeGreaterThan(1)
      // A running clock counts down within a quarter (read at now from TM/TS/TU).
      if (f.ED !== quarter) {
        quarter = f.ED!
        lastLeft = Infinity
      }
      if (f.TT === '1') {
        const left = Number(f.TM) * 60 + Number(f.TS) - (now - parseBet365Time(f.TU)!) / 1000
        expect(left).toBeLessThanOrEqual(lastLeft + 1)
        lastLeft = left
      }
    }
    expect([...periods]).toEqual(['2nd Quarter/Q2', '3rd Quarter/Q3', '4th Quarter/Q4'])
    expect(scores.size).toBeGreaterThan(1)
    expect(lines.size).toBeGreaterThan(1)
    // Every score suspended the market before the new line came.
    const scoreFrames = sent.filter((f) => f.some((m) => m.topic === EV && m.records[0]!.fields.SS))
    expect(scoreFrames.length).toBe(scores.size - 1)
    for (const f of scoreFrames) {
      expect(f.filter((m) => m.records[0]!.fields.SU === '1').map((m) => m.topic)).toEqual([
        MA,
        PA0,
        PA1,
      ])
    }
    // Over: clock stopped at 0:00 in the 4th quarter, market suspended, then D.
    expect(removed).toEqual([EV])
    const last = sent.flat().filter((m) => m.topic === EV && m.records[0]!.fields.TT !== undefined)
    expect(last[last.length - 1]!.records[0]!.fields).toMatchObject({ TM: '0', TS: '0', TT: '0' })
    expect(play.events()).toEqual([])
  })
})
