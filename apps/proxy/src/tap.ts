import type { Source } from '@oddsboard/model'
import type { Logger } from '@oddsboard/feedkit'
import type { ReplayServer } from './replay'

/** Placeholder until the tap lands. */
export async function startTap(
  source: Source,
  _cdpUrl: string,
  _logger: Logger,
): Promise<ReplayServer> {
  throw new Error(`tap not available for ${source} yet`)
}
