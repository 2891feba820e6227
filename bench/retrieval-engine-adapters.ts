/**
 * The three ranking engines compared by bench/retrieval-engines.ts, each behind one small
 * interface and each fed the project tokenizer, so only the engine differs between them.
 */
import { create, insertMultiple, load, save, search as oramaSearch } from '@orama/orama';
import type { Tokenizer } from '@orama/orama';
import MiniSearch from 'minisearch';
import type { Chunk } from '../gateway/retrieval/local/document.js';
import { buildBm25, loadBm25 } from '../gateway/retrieval/local/bm25.js';
import { tokenize } from '../gateway/retrieval/local/tokenize.js';

/** A built index: the ids of the best `top` chunks, and its cache form. */
export interface EngineIndex {
  search(query: string, top: number): string[];
  toJSON(): unknown;
}

/** One engine: builds an index over chunks, or restores one from its `toJSON()`. */
export interface Engine {
  name: string;
  /** How it was configured, for the report. */
  settings: string;
  build(chunks: readonly Chunk[]): EngineIndex | Promise<EngineIndex>;
  load(json: unknown, chunks: readonly Chunk[]): EngineIndex;
}

const bm25Engine: Engine = {
  name: 'bm25.ts',
  settings: 'BM25F k1 1.2, b 0.75, title weight 2; CSR postings, bounded top-k',
  build(chunks) {
    return wrapBm25(buildBm25(chunks, tokenize), chunks);
  },
  load(json, chunks) {
    return wrapBm25(loadBm25(json, tokenize), chunks);
  },
};

function wrapBm25(index: ReturnType<typeof buildBm25>, chunks: readonly Chunk[]): EngineIndex {
  return { search: (query, top) => index.search(query, top).map((hit) => chunks[hit.doc].id), toJSON: () => index.toJSON() };
}

const miniSearchOptions = {
  fields: ['title', 'content'],
  storeFields: [],
  // The project tokenizer already lower-cases, stems and drops stop words.
  tokenize: (text: string) => tokenize(text),
  processTerm: (term: string) => term,
  searchOptions: { boost: { title: 2 }, fuzzy: false, prefix: false, combineWith: 'OR' as const },
};

const miniSearchEngine: Engine = {
  name: 'MiniSearch 7.2.0',
  settings: "project tokenizer, processTerm identity, no stored fields, fuzzy/prefix off, combineWith 'OR', boost title 2",
  build(chunks) {
    const index = new MiniSearch<Chunk>(miniSearchOptions);
    index.addAll(chunks as Chunk[]);
    return wrapMiniSearch(index);
  },
  load(json) {
    return wrapMiniSearch(MiniSearch.loadJS(json as Parameters<typeof MiniSearch.loadJS>[0], miniSearchOptions));
  },
};

// MiniSearch has no result limit: `search` scores, materializes and sorts every match, and its
// `filter` runs on result objects already built, so the slice below is the only cap available.
function wrapMiniSearch(index: MiniSearch<Chunk>): EngineIndex {
  return { search: (query, top) => index.search(query).slice(0, top).map((hit) => hit.id as string), toJSON: () => index.toJSON() };
}

// Orama's own tokenizer returns each token once per field; its BM25 (tf = count / length)
// expects that, and counts document frequency once per token it is given.
const oramaTokenizer: Tokenizer = {
  language: 'english',
  normalizationCache: new Map(),
  tokenize: (raw: string) => [...new Set(tokenize(raw))],
};

// `id` is not indexed: Orama takes a document's id from its `id` field, schema or not.
const oramaSchema = { title: 'string', content: 'string' } as const;

function createOrama() {
  return create({ schema: oramaSchema, components: { tokenizer: oramaTokenizer }, sort: { enabled: false } });
}

type OramaDb = ReturnType<typeof createOrama>;

const oramaEngine: Engine = {
  name: 'Orama 3.1.18',
  settings: "project tokenizer (tokens once per field), sort index off, properties title+content, boost title 2, limit top, BM25 defaults",
  async build(chunks) {
    const db = createOrama();
    await insertMultiple(db, chunks.map((chunk) => ({ id: chunk.id, title: chunk.title, content: chunk.content })));
    return wrapOrama(db);
  },
  load(json) {
    const db = createOrama();
    load(db, json as Parameters<typeof load>[1]);
    return wrapOrama(db);
  },
};

function wrapOrama(db: OramaDb): EngineIndex {
  return {
    search(query, top) {
      const results = oramaSearch(db, { term: query, properties: ['title', 'content'], boost: { title: 2 }, limit: top });
      // Without async hooks or plugins Orama answers synchronously; a promise here would be a bug.
      if (results instanceof Promise) throw new Error('Orama answered asynchronously');
      return results.hits.map((hit) => hit.id);
    },
    toJSON: () => save(db),
  };
}

/** The engines, in report order. */
export const engines: readonly Engine[] = [bm25Engine, miniSearchEngine, oramaEngine];
