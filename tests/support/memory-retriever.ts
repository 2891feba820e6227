/**
 * An in-memory Retriever for tests: word-overlap search over fixed passages, resolve by id,
 * optional delay (honouring the abort signal) and failure, and a log of queries.
 */
import type { Passage, Retriever, SearchOptions } from '../../gateway/retrieval/types.js';

export interface MemoryRetriever extends Retriever {
  readonly queries: string[];
  readonly resolved: string[][];
  /** Makes every search hang until aborted (timeouts). */
  hang: boolean;
  fail: boolean;
}

/** Creates a retriever over these passages. */
export function createMemoryRetriever(passages: Passage[]): MemoryRetriever {
  const retriever: MemoryRetriever = {
    queries: [],
    resolved: [],
    hang: false,
    fail: false,
    search(query: string, options: SearchOptions = {}) {
      retriever.queries.push(query);
      if (retriever.fail) return Promise.reject(new Error('search backend down'));
      if (retriever.hang) {
        return new Promise<Passage[]>((_, reject) => {
          options.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
      }
      const words = query.toLowerCase().split(/\W+/).filter(Boolean);
      const scored = passages
        .map((p) => ({ ...p, score: words.filter((w) => `${p.title} ${p.content}`.toLowerCase().includes(w)).length }))
        .filter((p) => p.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, options.top ?? 5);
      return Promise.resolve(scored);
    },
    resolve(ids) {
      retriever.resolved.push([...ids]);
      return Promise.resolve(passages.filter((p) => ids.includes(p.id)));
    },
  };
  return retriever;
}

/** The passages the transcripts cite (Northwind benefits). */
export const NORTHWIND_PASSAGES: Passage[] = [
  {
    id: 'Northwind_Health_Plus_Benefits_Details_pdf_page_41',
    title: 'Northwind Health Plus: vision',
    url: 'https://docs.example.com/benefits/plus#vision',
    content:
      'Routine vision care includes one eye exam per plan year at an in-network provider with no copay. Frames and lenses are covered up to an allowance every two years, and contact lenses may be chosen instead of glasses.',
    score: 1,
  },
  {
    id: 'Northwind_Standard_Benefits_Details_pdf_page_38',
    title: 'Northwind Standard: exclusions',
    content: 'Northwind Standard does not cover routine eye exams; vision care is available as an add-on.',
    score: 1,
  },
];
