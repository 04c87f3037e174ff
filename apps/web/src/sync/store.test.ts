import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RELAY_PROTOCOL, type SnapshotMessage } from '@oddsboard/model'
import { observeServerTime, resetServerTime, serverNow } from '../state/ticker'
import { dispatchMessage } from './store'

const snapshot = (ts?: number): SnapshotMessage => ({
  type: 'snapshot',
  protocol: RELAY_PROTOCOL,
  epoch: 'e1',
  seq: 0,
  ...(ts !== undefined && { ts }),
  entities: [],
  feeds: [],
})

describe("the proxy's clock from a connection's first message", () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
    resetServerTime()
    observeServerTime(Date.now()) // a zero offset before each test
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is taken from the snapshot, so ages are right before any delta arrives', () => {
    // this browser's clock is 10 minutes ahead of the proxy's
    dispatchMessage(snapshot(1_000_000 - 600_000), 1_000_000)
    expect(serverNow()).toBe(400_000)
    // the first delta of the connection does not move it
    dispatchMessage({ type: 'delta', epoch: 'e1', seq: 1, ts: 450_000, ops: [] }, 1_000_000)
    expect(serverNow()).toBe(400_000)
  })

  it('falls back to the first delta when the snapshot does not carry the time', () => {
    dispatchMessage(snapshot(), 1_000_000)
    dispatchMessage({ type: 'delta', epoch: 'e1', seq: 1, ts: 400_000, ops: [] }, 1_000_000)
    expect(serverNow()).toBe(400_000)
  })
})
