/**
 * Test helper: the real Kwiff samples in ../fixtures (copied from shared/captures/kwiff). They
 * are author-abridged: `// ...` lines and `...` list items are dropped (with the trailing
 * commas they leave) so the JSON parses; nothing else is changed.
 */
import { readFileSync } from 'node:fs'

const dir = new URL('../fixtures/', import.meta.url)

/** The text of a fixture file. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8')
}

/** Every ```json block of a fixture, parsed, abridgement markers removed. */
export function fixtureJsonBlocks(name: string): unknown[] {
  const text = fixtureText(name)
  const out: unknown[] = []
  for (const m of text.matchAll(/```json\n([\s\S]*?)```/g)) {
    const cleaned = m[1]!
      .split('\n')
      .filter((line) => !/^\s*(\/\/.*|\.\.\.,?)\s*$/.test(line))
      .join('\n')
      .replace(/,(\s*[}\]])/g, '$1')
    out.push(JSON.parse(cleaned))
  }
  return out
}

/** The JSON after the two `#` header lines of a fixture (the ticket:odds:get record). */
export function fixtureJsonBody(name: string): unknown {
  const text = fixtureText(name)
  return JSON.parse(text.slice(text.indexOf('\n{') + 1))
}
