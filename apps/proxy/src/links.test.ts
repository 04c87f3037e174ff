import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CanonicalEvent, Op, Source, SportKey } from '@oddsboard/model'
import { FakeFeed } from './fake-feed'
import { Hub } from './hub'
import { Linker } from './links'
import { LINKS_FILE, LinkStore, LinkStoreError } from './linkStore'

const DAY = Date.UTC(2026, 4, 30, 19)

/** A book's listing of one match: sport, competition and event upserts. */
function listing(
  source: Source,
  native: string,
  sport: SportKey,
  home: string,
  away: string,
  options: { start?: number; competition?: string; region?: string } = {},
): Op[] {
  const sportId = `${source}:sport-${sport}`
  const competitionId = `${source}:comp-${options.competition ?? 'x'}`
  const sep = source === 'winamax' ? ' - ' : ' v '
  return [
    { op: 'upsert', entity: { kind: 'sport', id: sportId, source, key: sport, name: sport } },
    {
      op: 'upsert',
      entity: {
        kind: 'competition',
        id: competitionId,
        source,
        sportId,
        name: options.competition ?? 'Some League',
        ...(options.region !== undefined && { region: options.region }),
      },
    },
    {
      op: 'upsert',
      entity: {
        kind: 'event',
        id: `${source}:${native}`,
        source,
        sportId,
        competitionId,
        name: `${home}${sep}${away}`,
        participants: [home, away],
        startTime: options.start ?? DAY,
        status: 'prematch',
        updatedAt: 1,
      },
    },
  ]
}

const removeEvent = (id: string): Op => ({ op: 'remove', kind: 'event', id })

const dirs: string[] = []
const closers: (() => void)[] = []
afterEach(() => {
  for (const c of closers.splice(0)) c()
})

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'oddsboard-links-'))
  dirs.push(d)
  return d
}

/** A hub fed by three fake books and a linker that runs only when told (long debounce). */
async function setup(dir = tempDir()) {
  const hub = new Hub({ coalesceMs: 1 })
  const feeds = {
    winamax: new FakeFeed('winamax'),
    bet365: new FakeFeed('bet365'),
    kwiff: new FakeFeed('kwiff'),
  }
  for (const f of Object.values(feeds)) hub.addFeed(f)
  const store = await LinkStore.open(dir)
  const linker = new Linker({ hub, store, debounceMs: 3_600_000 })
  closers.push(
    () => linker.close(),
    () => hub.close(),
  )
  /** Emits each book's ops, applies them, runs a pass and applies its ops. */
  const step = (ops: Partial<Record<Source, Op[]>> = {}) => {
    for (const [s, o] of Object.entries(ops)) feeds[s as Source].emit(o)
    hub.flush()
    linker.run()
    hub.flush()
    return [...hub.state.canonical.values()]
  }
  return { hub, feeds, store, linker, step, dir }
}

const memberIds = (c: CanonicalEvent) => c.members.map((m) => m.eventId)

describe('Linker', () => {
  it('gives the same match from three books one canonical event, members in book order', async () => {
    const { step } = await setup()
    const out = step({
      kwiff: [
        ...listing('kwiff', 'k1', 'football', 'SSC Napoli', 'AC Milan'),
        ...listing('kwiff', 'k2', 'tennis', 'Gonzalo Lama', 'Juan Manuel Cerundolo'),
      ],
      bet365: [
        ...listing('bet365', 'b1', 'football', 'Napoli', 'AC Milan', { start: DAY + 600_000 }),
        ...listing('bet365', 'b2', 'tennis', 'Juan Manuel Cerundolo', 'Gonzalo Lama'),
      ],
      winamax: [
        ...listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
        ...listing('winamax', 'w2', 'tennis', 'Cerundolo J.M.', 'Lama G.'),
      ],
    })
    expect(out).toHaveLength(2)
    const football = out.find((c) => c.sport === 'football')!
    expect(memberIds(football)).toEqual(['winamax:w1', 'bet365:b1', 'kwiff:k1'])
    expect(football.members.map((m) => m.swapped)).toEqual([false, false, false])
    expect(football).toMatchObject({
      id: expect.stringMatching(/^canonical:\d+$/),
      // named by the English-writing book (Bet365), in the canonical (first member's) order
      name: 'Napoli v AC Milan',
      participants: ['Napoli', 'AC Milan'],
      startTime: DAY,
    })
    for (const m of football.members) {
      expect(m.by).toBe('matcher')
      expect(m.score).toBeGreaterThanOrEqual(0.76)
      expect(m.reasons.some((r) => r.startsWith('names'))).toBe(true)
    }
    const tennis = out.find((c) => c.sport === 'tennis')!
    expect(memberIds(tennis)).toEqual(['winamax:w2', 'bet365:b2', 'kwiff:k2'])
    // Kwiff lists Lama first: its home is the canonical away
    expect(tennis.members.map((m) => m.swapped)).toEqual([false, false, true])
    expect(tennis.name).toBe('Juan Manuel Cerundolo v Gonzalo Lama')
  })

  it('names a group from a crossed English-writing member in the canonical side order', async () => {
    const { step } = await setup()
    const out = step({
      winamax: listing('winamax', 'w2', 'tennis', 'Cerundolo J.M.', 'Lama G.', {
        competition: 'Roland-Garros Messieurs',
      }),
      kwiff: listing('kwiff', 'k2', 'tennis', 'Gonzalo Lama', 'Juan Manuel Cerundolo', {
        competition: 'French Open Men',
      }),
    })
    expect(out).toHaveLength(1)
    expect(out[0]!.members.map((m) => m.swapped)).toEqual([false, true])
    expect(out[0]!.participants).toEqual(['Juan Manuel Cerundolo', 'Gonzalo Lama'])
    expect(out[0]!.name).toBe('Juan Manuel Cerundolo v Gonzalo Lama')
    // the competition as the naming member's book writes it
    expect(out[0]!.competition).toBe('French Open Men')
  })

  it('keeps the reverse fixture and a U21 side out of the group', async () => {
    const { step } = await setup()
    const out = step({
      winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
      bet365: [
        ...listing('bet365', 'rev', 'football', 'AC Milan', 'Napoli'),
        ...listing('bet365', 'u21', 'football', 'Napoli U21', 'AC Milan U21'),
      ],
      kwiff: listing('kwiff', 'k1', 'football', 'SSC Napoli', 'AC Milan'),
    })
    expect(out.map(memberIds)).toEqual([['winamax:w1', 'kwiff:k1']])
  })

  it('leaves a match alone on one book unpublished (no group of one)', async () => {
    const { step } = await setup()
    expect(
      step({
        winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
        bet365: listing('bet365', 'b9', 'football', 'Arsenal', 'Chelsea'),
      }),
    ).toEqual([])
  })

  it('splits on a user unlink, and the matcher does not merge the pair again', async () => {
    const { step, linker, hub } = await setup()
    const [before] = step({
      winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
      bet365: listing('bet365', 'b1', 'football', 'Napoli', 'AC Milan'),
      kwiff: listing('kwiff', 'k1', 'football', 'SSC Napoli', 'AC Milan'),
    })
    expect(memberIds(before!)).toHaveLength(3)
    await linker.decide('unlink', 'kwiff:k1', 'winamax:w1')
    hub.flush()
    let out = [...hub.state.canonical.values()]
    // bet365 matches both, but kwiff may not share a group with winamax: the higher pair stays
    expect(out).toHaveLength(1)
    expect(out[0]!.id).toBe(before!.id)
    expect(memberIds(out[0]!)).not.toEqual(expect.arrayContaining(['winamax:w1', 'kwiff:k1']))
    // names change, passes run again: still apart
    out = step({
      kwiff: listing('kwiff', 'k1', 'football', 'Napoli', 'Milan'),
      winamax: listing('winamax', 'w1', 'football', 'Napoli', 'Milan'),
    })
    for (const c of out) {
      expect(memberIds(c)).not.toEqual(expect.arrayContaining(['winamax:w1', 'kwiff:k1']))
    }
    // with the other book gone, the two still never meet
    out = step({ bet365: [removeEvent('bet365:b1')] })
    expect(out).toEqual([])
  })

  it('joins two events the matcher did not on a user link, and a later link wins', async () => {
    const { step, linker, hub } = await setup()
    expect(
      step({
        winamax: listing('winamax', 'w1', 'football', 'Équipe Alpha', 'Équipe Bêta'),
        kwiff: [
          ...listing('kwiff', 'k1', 'football', 'Gamma Rovers', 'Delta Town'),
          ...listing('kwiff', 'k2', 'football', 'Delta Town', 'Gamma Rovers'),
        ],
      }),
    ).toEqual([])
    await linker.decide('link', 'winamax:w1', 'kwiff:k1')
    hub.flush()
    let [c] = [...hub.state.canonical.values()]
    expect(memberIds(c!)).toEqual(['winamax:w1', 'kwiff:k1'])
    expect(c!.members.every((m) => m.by === 'user' && m.score === 1)).toBe(true)
    expect(c!.members[1]!.reasons).toEqual(['linked by user'])
    // a later link of the same event to another of that book takes its place
    await linker.decide('link', 'kwiff:k2', 'winamax:w1')
    hub.flush()
    ;[c] = [...hub.state.canonical.values()]
    expect(memberIds(c!)).toEqual(['winamax:w1', 'kwiff:k2'])
    // and an unlink of that pair ends it
    await linker.decide('unlink', 'winamax:w1', 'kwiff:k2')
    hub.flush()
    expect(memberIds([...hub.state.canonical.values()][0]!)).toEqual(['winamax:w1', 'kwiff:k1'])
  })

  it('reads the sides of a user link by name: swapped when listed the other way round', async () => {
    const { step, linker, hub } = await setup()
    expect(
      step({
        winamax: listing('winamax', 'w1', 'tennis', 'Cerundolo J.M.', 'Lama G.'),
        // three days later: the matcher refuses, the user knows better
        kwiff: listing('kwiff', 'k1', 'tennis', 'Gonzalo Lama', 'Juan Manuel Cerundolo', {
          start: DAY + 3 * 86_400_000,
        }),
      }),
    ).toEqual([])
    await linker.decide('link', 'winamax:w1', 'kwiff:k1')
    hub.flush()
    const [c] = [...hub.state.canonical.values()]
    expect(c!.members.map((m) => [m.eventId, m.swapped])).toEqual([
      ['winamax:w1', false],
      ['kwiff:k1', true],
    ])
    expect(c!.startTime).toBe(DAY)
  })

  it('puts a user link before the matcher: the matched partner makes way', async () => {
    const { step, linker, hub } = await setup()
    const [c] = step({
      winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
      bet365: [
        ...listing('bet365', 'b1', 'football', 'Napoli', 'AC Milan'),
        ...listing('bet365', 'b2', 'football', 'Naples Reserves', 'AC Milan Reserves'),
      ],
    })
    expect(memberIds(c!)).toEqual(['winamax:w1', 'bet365:b1'])
    await linker.decide('link', 'winamax:w1', 'bet365:b2')
    hub.flush()
    const out = [...hub.state.canonical.values()]
    expect(out.map(memberIds)).toEqual([['winamax:w1', 'bet365:b2']])
    expect(out[0]!.id).toBe(c!.id)
  })

  it('keeps ids while a group keeps a member, and removes a group whose events all left', async () => {
    const { step } = await setup()
    const [first] = step({
      winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
      bet365: listing('bet365', 'b1', 'football', 'Napoli', 'AC Milan'),
      kwiff: listing('kwiff', 'k1', 'football', 'SSC Napoli', 'AC Milan'),
    })
    let out = step({ winamax: [removeEvent('winamax:w1')] })
    expect(out.map((c) => [c.id, memberIds(c)])).toEqual([[first!.id, ['bet365:b1', 'kwiff:k1']]])
    // the first member changed: sides and name now come from bet365
    expect(out[0]!.name).toBe('Napoli v AC Milan')
    // down to one member: withdrawn, but the id comes back with a partner
    out = step({ kwiff: [removeEvent('kwiff:k1')] })
    expect(out).toEqual([])
    out = step({ winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC') })
    expect(out.map((c) => c.id)).toEqual([first!.id])
    out = step({ winamax: [removeEvent('winamax:w1')], bet365: [removeEvent('bet365:b1')] })
    expect(out).toEqual([])
    // a new group gets a new id
    out = step({
      winamax: listing('winamax', 'w5', 'football', 'Arsenal', 'Chelsea'),
      kwiff: listing('kwiff', 'k5', 'football', 'Arsenal', 'Chelsea'),
    })
    expect(out).toHaveLength(1)
    expect(out[0]!.id).not.toBe(first!.id)
  })

  it('matches an event again when its names change', async () => {
    const { step } = await setup()
    const [c] = step({
      winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
      bet365: listing('bet365', 'b1', 'football', 'Napoli', 'AC Milan'),
    })
    expect(memberIds(c!)).toEqual(['winamax:w1', 'bet365:b1'])
    expect(step({ bet365: listing('bet365', 'b1', 'football', 'Arsenal', 'Chelsea') })).toEqual([])
    const [back] = step({ bet365: listing('bet365', 'b1', 'football', 'SSC Napoli', 'Milan') })
    expect(back!.id).toBe(c!.id)
  })

  it('publishes nothing when a pass finds nothing new, and bumps updatedAt only on membership', async () => {
    const { step, linker, hub } = await setup()
    step({
      winamax: listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
      bet365: listing('bet365', 'b1', 'football', 'Napoli', 'AC Milan'),
    })
    expect(linker.run()).toEqual([])
    const seq = hub.seq
    hub.flush()
    expect(hub.seq).toBe(seq)
  })

  it('keeps homonym clubs of different countries apart, from region or competition name', async () => {
    const { step } = await setup()
    const out = step({
      winamax: listing('winamax', 'w1', 'football', 'Everton', 'Colo Colo', { region: 'Chili' }),
      bet365: listing('bet365', 'b1', 'football', 'Everton', 'Colo Colo', {
        competition: 'England Premier League',
      }),
      kwiff: listing('kwiff', 'k1', 'football', 'Everton', 'Colo-Colo', {
        competition: 'Chile Primera Division',
      }),
    })
    expect(out.map(memberIds)).toEqual([['winamax:w1', 'kwiff:k1']])
  })

  it('passes on changes of names, sides or start only: never on scores, clocks or prices', async () => {
    const { hub, feeds, linker } = await setup()
    feeds.winamax.emit(listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'))
    hub.flush()
    expect(linker.scheduled).toBe(true)
    linker.run()
    expect(linker.scheduled).toBe(false)
    const event = hub.state.event.get('winamax:w1')!
    feeds.winamax.emit([
      { op: 'upsert', entity: { ...event, status: 'live', score: { home: 1, away: 0 } } },
      {
        op: 'upsert',
        entity: {
          kind: 'selection',
          id: 'winamax:s1',
          source: 'winamax',
          eventId: 'winamax:w1',
          marketId: 'winamax:m1',
          name: 'Naples',
          order: 0,
          odds: 1.9,
          suspended: false,
          updatedAt: 2,
        },
      },
    ])
    hub.flush()
    expect(linker.scheduled).toBe(false)
    feeds.winamax.emit([{ op: 'upsert', entity: { ...event, startTime: DAY + 3_600_000 } }])
    hub.flush()
    expect(linker.scheduled).toBe(true)
  })

  it('runs a pass by itself after the debounce', async () => {
    const hub = new Hub({ coalesceMs: 1 })
    const store = await LinkStore.open(tempDir())
    const linker = new Linker({ hub, store, debounceMs: 5 })
    closers.push(
      () => linker.close(),
      () => hub.close(),
    )
    hub.push([
      ...listing('winamax', 'w1', 'football', 'Naples', 'Milan AC'),
      ...listing('bet365', 'b1', 'football', 'Napoli', 'AC Milan'),
    ])
    const { waitUntil } = await import('@oddsboard/feedkit/testing')
    const c = await waitUntil(() => [...hub.state.canonical.values()][0], {
      what: 'a canonical event',
    })
    expect(memberIds(c)).toEqual(['winamax:w1', 'bet365:b1'])
    expect(linker.counters.passes).toBeGreaterThanOrEqual(1)
  })
})

describe('LinkStore', () => {
  it('keeps the last decision per pair, in either order, and persists it', async () => {
    const dir = tempDir()
    const store = await LinkStore.open(dir)
    expect(store.list()).toEqual([])
    await store.record({ action: 'link', a: 'winamax:1', b: 'bet365:2', at: 10 })
    await store.record({ action: 'unlink', a: 'kwiff:3', b: 'bet365:2', at: 11 })
    await store.record({ action: 'unlink', a: 'bet365:2', b: 'winamax:1', at: 12 })
    const expected = [
      { action: 'unlink', a: 'bet365:2', b: 'kwiff:3', at: 11 },
      { action: 'unlink', a: 'bet365:2', b: 'winamax:1', at: 12 },
    ]
    expect(store.list()).toEqual(expected)
    const again = await LinkStore.open(dir)
    expect(again.list()).toEqual(expected)
    expect(JSON.parse(readFileSync(path.join(dir, LINKS_FILE), 'utf8'))).toEqual({
      version: 1,
      decisions: expected,
    })
  })

  it('creates the folder on the first write only', async () => {
    const dir = path.join(tempDir(), 'nested', 'data')
    const store = await LinkStore.open(dir)
    await store.record({ action: 'link', a: 'a:1', b: 'b:1', at: 1 })
    expect((await LinkStore.open(dir)).list()).toHaveLength(1)
  })

  it.each([
    ['not JSON', '{"version":1,"decisions":[', /is not valid JSON/],
    ['another shape', '{"version":1,"decisions":[{"action":"merge"}]}', /decisions\.0\.action/],
    ['another version', '{"version":2,"decisions":[]}', /is not a links file/],
  ])('refuses a file that is %s, naming the file', async (_what, text, reason) => {
    const dir = tempDir()
    const file = path.join(dir, LINKS_FILE)
    writeFileSync(file, text)
    const opened = LinkStore.open(dir)
    await expect(opened).rejects.toThrow(LinkStoreError)
    await expect(opened).rejects.toThrow(file)
    await expect(opened).rejects.toThrow(reason)
  })
})
