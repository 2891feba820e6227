/**
 * The benchmarks' one synthetic knowledge base, deterministic per seed: Markdown documents of
 * headed sections, each about one chunk long (800 characters with 100 overlap), written from a
 * vocabulary of common documentation words plus a long tail of product terms, with queries
 * drawn from the sections themselves. In memory (`syntheticFiles`) or on disk (`writeCorpus`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SourceFiles } from '../gateway/retrieval/local/ports.js';

/** A small seeded PRNG (mulberry32): same seed, same corpus, every run. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = (
  'account access add admin allow api app attachment backup billing browser cache change check client cloud code ' +
  'command config connection copy create data database default delete device disk document domain download email ' +
  'enable encryption error event export file folder format free group guide help history host import index install ' +
  'invoice key language license limit link list log login member memory message migrate mobile mode network note ' +
  'offline option order owner page password payment permission plan plugin policy port price project proxy quota ' +
  'record refund region release remove report request restore role rule schedule search secret security server ' +
  'service session setting share size storage subscription support sync system team template token update upgrade ' +
  'upload user version vault view webhook window workspace'
).split(' ');
const FILLER = (
  'the a to of and in is for on with you your can when this that it be are by or from at as an if each after before ' +
  'only more than then new all its one two three every about into over while which'
).split(' ');
const VERBS = 'runs keeps sends stores reads writes shows opens closes takes moves checks builds starts stops needs'.split(' ');
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'ber', 'dan', 'gel', 'hor', 'pix', 'qua', 'sen', 'tor'];

/** A synthetic corpus: Markdown documents and queries that match them. */
export interface SyntheticCorpus {
  documents: Array<{ path: string; text: string }>;
  queries: string[];
  /** Sections written; with chunk size ≥ 800 each is one chunk. */
  sections: number;
}

/** Generates `sections` sections (10 per document, ~700 characters each) and `queryCount` queries. */
export function buildSyntheticCorpus(sections: number, queryCount = 200, seed = 7): SyntheticCorpus {
  const next = createRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const terms: string[] = [];
  while (terms.length < 5000) terms.push(Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(SYLLABLES)).join(''));
  const term = () => terms[Math.floor(next() ** 2 * terms.length)];
  const sentence = () => {
    const words = [pick(FILLER), term(), pick(COMMON), pick(VERBS), pick(FILLER), pick(COMMON), term(), pick(FILLER), pick(COMMON), term()];
    const text = words.join(' ');
    return `${text[0].toUpperCase()}${text.slice(1)}.`;
  };
  const documents: SyntheticCorpus['documents'] = [];
  const queries: string[] = [];
  for (let d = 0; d * 10 < sections; d++) {
    const lines = [`---\ntitle: ${pick(COMMON)} ${term()} guide ${d}\n---\n`];
    for (let s = 0; s < 10 && d * 10 + s < sections; s++) {
      const heading = `${pick(COMMON)} ${term()}`;
      const body: string[] = [];
      while (body.join(' ').length < 680) body.push(sentence());
      lines.push(`## ${heading}\n\n${body.join(' ')}\n`);
      if (queries.length < queryCount && next() < (queryCount * 1.5) / sections) {
        const words = body.join(' ').toLowerCase().replace(/[.]/g, '').split(' ');
        const start = Math.floor(next() * (words.length - 4));
        queries.push(words.slice(start, start + 2 + Math.floor(next() * 3)).join(' '));
      }
    }
    documents.push({ path: `part-${Math.floor(d / 100)}/page-${d}.md`, text: lines.join('\n') });
  }
  return { documents, queries, sections };
}

/** An in-memory SourceFiles over a synthetic corpus (glob returns every document). */
export function syntheticFiles(corpus: SyntheticCorpus): SourceFiles {
  const byPath = new Map(corpus.documents.map((doc) => [doc.path, new TextEncoder().encode(doc.text)]));
  return {
    glob: async () => [...byPath.keys()],
    read: async (path) => {
      const bytes = byPath.get(path);
      if (!bytes) throw new Error(`no such file ${path}`);
      return bytes;
    },
    watch: async () => async () => {},
  };
}

/** The corpus written to disk and how to ask it things. */
export interface Corpus {
  dir: string;
  files: number;
  sections: number;
  bytes: number;
  /** Queries of 2–4 words taken from real sections. */
  queries: string[];
}

/** Writes `sections` sections (10 per file, 100 files per `part-N` folder) under `dir`. */
export function writeCorpus(dir: string, sections: number, queryCount = 500, seed = 9): Corpus {
  const corpus = buildSyntheticCorpus(sections, queryCount, seed);
  let bytes = 0;
  for (const doc of corpus.documents) {
    const path = join(dir, doc.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, doc.text);
    bytes += new TextEncoder().encode(doc.text).length;
  }
  return { dir, files: corpus.documents.length, sections, bytes, queries: corpus.queries };
}
