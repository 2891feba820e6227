/**
 * The searchable part of the local index: the BM25F index (bm25.ts) over chunk titles and
 * texts with the shared tokenizer, plus the chunks by id. Serializes to JSON for the cache.
 */
import type { Passage } from '../types.js';
import { buildBm25, loadBm25 } from './bm25.js';
import type { Bm25Index } from './bm25.js';
import type { Chunk } from './document.js';
import { tokenize } from './tokenize.js';

/** A built index: search and lookup by id. */
export interface SearchIndex {
  readonly size: number;
  search(query: string, top: number): Passage[];
  get(id: string): Chunk | undefined;
  /** The term index as a plain object for JSON (chunks are stored beside it). */
  toJSON(): unknown;
  chunks(): readonly Chunk[];
}

/** Builds an index over chunks. */
export function buildSearchIndex(chunks: readonly Chunk[]): SearchIndex {
  return wrap(buildBm25(chunks, tokenize), chunks);
}

/** Restores an index from `toJSON()` output and the same chunks; throws when it is malformed. */
export function loadSearchIndex(js: unknown, chunks: readonly Chunk[]): SearchIndex {
  const index = loadBm25(js, tokenize);
  if (index.documents !== chunks.length) throw new Error('index and chunks differ in length');
  return wrap(index, chunks);
}

function wrap(index: Bm25Index, chunks: readonly Chunk[]): SearchIndex {
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  return {
    size: chunks.length,
    search(query, top) {
      return index.search(query, top).map(({ doc, score }) => {
        const chunk = chunks[doc];
        return { id: chunk.id, title: chunk.title, ...(chunk.url ? { url: chunk.url } : {}), content: chunk.content, score };
      });
    },
    get: (id) => byId.get(id),
    toJSON: () => index.toJSON(),
    chunks: () => chunks,
  };
}
