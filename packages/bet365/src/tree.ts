import { recordField, type ZapFields, type ZapMessage, type ZapRecord } from './codec'

/**
 * The zap topic tree: what a client holds after applying loads and deltas. Pure: no
 * sockets, timers or clock (the server clock is read from `__time` messages).
 *
 * Protocol facts (seed "Message Types", "Data Hierarchy", "Item ID Structure"; captures
 * README): nodes are keyed by their `IT` field; an `F` load replaces a whole topic and its
 * records nest by kind (CL sport > CT competition > EV event > MA market > PA selection),
 * each record belonging to the nearest record of a higher kind before it; `U` merges the
 * changed fields into the node its topic names; `I` inserts records under the node its
 * topic names; `D` removes the node its topic names with all its descendants; `__time`
 * carries the server clock (`TI=YYYYMMDDHHmmssSSS`); the `EMPTY` topic says a subscribed
 * topic does not exist (`IN;EM=1;TO=<topic>;`, captures mahendrakalkura #5); an `ER` record
 * is a server error on a topic (captures antibagr har, MohamedRouatbi).
 */

/**
 * One node of the tree: a record with its place. `fields` is the record's field map (built
 * from the wire text on first access) and is mutated in place by `U`.
 */
export class TopicNode {
  children: TopicNode[] = []
  /** Increments whenever a `U` changes this node's fields (lets readers cache what they derive). */
  rev = 0

  constructor(
    /** The node's `IT` (or `<topic>#<n>` for a record without one). */
    readonly it: string,
    /** Record type: `CL`, `CT`, `EV`, `MA`, `PA`, … */
    readonly type: string,
    private readonly record: ZapRecord,
    /** Parent node; null for a top-level record of its topic. */
    public parent: TopicNode | null,
    /** The subscription topic whose load holds this node. */
    readonly topic: string,
  ) {}

  /** The node's fields, two-letter key → raw text (e.g. `SS` → `"3-6,1-0"`); `U` merges into it. */
  get fields(): ZapFields {
    return this.record.fields
  }
}

/** A feed-level error the server reported in-band. */
export interface TopicError {
  /** `EMPTY`: the subscribed topic does not exist; `ER`: an error record. */
  code: 'EMPTY' | 'ER'
  /** The topic concerned; session topics (`S_…`) are redacted. */
  topic: string
  /** Human-readable, free of secrets. */
  message: string
}

/** What applying one message did. */
export interface ApplyResult {
  /** True when nodes were added, removed or changed. */
  changed: boolean
  /** True when the message was a `__time` heartbeat. */
  time: boolean
  errors: TopicError[]
}

/**
 * Thrown by {@link TopicTree.apply} for a message that cannot be applied (a `U` for a node
 * that does not exist, malformed odds, an `I` under an unknown parent). The tree is left
 * exactly as it was before the message.
 */
export class TreeError extends Error {
  constructor(readonly reason: string) {
    super(`zap tree: ${reason}`)
    this.name = 'TreeError'
  }
}

/** Nesting rank of each record type in a load; other types are leaves of the current parent. */
const LEVEL: Record<string, number> = { CL: 1, CT: 2, EV: 3, MA: 4, PA: 5 }
const LEAF = 99
const ODDS_RE = /^(\d+)\/(\d+)$/

/** The heartbeat topic (seed "Heartbeat"). */
export const TIME_TOPIC = '__time'
/** The topic that reports an unknown subscription (captures mahendrakalkura #5). */
export const EMPTY_TOPIC = 'EMPTY'

/**
 * Parses a zap timestamp `YYYYMMDDHHmmssSSS` (17 digits; 14 without milliseconds) as UTC.
 * Returns epoch ms, or null when the text is not such a timestamp.
 */
export function parseZapTime(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(text)
  if (m === null) return null
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const ms = Number(m[7] ?? 0)
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null
  return Date.UTC(y, mo - 1, d, h, mi, s, ms)
}

/** Formats epoch ms as a zap timestamp `YYYYMMDDHHmmssSSS` (UTC). */
export function formatZapTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:TZ.]/g, '')
}

function checkOdds(record: ZapRecord): void {
  const od = recordField(record, 'OD')
  if (od === undefined) return
  const m = ODDS_RE.exec(od)
  if (m === null) throw new TreeError('malformed fractional odds OD')
  if (m[2] === '0' && m[1] !== '0') throw new TreeError('fractional odds OD with zero denominator')
}

function redactTopic(topic: string): string {
  return /^[SA]_/.test(topic) ? `${topic.slice(0, 2)}…` : topic
}

/** A mutable topic tree. See the module comment for the protocol rules it follows. */
export class TopicTree {
  private readonly byIt = new Map<string, TopicNode>()
  private readonly topicRoots = new Map<string, TopicNode>()
  /** Server clock from the latest `__time` message, epoch ms; null before the first. */
  serverTime: number | null = null
  /** Increments on every change, so a reader can tell whether anything moved. */
  version = 0
  /** While {@link applyFrame} runs: how to take back each change made so far (newest last). */
  private undo: (() => void)[] | null = null
  /** Child arrays already saved in {@link undo} during this frame. */
  private saved: Set<unknown> | null = null

  /** The node with this `IT`, if any. */
  get(it: string): TopicNode | undefined {
    return this.byIt.get(it)
  }

  /** Number of nodes across all topics. */
  get size(): number {
    return this.byIt.size
  }

  /** Topics that currently hold a load. */
  topics(): string[] {
    return [...this.topicRoots.keys()]
  }

  /** Top-level nodes of a topic, in load order (empty when the topic is not loaded). */
  roots(topic: string): readonly TopicNode[] {
    return this.topicRoots.get(topic)?.children ?? []
  }

  /** Every node of every topic, depth first in document order (parents before children). */
  *nodes(): Generator<TopicNode> {
    const stack: TopicNode[] = []
    for (const root of this.topicRoots.values()) {
      for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i]!)
      while (stack.length > 0) {
        const n = stack.pop()!
        yield n
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!)
      }
    }
  }

  /** A topic's records in document order, ready to be written back as an `F` load (simulator). */
  toRecords(topic: string): ZapRecord[] {
    const out: ZapRecord[] = []
    const visit = (n: TopicNode): void => {
      out.push({ type: n.type, fields: { ...n.fields } })
      for (const c of n.children) visit(c)
    }
    for (const n of this.roots(topic)) visit(n)
    return out
  }

  /** A topic as plain nested JSON-able objects `{ it, type, fields, children }` (benchmark). */
  toJSON(topic: string): unknown[] {
    const plain = (n: TopicNode): unknown => ({
      it: n.it,
      type: n.type,
      fields: n.fields,
      children: n.children.map(plain),
    })
    return this.roots(topic).map(plain)
  }

  /** Removes a topic and all its nodes (e.g. the server said it is `EMPTY`). Returns true if it held any. */
  dropTopic(topic: string): boolean {
    const root = this.topicRoots.get(topic)
    if (root === undefined) return false
    for (const c of root.children) this.forget(c)
    this.save(this.topicRoots)
    this.topicRoots.delete(topic)
    this.version++
    return root.children.length > 0
  }

  /**
   * Applies one decoded message. Atomic: everything is checked before anything changes.
   * @throws TreeError for a `U` naming a node that does not exist, an `I` under an unknown
   *   parent, or malformed fractional odds (`OD` that is not `n/d`, or `n/0`).
   */
  apply(message: ZapMessage): ApplyResult {
    const result: ApplyResult = { changed: false, time: false, errors: [] }
    const { topic, op, records } = message

    for (const r of records) {
      if (r.type === 'ER') {
        const rt = r.fields.RT === undefined ? '' : ` RT=${r.fields.RT}`
        result.errors.push({
          code: 'ER',
          topic: redactTopic(topic),
          message: `server error record${rt} on topic ${redactTopic(topic)}`,
        })
      }
    }
    if (result.errors.length > 0) return result

    if (topic === TIME_TOPIC) {
      const ti = records[0]?.fields.TI
      const t = ti === undefined ? null : parseZapTime(ti)
      if (t === null) throw new TreeError('__time without a valid TI')
      this.serverTime = t
      result.time = true
      return result
    }

    if (topic === EMPTY_TOPIC) {
      const missing = (records[0]?.fields.TO ?? '').trim()
      result.errors.push({
        code: 'EMPTY',
        topic: redactTopic(missing),
        message: `no such topic: ${redactTopic(missing)}`,
      })
      if (missing !== '' && this.dropTopic(missing)) result.changed = true
      return result
    }

    for (const r of records) checkOdds(r)

    switch (op) {
      case 'F':
        this.load(topic, records)
        result.changed = true
        break
      case 'U':
        result.changed = this.update(topic, records)
        break
      case 'I':
        this.insert(topic, records)
        result.changed = records.length > 0
        break
      case 'D':
        result.changed = this.delete(topic)
        break
    }
    if (result.changed) this.version++
    return result
  }

  /**
   * Applies the messages of one frame, all or nothing: when one of them throws, the changes
   * of the messages before it are taken back and the tree is exactly as it was before the
   * frame (a malformed frame is skipped whole, never half-applied). Returns one result per
   * message.
   * @throws TreeError as {@link apply} does, for the first message that cannot be applied.
   */
  applyFrame(messages: readonly ZapMessage[]): ApplyResult[] {
    if (messages.length === 1) return [this.apply(messages[0]!)]
    const undo: (() => void)[] = []
    const version = this.version
    const serverTime = this.serverTime
    this.undo = undo
    this.saved = new Set()
    try {
      return messages.map((m) => this.apply(m))
    } catch (e) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!()
      this.version = version
      this.serverTime = serverTime
      throw e
    } finally {
      this.undo = null
      this.saved = null
    }
  }

  /** Saves a child array (or the topic roots) once per frame, to be restored on failure. */
  private save(list: TopicNode[] | Map<string, TopicNode>): void {
    if (this.undo === null || this.saved!.has(list)) return
    this.saved!.add(list)
    if (list instanceof Map) {
      const copy = [...list]
      this.undo.push(() => {
        list.clear()
        for (const [k, v] of copy) list.set(k, v)
      })
    } else {
      const copy = [...list]
      this.undo.push(() => list.splice(0, list.length, ...copy))
    }
  }

  private index(it: string, node: TopicNode | undefined): void {
    if (this.undo !== null) {
      const prev = this.byIt.get(it)
      this.undo.push(() => (prev === undefined ? this.byIt.delete(it) : this.byIt.set(it, prev)))
    }
    if (node === undefined) this.byIt.delete(it)
    else this.byIt.set(it, node)
  }

  private load(topic: string, records: readonly ZapRecord[]): void {
    const old = this.topicRoots.get(topic)
    if (old !== undefined) for (const c of old.children) this.forget(c)
    const root = new TopicNode(topic, '', { type: '', fields: {} }, null, topic)
    this.save(this.topicRoots)
    this.topicRoots.set(topic, root)
    this.attach(root, records, topic)
  }

  /** Adds `records` under `base`, nesting them by kind; duplicate `IT`s replace the earlier node. */
  private attach(base: TopicNode, records: readonly ZapRecord[], topic: string): void {
    const root = this.topicRoots.get(topic)
    const stack: TopicNode[] = [base]
    const levels: number[] = [0]
    let n = 0
    for (const r of records) {
      const level = LEVEL[r.type] ?? LEAF
      while (stack.length > 1 && levels[levels.length - 1]! >= level) {
        stack.pop()
        levels.pop()
      }
      const parent = stack[stack.length - 1]!
      const it = recordField(r, 'IT') ?? `${topic}#${n++}`
      const existing = this.byIt.get(it)
      if (existing !== undefined) this.detach(existing)
      const node = new TopicNode(it, r.type, r, parent === root ? null : parent, topic)
      this.save(parent.children)
      parent.children.push(node)
      this.index(it, node)
      if (level !== LEAF) {
        stack.push(node)
        levels.push(level)
      }
    }
  }

  private update(it: string, records: readonly ZapRecord[]): boolean {
    const node = this.byIt.get(it)
    if (node === undefined) throw new TreeError('update for a node that does not exist')
    let changed = false
    for (const r of records) {
      for (const key in r.fields) {
        if (key === 'IT') continue // a node keeps its key
        const value = r.fields[key]!
        if (node.fields[key] !== value) {
          if (this.undo !== null) {
            const fields = node.fields
            const had = key in fields
            const old = fields[key]
            this.undo.push(() => {
              if (had) fields[key] = old!
              else delete fields[key]
            })
          }
          node.fields[key] = value
          changed = true
        }
      }
    }
    if (changed) {
      if (this.undo !== null) {
        const rev = node.rev
        this.undo.push(() => (node.rev = rev))
      }
      node.rev++
    }
    return changed
  }

  private insert(parentIt: string, records: readonly ZapRecord[]): void {
    const parent = this.byIt.get(parentIt) ?? this.topicRoots.get(parentIt)
    if (parent === undefined) throw new TreeError('insert under a node that does not exist')
    this.attach(parent, records, parent.topic)
  }

  private delete(it: string): boolean {
    const node = this.byIt.get(it)
    if (node === undefined) return false // already gone: deletes are idempotent
    this.detach(node)
    return true
  }

  /** Unlinks a node from its parent and forgets it with its descendants. */
  private detach(node: TopicNode): void {
    const siblings = (node.parent ?? this.topicRoots.get(node.topic))?.children
    if (siblings !== undefined) {
      const i = siblings.indexOf(node)
      if (i !== -1) {
        this.save(siblings)
        siblings.splice(i, 1)
      }
    }
    this.forget(node)
  }

  private forget(node: TopicNode): void {
    if (this.byIt.get(node.it) === node) this.index(node.it, undefined)
    for (const c of node.children) this.forget(c)
  }
}
