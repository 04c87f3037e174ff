import { AlertRowButton } from '../alerts/AlertsPanel'
import { HistoryCsvButtons } from './exportView'

/**
 * The tools of an expanded row: set an alert on its match or a price, and download each
 * selection's price history as CSV.
 */
export function RowTools({
  eventId,
  selectionIds,
  selectionId = null,
}: {
  eventId: string
  selectionIds: readonly string[]
  /** The row's own selection (selection views), preselected in the alert form. */
  selectionId?: string | null
}) {
  return (
    <div className="row-tools" data-testid="row-tools">
      <AlertRowButton eventId={eventId} selectionId={selectionId} />
      <HistoryCsvButtons selectionIds={selectionIds} />
    </div>
  )
}
