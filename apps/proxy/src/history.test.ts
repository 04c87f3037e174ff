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
    hub.push([selectionOp(1, 1.6)])
    hub.push([selectionOp(1, 1.7)]) // same window: the delta carries only the last price
    hub.flush()
    hub.close()
    expect(history.get()).toEqual({
      'winamax:s1': [
        [5000, 1.5],
        [6000, 1.7],
      ],
    })
  })
})
