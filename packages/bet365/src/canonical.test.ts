import { describe, expect, it } from 'vitest'
import {
  clockSeconds,
  formatClock,
  marketMargin,
  type Entity,
  type Event,
  type Market,
  type Selection,
} from '@oddsboard/model'
import {
  clockOf,
  esportsName,
  formatBet365Time,
  marketTypeOf,
  outcomeOf,
  parseBet365Time,
  parseLine,
  sportKeyOf,
} from './canonical'
import { decodeServerFrame } from './codec'
import { inPlay2026Body, navoneDarderiRecords } from './fixtures'
import { Bet365Normalizer, projectTree } from './normalize'
import { TopicTree } from './tree'

const apply = (tree: TopicTree, frame: string): void => {
  const f = decodeServerFrame(frame)
  if (f.kind !== 'messages') throw new Error('expected messages')
  tree.applyFrame(f.messages)
}
const load2026 = (): TopicTree => {
  const tree = new TopicTree()
  apply(tree, `\x14OVInPlay_1_3\x01${inPlay2026Body()}`)
  return tree
}
const of = <T extends Entity>(entities: ReadonlyMap<string, Entity>, kind: T['kind']): T[] =>
  [...entities.values()].filter((e) => e.kind === kind) as T[]

/** The 2026 load's newest TU (Esoccer, `20260530180736`), read as UK time: 17:07:36 UTC. */
const LOAD_AT = Date.UTC(2026, 4, 30, 17, 7, 36)

describe('sport keys', () => {
  it('map Bet365 classification ids, then CL names, else other', () => {
    expect(sportKeyOf('1')).toBe('football')
    expect(sportKeyOf('13')).toBe('tennis')
    expect(sportKeyOf('17')).toBe('ice-hockey')
    expect(sportKeyOf('18')).toBe('basketball')
    expect(sportKeyOf('151')).toBe('esports')
    expect(sportKeyOf('12')).toBe('american-football')
    expect(sportKeyOf('2')).toBe('other') // horse racing: not in the closed list
    expect(sportKeyOf('7777', 'Golf')).toBe('golf')
    expect(sportKeyOf('7777', 'Pesapallo')).toBe('other')
  })

  it('Esoccer / E-Basketball competitions under a real sport are esports', () => {
    expect(esportsName('Esoccer Battle - 8 mins play')).toBe('Esoccer')
    expect(esportsName('E-Basketball H2H GG League - 4x5mins')).toBe('E-Basketball')
    expect(esportsName('Some Cup', 'ESOCH2HGG-8MP')).toBe('Esports')
    expect(esportsName('UEFA Champions League', 'UEFA-CL')).toBeNull()
    expect(esportsName('Estonia Meistriliiga')).toBeNull()
  })

  it('the 2026 load: six Esoccer events sit under an esports sport beside Soccer', () => {
    const { entities } = projectTree(load2026(), LOAD_AT)
    const esoccer = of<Event>(entities, 'event').filter((e) => e.sportId === 'bet365:cl1-e')
    expect(esoccer.map((e) => e.name)).toEqual([
      'Bayern (Cira) v A.Madrid (Sena)',
      'Real Madrid (cappo) v PSG (Bosko)',
      'A.Madrid (LAVA) v Liverpool (SMHAMILA)',
      'Portugal (BLITZ) v Spain (HORIZON)',
      'England (fantazer) v Spain (Fireball)',
      'Germany (Koss) v France (Senya)',
    ])
    expect(entities.get('bet365:ct1-e:Esoccer Battle - 8 mins play')).toMatchObject({
      sportId: 'bet365:cl1-e',
    })
  })
})

describe('market types, lines, outcomes and the main market', () => {
  it('by id first, then by name', () => {
    expect(marketTypeOf('1777', 'Fulltime Result', 3)).toBe('1x2')
    expect(marketTypeOf('1778', '8th Goal', 3)).toBe('next-goal')
    expect(marketTypeOf('1763', '', 2)).toBe('winner')
    expect(marketTypeOf('130468', 'Next Game', 2)).toBe('other')
    expect(marketTypeOf('', 'To Win Match', 2)).toBe('winner')
    expect(marketTypeOf('', 'Next Goal', 3)).toBe('next-goal')
    expect(marketTypeOf('', 'Match Goals', 2)).toBe('over-under')
    expect(marketTypeOf('', 'Asian Handicap', 2)).toBe('handicap')
    expect(marketTypeOf('', 'To Win Outright', 40)).toBe('outright')
    expect(marketTypeOf('', 'Winner', 40)).toBe('outright')
    expect(marketTypeOf('', 'Winner', 2)).toBe('winner')
    expect(marketTypeOf('', 'Correct Score', 17)).toBe('other')
  })

  it('lines from HA/HD or a name, Asian splits as their mean', () => {
    expect(parseLine('2.5')).toBe(2.5)
    expect(parseLine(' -20.5')).toBe(-20.5)
    expect(parseLine('+20.5')).toBe(20.5)
    expect(parseLine('O 2.5')).toBe(2.5)
    expect(parseLine('2.0,2.5')).toBe(2.25)
    expect(parseLine('-0.5,-1.0')).toBe(-0.75)
    expect(parseLine('Over')).toBeNull()
  })

  it('outcomes by position, names for totals, the home side of "A @ B" second', () => {
    const at = (order: number, name = '') => ({ order, name })
    expect([0, 1, 2].map((o) => outcomeOf('1x2', at(o), 3, false))).toEqual([
      'home',
      'draw',
      'away',
    ])
    expect([0, 1, 2].map((o) => outcomeOf('next-goal', at(o), 3, false))).toEqual([
      'home',
      'none',
      'away',
    ])
    expect([0, 1].map((o) => outcomeOf('winner', at(o), 2, true))).toEqual(['away', 'home'])
    expect(outcomeOf('over-under', at(1, 'Over'), 2, false)).toBe('over')
    expect(outcomeOf('over-under', { order: 0, name: 'x', hd: 'U 2.5' }, 2, false)).toBeUndefined()
    expect(outcomeOf('over-under', { order: 0, name: '', hd: 'U 2.5' }, 2, false)).toBe('under')
    expect(outcomeOf('other', at(0), 2, false)).toBeUndefined()
  })

  it('the 2026 load: every event with markets has exactly one main market; 8th Goal is next-goal', () => {
    const { entities } = projectTree(load2026(), LOAD_AT)
    const markets = of<Market>(entities, 'market')
    for (const e of of<Event>(entities, 'event')) {
      const own = markets.filter((m) => m.eventId === e.id)
      if (own.length > 0) expect(own.filter((m) => m.main)).toHaveLength(1)
    }
    const neretva = of<Event>(entities, 'event').find((e) => e.name.startsWith('NK Neretva'))!
    const goal = markets.find((m) => m.eventId === neretva.id)!
    expect(goal).toMatchObject({ name: '8th Goal', type: 'next-goal', main: true })
    const sels = of<Selection>(entities, 'selection').filter((s) => s.marketId === goal.id)
    expect(sels.map((s) => [s.name, s.outcome])).toEqual([
      ['NK Neretva', 'home'],
      ['No 8th Goal', 'none'],
      ['NK HV Posedarje', 'away'],
    ])
    expect(marketMargin(goal, sels)).toBeCloseTo(1 / 2.2 + 1 / (21 / 11) + 1 / 7.5 - 1, 5)
    // American football's 120201: a handicap whose line is the home side's (Frankfurt +20.5).
    const af = markets.find((m) => m.id === 'bet365:ma195509164-120201')!
    expect(af).toMatchObject({ type: 'handicap', line: 20.5, main: true })
  })

  it('a totals market gets its line from HA; with no OR=0 market the seed’s id table picks the main one', () => {
    const tree = new TopicTree()
    apply(
      tree,
      '\x14OVInPlay_1_3\x01F|CL;ID=1;IT=C1;NA=Soccer;|EV;ID=5C1A;IT=E5;NA=A v B;OI=55;FS=1;|' +
        'MA;FI=55;ID=10124;IT=M1;NA=Match Goals;OR=1;|PA;FI=55;HA=2.0,2.5;HD=O 2.0,2.5;ID=71;IT=P71;NA=Over;OD=5/6;OR=0;|' +
        'PA;FI=55;HA=2.0,2.5;HD=U 2.0,2.5;ID=72;IT=P72;NA=Under;OD=10/11;OR=1;|' +
        'MA;FI=55;ID=1777;IT=M2;NA=Fulltime Result;OR=2;|PA;FI=55;ID=73;IT=P73;NA=A;OD=2/1;OR=0;|' +
        'PA;FI=55;ID=74;IT=P74;NA=Draw;OD=2/1;OR=1;|PA;FI=55;ID=75;IT=P75;NA=B;OD=2/1;OR=2;|',
    )
    const { entities } = projectTree(tree, 1)
    expect(entities.get('bet365:ma55-10124')).toMatchObject({
      type: 'over-under',
      line: 2.25,
      main: false,
    })
    expect(entities.get('bet365:ma55-1777')).toMatchObject({ type: '1x2', main: true })
    expect((entities.get('bet365:pa71') as Selection).outcome).toBe('over')
    expect((entities.get('bet365:pa72') as Selection).outcome).toBe('under')
  })
})

describe('match clock: TM/TS as of TU (UK time), running when TT=1', () => {
  it('TU is UK wall-clock time: BST in summer, GMT in winter, clock changes at 01:00 UTC', () => {
    expect(parseBet365Time('20260530175327')).toBe(Date.UTC(2026, 4, 30, 16, 53, 27))
    expect(parseBet365Time('20260115120000')).toBe(Date.UTC(2026, 0, 15, 12, 0, 0))
    // 2026: BST from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
    expect(parseBet365Time('20260329005959')).toBe(Date.UTC(2026, 2, 29, 0, 59, 59))
    expect(parseBet365Time('20260329020000')).toBe(Date.UTC(2026, 2, 29, 1, 0, 0))
    expect(parseBet365Time('20261025003000')).toBe(Date.UTC(2026, 9, 24, 23, 30, 0))
    expect(parseBet365Time('20261025020000')).toBe(Date.UTC(2026, 9, 25, 2, 0, 0))
    expect(parseBet365Time('')).toBeNull()
    expect(parseBet365Time('2026053017')).toBeNull()
    expect(parseBet365Time('20261325000000')).toBeNull()
    for (const t of [Date.UTC(2026, 4, 30, 16, 53, 27), Date.UTC(2026, 11, 1, 9, 0, 1)]) {
      expect(parseBet365Time(formatBet365Time(t))).toBe(t)
    }
  })

  it('the 2026 load reads plausibly: half time for PSG v Arsenal, second halves under 90 minutes', () => {
    const { entities } = projectTree(load2026(), LOAD_AT)
    const events = new Map(of<Event>(entities, 'event').map((e) => [e.name, e]))
    // The Champions League final kicked off at 16:00 UTC; TU 17:53:27 BST = 16:53:27 UTC,
    // 53 minutes later, with the clock stopped at 45:00: half time.
    expect(events.get('PSG v Arsenal')!.clock).toEqual({
      running: false,
      seconds: 2700,
      at: Date.UTC(2026, 4, 30, 16, 53, 27),
      period: 'Half time',
    })
    // TM=69;TS=59;TT=1;TU=20260530175439: 69:59 at 16:54:39 UTC, 82:56 at the load's time.
    const predavac = events.get('NK Dinamo Predavac v NK Polet Sv Martin')!.clock!
    expect(predavac).toEqual({
      running: true,
      seconds: 4199,
      at: Date.UTC(2026, 4, 30, 16, 54, 39),
    })
    expect(formatClock(clockSeconds(predavac, LOAD_AT))).toBe('82:56')
    // Every running football clock is inside a match at the load's time (read as UTC, the
    // Croatian matches would be at 142 minutes).
    const football = of<Event>(entities, 'event').filter(
      (e) => e.sportId === 'bet365:cl1' && e.clock?.running === true,
    )
    expect(football.length).toBeGreaterThan(25)
    for (const e of football) {
      const s = clockSeconds(e.clock!, LOAD_AT)
      expect(s, e.name).toBeGreaterThanOrEqual(0)
      expect(s, e.name).toBeLessThan(95 * 60)
    }
    // Esoccer "8 mins play": inside its 8 minutes.
    const bayern = events.get('Bayern (Cira) v A.Madrid (Sena)')!
    expect(formatClock(clockSeconds(bayern.clock!, LOAD_AT))).toBe('07:31')
  })

  it('tennis, cricket and countdown sports get no clock; a clock without TU keeps its first time', () => {
    const fields = { TM: '12', TS: '5', TT: '1' }
    expect(clockOf(fields, 'tennis', 5)).toBeUndefined()
    expect(clockOf(fields, 'basketball', 5)).toBeUndefined()
    expect(clockOf(fields, 'football', 5)).toEqual({ running: true, seconds: 725, at: 5 })
    expect(clockOf({ TM: '0', TS: '0', TT: '0' }, 'football', 5)).toBeUndefined()

    const tree = new TopicTree()
    apply(tree, '\x14T\x01F|CL;ID=1;IT=C1;NA=Soccer;|EV;ID=9C1A;IT=E9;NA=A v B;TM=10;TS=0;TT=1;|')
    const n = new Bet365Normalizer()
    n.sync(tree, 1000)
    apply(tree, '\x14T\x01F|CL;ID=1;IT=C1;NA=Soccer;|EV;ID=9C1A;IT=E9;NA=A v B;TM=10;TS=0;TT=1;|')
    expect(n.sync(tree, 9000).ops).toEqual([])
    expect((n.entities().get('bet365:ev9') as Event).clock).toEqual({
      running: true,
      seconds: 600,
      at: 1000,
    })
  })
})

describe('updatedAt: the receive time of the last real change', () => {
  const seed = (): TopicTree => {
    const tree = new TopicTree()
    apply(
      tree,
      `\x14OVInPlay_32_0\x01F|CL;ID=13;IT=OV_13_32_0;NA=Tennis;|${navoneDarderiRecords().join('|')}|`,
    )
    return tree
  }

  it('a reload that brings nothing new upserts nothing and keeps every updatedAt', () => {
    const tree = load2026()
    const n = new Bet365Normalizer()
    n.sync(tree, 1000)
    const before = new Map(n.entities())
    apply(tree, `\x14OVInPlay_1_3\x01${inPlay2026Body()}`)
    expect(n.sync(tree, 5000).ops).toEqual([])
    for (const [id, e] of n.entities()) expect(e, id).toBe(before.get(id))
  })

  it('a price move stamps that selection; a score stamps the event; the rest keep theirs', () => {
    const tree = seed()
    const n = new Bet365Normalizer()
    n.sync(tree, 1000)
    apply(tree, '\x15OV190340113-701873422_32_0\x01U|OD=4/1;|')
    n.sync(tree, 2000)
    const at = (id: string) => (n.entities().get(id) as Event | Selection).updatedAt
    expect(at('bet365:pa701873422')).toBe(2000)
    expect(at('bet365:pa701873420')).toBe(1000)
    expect(at('bet365:ev190321250')).toBe(1000)
    apply(tree, '\x15OV190321250C13A_32_0\x01U|XP=40-30;|')
    n.sync(tree, 3000)
    expect(at('bet365:ev190321250')).toBe(3000)
    expect(at('bet365:pa701873422')).toBe(2000)
    // A U of a field the model does not show (TU on a tennis event) changes nothing.
    apply(tree, '\x15OV190321250C13A_32_0\x01U|TU=20260225235715;|')
    expect(n.sync(tree, 4000).ops).toEqual([])
    expect(at('bet365:ev190321250')).toBe(3000)
    // A reload with the same prices after a reconnect keeps them; the moved one is stamped.
    const reload = navoneDarderiRecords().map((r) => r.replace('OD=9/2;', 'OD=5/1;'))
    apply(tree, `\x14OVInPlay_32_0\x01F|CL;ID=13;IT=OV_13_32_0;NA=Tennis;|${reload.join('|')}|`)
    const ops = n.sync(tree, 5000).ops
    expect(ops.map((o) => (o.op === 'upsert' ? o.entity.id : o.op))).toEqual([
      'bet365:ev190321250',
      'bet365:pa701873422',
    ])
    expect(at('bet365:pa701873420')).toBe(1000)
  })
})
