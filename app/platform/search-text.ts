// C0 and C1 control characters (NUL among them) have no place in a search, and SQLite's FTS5 query parser fails
// on NUL ("unterminated string"): they become spaces before any query sees the text.
const CONTROL_CHARACTERS = /\p{Cc}/gu;

/** Free text typed into a search box, made safe for every query: no control characters, trimmed, at most `max` long. */
export function searchText(value: string | null | undefined, max = 100): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = value.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
  return cleaned === '' ? undefined : cleaned;
}
