import { describe, expect, it } from 'vitest'
import type { Op } from '@oddsboard/model'
import { PRICE_HISTORY_POINTS } from '@oddsboard/model'
import { PriceHistory } from './history'
import { Hub } from './hub'
import { eventOp, selectionOp } from './test-helpers'

describe('PriceHistory', () => {
  it('keeps a bounded price history, one point per change of odds, at the delta time', () => {
    const history = new PriceHistory({ limit: 3 })
    let ts = 1000
    const step = (...ops: Op[]) => history.apply({ ts: (ts += 10), ops })
    step(selectionOp(1, 2), eventOp(1))
    step(selectionOp(1, 2, { suspended: true })) // same odds: no point
    step(selectionOp(1, null)) // unpriced: no point
    step(selectionOp(1, 2.1))
    expect(history.get(['winamax:s1'])).toEqual({
      'winamax:s1': [
        [1010, 2],
        [1040, 2.1],
      ],
    })
    step(selectionOp(1, 2.2))
    step(selectionOp(1, 2.3), selectionOp(2, 5))
    expect(history.get(['winamax:s1', 'unknown'])).toEqual({
      'winamax:s1': [
        [1040, 2.1],
        [1050, 2.2],
        [1060, 2.3],
      ],
    })
    expect(Object.keys(history.get())).toEqual(['winamax:s1', 'winamax:s2'])
    step({ op: 'remove', kind: 'selection', id: 'winamax:s1' })
    expect(history.get()).toEqual({ 'winamax:s2': [[1060, 5]] })
    expect(history.size).toBe(1)
  })

  it('adds points from patches that change odds, none from patches of other fields', () => {
    const history = new PriceHistory()
    const patch = (set: Record<string, unknown>): Op =>
      ({ op: 'patch', kind: 'selection', id: 'winamax:s1', set }) as Op
    history.apply({ ts: 10, ops: [selectionOp(1, 2)] })
    history.apply({ ts: 20, ops: [patch({ odds: 2.2, oddsText: '6/5' })] })
    history.apply({ ts: 30, ops: [patch({ suspended: true })] })
    history.apply({ ts: 40, ops: [patch({ odds: null })] }) // unpriced: no point
    history.apply({ ts: 50, ops: [patch({ odds: 2.2 })] }) // back to the last point's price
    history.apply({ ts: 60, ops: [patch({ odds: 2.4 })] })
    history.apply({
      ts: 70,
      ops: [{ op: 'patch', kind: 'event', id: 'winamax:e1', set: { name: 'odds' } }],
    })
    expect(history.get()).toEqual({
      'winamax:s1': [
        [10, 2],
        [20, 2.2],
        [60, 2.4],
      ],
    })
  })

  it('defaults to the one bound of the model', () => {
    expect(new PriceHistory().limit).toBe(PRICE_HISTORY_POINTS)
  })

  it('is a projection of the deltas a hub publishes', () => {
    let t = 5000
    const hub = new Hub({ now: () => t })
    const history = new PriceHistory()
    hub.onDelta((d) => history.apply(d.message))
    hub.push([selectionOp(1, 1.5)])
    hub.flush()
    t = 6000
    hub.push([selectionOp(1, 1.6, { updatedAt: 5_900 })])
    hub.push([selectionOp(1, 1.7, { updatedAt: 5_950 })]) // same window: only the last price
    const d = hub.flush()!
    expect(d.message.ops).toEqual([
      { op: 'patch', kind: 'selection', id: 'winamax:s1', set: { odds: 1.7 } },
    ])
    hub.close()
    expect(history.get()).toEqual({
      'winamax:s1': [
        [5000, 1.5],
        [6000, 1.7],
      ],
    })
  })
})
