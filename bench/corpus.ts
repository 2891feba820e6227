/**
 * A synthetic, deterministic knowledge base: Markdown files of headed sections about the size
 * of one chunk (800 characters with 100 overlap), so `files × sections` ≈ the chunk count
 * whatever the chunker does at headings. Words come from a fixed vocabulary, so queries made
 * of corpus words always match something.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'ber', 'dan', 'gel', 'hor', 'pix', 'qua', 'sen', 'tor', 'ul', 'wen', 'yar', 'zo'];

function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const count = 2 + Math.floor(random() * 2);
    let word = '';
    for (let i = 0; i < count; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** The corpus written and how to ask it things. */
export interface Corpus {
  dir: string;
  files: number;
  sections: number;
  bytes: number;
  /** Queries of 2–4 words taken from real sections. */
  queries: string[];
}

/** Writes `sections` sections (10 per file) under `dir` and returns queries for them. */
export function writeCorpus(dir: string, sections: number, queryCount = 500, seed = 9): Corpus {
  const random = createRandom(seed);
  const words = vocabulary(random, 6000);
  const pick = () => words[Math.floor(random() ** 1.6 * words.length)];
  const perFile = 10;
  const files = Math.ceil(sections / perFile);
  const queries: string[] = [];
  let bytes = 0;
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const folder = join(dir, `part-${Math.floor(f / 100)}`);
    if (f % 100 === 0) mkdirSync(folder, { recursive: true });
    const lines = [`# Handbook ${pick()} ${pick()} ${f}`, ''];
    for (let s = 0; s < perFile && f * perFile + s < sections; s++) {
      const sentenceWords: string[] = [];
      let length = 0;
      while (length < 620) {
        const word = pick();
        sentenceWords.push(word);
        length += word.length + 1;
      }
      const text = sentenceWords.map((word, i) => (i % 12 === 11 ? `${word}.` : word)).join(' ');
      lines.push(`## ${pick()} ${pick()} ${s}`, '', text, '');
      if (queries.length < queryCount && random() < queryCount / sections + 0.01) {
        const at = Math.floor(random() * (sentenceWords.length - 4));
        queries.push(sentenceWords.slice(at, at + 2 + Math.floor(random() * 3)).join(' '));
      }
    }
    const body = lines.join('\n');
    bytes += Buffer.byteLength(body);
    writeFileSync(join(folder, `page-${f}.md`), body);
  }
  return { dir, files, sections, bytes, queries };
}
