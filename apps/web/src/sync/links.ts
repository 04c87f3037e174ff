/**
 * The user's link decisions, sent to the proxy's link API (`POST /api/links`, apps/proxy
 * README "Links"): `link` forces two events of different books into one canonical event;
 * `unlink` keeps two events apart for good. The proxy answers 200 `{"ok":true}` or an error
 * `{"error":"…"}`; the change itself arrives later as canonical ops on the relay, so nothing
 * here patches local state.
 */

/** A link decision on two events of different books. */
export type LinkAction = 'link' | 'unlink'

/** The outcome of one request: ok, or the proxy's (or the network's) reason. */
export type LinkResult = { ok: true } | { ok: false; error: string }

/**
 * Sends one decision on events `a` and `b` (event ids, e.g. `bet365:190321250`).
 * Never throws: a network failure or an error answer comes back as `{ ok: false, error }`.
 */
export async function postLink(action: LinkAction, a: string, b: string): Promise<LinkResult> {
  try {
    const res = await fetch('/api/links', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, a, b }),
    })
    if (res.ok) return { ok: true }
    let error = `HTTP ${res.status}`
    try {
      const body = (await res.json()) as { error?: unknown }
      if (typeof body.error === 'string') error = `${error}: ${body.error}`
    } catch {
      /* not JSON: the status says enough */
    }
    return { ok: false, error }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

/**
 * Takes `eventId` out of its canonical event: one `unlink` against each other member
 * (`others`), in order; stops at the first failure and returns it.
 */
export async function removeFromMatch(
  eventId: string,
  others: readonly string[],
): Promise<LinkResult> {
  for (const other of others) {
    const r = await postLink('unlink', eventId, other)
    if (!r.ok) return r
  }
  return { ok: true }
}
