import type {
  Logger,
  SharedWorld,
  WorldFootballState,
  WorldMatch,
  WorldPrices,
  WorldTennisState,
} from '@oddsboard/feedkit'
import { decimalToFractional } from '@oddsboard/model'
import { formatBet365Time, parseBet365Time } from './canonical'
import type { ZapFields, ZapMessage, ZapRecord } from './codec'
import { ordinal } from './football'
import type { TopicNode, TopicTree } from './tree'

/**
 * The shared world's matches in Bet365's zap format (issue 9 item 5), for the simulator.
 *
 * Each world match Bet365 lists (`world.matches('bet365')`) becomes the records the real
 * 2026 in-play load writes for a match (fixtures/inplay-2026-05-30-body.txt, the seed's
 * Navone v Darderi example):
 * - `EV` under the sport's `CL` (soccer `CL_1_1_3`, tennis `CL_13_1_3`), with the
 *   competition in the EV's own `CT` field (the 2026 load has no CT records), `NA`
 *   `Home v Away` in Bet365's names, `FS=0` before the start; football `SS` `1-0`, clock
 *   `TM`/`TS`/`TT`/`TU` (`TU` in UK wall-clock time, as `canonical.ts` reads it) and `ML=90`
 *   (half time is `TM=45;TS=0;TT=0`, as PSG v Arsenal in the load); tennis `SS` games per set
 *   (`0-0` before the first point), `XP` points (`0/15/30/40/A`, digits in a tiebreak),
 *   `PI` server (`0,1` = first named serves).
 * - the main market: football `MA` 1777 "Fulltime Result" (`CN=3`, `GO` the next goal's
 *   ordinal) with `PA` home / Draw / away; tennis `MA` 1763 (`MA=1763`, no `NA`, as the load's
 *   money lines) with one `PA` per player. `OD` is the world's fractional text for Bet365
 *   (`world.prices('bet365', id).fractional`), `0/0` (unpriced) while the world has no price;
 *   a suspended market has `SU=1` on the `MA` and every `PA`, as the load marks one.
 *
 * Changes arrive on `world.onChange` and leave as one frame per turn of the event loop:
 * `U` deltas (selections first, then the market, then the event, the seed's "mixed
 * update"), an `I` under the `CL` for a match that appears, a `D` for one that leaves. A
 * running clock is re-sent only when the world's reading and the last sent one differ by
 * 1.5 s or more (or it stops/starts), as the real feed syncs clocks rather than ticking them.
 *
 * A world match whose `fixture.native.bet365` names a match of the load (its `FI`, the
 * number its `ID` starts with, or its `OI`) keeps that match's ids (so its event id stays
 * `bet365:ev<ID>`): the simulator stops playing it ({@link WorldHost.takeOver}), and its
 * load records are replaced by the world's (`D` then `I`, one frame). Other world matches get
 * ids counted up from `firstId` (600,000,000 by default: the load's event, fixture and
 * selection numbers are 110-196 million and 1.39-1.41 billion, the seed's 701,873,42x, the
 * simulator's own 800 and 900 million).
 */

/** What the renderer needs from the simulator that hosts it. */
export interface WorldHost {
  /** The simulator's topic tree (the in-play load and everything sent since). */
  readonly tree: TopicTree
  /** Applies `messages` to the tree and sends them, as one frame, to every subscriber. */
  broadcast(messages: ZapMessage[]): void
  /** Stops the simulator's own play of the load event `it`: the world plays it from now on. */
  takeOver(it: string): void
}

/** A running rendering of the world; see {@link renderWorld}. */
export interface WorldRenderer {
  /** True when the event node `it` is a world match (the simulator must not play it). */
  owns(it: string): boolean
  /** `IT`s of the world's events now in the tree. */
  events(): string[]
  /** Stops listening to the world. */
  close(): void
}

const CL_IT = { football: 'CL_1_1_3', tennis: 'CL_13_1_3' } as const
const CL_ID = { football: '1', tennis: '13' } as const
/** Main market ids a taken-over load event may already carry (see canonical.ts). */
const MAIN_ID = { football: ['1777'], tennis: ['1763', '130170'] } as const
const POINTS = ['0', '15', '30', '40']

const swap = <T>(pair: readonly [T, T], swapped: boolean): [T, T] =>
  swapped ? [pair[1], pair[0]] : [pair[0], pair[1]]

/**
 * Bet365's EV fields for a football match's play: `FS`, `SS` (`home-away` in Bet365's side
 * order, i.e. swapped when the fixture says Bet365 lists the sides the other way), and the
 * clock `TM`/`TS`/`TT`/`TU`: `TM*60+TS` seconds of play at `TU` (a whole second, UK time,
 * read back by `clockOf`), `TT=1` while it runs. Half time is `45:00` stopped; before kick-off
 * `0:00` stopped with an empty `TU` (no clock).
 */
export function footballPlayFields(state: WorldFootballState, swapped = false): ZapFields {
  const goals = swap(state.goals, swapped)
  const fields: ZapFields = { FS: state.period === 'prematch' ? '0' : '1', SS: goals.join('-') }
  if (state.period === 'prematch') return { ...fields, TM: '0', TS: '0', TT: '0', TU: '' }
  const at = Math.floor(state.clockAt / 1000) * 1000
  let seconds = state.running ? state.seconds - (state.clockAt - at) / 1000 : state.seconds
  if (state.period === 'HT') seconds = 45 * 60
  // Whole seconds on both TS and TU: rounding keeps the reading within half a second.
  const s = Math.max(0, Math.round(seconds))
  const running = state.running && state.period !== 'HT' && state.period !== 'FT'
  return {
    ...fields,
    TM: String(Math.floor(s / 60)),
    TS: String(s % 60),
    TT: running ? '1' : '0',
    TU: formatBet365Time(at),
  }
}

/** The winner of a set's games (0, 1), or null while it is not won (6 with a 2-game lead, or 7-6). */
function setWinner([a, b]: readonly [number, number]): 0 | 1 | null {
  if ((a >= 6 || b >= 6) && Math.abs(a - b) >= 2) return a > b ? 0 : 1
  if ((a === 7 && b === 6) || (a === 6 && b === 7)) return a > b ? 0 : 1
  return null
}

/**
 * Bet365's EV fields for a tennis match's play, as `tennis.ts` reads them: `FS`, `SS` games
 * per set (current set last; `0-0` before the first point, and a new `0-0` set as soon as a
 * set is won in a match still open), `XP` points of the current game
 * (`0/15/30/40/A`, tiebreak points as digits), `PI` `0,1` when the first named player serves.
 * Sides follow Bet365's order (swapped when the fixture says so).
 */
export function tennisPlayFields(
  state: WorldTennisState,
  status: WorldMatch['status'],
  swapped = false,
): ZapFields {
  const sets: (readonly [number, number])[] = state.sets.length === 0 ? [[0, 0]] : [...state.sets]
  // Between sets Bet365 already shows the next one at 0-0 (`stateFromScore` reads it so too).
  const won = [0, 0]
  for (const set of sets) {
    const w = setWinner(set)
    if (w !== null) won[w]!++
  }
  const need = Math.ceil(state.bestOf / 2)
  if (setWinner(sets[sets.length - 1]!) !== null && won[0]! < need && won[1]! < need)
    sets.push([0, 0])
  const [a, b] = swap(state.points, swapped)
  let xp: [string, string]
  if (state.tiebreak) xp = [String(a), String(b)]
  else if (a >= 3 && b >= 3) xp = a === b ? ['40', '40'] : a > b ? ['A', '40'] : ['40', 'A']
  else xp = [POINTS[a] ?? '40', POINTS[b] ?? '40']
  const server = swapped ? 1 - state.server : state.server
  return {
    FS: status === 'prematch' ? '0' : '1',
    SS: sets.map((s) => swap(s, swapped).join('-')).join(','),
    XP: xp.join('-'),
    PI: server === 0 ? '0,1' : '1,0',
  }
}

/** The event's play fields for `match` (football or tennis). */
export function playFields(match: WorldMatch, swapped = false): ZapFields {
  return match.state.sport === 'football'
    ? footballPlayFields(match.state, swapped)
    : tennisPlayFields(match.state, match.status, swapped)
}

/**
 * The `OD` text of outcome `i`: the world's fractional text for Bet365 when it is `n/d`, else
 * the nearest fraction of the decimal odds, else `0/0` (unpriced, as the seed writes it).
 */
export function oddsText(prices: WorldPrices | undefined, i: number): string {
  const text = prices?.fractional?.[i]
  if (text !== undefined && /^\d+\/\d+$/.test(text)) return text
  const decimal = prices?.odds[i]
  if (decimal !== undefined && Number.isFinite(decimal) && decimal > 1)
    return decimalToFractional(decimal)
  return '0/0'
}

/** Ids of one rendered match. */
interface Rendered {
  readonly evIt: string
  readonly maIt: string
  readonly paIts: readonly string[]
  readonly swapped: boolean
}

/** Clock reading (seconds of play) of EV fields at epoch ms `now`. */
function reading(f: ZapFields, now: number): number {
  const base = Number(f.TM ?? 0) * 60 + Number(f.TS ?? 0)
  const at = parseBet365Time(f.TU)
  return f.TT === '1' && at !== null ? base + (now - at) / 1000 : base
}

const CLOCK = ['TM', 'TS', 'TT', 'TU']

/**
 * Renders `world`'s Bet365 matches into `host`'s tree now (no client needs to be connected:
 * the records are then part of every `F` load) and on every change after that, until
 * `close()`. See the module comment for the records, ids and frames.
 */
export function renderWorld(
  world: SharedWorld,
  host: WorldHost,
  options: { firstId?: number; logger?: Logger } = {},
): WorldRenderer {
  const { tree } = host
  let nextId = options.firstId ?? 600_000_000
  const rendered = new Map<string, Rendered>()
  const owned = new Set<string>()
  const id = (): string => String(nextId++)
  const delta = (topic: string, op: ZapMessage['op'], records: ZapRecord[]): ZapMessage => ({
    kind: 'delta',
    topic,
    op,
    records,
  })
  const listed = (wid: string): WorldMatch | undefined => {
    const m = world.match(wid)
    return m !== undefined && m.fixture.books.includes('bet365') ? m : undefined
  }

  /** The load's event a fixture names (`FI`, the leading number of `ID`, or `OI`). */
  const loadEvent = (native: string): TopicNode | undefined => {
    for (const n of tree.nodes()) {
      if (n.type !== 'EV' || owned.has(n.it)) continue
      const f = n.fields
      if (f.FI === native || /^\d+/.exec(f.ID ?? '')?.[0] === native || f.OI === native) return n
    }
    return undefined
  }

  const place = (m: WorldMatch): ZapMessage[] => {
    const { fixture } = m
    const sport = fixture.sport
    const clIt = CL_IT[sport]
    const cl = tree.get(clIt)
    if (cl === undefined) {
      options.logger?.warn({ sport }, 'bet365 sim: no CL for a world match')
      return []
    }
    const swapped = fixture.swapped?.bet365 === true
    const [home, away] = swap([fixture.home.bet365, fixture.away.bet365], swapped)
    const native = fixture.native?.bet365
    const old = native === undefined ? undefined : loadEvent(native)
    const messages: ZapMessage[] = []
    let parentIt: string = clIt
    let ev: ZapFields
    let ma: ZapFields | undefined
    let pas: (ZapFields | undefined)[] = []
    if (old !== undefined) {
      host.takeOver(old.it)
      if (old.parent !== null && old.parent.type !== '') parentIt = old.parent.it
      ev = { ...old.fields }
      const main = old.children.find(
        (c) =>
          c.type === 'MA' &&
          (MAIN_ID[sport] as readonly string[]).includes(c.fields.ID ?? c.fields.MA ?? ''),
      )
      if (main !== undefined) {
        ma = { ...main.fields }
        pas = main.children.filter((c) => c.type === 'PA').map((c) => ({ ...c.fields }))
        pas = [0, 1, 2].map((o) => pas.find((p) => p?.OR === String(o)))
      }
      messages.push(delta(old.it, 'D', []))
    } else {
      const n = id()
      ev = {
        AU: '0',
        C1: '1',
        CL: CL_ID[sport],
        FI: n,
        ID: `${n}C${CL_ID[sport]}A_1_3`,
        IT: `L${CL_ID[sport]}-world-${n}_1_3`,
        OI: id(),
        OR: String(cl.children.length),
      }
    }
    const evNo = /^\d+/.exec(ev.ID ?? '')?.[0] ?? ev.FI ?? id()
    const fx = ev.OI || ev.FI || evNo
    Object.assign(ev, {
      CL: CL_ID[sport],
      CT: fixture.competition.bet365,
      NA: `${home} v ${away}`,
      ...(sport === 'football' ? { ML: '90' } : {}),
      ...playFields(m, swapped),
    })
    const prices = world.prices('bet365', fixture.id)
    const su = prices?.suspended === true ? '1' : '0'
    const goals = m.state.sport === 'football' ? m.state.goals[0] + m.state.goals[1] : 0
    const maIt = ma?.IT ?? `L${evNo}C${CL_ID[sport]}-${MAIN_ID[sport][0]}_1_3`
    const maFields: ZapFields =
      sport === 'football'
        ? {
            CN: '3',
            FI: fx,
            GO: ordinal(goals + 1),
            ID: '1777',
            IT: maIt,
            NA: 'Fulltime Result',
            OR: '0',
            SU: su,
          }
        : { CN: '2', FI: fx, ID: '1763', IT: maIt, MA: '1763', OR: '0', SU: su }
    const names = sport === 'football' ? [home, 'Draw', away] : [home, away]
    const paRecords = names.map((name, i): ZapRecord => {
      const known = pas[i]
      const pa = known?.ID ?? id()
      return {
        type: 'PA',
        fields: {
          FI: fx,
          HA: '',
          HD: '',
          ID: pa,
          IT: known?.IT ?? `L${fx}-${pa}_1_3`,
          NA: name,
          OD: oddsText(prices, i),
          OR: String(i),
          SU: su,
        },
      }
    })
    messages.push(
      delta(parentIt, 'I', [
        { type: 'EV', fields: ev },
        { type: 'MA', fields: maFields },
        ...paRecords,
      ]),
    )
    rendered.set(fixture.id, {
      evIt: ev.IT!,
      maIt,
      paIts: paRecords.map((r) => r.fields.IT!),
      swapped,
    })
    owned.add(ev.IT!)
    return messages
  }

  const remove = (wid: string, r: Rendered): ZapMessage[] => {
    rendered.delete(wid)
    owned.delete(r.evIt)
    return tree.get(r.evIt) === undefined ? [] : [delta(r.evIt, 'D', [])]
  }

  /** U deltas that bring a rendered match's records to the world's state. */
  const update = (m: WorldMatch, r: Rendered, now: number): ZapMessage[] => {
    const out: ZapMessage[] = []
    const changed = (node: TopicNode, want: ZapFields): void => {
      const fields: ZapFields = {}
      for (const [k, v] of Object.entries(want)) if (node.fields[k] !== v) fields[k] = v
      if (Object.keys(fields).length > 0) out.push(delta(node.it, 'U', [{ type: '', fields }]))
    }
    const prices = world.prices('bet365', m.fixture.id)
    const su = prices?.suspended === true ? '1' : '0'
    r.paIts.forEach((it, i) => {
      const node = tree.get(it)
      if (node !== undefined) changed(node, { OD: oddsText(prices, i), SU: su })
    })
    const ma = tree.get(r.maIt)
    if (ma !== undefined) {
      const want: ZapFields = { SU: su }
      if (m.state.sport === 'football') want.GO = ordinal(m.state.goals[0] + m.state.goals[1] + 1)
      changed(ma, want)
    }
    const ev = tree.get(r.evIt)
    if (ev !== undefined) {
      const want = playFields(m, r.swapped)
      if (m.state.sport === 'football') {
        const cur = ev.fields
        const moved =
          cur.TT !== want.TT ||
          (want.TT === '0' && (cur.TM !== want.TM || cur.TS !== want.TS)) ||
          Math.abs(reading(cur, now) - reading(want, now)) >= 1.5
        if (!moved) for (const k of CLOCK) delete want[k]
      }
      changed(ev, want)
    }
    return out
  }

  const frameFor = (wid: string, now: number): ZapMessage[] => {
    const r = rendered.get(wid)
    const m = listed(wid)
    if (r === undefined) return m === undefined ? [] : place(m)
    if (m === undefined) return remove(wid, r)
    if (tree.get(r.evIt) === undefined) {
      // Removed from the tree by the simulator's test control: forget it.
      rendered.delete(wid)
      owned.delete(r.evIt)
      return []
    }
    return update(m, r, now)
  }

  const initial: ZapMessage[] = []
  for (const m of world.matches('bet365')) initial.push(...place(m))
  if (initial.length > 0) host.broadcast(initial)

  const pending = new Set<string>()
  let scheduled = false
  let closed = false
  const flush = (): void => {
    scheduled = false
    if (closed) return
    const now = Date.now()
    const messages: ZapMessage[] = []
    for (const wid of pending) messages.push(...frameFor(wid, now))
    pending.clear()
    if (messages.length > 0) host.broadcast(messages)
  }
  const unsubscribe = world.onChange((change) => {
    if (change.type === 'prices' && change.book !== 'bet365') return
    pending.add(change.id)
    if (!scheduled) {
      scheduled = true
      queueMicrotask(flush)
    }
  })
  const release = world.retain()

  return {
    owns: (it) => owned.has(it),
    events: () => [...rendered.values()].map((r) => r.evIt),
    close() {
      closed = true
      unsubscribe()
      release()
    },
  }
}
