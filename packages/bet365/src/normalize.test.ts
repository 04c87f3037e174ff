import { describe, expect, it } from 'vitest'
import type { Event, Market, Selection, Sport, TennisScore } from '@oddsboard/model'
import { decodeServerFrame } from './codec'
import { inPlay2026Body, navoneDarderiRecords } from './fixtures'
import {
  Bet365Normalizer,
  ProjectionMemo,
  projectTree,
  sidesOf,
  splitParticipants,
} from './normalize'
import { TopicTree } from './tree'

const apply = (tree: TopicTree, frame: string): void => {
  const f = decodeServerFrame(frame)
  if (f.kind !== 'messages') throw new Error('expected messages')
  for (const m of f.messages) tree.apply(m)
}

/** A receive time (epoch ms): 2026-05-30 17:10:00 UTC, a few minutes after the 2026 load's newest TU. */
const T0 = Date.UTC(2026, 4, 30, 17, 10)

const load2026 = (): TopicTree => {
  const tree = new TopicTree()
  apply(tree, `\x14OVInPlay_1_3\x01${inPlay2026Body()}`)
  return tree
}

const seedTree = (): TopicTree => {
  const tree = new TopicTree()
  apply(
    tree,
    `\x14OVInPlay_32_0\x01F|CL;ID=13;IT=OV_13_32_0;NA=Tennis;|${navoneDarderiRecords().join('|')}|`,
  )
  return tree
}

const of = <T>(entities: Map<string, unknown>, kind: string): T[] =>
  [...entities.values()].filter((e) => (e as { kind: string }).kind === kind) as T[]

describe('projectTree on the real 2026 in-play load', () => {
  const { entities, issues } = projectTree(load2026(), T0)
  const events = of<Event>(entities, 'event')
  const tennis = events.filter((e) => e.sportId === 'bet365:cl13')

  it('counts: 4 sports and Esoccer, 67 events (3 coupon pseudo-events left out), 65 markets, 171 selections', () => {
    expect(of<Sport>(entities, 'sport').map((s) => [s.name, s.key])).toEqual([
      ['Soccer', 'football'],
      ['Esoccer', 'esports'],
      ['Tennis', 'tennis'],
      ['Cricket', 'cricket'],
      ['American Football', 'american-football'],
    ])
    expect(events).toHaveLength(67)
    expect(of(entities, 'market')).toHaveLength(65)
    expect(of(entities, 'selection')).toHaveLength(171)
    expect(issues).toEqual([])
  })

  it('23 live tennis matches, every one with a parsed score', () => {
    expect(tennis).toHaveLength(23)
    for (const e of tennis) expect((e.score as TennisScore).sets.length).toBeGreaterThan(0)
    const byName = new Map(tennis.map((e) => [e.name, e]))
    expect(byName.get('Andre Ilagan v Aidan Mayo')).toMatchObject({
      id: 'bet365:ev195476892',
      participants: ['Andre Ilagan', 'Aidan Mayo'],
      competitionId: 'bet365:ct13:Challenger Little Rock',
      status: 'live',
      score: { sets: [[6, 5]], points: ['0', '15'], server: 0 },
    })
    expect(byName.get('Juan Manuel Cerundolo v Martin Landaluce')!.score).toEqual({
      sets: [
        [6, 4],
        [6, 7],
        [7, 6],
        [6, 7],
        [0, 0],
      ],
      points: ['0', '0'],
      server: 0,
    })
    expect(byName.get('Pavel Bushuev v AJ Deem')!.score).toEqual({
      sets: [
        [4, 6],
        [1, 0],
      ],
      points: ['40', 'A'],
      server: 0,
    })
    expect(byName.get('Coco Gauff v Anastasia Potapova')!.score).toMatchObject({ server: 1 })
    expect(byName.get('Maginley/Shick v Padgham/Vrba')!.participants).toEqual([
      'Maginley/Shick',
      'Padgham/Vrba',
    ])
    // FS=0: not started yet.
    expect(byName.get('Amit Vales v Spencer Johnson')!.status).toBe('prematch')
  })

  it('competitions come from the events’ CT field (the 2026 load has no CT record)', () => {
    const names = of<{ name: string; sportId: string }>(entities, 'competition')
      .filter((c) => c.sportId === 'bet365:cl13')
      .map((c) => c.name)
    expect(names).toContain('French Open')
    expect(names).toContain('W35 Wichita')
    expect(new Set(names).size).toBe(names.length)
  })

  it('markets and selections are linked through the fixture id, with exact decimal odds', () => {
    const ilagan = tennis.find((e) => e.name === 'Andre Ilagan v Aidan Mayo')!
    const markets = of<Market>(entities, 'market').filter((m) => m.eventId === ilagan.id)
    expect(markets).toEqual([
      {
        kind: 'market',
        id: 'bet365:ma195477062-1763',
        source: 'bet365',
        eventId: ilagan.id,
        name: 'Money Line',
        type: 'winner',
        suspended: false,
        main: true,
      },
    ])
    const sels = of<Selection>(entities, 'selection').filter((s) => s.marketId === markets[0]!.id)
    expect(sels.map((s) => [s.name, s.order, s.outcome, s.oddsText, s.odds])).toEqual([
      ['Andre Ilagan', 0, 'home', '19/20', 1.95],
      ['Aidan Mayo', 1, 'away', '4/5', 1.8],
    ])
    for (const s of sels) expect(s.updatedAt).toBe(T0)
    // Soccer: PSG v Arsenal 5/1, 5/2, 8/13, score 0-1.
    const psg = events.find((e) => e.name === 'PSG v Arsenal')!
    expect(psg.score).toEqual({ home: 0, away: 1 })
    const psgOdds = of<Selection>(entities, 'selection').filter((s) => s.eventId === psg.id)
    expect(psgOdds.map((s) => [s.outcome, s.odds])).toEqual([
      ['home', 6],
      ['draw', 3.5],
      ['away', 1.615385],
    ])
  })

  it('OD=0/0 is unpriced (null), SU=1 is suspended, handicaps are in the name', () => {
    const sels = of<Selection>(entities, 'selection')
    const unpriced = sels.filter((s) => s.oddsText === '0/0')
    expect(unpriced.length).toBeGreaterThan(0)
    for (const s of unpriced) expect(s.odds).toBeNull()
    expect(sels.some((s) => s.suspended)).toBe(true)
    expect(sels.map((s) => s.name)).toContain('Munich Ravens -20.5')
    // "A @ B" is A at B's home; SS 23-6 is in name order. The clock counts down (6:30 left
    // in the quarter), which the model's elapsed clock cannot show: period only.
    const af = of<Event>(entities, 'event').find(
      (e) => e.name === 'Munich Ravens @ Frankfurt Galaxy',
    )!
    expect(af).toMatchObject({
      participants: ['Frankfurt Galaxy', 'Munich Ravens'],
      score: { home: 6, away: 23 },
      period: '2nd Quarter',
    })
    expect(af.clock).toBeUndefined()
  })
})

describe('projectTree on the seed example', () => {
  it('uses the CT record as the competition and the participants as unnamed selections', () => {
    const { entities } = projectTree(seedTree(), T0)
    const [event] = of<Event>(entities, 'event')
    expect(event).toMatchObject({
      id: 'bet365:ev190321250',
      competitionId: 'bet365:ct13:ATP Santiago',
      participants: ['Mariano Navone', 'Luciano Darderi'],
      score: {
        sets: [
          [3, 6],
          [0, 0],
        ],
        points: ['40', '15'],
        server: 1,
      },
    })
    const sels = of<Selection>(entities, 'selection')
    expect(sels.map((s) => [s.name, s.oddsText, s.odds])).toEqual([
      ['Mariano Navone', '9/2', 5.5],
      ['Luciano Darderi', '1/7', 1.142857],
    ])
  })

  it('a score that does not parse is reported, and the event is kept without a score', () => {
    const tree = seedTree()
    apply(tree, '\x15OV190321250C13A_32_0\x01U|SS=3-6,x-0;|')
    const { entities, issues } = projectTree(tree, T0)
    expect(issues).toEqual([
      { kind: 'score', entityId: 'bet365:ev190321250', message: 'bad set score "x-0"' },
    ])
    expect(of<Event>(entities, 'event')[0]!.score).toBeUndefined()
  })
})

describe('Bet365Normalizer: only what changed, no ghosts', () => {
  it('emits upserts for changed entities only, and removes for vanished ones', () => {
    const tree = seedTree()
    const n = new Bet365Normalizer()
    const first = n.sync(tree, T0).ops
    expect(first.map((o) => (o.op === 'upsert' ? o.entity.kind : o.op))).toEqual([
      'sport',
      'competition',
      'event',
      'market',
      'selection',
      'selection',
    ])
    expect(n.sync(tree, T0).ops).toEqual([])
    apply(
      tree,
      '\x15OV190340113-701873422_32_0\x01U|OD=4/1;|\x08\x15OV190321250C13A_32_0\x01U|PI=0,1;XP=0-0;SS=3-6,1-0;|',
    )
    const ops = n.sync(tree, T0).ops
    expect(ops).toHaveLength(2)
    expect(ops.map((o) => o.op === 'upsert' && o.entity.id)).toEqual([
      'bet365:ev190321250',
      'bet365:pa701873422',
    ])
    const ev = ops[0]!.op === 'upsert' ? (ops[0]!.entity as Event) : null
    expect(ev!.score).toEqual({
      sets: [
        [3, 6],
        [1, 0],
      ],
      points: ['0', '0'],
      server: 0,
    })

    apply(tree, '\x15OV190321250C13A_32_0\x01D||')
    expect(n.sync(tree, T0).ops).toEqual([
      { op: 'remove', kind: 'selection', id: 'bet365:pa701873422' },
      { op: 'remove', kind: 'selection', id: 'bet365:pa701873420' },
      { op: 'remove', kind: 'market', id: 'bet365:ma190340113-1763' },
      { op: 'remove', kind: 'event', id: 'bet365:ev190321250' },
    ])
  })
})

describe('ProjectionMemo: unchanged nodes give the same entity objects', () => {
  it('reuses what did not change and rebuilds what did, links included', () => {
    const tree = seedTree()
    const memo = new ProjectionMemo()
    const a = projectTree(tree, T0, { memo }).entities
    apply(tree, '\x15OV190340113-701873422_32_0\x01U|OD=4/1;|')
    const b = projectTree(tree, T0, { memo }).entities
    expect(b.get('bet365:pa701873420')).toBe(a.get('bet365:pa701873420'))
    expect(b.get('bet365:ev190321250')).toBe(a.get('bet365:ev190321250'))
    expect(b.get('bet365:pa701873422')).not.toBe(a.get('bet365:pa701873422'))
    expect((b.get('bet365:pa701873422') as Selection).odds).toBe(5)
    // Renaming the event renames the selections that take their names from it.
    apply(tree, '\x15OV190321250C13A_32_0\x01U|NA=M. Navone v L. Darderi;|')
    const c = projectTree(tree, T0, { memo }).entities
    expect((c.get('bet365:pa701873420') as Selection).name).toBe('L. Darderi')
    // A renamed CT record moves the event to the new competition.
    apply(tree, '\x15OV21124106-FBKR0C13_32_0\x01U|NA=ATP Santiago 2026;|')
    const d = projectTree(tree, T0, { memo }).entities
    expect((d.get('bet365:ev190321250') as Event).competitionId).toBe(
      'bet365:ct13:ATP Santiago 2026',
    )
    expect(d.has('bet365:ct13:ATP Santiago')).toBe(false)
  })

  it('a bad score is reported once by the normalizer, while it lasts', () => {
    const tree = seedTree()
    const n = new Bet365Normalizer()
    n.sync(tree, T0)
    apply(tree, '\x15OV190321250C13A_32_0\x01U|XP=50-0;|')
    expect(n.sync(tree, T0).issues).toHaveLength(1)
    apply(tree, '\x15OV190340113-701873422_32_0\x01U|OD=4/1;|')
    expect(n.sync(tree, T0).issues).toHaveLength(0)
    apply(tree, '\x15OV190321250C13A_32_0\x01U|XP=15-0;|')
    const { ops, issues } = n.sync(tree, T0)
    expect(issues).toHaveLength(0)
    expect(ops[0]).toMatchObject({ op: 'upsert', entity: { score: { points: ['15', '0'] } } })
  })
})

describe('splitParticipants', () => {
  it('splits on " v ", " @ " and " vs "; nothing else', () => {
    expect(splitParticipants('Mariano Navone v Luciano Darderi')).toEqual([
      'Mariano Navone',
      'Luciano Darderi',
    ])
    expect(splitParticipants('Munich Ravens @ Frankfurt Galaxy')).toEqual([
      'Munich Ravens',
      'Frankfurt Galaxy',
    ])
    expect(sidesOf('Munich Ravens @ Frankfurt Galaxy')).toEqual({
      named: ['Munich Ravens', 'Frankfurt Galaxy'],
      home: ['Frankfurt Galaxy', 'Munich Ravens'],
      reversed: true,
    })
    expect(splitParticipants('Pakistan vs Australia - 1st ODI')).toEqual([
      'Pakistan',
      'Australia - 1st ODI',
    ])
    expect(splitParticipants('In-Play Coupon')).toBeNull()
  })
})
