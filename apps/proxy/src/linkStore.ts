import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'

/**
 * A user's decision on two events of different books (the link API, `POST /api/links`):
 * `link` forces them into one canonical event, `unlink` keeps them apart for good.
 * `a` and `b` are event ids (`winamax:123`), stored ordered (`a < b`); `at` is epoch ms.
 */
export interface LinkDecision {
  action: 'link' | 'unlink'
  a: string
  b: string
  at: number
}

/** The file name of the decisions inside the data directory. */
export const LINKS_FILE = 'links.json'

const decisionSchema = z.object({
  action: z.enum(['link', 'unlink']),
  a: z.string().min(1),
  b: z.string().min(1),
  at: z.number().int().nonnegative(),
})

/** The file's shape: a version, so a later format can be told apart, and the decisions. */
const fileSchema = z.object({
  version: z.literal(1),
  decisions: z.array(decisionSchema),
})

/** The links file exists but cannot be read or is not a links file; start-up stops. */
export class LinkStoreError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`)
    this.name = 'LinkStoreError'
  }
}

/** The key of a pair of events, the same whichever comes first. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`
}

/**
 * The user's link/unlink decisions, held in memory and persisted to `DIR/links.json`
 * (`{"version":1,"decisions":[{"action","a","b","at"}]}`). One decision per pair of events
 * (keyed by the two ids, ordered): the last one recorded wins. Every change rewrites the
 * whole file atomically (a temporary file in the same directory, fsync, rename, fsync of
 * the directory), so a crash leaves either the old file or the new one, never half of one.
 * Writes are serialized. The directory is created on the first write, so a proxy that never
 * records a decision never creates it.
 */
export class LinkStore {
  private readonly byPair = new Map<string, LinkDecision>()
  private writing: Promise<void> = Promise.resolve()

  private constructor(
    /** Absolute path of the links file. */
    readonly file: string,
    decisions: readonly LinkDecision[],
  ) {
    for (const d of decisions) this.byPair.set(pairKey(d.a, d.b), d)
  }

  /**
   * Opens the store of `dir` (an absolute or cwd-relative path): reads `dir/links.json`
   * when it exists; a missing file (or directory) is an empty store.
   * @throws LinkStoreError naming the file when it exists but cannot be read, is not JSON,
   *   or is not a links file (a decision is never silently dropped).
   */
  static async open(dir: string): Promise<LinkStore> {
    const file = path.resolve(dir, LINKS_FILE)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return new LinkStore(file, [])
      throw new LinkStoreError(file, `cannot be read (${code ?? (err as Error).message})`)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (err) {
      throw new LinkStoreError(
        file,
        `is not valid JSON (${(err as Error).message}); fix or move it away`,
      )
    }
    const parsed = fileSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue === undefined ? '' : `${issue.path.join('.') || 'file'}: `
      throw new LinkStoreError(
        file,
        `is not a links file (${where}${issue?.message ?? 'invalid'}); fix or move it away`,
      )
    }
    // ordered as recorded, so the last one of a pair wins
    const decisions = parsed.data.decisions.map((d) => (d.a < d.b ? d : { ...d, a: d.b, b: d.a }))
    return new LinkStore(file, decisions)
  }

  /** Every decision, one per pair, in the order they were recorded (oldest first). */
  list(): LinkDecision[] {
    return [...this.byPair.values()]
  }

  /** The decision on this pair of events, if any. */
  get(a: string, b: string): LinkDecision | undefined {
    return this.byPair.get(pairKey(a, b))
  }

  /**
   * Records a decision (replacing any earlier one on the same pair) and resolves once the
   * file on disk holds it. The in-memory copy changes at once.
   * @throws the file system's error when the file cannot be written (the in-memory
   *   decision stays; the next successful write persists it too).
   */
  async record(decision: LinkDecision): Promise<void> {
    const d: LinkDecision =
      decision.a < decision.b ? decision : { ...decision, a: decision.b, b: decision.a }
    const key = pairKey(d.a, d.b)
    this.byPair.delete(key) // re-inserted last: insertion order is recording order
    this.byPair.set(key, d)
    const write = this.writing.then(() => this.writeFile())
    // a failed write must not block the next one
    this.writing = write.catch(() => {})
    return write
  }

  /** Resolves once every write started so far has finished (or failed). */
  async flush(): Promise<void> {
    await this.writing
  }

  private async writeFile(): Promise<void> {
    const dir = path.dirname(this.file)
    await mkdir(dir, { recursive: true })
    const body = `${JSON.stringify({ version: 1, decisions: this.list() }, null, 1)}\n`
    const tmp = path.join(dir, `.${LINKS_FILE}.${randomBytes(4).toString('hex')}.tmp`)
    try {
      const handle = await open(tmp, 'w', 0o600)
      try {
        await handle.writeFile(body, 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(tmp, this.file)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
    // the rename itself is durable once the directory is synced (not possible everywhere)
    try {
      const d = await open(dir, 'r')
      try {
        await d.sync()
      } finally {
        await d.close()
      }
    } catch {
      // e.g. Windows cannot open a directory: the rename is still atomic
    }
  }
}
