/**
 * Reciprocal-rank fusion: several ranked passage lists (a query and its alternatives, or the
 * lexical and vector legs) become one, each passage scored by Σ 1 / (k + rank).
 */
import type { Passage, Retriever, SearchOptions } from './types.js';

/** The usual RRF constant (Cormack et al. 2009): ranks matter, raw scores of different scales do not. */
export const RRF_K = 60;
/** At most this many alternative phrasings are searched with a query. */
export const MAX_ALTERNATIVES = 3;

/** Fuses ranked lists into the best `top` passages; a passage in several lists adds up its ranks. */
export function fuseByRank(lists: ReadonlyArray<readonly Passage[]>, top: number, k = RRF_K): Passage[] {
  const fused = new Map<string, Passage>();
  for (const list of lists) {
    list.forEach((passage, rank) => {
      const score = 1 / (k + rank + 1);
      const seen = fused.get(passage.id);
      fused.set(passage.id, seen ? { ...seen, score: seen.score + score } : { ...passage, score });
    });
  }
  // Ties keep first-seen order (the main query's list comes first), as Map iteration and a stable sort give.
  return [...fused.values()].sort((a, b) => b.score - a.score).slice(0, top);
}

/**
 * Searches `query` and up to three `alternatives` at once and fuses them by rank. Without
 * alternatives it is exactly `retriever.search`. A failed alternative is left out; the search
 * fails only when every phrasing fails.
 */
export async function searchPhrasings(
  retriever: Pick<Retriever, 'search'>,
  query: string,
  alternatives: readonly string[],
  options: SearchOptions & { top: number },
): Promise<Passage[]> {
  const phrasings = [query, ...alternatives.filter((alt) => alt.trim() && alt.trim() !== query.trim())].slice(0, MAX_ALTERNATIVES + 1);
  if (phrasings.length === 1) return retriever.search(query, options);
  // Each list goes deeper than `top`, so a passage ranked 6th by two phrasings can still win.
  const depth = Math.min(50, options.top * 2);
  const results = await Promise.allSettled(phrasings.map((phrasing) => retriever.search(phrasing, { ...options, top: depth })));
  const lists = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (lists.length === 0) throw (results[0] as PromiseRejectedResult).reason;
  return fuseByRank(lists, options.top);
}
