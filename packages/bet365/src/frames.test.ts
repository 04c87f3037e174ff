import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeServerFrame, encodeFrame, ZapDecodeError, type ZapMessage } from './codec'
import { INPLAY_2026_TOPIC, inPlay2026Body } from './fixtures'
import { Bet365Normalizer } from './normalize'
import { TopicTree, TreeError } from './tree'

/**
 * A frame is applied whole or not at all, at every layer (issue 13): a feed that meets valid
 * and malformed frames in any order ends in exactly the state (topic tree, then normalized
 * entities with their `updatedAt`) of the valid frames alone. This drives the tree and the
 * normalizer as `feed.ts` does: decode, `applyFrame`, `sync` with the frame's receive time.
 */

const LOAD = `\x14${INPLAY_2026_TOPIC}\x01${inPlay2026Body()}`

/** ITs of the real 2026 load that deltas target (never deleted by the generated frames). */
const tree0 = new TopicTree()
{
  const f = decodeServerFrame(LOAD)
  if (f.kind === 'messages') tree0.applyFrame(f.messages)
}
const nodes = [...tree0.nodes()]
const EVENT_ITS = nodes.filter((n) => n.type === 'EV').map((n) => n.it)
const SELECTION_ITS = nodes.filter((n) => n.type === 'PA').map((n) => n.it)

const u = (topic: string, fields: Record<string, string>): ZapMessage => ({
  kind: 'delta',
  topic,
  op: 'U',
  records: [{ type: '', fields }],
})

const validMessage: fc.Arbitrary<ZapMessage> = fc.oneof(
  fc
    .record({
      it: fc.constantFrom(...SELECTION_ITS),
      od: fc.constantFrom('1/2', '5/1', '11/10', '0/0', '100/1'),
      su: fc.constantFrom(undefined, '0', '1'),
    })
    .map(({ it, od, su }) => u(it, su === undefined ? { OD: od } : { OD: od, SU: su })),
  fc
    .record({
      it: fc.constantFrom(...EVENT_ITS),
      ss: fc.constantFrom('1-0', '2-2', '6-4,1-0', '3-6,7-6,0-0'),
      xp: fc.constantFrom('0-0', '15-40', 'A-40', '50-0'),
      tm: fc.integer({ min: 0, max: 95 }),
      tt: fc.constantFrom('0', '1'),
      tu: fc.constantFrom('20260530180000', '20260530181500', ''),
    })
    .map(({ it, ss, xp, tm, tt, tu }) =>
      u(it, { SS: ss, XP: xp, TM: String(tm), TS: '0', TT: tt, TU: tu }),
    ),
  fc.integer({ min: 1, max: 5 }).map((n): ZapMessage => ({
    kind: 'delta',
    topic: 'CL_1_1_3',
    op: 'I',
    records: [
      {
        type: 'EV',
        fields: {
          IT: `XEV${n}`,
          ID: `77${n}C1A`,
          NA: `Home ${n} v Away ${n}`,
          OI: `88${n}`,
          FS: '1',
          TM: '3',
          TT: '1',
        },
      },
      {
        type: 'MA',
        fields: { IT: `XMA${n}`, FI: `88${n}`, ID: '1777', NA: 'Fulltime Result', OR: '0' },
      },
      {
        type: 'PA',
        fields: { IT: `XPA${n}`, FI: `88${n}`, ID: `99${n}`, NA: 'Draw', OD: '2/1', OR: '1' },
      },
    ],
  })),
  fc
    .integer({ min: 1, max: 5 })
    .map((n): ZapMessage => ({ kind: 'delta', topic: `XEV${n}`, op: 'D', records: [] })),
  fc.constant(u('__time', { TI: '20260530180102003', UF: '55' })),
)

/** A message that can never be applied, whatever the state: the tree throws TreeError. */
const badMessage: fc.Arbitrary<ZapMessage> = fc.oneof(
  fc.constant(u('NOPE_1_3', { OD: '1/2' })),
  fc.constantFrom(...SELECTION_ITS).map((it) => u(it, { OD: '3/0' })),
  fc.constantFrom(...SELECTION_ITS).map((it) => u(it, { OD: 'evens' })),
  fc.constant<ZapMessage>({
    kind: 'delta',
    topic: 'NOPE_1_3',
    op: 'I',
    records: [{ type: 'PA', fields: { IT: 'Y1', OD: '1/2' } }],
  }),
  fc.constant(u('__time', { TI: 'yesterday' })),
)

type Frame = { text: string; valid: boolean }

const validFrame: fc.Arbitrary<Frame> = fc
  .array(validMessage, { minLength: 1, maxLength: 3 })
  .map((ms) => ({ text: encodeFrame(ms), valid: true }))

/** Valid messages around one bad one (the bad one anywhere), or a valid frame that does not decode. */
const malformedFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc
    .tuple(
      fc.array(validMessage, { maxLength: 2 }),
      badMessage,
      fc.array(validMessage, { maxLength: 2 }),
    )
    .map(([before, bad, after]) => ({
      text: encodeFrame([...before, bad, ...after]),
      valid: false,
    })),
  // No topic end in the first message: the decoder refuses the whole frame.
  validFrame.map((f) => ({ text: f.text.replace('\x01', ''), valid: false })),
)

/** Feeds frames as the feed does; returns the final state and how many frames were refused. */
function run(frames: readonly Frame[]): { tree: string; entities: string; bad: number } {
  const tree = new TopicTree()
  const normalizer = new Bet365Normalizer()
  let bad = 0
  const receive = (text: string, receivedAt: number): void => {
    const before = tree.version
    try {
      const f = decodeServerFrame(text)
      if (f.kind !== 'messages') return
      tree.applyFrame(f.messages)
    } catch (e) {
      if (!(e instanceof ZapDecodeError) && !(e instanceof TreeError)) throw e
      bad++
      return
    }
    if (tree.version !== before) normalizer.sync(tree, receivedAt)
  }
  receive(LOAD, 0)
  // Receive times are the frame's position, so both runs stamp the same times.
  frames.forEach((f, i) => receive(f.text, 1000 * (i + 1)))
  return {
    tree: JSON.stringify(tree.toJSON(INPLAY_2026_TOPIC)),
    entities: JSON.stringify([...normalizer.entities()]),
    bad,
  }
}

describe('frames are applied whole or not at all (fast-check)', () => {
  it('valid and malformed frames interleaved end in the state of the valid frames alone', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(validFrame, malformedFrame), { maxLength: 25 }), (frames) => {
        const all = run(frames)
        const validOnly = run(frames.map((f) => (f.valid ? f : { text: '', valid: false })))
        expect(all.bad).toBe(frames.filter((f) => !f.valid).length)
        expect(all.tree).toBe(validOnly.tree)
        expect(all.entities).toBe(validOnly.entities)
      }),
      { numRuns: 60 },
    )
  })

  it('a frame whose second message fails leaves no trace of its first (tree and entities)', () => {
    const tree = new TopicTree()
    const f = decodeServerFrame(LOAD)
    if (f.kind === 'messages') tree.applyFrame(f.messages)
    const normalizer = new Bet365Normalizer()
    normalizer.sync(tree, 1)
    const before = JSON.stringify(tree.toJSON(INPLAY_2026_TOPIC))
    const version = tree.version
    const it0 = SELECTION_ITS[0]!
    const frame = decodeServerFrame(
      encodeFrame([
        u(it0, { OD: '9/1', SU: '1' }),
        {
          kind: 'delta',
          topic: 'CL_1_1_3',
          op: 'I',
          records: [{ type: 'EV', fields: { IT: 'Z1', NA: 'A v B' } }],
        },
        u('EV_THAT_IS_NOT_THERE', { SS: '1-0' }),
      ]),
    )
    if (frame.kind !== 'messages') throw new Error('expected messages')
    expect(() => tree.applyFrame(frame.messages)).toThrow(TreeError)
    expect(JSON.stringify(tree.toJSON(INPLAY_2026_TOPIC))).toBe(before)
    expect(tree.version).toBe(version)
    expect(tree.get('Z1')).toBeUndefined()
    expect(tree.get(it0)!.fields.SU).toBe('0')
    expect(normalizer.sync(tree, 2).ops).toEqual([])
  })
})
