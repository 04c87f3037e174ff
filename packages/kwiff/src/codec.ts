/**
 * Kwiff command codec (pure): builds the `command` request and validates the acked replies.
 *
 * Protocol facts (seed 002 "Socket.IO Protocol (EIO=3)" / "Command Format"; captures/kwiff
 * README excerpt): a command is the Socket.IO EVENT `42<ackId>["command",{message, payload,
 * timestamp, userAgent, webappVersion}]`, answered by the ack `43<ackId>[{timestamp, data}]`.
 * `event:list` answers `data.events` (captures/kwiff event-list sample), `event:get` answers
 * `data.result` (captures/kwiff event-get sample, payload `{eventId}` per goosealerts
 * kwiff_client.py `get_event_details`). On connect the server pushes `42["response",{user}]`.
 *
 * Everything here is a pure function of its input: no sockets, timers or clock.
 */
import { z } from 'zod'

/** The browser User-Agent sent in the upgrade headers and in every command (seed 002, kwiff_client.py). */
export const KWIFF_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36'

/** The web app version string sent in every command (seed 002, "Command Format"). */
export const KWIFF_WEBAPP_VERSION = '1.0.1.1768909734556'

/** Sport ids as Kwiff numbers them. */
export const KWIFF_SPORTS = {
  /** seed 002: "sportId - Sport type (11=Football, 36=Basketball, etc.)". */
  football: 11,
  /** seed 002, same line. */
  basketball: 36,
  /**
   * ASSUMED: no public source shows Kwiff's tennis id; 15 is a placeholder the simulator
   * uses too. Override the feed's `sports` option when the real id is known.
   */
  tennis: 15,
} as const

/** Display names of the known sport ids. */
export const KWIFF_SPORT_NAMES: Readonly<Record<number, string>> = {
  [KWIFF_SPORTS.football]: 'Football',
  [KWIFF_SPORTS.basketball]: 'Basketball',
  [KWIFF_SPORTS.tennis]: 'Tennis',
}

/** The body of a `command` event (seed 002, "Command Format"). `timestamp` is epoch ms. */
export interface KwiffCommand {
  message: string
  payload: Record<string, unknown>
  timestamp: number
  userAgent: string
  webappVersion: string
}

/**
 * Builds the body of a `command` event, e.g. `buildCommand('event:list', {listId:'default',
 * sportId:11, country:'GB'}, Date.now())`. `timestamp` is epoch ms, passed in (pure).
 */
export function buildCommand(
  message: string,
  payload: Record<string, unknown>,
  timestamp: number,
  userAgent = KWIFF_USER_AGENT,
  webappVersion = KWIFF_WEBAPP_VERSION,
): KwiffCommand {
  return { message, payload, timestamp, userAgent, webappVersion }
}

/** The `event:list` payload for one sport and country (seed 002: listId "default", country "GB"/"IE"). */
export function eventListPayload(sportId: number, country: string): Record<string, unknown> {
  return { listId: 'default', sportId, country }
}

/** The `event:get` payload for one event (goosealerts kwiff_client.py `get_event_details`). */
export function eventGetPayload(eventId: number): Record<string, unknown> {
  return { eventId }
}

/** A reply that is not the expected shape. `command` names the command it answered. */
export class KwiffReplyError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`bad '${command}' reply: ${reason}`)
    this.name = 'KwiffReplyError'
  }
}

/**
 * The server answered a command with an error instead of data. ASSUMED shape (no public
 * sample shows one): `[{timestamp, error: {code?, message?} | string}]`; the simulator uses it.
 */
export class KwiffCommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`'${command}' failed: ${code}${detail ? ` (${detail})` : ''}`)
    this.name = 'KwiffCommandError'
  }
}

const idSchema = z.union([z.number(), z.string().min(1)])

/** One outcome of an offer: `outcomeName`, decimal `odds`, `fractional` text (event-list sample). */
const outcomeSchema = z.looseObject({
  id: idSchema.optional(),
  outcomeName: z.string(),
  odds: z.number().nullable().optional(),
  fractional: z.string().nullable().optional(),
  /** ASSUMED flag (not in the samples), honoured when present. */
  suspended: z.boolean().optional(),
})

/** One offer (market) with its outcomes (event-list sample `details.offers[]`). */
const offerSchema = z.looseObject({
  id: idSchema.optional(),
  name: z.string(),
  outcomes: z.array(outcomeSchema),
  /** ASSUMED flag (not in the samples), honoured when present. */
  suspended: z.boolean().optional(),
})

const teamSchema = z.looseObject({ id: idSchema.optional(), name: z.string().min(1) })

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO date')

/** One event as `event:list` and `event:get` carry it (both samples). */
const eventSchema = z.looseObject({
  id: z.number().int(),
  sportId: z.number().int(),
  competition: z.looseObject({
    id: idSchema,
    name: z.string(),
    competitionId: idSchema.optional(),
  }),
  homeTeam: teamSchema,
  awayTeam: teamSchema,
  startDate: isoDate,
  stage: z.number().int().optional(),
  bettingStatus: z.number().int().optional(),
  betBuilderEnabled: z.boolean().optional(),
  details: z.looseObject({ offers: z.array(offerSchema).optional() }).optional(),
  /** event:get: markets may sit here instead of `details.offers` (goosealerts player_helpers.py tries both). */
  markets: z.array(offerSchema).optional(),
})

/** An outcome (selection) as Kwiff sends it. */
export type KwiffOutcome = z.infer<typeof outcomeSchema>
/** An offer (market) as Kwiff sends it. */
export type KwiffOffer = z.infer<typeof offerSchema>
/** An event as Kwiff sends it. */
export type KwiffEvent = z.infer<typeof eventSchema>

/** An event of a list reply that failed validation and was left out. */
export interface InvalidEvent {
  /** The event's id when it could be read. */
  id?: number
  reason: string
}

/** A validated `event:list` reply. `timestamp` is the server's epoch ms. */
export interface EventListReply {
  timestamp: number
  events: KwiffEvent[]
  /** Events that were not the expected shape: left out, for the caller to count and log. */
  invalid: InvalidEvent[]
}

/** A validated `event:get` reply: one event with its offers. */
export interface EventGetReply {
  timestamp: number
  event: KwiffEvent
}

/** The user details pushed as `42["response",{user:…}]` on connect (seed 002, "Initial Message Sequence"). */
export interface UserDetails {
  user?: Record<string, unknown>
  [key: string]: unknown
}

const envelopeSchema = z.looseObject({ timestamp: z.number(), data: z.unknown() })
const errorEnvelopeSchema = z.looseObject({
  error: z.union([
    z.string(),
    z.looseObject({
      code: z.union([z.string(), z.number()]).optional(),
      message: z.string().optional(),
    }),
  ]),
})

/**
 * How deep one event may nest (the event object is level 1). The event-list sample's events
 * nest 6 levels (event → details → offers → offer → outcomes → outcome); `event:get` adds
 * "markets, players, odds data" that its sample abridges, so the bound leaves room. Deeper is refused
 * up front as a bad event: no book sends it, and walking it recursively could overflow.
 */
export const MAX_EVENT_DEPTH = 32

/**
 * The nesting depth of a JSON-like value (a scalar is 0, `{}` or `[]` is 1), counted
 * iteratively, stopping once it passes `limit`: never overflows the stack.
 */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let max = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, d] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    const depth = d + 1
    if (depth > max) max = depth
    if (max > limit) return max
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth])
    }
  }
  return max
}

/** Validates one raw event: too deep, or not the schema's shape, is an error text. */
function parseEvent(raw: unknown): { ok: true; event: KwiffEvent } | { ok: false; reason: string } {
  if (jsonDepth(raw, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) {
    return { ok: false, reason: `event nested deeper than ${MAX_EVENT_DEPTH} levels` }
  }
  const e = eventSchema.safeParse(raw)
  return e.success ? { ok: true, event: e.data } : { ok: false, reason: issueText(e.error) }
}

function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}

/**
 * The error of an error reply (see {@link KwiffCommandError}), or undefined when `args` is
 * not one. Lets a caller retry failed commands before parsing.
 */
export function replyError(command: string, args: unknown): KwiffCommandError | undefined {
  if (!Array.isArray(args) || args.length === 0) return undefined
  const err = errorEnvelopeSchema.safeParse(args[0])
  if (!err.success) return undefined
  const e = err.data.error
  if (typeof e === 'string') return new KwiffCommandError(command, 'ERROR', e)
  return new KwiffCommandError(command, String(e.code ?? 'ERROR'), e.message ?? '')
}

/**
 * Checks the ack arguments of a command: `[{timestamp, data}]`, or an error reply.
 * @throws KwiffCommandError for an error reply, KwiffReplyError for any other shape.
 */
function envelope(command: string, args: unknown): { timestamp: number; data: unknown } {
  if (!Array.isArray(args) || args.length === 0) {
    throw new KwiffReplyError(command, 'ack carries no arguments')
  }
  const err = replyError(command, args)
  if (err !== undefined) throw err
  const env = envelopeSchema.safeParse(args[0])
  if (!env.success) throw new KwiffReplyError(command, issueText(env.error))
  return env.data
}

/**
 * Parses the ack arguments of `event:list`: `[{timestamp, data:{events:[…]}}]`. Events that
 * are not the expected shape, or nest deeper than {@link MAX_EVENT_DEPTH}, are left out whole
 * and listed in `invalid`; the envelope must be right.
 * @throws KwiffCommandError for an error reply; KwiffReplyError when the envelope or
 *   `data.events` is not the expected shape.
 */
export function parseEventListReply(args: unknown): EventListReply {
  const { timestamp, data } = envelope('event:list', args)
  const d = z.looseObject({ events: z.array(z.unknown()) }).safeParse(data)
  if (!d.success) throw new KwiffReplyError('event:list', issueText(d.error))
  const events: KwiffEvent[] = []
  const invalid: InvalidEvent[] = []
  for (const raw of d.data.events) {
    const e = parseEvent(raw)
    if (e.ok) {
      events.push(e.event)
    } else {
      const id = (raw as { id?: unknown } | null)?.id
      invalid.push({ ...(typeof id === 'number' ? { id } : {}), reason: e.reason })
    }
  }
  return { timestamp, events, invalid }
}

/**
 * Parses the ack arguments of `event:get`: `[{timestamp, data:{result:{…event…}}}]`.
 * @throws KwiffCommandError for an error reply; KwiffReplyError for any other shape
 *   (including an invalid event: one event is all this reply is about).
 */
export function parseEventGetReply(args: unknown): EventGetReply {
  const { timestamp, data } = envelope('event:get', args)
  const d = z.looseObject({ result: z.unknown() }).safeParse(data)
  if (!d.success) throw new KwiffReplyError('event:get', issueText(d.error))
  const e = parseEvent(d.data.result)
  if (!e.ok) throw new KwiffReplyError('event:get', `result: ${e.reason}`)
  return { timestamp, event: e.event }
}

/**
 * Parses the arguments of the pushed `response` event: `[{user:{…}}]` (seed 002). Only the
 * outer shape is checked, since its content is not documented.
 * @throws KwiffReplyError when the first argument is not an object.
 */
export function parseUserDetails(args: unknown): UserDetails {
  const r = z
    .tuple([z.looseObject({ user: z.record(z.string(), z.unknown()).optional() })], z.unknown())
    .safeParse(args)
  if (!r.success) throw new KwiffReplyError('response', issueText(r.error))
  return r.data[0] as UserDetails
}

/** The offers of an event: `details.offers`, else `markets`, else none. */
export function eventOffers(event: KwiffEvent): KwiffOffer[] {
  return event.details?.offers ?? event.markets ?? []
}
