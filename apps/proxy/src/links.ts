import type {
  CanonicalEvent,
  CanonicalMember,
  Competition,
  Entity,
  EntityState,
  Event,
  Op,
  Source,
  SportKey,
} from '@oddsboard/model'
import { CANONICAL_NAME_ORDER, SOURCES } from '@oddsboard/model'
import type { Logger } from '@oddsboard/feedkit'
import { silentLogger } from '@oddsboard/feedkit'
import {
  canonicalTokens,
  compareEvents,
  fold,
  matchPreparedBooks,
  prepareEvent,
  type MatchEvent,
  type PreparedEvent,
} from '@oddsboard/matcher'
import type { Hub } from './hub'
import type { LinkDecision, LinkStore } from './linkStore'
import { pairKey } from './linkStore'

/** Options of a {@link Linker}. */
export interface LinkerOptions {
  hub: Hub
  /** The user's decisions (read on every pass; written by {@link Linker.decide}). */
  store: LinkStore
  logger?: Logger
  /**
   * A pass runs this many ms after the first change of events that could change a match
   * (default 1000); changes in between join that pass, so there is at most one pass per
   * window however fast events change, and none for price ticks.
   */
  debounceMs?: number
  /** Clock, epoch ms (injectable for tests). */
  now?: () => number
}

/** What the linker counts, for logs and the bench. */
export interface LinkerCounters {
  /** Passes run since start. */
  passes: number
  /** Duration of the last pass, ms. */
  lastPassMs: number
  /** Canonical events published now. */
  canonical: number
}

/** Two events found (or said) to be the same match. */
interface Edge {
  x: string
  y: string
  score: number
  reasons: string[]
  by: 'matcher' | 'user'
  /** y lists x's sides the other way round */
  crossed: boolean
}

/** A group being built: at most one event per book, and the edges that joined it. */
interface Group {
  members: Map<Source, string>
  edges: Edge[]
}

const REASONS_USER = ['linked by user']

/**
 * The country an event's competition names, as the matcher's canonical token (`c~de`),
 * so "Allemagne" (Winamax's category) and "Germany Bundesliga" (a Bet365 competition) meet:
 * the whole region when it names a country, else the first words of the competition's name
 * when they do. Undefined otherwise ("Ligue des Champions", "International"). Not used in
 * tennis, whose tournaments name cities, not the players' country.
 */
function countryOf(c: Competition): string | undefined {
  if (c.region !== undefined) {
    const tokens = canonicalTokens(fold(c.region).split(' '))
    if (tokens.length === 1 && tokens[0]!.startsWith('c~')) return tokens[0]
  }
  const first = canonicalTokens(fold(c.name).split(' '))[0]
  return first?.startsWith('c~') === true ? first : undefined
}

/** The matcher's view of an event: its sides, start, sport key and country. */
function matchInput(e: Event, sport: SportKey, country: string | undefined): MatchEvent {
  const [home, away] = e.participants
  const input: MatchEvent = { sport, name: e.name, start: e.startTime ?? null }
  if (home !== '' && away !== '') {
    input.home = home
    input.away = away
  }
  if (country !== undefined && sport !== 'tennis') input.country = country
  // orderKnown is left to the matcher: known, except in tennis where books disagree on "home"
  return input
}

/**
 * Whether `y` lists `x`'s sides the other way round, by name alone (for a user's link,
 * which the matcher may not have judged): the better of the straight and crossed readings.
 */
function crossedByNames(x: Event, y: Event, sport: SportKey): boolean {
  try {
    const side = (e: Event): MatchEvent => ({
      sport,
      home: e.participants[0] || e.name,
      away: e.participants[1] || e.name,
      orderKnown: false,
    })
    return compareEvents(prepareEvent(side(x)), prepareEvent(side(y))).swapped === true
  } catch {
    return false
  }
}

const sourceRank = (s: Source) => SOURCES.indexOf(s)

/**
 * Canonical events in the proxy (issue 9, item 3): follows the hub's state and keeps one
 * `canonical` entity per real match listed by two or more books, published on the hub as
 * ops like a feed's (so snapshots, resumes and the ring buffer carry them).
 *
 * A pass: for each pair of books (in {@link SOURCES} order) the matcher's one-to-one
 * assignment (`matchBooks`) over their events (sides, start, canonical sport key, the
 * competition's country); then the pairs, the user's links first (newest first) and the
 * matcher's by descending score, are merged into groups of at most one event per book,
 * a pair that would put two events of one book in a group, or join two events a user
 * unlinked, being skipped (so on a conflict the higher-scored pairs stay). A user's `unlink`
 * is also excluded from the matcher's assignment, so each event can take its next best
 * partner; a user's `link` takes both events out of the matcher's assignment between those
 * two books. Events of sport `other` (a catch-all, not one sport) are left to users' links.
 * Ended events stay in their group until their book removes them.
 *
 * Ids `canonical:<n>` stay with a group while it keeps any of its members (the new group
 * that shares most members with an old one takes its id; a group that falls to one member
 * is withdrawn but keeps its id for that member, should a partner come back); a group
 * whose members all left the state is removed. Groups of one are never published.
 *
 * Passes run after changes to events' names, sides, start, sport or competition (debounced,
 * {@link LinkerOptions.debounceMs}), never for scores, clocks or prices, and at once after a
 * user's decision. One timer at most; {@link Linker.close} clears it.
 */
export class Linker {
  readonly counters: LinkerCounters = { passes: 0, lastPassMs: 0, canonical: 0 }
  private readonly hub: Hub
  private readonly store: LinkStore
  private readonly logger: Logger
  private readonly debounceMs: number
  private readonly now: () => number
  /** Every id's members as of the last pass, including withdrawn groups of one. */
  private groups = new Map<string, ReadonlySet<string>>()
  private published = new Map<string, CanonicalEvent>()
  private nextN = 1
  private timer: NodeJS.Timeout | null = null
  /** What a pass reads of each event, sport and competition, to ignore other changes. */
  private readonly signatures = new Map<string, string>()
  /**
   * Each event as the matcher last prepared it, with the input it was prepared from (JSON):
   * preparing is most of a pass's work, and an event's names rarely change.
   */
  private prepared = new Map<string, { input: string; prepared: PreparedEvent | undefined }>()
  /** Each competition's country, by the competition object it was read from. */
  private countries = new WeakMap<Competition, string | undefined>()
  private readonly unsubscribe: () => void

  constructor(options: LinkerOptions) {
    this.hub = options.hub
    this.store = options.store
    this.logger = options.logger ?? silentLogger
    this.debounceMs = Math.max(0, options.debounceMs ?? 1000)
    this.now = options.now ?? Date.now
    this.unsubscribe = this.hub.onDelta((d) => {
      if (this.noteChanges(d.message.ops)) this.schedule()
    })
    const state = this.hub.state
    for (const kind of ['sport', 'competition', 'event'] as const) {
      for (const e of state[kind].values()) this.noteChanges([{ op: 'upsert', entity: e }])
    }
    if (state.event.size > 0 || this.store.list().length > 0) this.schedule()
  }

  /** True while a pass is scheduled (a change it reads arrived since the last pass). */
  get scheduled(): boolean {
    return this.timer !== null
  }

  /** The canonical events published now, by id. */
  canonical(): ReadonlyMap<string, CanonicalEvent> {
    return this.published
  }

  /**
   * Records a user's decision on two events (see {@link LinkStore.record}: the last one on a
   * pair wins) and runs a pass at once, so its ops are on the hub before this resolves.
   * The caller checks that both are events of different books.
   * @throws the file system's error when the decision cannot be saved (it still applies
   *   until the proxy stops).
   */
  async decide(action: LinkDecision['action'], a: string, b: string): Promise<void> {
    const saved = this.store.record({ action, a, b, at: this.now() })
    this.run()
    await saved
    this.logger.info({ action, a, b }, 'link decision recorded')
  }

  /**
   * Runs one pass now over the hub's current state and pushes the difference to the hub
   * (`canonical` upserts and removes, one batch); returns those ops.
   */
  run(): Op[] {
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
    const t0 = performance.now()
    const ops = this.pass(this.hub.state)
    if (ops.length > 0) this.hub.push(ops, 'linker')
    this.counters.passes++
    this.counters.lastPassMs = performance.now() - t0
    this.counters.canonical = this.published.size
    this.logger.debug(
      { ops: ops.length, canonical: this.published.size, ms: this.counters.lastPassMs },
      'linker pass',
    )
    return ops
  }

  /** Stops following the hub and clears the timer. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.unsubscribe()
  }

  private schedule(): void {
    if (this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      try {
        this.run()
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, 'linker pass failed')
      }
    }, this.debounceMs)
  }

  /**
   * Updates the signatures from `ops`; true when one that a pass reads changed. A patch
   * (relay protocol 4) is read as the whole entity it made, from the hub's state: the
   * listener runs as the delta is published, so the state is the delta's.
   */
  private noteChanges(ops: readonly Op[]): boolean {
    let changed = false
    for (const op of ops) {
      if (op.op === 'remove') {
        if (op.kind === 'canonical') continue
        if (this.signatures.delete(`${op.kind}:${op.id}`)) changed = true
        continue
      }
      let e: Entity | undefined
      if (op.op === 'upsert') e = op.entity
      else if (op.kind === 'event' || op.kind === 'sport' || op.kind === 'competition')
        e = this.hub.state[op.kind].get(op.id)
      if (e === undefined) continue
      let sig: string
      if (e.kind === 'event') {
        sig = JSON.stringify([e.sportId, e.competitionId, e.name, e.participants, e.startTime])
      } else if (e.kind === 'sport') {
        sig = e.key
      } else if (e.kind === 'competition') {
        sig = JSON.stringify([e.name, e.region])
      } else {
        continue
      }
      const key = `${e.kind}:${e.id}`
      if (this.signatures.get(key) !== sig) {
        this.signatures.set(key, sig)
        changed = true
      }
    }
    return changed
  }

  /** One pass: the ops that turn the published canonical events into those of `state`. */
  private pass(state: EntityState): Op[] {
    const sportOf = (e: Event): SportKey => state.sport.get(e.sportId)?.key ?? 'other'
    const decisions = this.store.list()
    const vetoes = new Set<string>()
    // per event, per other book: the partner of its newest link (older conflicting links wait)
    const linkedTo = new Map<string, Map<Source, string>>()
    const userEdges: Edge[] = []
    for (let i = decisions.length - 1; i >= 0; i--) {
      const d = decisions[i]!
      if (d.action === 'unlink') {
        vetoes.add(pairKey(d.a, d.b))
        continue
      }
      const x = state.event.get(d.a)
      const y = state.event.get(d.b)
      if (x === undefined || y === undefined || x.source === y.source) continue
      const fromX = linkedTo.get(x.id) ?? new Map<Source, string>()
      const fromY = linkedTo.get(y.id) ?? new Map<Source, string>()
      if (fromX.has(y.source) || fromY.has(x.source)) continue
      fromX.set(y.source, y.id)
      fromY.set(x.source, x.id)
      linkedTo.set(x.id, fromX)
      linkedTo.set(y.id, fromY)
      userEdges.push({
        x: x.id,
        y: y.id,
        score: 1,
        reasons: REASONS_USER,
        by: 'user',
        crossed: crossedByNames(x, y, sportOf(x)),
      })
    }

    // the matcher, per pair of books
    const books = new Map<Source, { events: Event[]; prepared: (PreparedEvent | undefined)[] }>()
    const prepared = new Map<string, { input: string; prepared: PreparedEvent | undefined }>()
    for (const e of state.event.values()) {
      const sport = sportOf(e)
      if (sport === 'other') continue
      let book = books.get(e.source)
      if (book === undefined) books.set(e.source, (book = { events: [], prepared: [] }))
      book.events.push(e)
      const competition = state.competition.get(e.competitionId)
      let country: string | undefined
      if (competition !== undefined) {
        if (this.countries.has(competition)) country = this.countries.get(competition)
        else this.countries.set(competition, (country = countryOf(competition)))
      }
      const input = matchInput(e, sport, country)
      const key = JSON.stringify(input)
      let entry = this.prepared.get(e.id)
      if (entry?.input !== key) {
        let p: PreparedEvent | undefined
        try {
          p = prepareEvent(input)
        } catch {
          p = undefined // no sides to match: left to users' links
        }
        entry = { input: key, prepared: p }
      }
      prepared.set(e.id, entry)
      book.prepared.push(entry.prepared)
    }
    this.prepared = prepared
    const matcherEdges: Edge[] = []
    const sources = SOURCES.filter((s) => books.has(s))
    for (let i = 0; i < sources.length; i++) {
      for (let j = i + 1; j < sources.length; j++) {
        const A = books.get(sources[i]!)!
        const B = books.get(sources[j]!)!
        const bookA = sources[i]!
        const bookB = sources[j]!
        const { matches } = matchPreparedBooks(A.prepared, B.prepared, {
          exclude: (ai, bi) => {
            const x = A.events[ai]!.id
            const y = B.events[bi]!.id
            if (vetoes.has(pairKey(x, y))) return true
            const lx = linkedTo.get(x)?.get(bookB)
            const ly = linkedTo.get(y)?.get(bookA)
            return (lx !== undefined && lx !== y) || (ly !== undefined && ly !== x)
          },
        })
        for (const m of matches) {
          matcherEdges.push({
            x: A.events[m.a]!.id,
            y: B.events[m.b]!.id,
            score: m.score,
            reasons: m.reasons,
            by: 'matcher',
            crossed: m.swapped === true,
          })
        }
      }
    }
    matcherEdges.sort(
      (p, q) => q.score - p.score || (p.x < q.x ? -1 : p.x > q.x ? 1 : p.y < q.y ? -1 : 1),
    )

    // merge the pairs into groups: one event per book, no vetoed pair inside
    const groupOf = new Map<string, Group>()
    const sourceOf = (id: string) => state.event.get(id)!.source
    const find = (id: string): Group => {
      let g = groupOf.get(id)
      if (g === undefined) {
        g = { members: new Map([[sourceOf(id), id]]), edges: [] }
        groupOf.set(id, g)
      }
      return g
    }
    for (const edge of [...userEdges, ...matcherEdges]) {
      const gx = find(edge.x)
      const gy = find(edge.y)
      if (gx === gy) continue
      let ok = true
      for (const [s, x] of gx.members) {
        if (gy.members.has(s)) ok = false
        for (const y of gy.members.values()) if (vetoes.has(pairKey(x, y))) ok = false
      }
      if (!ok) continue
      const [big, small] = gx.members.size >= gy.members.size ? [gx, gy] : [gy, gx]
      for (const [s, id] of small.members) {
        big.members.set(s, id)
        groupOf.set(id, big)
      }
      big.edges.push(...small.edges, edge)
    }
    const built = [...new Set(groupOf.values())].filter((g) => g.members.size >= 2)

    // keep ids: the new group sharing most members with an old id takes it
    const oldIdOf = new Map<string, string>()
    for (const [id, members] of this.groups) for (const m of members) oldIdOf.set(m, id)
    const overlaps: { g: number; id: string; n: number }[] = []
    built.forEach((g, gi) => {
      const counts = new Map<string, number>()
      for (const m of g.members.values()) {
        const id = oldIdOf.get(m)
        if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1)
      }
      for (const [id, n] of counts) overlaps.push({ g: gi, id, n })
    })
    const idNumber = (id: string) => Number(id.slice('canonical:'.length))
    overlaps.sort((p, q) => q.n - p.n || idNumber(p.id) - idNumber(q.id) || p.g - q.g)
    const idOfGroup = new Map<number, string>()
    const taken = new Set<string>()
    for (const o of overlaps) {
      if (idOfGroup.has(o.g) || taken.has(o.id)) continue
      idOfGroup.set(o.g, o.id)
      taken.add(o.id)
    }
    const groups = new Map<string, ReadonlySet<string>>()
    const inGroup = new Set<string>()
    const builtIds = built.map((g, gi) => {
      const id = idOfGroup.get(gi) ?? `canonical:${this.nextN++}`
      groups.set(id, new Set(g.members.values()))
      for (const m of g.members.values()) inGroup.add(m)
      return id
    })
    // an old group that lost its partners keeps its id for the members still listed
    for (const [id, members] of this.groups) {
      if (taken.has(id)) continue
      const left = [...members].filter((m) => state.event.has(m) && !inGroup.has(m))
      if (left.length > 0) groups.set(id, new Set(left))
    }

    // the difference with what is published
    const ops: Op[] = []
    const published = new Map<string, CanonicalEvent>()
    built.forEach((g, gi) => {
      const id = builtIds[gi]!
      const entity = this.canonicalEvent(id, g, state, sportOf)
      const old = this.published.get(id)
      if (old !== undefined) {
        const same = (m: CanonicalMember[]) =>
          JSON.stringify(m.map((x) => [x.eventId, x.swapped, x.by]))
        if (same(old.members) === same(entity.members)) entity.updatedAt = old.updatedAt
        if (JSON.stringify(old) === JSON.stringify(entity)) {
          published.set(id, old)
          return
        }
      }
      published.set(id, entity)
      ops.push({ op: 'upsert', entity })
    })
    for (const id of this.published.keys()) {
      if (!published.has(id)) ops.push({ op: 'remove', kind: 'canonical', id })
    }
    this.groups = groups
    this.published = published
    return ops
  }

  /** The entity of one group: members in SOURCES order, sides relative to the first. */
  private canonicalEvent(
    id: string,
    g: Group,
    state: EntityState,
    sportOf: (e: Event) => SportKey,
  ): CanonicalEvent {
    const ids = [...g.members.entries()]
      .sort((p, q) => sourceRank(p[0]) - sourceRank(q[0]))
      .map(([, eventId]) => eventId)
    const first = ids[0]!
    // orientation of each member relative to the first, along the edges that joined them
    const crossed = new Map<string, boolean>([[first, false]])
    for (let grew = true; grew;) {
      grew = false
      for (const e of g.edges) {
        const cx = crossed.get(e.x)
        const cy = crossed.get(e.y)
        if (cx !== undefined && cy === undefined) crossed.set(e.y, cx !== e.crossed)
        else if (cy !== undefined && cx === undefined) crossed.set(e.x, cy !== e.crossed)
        else continue
        grew = true
      }
    }
    const members: CanonicalMember[] = ids.map((eventId) => {
      // the member's best pair in the group (a user's link counts as 1)
      let best: Edge | undefined
      for (const e of g.edges) {
        if (e.x !== eventId && e.y !== eventId) continue
        if (
          best === undefined ||
          e.score > best.score ||
          (e.score === best.score && e.by === 'user')
        )
          best = e
      }
      const event = state.event.get(eventId)!
      return {
        eventId,
        source: event.source,
        swapped: crossed.get(eventId) ?? false,
        score: Math.round((best?.score ?? 1) * 1000) / 1000,
        reasons: best?.reasons ?? REASONS_USER,
        by: best?.by ?? 'user',
      }
    })
    const lead = state.event.get(first)!
    // Sides are named from the English-writing book when there is one (the dashboard is in
    // English: "Armenia v Hungary", not "Arménie v Hongrie"), in the canonical side order.
    const named =
      CANONICAL_NAME_ORDER.map((source) => members.find((m) => m.source === source)).find(
        (m) => m !== undefined,
      ) ?? members[0]!
    const namer = state.event.get(named.eventId)!
    const participants: [string, string] = named.swapped
      ? [namer.participants[1], namer.participants[0]]
      : [namer.participants[0], namer.participants[1]]
    const starts = ids
      .map((m) => state.event.get(m)!.startTime)
      .filter((t): t is number => t !== undefined)
    const entity: CanonicalEvent = {
      kind: 'canonical',
      id,
      sport: sportOf(lead),
      name:
        participants[0] !== '' && participants[1] !== ''
          ? `${participants[0]} v ${participants[1]}`
          : namer.name,
      participants,
      members,
      updatedAt: this.now(),
    }
    const competition = state.competition.get(namer.competitionId)?.name
    if (competition !== undefined && competition !== '') entity.competition = competition
    if (starts.length > 0) entity.startTime = Math.min(...starts)
    return entity
  }
}
