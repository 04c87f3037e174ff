/**
 * The labelled-pairs format of `fixtures/pairs.jsonl` (see `fixtures/README.md`): reading a
 * record into two {@link MatchEvent}s, and scoring a run (precision, recall, misses).
 */
import { isSportKey, type SportKey } from '@oddsboard/model'
import type { MatchEvent } from './match'

/** One side of a labelled pair, as in pairs.jsonl. */
export interface PairSide {
  book?: string
  name?: string
  home?: string | null
  /** null for a team-level record (a doubles pair with no event) */
  away?: string | null
  start?: string | null
  /** per-side sport when the pair mixes sports (`"ice hockey"`) */
  sport?: string
  /** set when the order is not a book's, e.g. "winner first (not a bookmaker order)" */
  order?: string
  country?: string
}

/** One labelled pair (line of pairs.jsonl). */
export interface PairRecord {
  id: string
  sport: string
  a: PairSide
  b: PairSide
  same?: boolean
  tags?: string[]
}

/**
 * Maps a source's sport label to a canonical sport key: `"ice hockey"` → `ice-hockey`,
 * `"soccer"` → `football`; anything unknown → `other`.
 */
export function sportKeyOf(label: string): SportKey {
  const key = label.trim().toLowerCase().replace(/\s+/g, '-')
  if (key === 'soccer') return 'football'
  return isSportKey(key) ? key : 'other'
}

/** The event a pair side describes; `sport` is the record's sport unless the side has its own. */
export function sideToEvent(side: PairSide, recordSport: string): MatchEvent {
  const event: MatchEvent = {
    sport: sportKeyOf(side.sport ?? recordSport),
    start: side.start ?? null,
  }
  if (typeof side.home === 'string') event.home = side.home
  if (typeof side.away === 'string') event.away = side.away
  if (side.name !== undefined) event.name = side.name
  if (side.order !== undefined && /not a bookmaker order|winner first/i.test(side.order)) {
    event.orderKnown = false
  }
  if (side.country !== undefined) event.country = side.country
  return event
}

/** Precision and recall of a run, with the wrongly decided ids. */
export interface RunSummary {
  truePositives: number
  falsePositives: number
  falseNegatives: number
  trueNegatives: number
  /** tp / (tp + fp); 1 when nothing was merged */
  precision: number
  /** tp / (tp + fn); 1 when there were no positives */
  recall: number
  /** labelled same, decided different */
  missed: string[]
  /** labelled different, decided same */
  falseMerges: string[]
}

/** Scores decisions against labels; records without a label are skipped. */
export function summarize(
  rows: readonly { id: string; label?: boolean; same: boolean }[],
): RunSummary {
  let tp = 0
  let fp = 0
  let fn = 0
  let tn = 0
  const missed: string[] = []
  const falseMerges: string[] = []
  for (const r of rows) {
    if (r.label === undefined) continue
    if (r.label && r.same) tp++
    else if (r.label) {
      fn++
      missed.push(r.id)
    } else if (r.same) {
      fp++
      falseMerges.push(r.id)
    } else tn++
  }
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    missed,
    falseMerges,
  }
}
