/**
 * Builds the world's fixture list from the project's real captures (pure: texts in, records
 * out). `scripts/build-fixtures.ts` writes the result to `fixtures/world-fixtures.json`;
 * `build.test.ts` rebuilds it from the captures and checks the stored file is that output.
 *
 * - Bet365: every football (`CL` 1) and tennis (`CL` 13) `EV` of the 2026-05-30 in-play load
 *   (packages/bet365/fixtures/inplay-2026-05-30-body.txt), `native` = its `FI`.
 * - Winamax: the football matches of the 2025-11-04 capture's first payload
 *   (packages/winamax/fixtures/winamax-2025-11-04.ndjson), its two live matches and the first
 *   matches by start of nine major tournaments (no club twice), `native` = `matchId`.
 * - Kwiff: the two events of the samples (packages/kwiff/fixtures/), `native` = event id.
 * Each fixture lists its capture's book, and with the seeded PRNG ~60 % also one or two other
 * books; two tennis books in three write the sides the other way round (`swapped`) at random.
 */
import type { Source } from '@oddsboard/model'
import { mulberry32 } from '@oddsboard/feedkit'
import type { FixtureRecord } from './fixtures'
import {
  competitionFromEnglish,
  competitionFromFrench,
  playerFromBet365,
  regionFromFrench,
  teamFromEnglish,
  teamFromFrench,
} from './names'

/** The capture texts the list is built from. */
export interface CaptureTexts {
  /** packages/bet365/fixtures/inplay-2026-05-30-body.txt, verbatim (comment lines included). */
  bet365Inplay: string
  /** packages/winamax/fixtures/winamax-2025-11-04.ndjson, verbatim. */
  winamaxNdjson: string
  /** packages/kwiff/fixtures/event-list-readme.txt, verbatim. */
  kwiffEventList: string
  /** packages/kwiff/fixtures/ticket-odds-get-11505695.txt, verbatim. */
  kwiffTicketOdds: string
}

/** Seed of the PRNG that picks other books and swapped sides. */
export const BUILD_SEED = 2026

/** Share of fixtures also listed on other books. */
export const CROSS_LISTED_SHARE = 0.62

/** Winamax tournaments (capture `tournamentId`) the list takes matches from, and how many. */
export const WINAMAX_TOURNAMENTS: readonly number[] = [
  151665, 10909, 151677, 900002365, 1, 33, 36, 42, 4,
]
export const WINAMAX_PER_TOURNAMENT = 5

/** One `|`-separated record of a zap body: its type and fields. */
interface ZapRecord {
  type: string
  fields: Record<string, string>
}

/** Reads a zap `F|…` body as Bet365's fixtures.ts does: `#` lines dropped, cut at the last `|`. */
function zapRecords(text: string): ZapRecord[] {
  const body = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
  return body
    .slice(0, body.lastIndexOf('|') + 1)
    .split('|')
    .filter((r) => r.includes(';'))
    .map((r) => {
      const [type, ...pairs] = r.split(';')
      const fields: Record<string, string> = {}
      for (const p of pairs) {
        const eq = p.indexOf('=')
        if (eq > 0) fields[p.slice(0, eq)] = p.slice(eq + 1)
      }
      return { type: type!, fields }
    })
}

/** `20260530175327` → epoch ms (UTC). */
function zapTime(tu: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(tu)
  if (m === null) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[]
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

type Draft = Omit<FixtureRecord, 'books' | 'swapped'> & { book: Source }

/** The Bet365 load's football and tennis events. */
export function bet365Drafts(text: string): Draft[] {
  const records = zapRecords(text)
  const latest = Math.max(...records.map((r) => zapTime(r.fields.TU ?? '') ?? 0))
  const out: Draft[] = []
  let cl = ''
  for (const r of records) {
    if (r.type === 'CL') cl = r.fields.ID ?? ''
    if (r.type !== 'EV' || (cl !== '1' && cl !== '13')) continue
    const f = r.fields
    const name = f.NA ?? ''
    const parts = name.split(' v ')
    if (parts.length !== 2 || f.FI === undefined) continue // coupon pseudo-events have no ` v `
    if (/^Esoccer/.test(f.CT ?? '')) continue // e-sports (Esoccer Battle, H2H GG League): not real football
    const [home, away] = parts as [string, string]
    const football = cl === '1'
    // live clock: TM minutes and TS seconds read at TU; tennis has no TU: the load's latest
    const at = zapTime(f.TU ?? '') ?? latest
    const clock = football ? (Number(f.TM ?? 0) * 60 + Number(f.TS ?? 0)) * 1000 : 0
    const capturedStart = at - clock
    out.push({
      id: `wf:${slug(home)}-${slug(away)}-${day(capturedStart)}`,
      sport: football ? 'football' : 'tennis',
      competition: competitionFromEnglish(f.CT ?? ''),
      home: football ? teamFromEnglish(home) : playerFromBet365(home),
      away: football ? teamFromEnglish(away) : playerFromBet365(away),
      native: { bet365: f.FI },
      capturedStart,
      source: `bet365 inplay-2026-05-30-body.txt EV FI=${f.FI} NA=${name}`,
      // best of 5 only where the capture says men's Grand Slam singles (L3 "Slam M-…")
      ...(football ? {} : { bestOf: /^Slam M-/.test(f.L3 ?? '') ? (5 as const) : (3 as const) }),
      book: 'bet365',
    })
  }
  return out
}

interface WinamaxMatch {
  matchId: number
  status: string
  title: string
  sportId: number
  categoryId: number
  tournamentId: number
  competitor1Name: string
  competitor2Name: string
  matchStart: number
  mainBetId?: number
}

/** The Winamax capture's selected football matches. */
export function winamaxDrafts(ndjson: string): Draft[] {
  let payload:
    | {
        matches: Record<string, WinamaxMatch>
        tournaments: Record<string, { tournamentName: string }>
        categories: Record<string, { categoryName: string }>
        bets?: Record<string, { template?: string }>
      }
    | undefined
  for (const line of ndjson.split('\n')) {
    if (!line.includes('tournaments')) continue
    const frame = JSON.parse(line) as { data?: string }
    if (frame.data === undefined || !frame.data.startsWith('42')) continue
    const [, body] = JSON.parse(frame.data.slice(2)) as [string, typeof payload]
    if (body?.matches !== undefined && body.tournaments !== undefined) {
      payload = body
      break
    }
  }
  if (payload === undefined) throw new Error('no Winamax first payload with matches in the capture')
  const bets = payload.bets ?? {}
  // Only matches whose main bet is the match result (`3way`): the world prices 1X2, and a
  // match whose capture shows another main market (Dinamo Batoumi - Iberia 1999, live on
  // "Nombre de buts" only) keeps its real market from the replay.
  const all = Object.values(payload.matches)
    .filter((m) => m.sportId === 1 && m.title.includes(' - '))
    .filter((m) => bets[String(m.mainBetId)]?.template === '3way')
    .sort((a, b) => a.matchStart - b.matchStart || a.matchId - b.matchId)
  const used = new Set<string>()
  const chosen: WinamaxMatch[] = []
  const take = (m: WinamaxMatch) => {
    const teams = [m.competitor1Name.trim(), m.competitor2Name.trim()]
    if (teams.some((t) => used.has(t))) return false
    teams.forEach((t) => used.add(t))
    chosen.push(m)
    return true
  }
  for (const m of all) if (m.status === 'LIVE') take(m)
  for (const t of WINAMAX_TOURNAMENTS) {
    let n = 0
    for (const m of all) {
      if (n >= WINAMAX_PER_TOURNAMENT) break
      if (m.tournamentId === t && take(m)) n++
    }
  }
  return chosen.map((m) => {
    const tournament = payload.tournaments[String(m.tournamentId)]?.tournamentName ?? ''
    const category = payload.categories[String(m.categoryId)]?.categoryName ?? ''
    const home = teamFromFrench(m.competitor1Name)
    const away = teamFromFrench(m.competitor2Name)
    const capturedStart = m.matchStart * 1000
    return {
      id: `wf:${slug(home.bet365)}-${slug(away.bet365)}-${day(capturedStart)}`,
      sport: 'football' as const,
      competition: competitionFromFrench(tournament, category),
      region: regionFromFrench(category),
      home,
      away,
      native: { winamax: String(m.matchId) },
      capturedStart,
      source: `winamax winamax-2025-11-04.ndjson matches[${m.matchId}] title=${m.title.trim()}`,
      book: 'winamax' as const,
    }
  })
}

/** The Kwiff samples' two events. */
export function kwiffDrafts(eventList: string, ticketOdds: string): Draft[] {
  const out: Draft[] = []
  const id = /"id":\s*(\d+),\s*"sportId"/.exec(eventList)?.[1]
  const competition = /"competition":\s*\{[^}]*"name":\s*"([^"]+)"/.exec(eventList)?.[1]
  const home = /"homeTeam":\s*\{[^}]*"name":\s*"([^"]+)"/.exec(eventList)?.[1]
  const away = /"awayTeam":\s*\{[^}]*"name":\s*"([^"]+)"/.exec(eventList)?.[1]
  const start = /"startDate":\s*"([^"]+)"/.exec(eventList)?.[1]
  if (id && competition && home && away && start) {
    const capturedStart = Date.parse(start)
    // the Bet365 form of Kwiff's "Bodoe/Glimt" is Bet365's usual ASCII "Bodo/Glimt"
    const h = {
      ...teamFromEnglish(home.replace('Bodoe', 'Bodo'), home),
      winamax: home.replace('Bodoe', 'Bodø'),
    }
    const a = teamFromEnglish(away)
    out.push({
      id: `wf:${slug(h.bet365)}-${slug(a.bet365)}-${day(capturedStart)}`,
      sport: 'football',
      competition: competitionFromEnglish(competition),
      home: h,
      away: a,
      native: { kwiff: id },
      capturedStart,
      source: `kwiff event-list-readme.txt event ${id} ${home} v ${away}`,
      book: 'kwiff',
    })
  }
  const ticket = /"event_id":\s*(\d+),\s*"match_id":\s*"\d+",\s*"match_name":\s*"([^"]+)"/.exec(
    ticketOdds,
  )
  const at = /"timestamp":\s*"([^"]+)"/.exec(ticketOdds)?.[1]
  if (ticket !== null && at !== undefined) {
    const [h, a] = ticket[2]!.split(' v ') as [string, string]
    const capturedStart = Date.parse(at)
    out.push({
      id: `wf:${slug(h)}-${slug(a)}-${day(capturedStart)}`,
      sport: 'football',
      // the sample names no competition: Mallorca v Sevilla is a LaLiga fixture (ASSUMED)
      competition: { winamax: 'LaLiga', bet365: 'Spain LaLiga', kwiff: 'LaLiga' },
      home: { ...teamFromEnglish(h), winamax: 'Majorque' },
      away: { ...teamFromEnglish(a), winamax: 'FC Séville' },
      native: { kwiff: ticket[1]! },
      capturedStart,
      source: `kwiff ticket-odds-get-11505695.txt event ${ticket[1]} ${ticket[2]} (start: the record's timestamp)`,
      book: 'kwiff',
    })
  }
  return out
}

/**
 * The whole fixture list: the drafts of every capture, each listed on its own book and,
 * chosen with mulberry32(`seed`), on one or two other books for ~60 % of them.
 */
export function buildFixtures(texts: CaptureTexts, seed = BUILD_SEED): FixtureRecord[] {
  const rng = mulberry32(seed)
  const drafts = [
    ...bet365Drafts(texts.bet365Inplay),
    ...winamaxDrafts(texts.winamaxNdjson),
    ...kwiffDrafts(texts.kwiffEventList, texts.kwiffTicketOdds),
  ]
  const seen = new Set<string>()
  const out: FixtureRecord[] = []
  for (const { book, ...d } of drafts) {
    if (seen.has(d.id)) continue
    seen.add(d.id)
    const others = (['winamax', 'bet365', 'kwiff'] as const).filter((b) => b !== book)
    const books: Source[] = [book]
    if (rng() < CROSS_LISTED_SHARE) {
      if (rng() < 0.5) books.push(...others)
      else books.push(others[rng() < 0.5 ? 0 : 1]!)
    }
    const swapped: Partial<Record<Source, boolean>> = {}
    if (d.sport === 'tennis') {
      for (const b of books) if (b !== book && rng() < 1 / 3) swapped[b] = true
    }
    out.push({
      ...d,
      books,
      ...(Object.keys(swapped).length > 0 ? { swapped } : {}),
    })
  }
  return out
}
