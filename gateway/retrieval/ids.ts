/**
 * Passage ids as both retrievers accept them in `resolve`: the characters Azure AI Search
 * allows in document keys (letters, digits, `_`, `-`, `=`), bounded in length. Ids are checked
 * against this before they reach a filter expression, so no OData can be smuggled in.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9_=-]{1,128}$/;

/** Largest number of ids one `resolve` call looks up; the model cites a handful at most. */
export const MAX_RESOLVE_IDS = 20;

/** Longest search query passed on; the model writes short queries, and a runaway one is cut. */
export const MAX_QUERY_CHARS = 1000;

/** True when `id` is a string that may be put into a lookup or filter. */
export function isSafeId(id: unknown): id is string {
  return typeof id === 'string' && SAFE_ID_PATTERN.test(id);
}

/** The valid, distinct ids of a `resolve` call, in their first order, capped at MAX_RESOLVE_IDS. */
export function safeIds(ids: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (!isSafeId(id) || out.includes(id)) continue;
    out.push(id);
    if (out.length === MAX_RESOLVE_IDS) break;
  }
  return out;
}
