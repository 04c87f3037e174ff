/**
 * Issue 13 part 2: a frame counted as bad must leave no trace, at any layer (raw store,
 * indexes, entities). Each payload goes the feed's way: decode (`decodeMEvent`) then
 * `WinamaxStore.apply`; a throw from either is a bad frame.
 */
import { describe, expect, it } from 'vitest'
import { mFrames, readCapture } from './capture'
import { decodeEventFrame, decodeMEvent, WinamaxPayloadError } from './codec'
import { WinamaxStore } from './normalize'

const snapshotText = mFrames(readCapture().frames)[0]!.data

/** The capture's snapshot in a fresh store, applied the feed's way. */
function snapshotStore(): WinamaxStore {
  const store = new WinamaxStore()
  store.apply(decodeMEvent(decodeEventFrame(snapshotText).args), 1_000)
  return store
}

/** `{"deep":{"deep":…}}` nested `levels` times, as JSON text (as it comes off the socket). */
function nested(levels: number): string {
  return '{"deep":'.repeat(levels) + '1' + '}'.repeat(levels)
}

/** Applies one frame's JSON text the feed's way; returns the error of a bad frame, or null. */
function feedApply(store: WinamaxStore, text: string, now: number): Error | null {
  try {
    store.apply(decodeMEvent([JSON.parse(text)]), now)
    return null
  } catch (err) {
    return err as Error
  }
}

describe('issue 13: a rejected frame changes nothing', () => {
  // A = Slovénie - Kosovo (prematch); B = Torreense - FC Felgueiras. A's id sorts first, so
  // a merge that walks the matches in order reaches A before B.
  const A = '56418335'
  const B = '64890878'

  it('the exact scenario: a 20,000-level field, then a frame whose second half is that deep', () => {
    const store = snapshotStore()
    // 1. A match gets a field nested 20,000 levels deep.
    feedApply(store, `{"matches":{"${B}":{"deep":${nested(20_000)}}}}`, 2_000)
    // 2. One frame: A goes live 3-0, B gets the deep field again. Counted as bad.
    const bad = feedApply(
      store,
      `{"matches":{"${A}":{"status":"LIVE","score":"3:0"},"${B}":{"deep":${nested(20_000)}}}}`,
      3_000,
    )
    expect(bad).not.toBeNull()
    expect(store.entity('event', `winamax:m${A}`)).toMatchObject({ status: 'prematch' })
    // 3. A valid frame on A: A must still be prematch with no score.
    expect(feedApply(store, `{"matches":{"${A}":{"matchtime":5}}}`, 4_000)).toBeNull()
    const a = store.entity('event', `winamax:m${A}`)
    expect(a).toMatchObject({ status: 'prematch' })
    expect(a && 'score' in a ? a.score : undefined).toBeUndefined()
    expect(store.raw('matches')[A]!.status).toBe('PREMATCH')
    expect(store.raw('matches')[A]!.score).toBeUndefined()
  })

  it('nesting beyond what the book sends is refused up front with a clear reason', () => {
    const store = snapshotStore()
    const err = feedApply(store, `{"matches":{"${B}":{"deep":${nested(40)}}}}`, 2_000)
    expect(err).toBeInstanceOf(WinamaxPayloadError)
    expect(err!.message).toMatch(/nest/i)
    expect(store.raw('matches')[B]!.deep).toBeUndefined()
  })
})
