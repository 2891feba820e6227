/**
 * Recall@5 on the paraphrase set (tests/fixtures/retrieval/paraphrases.json) for each retrieval
 * mode: BM25 on the visitor's words, on the model's query, with the model's alternatives fused
 * by rank, and hybrid with the fixed-vector embeddings double. Only the lexical modes measure
 * quality: the double's query vectors point at the answer (an oracle), so the hybrid figure
 * only shows the vector leg is reached and fused. Standalone: npx tsx bench/retrieval-quality.ts
 */
import { engineSchema, localIndexSchema } from '../gateway/config/schema.js';
import { createFsSources } from '../gateway/node/fs-sources.js';
import { searchPhrasings } from '../gateway/retrieval/fuse.js';
import { createRetriever } from '../gateway/retrieval/index.js';
import { embeddingText } from '../gateway/retrieval/local/hybrid.js';
import type { LocalRetriever } from '../gateway/retrieval/local/local-retriever.js';
import type { Passage, Retriever } from '../gateway/retrieval/types.js';
import { startFakeEmbeddings } from '../tests/gateway/retrieval/fake-embeddings.js';
import { PARAPHRASE_CORPORA, pageOf, paraphrases, type Paraphrase } from '../tests/gateway/retrieval/paraphrase-set.js';
import { createRandom } from './corpus.js';
import { recallTable } from './retrieval-tables.js';

export const MODES = ['lexical, visitor words', 'lexical, model query', 'lexical + alternatives', 'hybrid (fixed-vector double)'] as const;
export type Mode = (typeof MODES)[number];

/** Recall@5 of one mode: the answer's page, and the chunk holding the answer sentence, among the top 5. */
export interface ModeRecall {
  mode: Mode;
  page: number;
  sentence: number;
  /** Per language, page recall. */
  en: number;
  ja: number;
  /** Per corpus, page recall. */
  demo: number;
  pino: number;
  misses: string[];
}

const DIMENSIONS = 64;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A fixed pseudo-random unit vector per text (seeded by its characters). */
function hashedVector(text: string): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619);
  const random = createRandom(seed >>> 0);
  return Array.from({ length: DIMENSIONS }, () => random() * 2 - 1);
}

const flat = (text: string) => text.replace(/\*\*|`/g, '').replace(/\s+/g, ' ');
const phrasingsOf = (q: Paraphrase) => ({ query: q.query ?? q.question, alternatives: q.alternatives });

/** Runs every mode over both corpora; resolves to one row per mode. */
export async function measureParaphraseRecall(): Promise<ModeRecall[]> {
  // The table: each chunk its own vector; each phrasing of a question the vector of the chunk holding its answer.
  const oracle = new Map<string, number[]>();
  const fake = await startFakeEmbeddings((text) => oracle.get(text) ?? hashedVector(text));
  const hits = new Map<Mode, Array<{ q: Paraphrase; passages: Passage[] }>>(MODES.map((mode) => [mode, []]));
  try {
    for (const [name, corpus] of Object.entries(PARAPHRASE_CORPORA)) {
      const questions = paraphrases.filter((q) => q.corpus === name);
      const base = { kind: 'local', sources: [...corpus.sources], url_base: '/', url_extension: '.md' };
      const deps = { configDir: corpus.dir, logger: quiet, files: createFsSources(), watch: false };
      const lexical = (await createRetriever(localIndexSchema.parse(base), deps)) as LocalRetriever;
      const engines = { vectors: engineSchema.parse({ kind: 'azure-openai', endpoint: fake.url, deployment: 'x', api_key: 'bench' }) };
      const embeddings = { engine: 'vectors', dimensions: DIMENSIONS, timeout_ms: 2000, batch_size: 256 };
      // Oracle entries go in before the hybrid index embeds its chunks, found through the lexical index's chunks.
      for (const q of questions) {
        const holder = findAnswerChunk(lexical, q);
        if (!holder) continue;
        const vector = hashedVector(embeddingText(holder));
        const { query, alternatives } = phrasingsOf(q);
        for (const text of [query, ...alternatives]) oracle.set(text, vector);
      }
      const hybrid = await createRetriever(localIndexSchema.parse({ ...base, embeddings }), { ...deps, engines });
      for (const q of questions) {
        const { query, alternatives } = phrasingsOf(q);
        const run = async (mode: Mode, retriever: Retriever, phrasings: [string, string[]]) =>
          hits.get(mode)!.push({ q, passages: await searchPhrasings(retriever, phrasings[0], phrasings[1], { top: 5 }) });
        await run('lexical, visitor words', lexical, [q.question, []]);
        await run('lexical, model query', lexical, [query, []]);
        await run('lexical + alternatives', lexical, [query, alternatives]);
        await run('hybrid (fixed-vector double)', hybrid, [query, alternatives]);
      }
      await lexical.close();
      await hybrid.close?.();
    }
  } finally {
    await fake.close();
  }
  return MODES.map((mode) => {
    const rows = hits.get(mode)!;
    const pageHit = (row: (typeof rows)[number]) => row.passages.some((p) => pageOf(p.url) === row.q.doc);
    const rate = (filter: (row: (typeof rows)[number]) => boolean) => {
      const picked = rows.filter(filter);
      return picked.length ? picked.filter(pageHit).length / picked.length : 0;
    };
    return {
      mode,
      page: rate(() => true),
      sentence: rows.filter((row) => row.passages.some((p) => flat(p.content).includes(row.q.answer))).length / rows.length,
      en: rate((row) => row.q.lang === 'en'),
      ja: rate((row) => row.q.lang === 'ja'),
      demo: rate((row) => row.q.corpus === 'demo'),
      pino: rate((row) => row.q.corpus === 'pino'),
      misses: rows.filter((row) => !pageHit(row)).map((row) => row.q.question),
    };
  });
}

/** The chunk of the answer's page whose text holds the answer sentence. */
function findAnswerChunk(index: LocalRetriever, q: Paraphrase) {
  return index.chunks().find((chunk) => pageOf(chunk.url) === q.doc && flat(chunk.content).includes(q.answer));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await measureParaphraseRecall();
  console.log(recallTable(rows).join('\n'));
  for (const row of rows) console.log(`\n${row.mode}: missed ${row.misses.length}\n  ${row.misses.join('\n  ')}`);
}
