import { describe, expect, it } from 'vitest'
import { decodeServerFrame, type ZapMessage } from './codec'
import { inPlay2026Body, navoneDarderiRecords } from './fixtures'
import { parseZapTime, TopicTree, TreeError } from './tree'

const messages = (frame: string): ZapMessage[] => {
  const f = decodeServerFrame(frame)
  if (f.kind !== 'messages') throw new Error('expected messages')
  return f.messages
}
const apply = (tree: TopicTree, frame: string) => messages(frame).map((m) => tree.apply(m))

const seedLoad = (): string => `\x14OVInPlay_32_0\x01F|${navoneDarderiRecords().join('|')}|`

const EV = 'OV190321250C13A_32_0'
const NAVONE = 'OV190340113-701873422_32_0'
const DARDERI = 'OV190340113-701873420_32_0'

const treeReason = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(TreeError)
    return (e as TreeError).reason
  }
  throw new Error('expected a TreeError')
}

describe('TopicTree on the real 2026 in-play load', () => {
  it('nests CL > EV > MA > PA by record kind and keys every node by IT', () => {
    const tree = new TopicTree()
    apply(tree, `\x14OVInPlay_1_3\x01${inPlay2026Body()}`)
    expect(tree.size).toBe(310)
    const roots = tree.roots('OVInPlay_1_3')
    expect(roots.map((n) => n.fields.NA)).toEqual([
      'Soccer',
      'Tennis',
      'Cricket',
      'American Football',
    ])
    const tennis = tree.get('CL_13_1_3')!
    expect(tennis.children.filter((c) => c.type === 'EV')).toHaveLength(23)
    const ev = tree.get('L13-1-5-134323248-5-20000625_1_3')!
    expect(ev.fields.NA).toBe('Andre Ilagan v Aidan Mayo')
    expect(ev.parent).toBe(tennis)
    const ma = ev.children[0]!
    expect(ma.type).toBe('MA')
    expect(ma.children.map((p) => p.fields.NA)).toEqual(['Andre Ilagan', 'Aidan Mayo'])
    expect(tree.get('L195477062-1400297231_1_3')!.parent).toBe(ma)
  })
})

describe('TopicTree ops on the seed example', () => {
  it('F loads, U merges changed fields, I inserts under the parent, D removes the subtree', () => {
    const tree = new TopicTree()
    apply(tree, seedLoad())
    expect(tree.size).toBe(5)
    expect(tree.get(EV)!.parent!.fields.NA).toBe('ATP Santiago')
    // The seed's "Mixed update": odds of both players and the score in one frame.
    const results = apply(
      tree,
      [
        `\x15${NAVONE}\x01U|OD=4/1;|`,
        `\x15${DARDERI}\x01U|OD=1/6;|`,
        `\x15${EV}\x01U|PI=0,1;XP=0-0;SS=3-6,1-0;|`,
      ].join('\x08'),
    )
    expect(results.every((r) => r.changed)).toBe(true)
    expect(tree.get(NAVONE)!.fields.OD).toBe('4/1')
    expect(tree.get(EV)!.fields).toMatchObject({
      PI: '0,1',
      XP: '0-0',
      SS: '3-6,1-0',
      NA: 'Mariano Navone v Luciano Darderi',
    })
    // The same values again change nothing.
    expect(apply(tree, `\x15${EV}\x01U|XP=0-0;|`)[0]!.changed).toBe(false)

    const ma = 'OV190321250C13-1763_32_0'
    apply(tree, `\x15${ma}\x01I|PA;FI=190340113;ID=7;IT=OVnew-7_32_0;NA=Someone;OD=2/1;OR=2;SU=0;|`)
    expect(tree.get('OVnew-7_32_0')!.parent).toBe(tree.get(ma))
    expect(tree.get(ma)!.children).toHaveLength(3)

    const d = apply(tree, `\x15${EV}\x01D||`)[0]!
    expect(d.changed).toBe(true)
    for (const it of [EV, ma, NAVONE, DARDERI, 'OVnew-7_32_0']) expect(tree.get(it)).toBeUndefined()
    expect(tree.size).toBe(1) // the CT record
    expect(apply(tree, `\x15${EV}\x01D||`)[0]!.changed).toBe(false)
  })

  it('a new F load replaces the topic: nodes missing from it are gone', () => {
    const tree = new TopicTree()
    apply(tree, seedLoad())
    const records = navoneDarderiRecords().filter((r) => !r.includes('701873420'))
    apply(tree, `\x14OVInPlay_32_0\x01F|${records.join('|')}|`)
    expect(tree.size).toBe(4)
    expect(tree.get(DARDERI)).toBeUndefined()
  })

  it('__time keeps the server clock', () => {
    const tree = new TopicTree()
    const [r] = apply(tree, '\x15__time\x01U|IN;TI=20260225235708061;UF=10;|')
    expect(r!.time).toBe(true)
    expect(tree.serverTime).toBe(Date.UTC(2026, 1, 25, 23, 57, 8, 61))
    expect(parseZapTime('20171127171439306')).toBe(Date.UTC(2017, 10, 27, 17, 14, 39, 306))
    expect(parseZapTime('2018092210')).toBeNull()
  })

  it('EMPTY and ER records become clear errors, with session topics redacted', () => {
    const tree = new TopicTree()
    apply(tree, seedLoad())
    const [empty] = apply(tree, '\x14EMPTY\x01F|IN;EM=1;TO=OVInPlay_32_0;|')
    expect(empty!.errors).toEqual([
      { code: 'EMPTY', topic: 'OVInPlay_32_0', message: 'no such topic: OVInPlay_32_0' },
    ])
    expect(empty!.changed).toBe(true)
    expect(tree.size).toBe(0)
    // Real frames (captures MohamedRouatbi, mahendrakalkura #5).
    const [er] = apply(
      tree,
      '\x14S_0123456789ABCDEF0123456789ABCDEF000003\x01F|ER;RT=2;IT=S_0123456789ABCDEF0123456789ABCDEF000003;|',
    )
    expect(er!.errors).toEqual([
      { code: 'ER', topic: 'S_…', message: 'server error record RT=2 on topic S_…' },
    ])
    const [e2] = apply(
      tree,
      '\x14EMPTY\x01F|IN;EM=1;TO= S_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX000003;|',
    )
    expect(e2!.errors[0]!.message).toBe('no such topic: S_…')
    expect(JSON.stringify([er, e2])).not.toContain('0123456789ABCDEF')
  })
})

describe('TopicTree bad input: rejected whole, the tree unchanged', () => {
  const snapshot = (tree: TopicTree) =>
    JSON.stringify([...tree.nodes()].map((n) => [n.it, n.fields, n.parent?.it ?? null]))

  it('a U for a node that does not exist', () => {
    const tree = new TopicTree()
    apply(tree, seedLoad())
    const before = snapshot(tree)
    expect(treeReason(() => apply(tree, '\x15OVnope_32_0\x01U|XP=15-0;|'))).toBe(
      'update for a node that does not exist',
    )
    expect(snapshot(tree)).toBe(before)
  })

  it('odds like abc/0 or 5/0, in a U, an I or an F', () => {
    const tree = new TopicTree()
    apply(tree, seedLoad())
    const before = snapshot(tree)
    const version = tree.version
    expect(treeReason(() => apply(tree, `\x15${NAVONE}\x01U|SU=1;OD=abc/0;|`))).toBe(
      'malformed fractional odds OD',
    )
    expect(treeReason(() => apply(tree, `\x15${NAVONE}\x01U|OD=5/0;|`))).toBe(
      'fractional odds OD with zero denominator',
    )
    expect(
      treeReason(() => apply(tree, '\x15OV190321250C13-1763_32_0\x01I|PA;IT=OVx_32_0;OD=abc/0;|')),
    ).toBe('malformed fractional odds OD')
    const badLoad = seedLoad().replace('OD=9/2', 'OD=abc/0')
    expect(treeReason(() => apply(tree, badLoad))).toBe('malformed fractional odds OD')
    expect(snapshot(tree)).toBe(before)
    expect(tree.version).toBe(version)
    expect(tree.get(NAVONE)!.fields.SU).toBe('0') // the SU=1 of the bad U was not applied
    // `0/0` is the unpriced marker, not an error.
    expect(apply(tree, `\x15${NAVONE}\x01U|OD=0/0;|`)[0]!.changed).toBe(true)
  })

  it('an I under a node that does not exist; a __time without TI', () => {
    const tree = new TopicTree()
    apply(tree, seedLoad())
    expect(treeReason(() => apply(tree, '\x15OVnope\x01I|PA;IT=OVy_32_0;OD=1/2;|'))).toBe(
      'insert under a node that does not exist',
    )
    expect(tree.get('OVy_32_0')).toBeUndefined()
    expect(treeReason(() => apply(tree, '\x15__time\x01U|IN;UF=55;|'))).toBe(
      '__time without a valid TI',
    )
  })
})
