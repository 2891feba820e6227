import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIndexSchema } from '../../../gateway/config/schema.js';
import { createFsSources } from '../../../gateway/node/fs-sources.js';
import { createRetriever } from '../../../gateway/retrieval/index.js';
import type { Retriever } from '../../../gateway/retrieval/types.js';
import questions from '../../fixtures/retrieval/questions.json' with { type: 'json' };

interface Question {
  question: string;
  lang: 'en' | 'ja';
  doc: string;
  heading?: string;
}

const siteDir = fileURLToPath(new URL('../../../demo/site/', import.meta.url));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const all = questions as Question[];

/** The demo doc a passage URL points at (url_base "/", extension ".md", index.md → its folder). */
function docOf(url: string | undefined): string {
  const path = decodeURI((url ?? '').replace(/#.*$/, '').replace(/^\//, ''));
  return path === '' || path.endsWith('/') ? `${path}index.md` : path;
}

describe('retrieval quality over the demo documents', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    const config = localIndexSchema.parse({ kind: 'local', sources: ['./**/*.md'], url_base: '/', url_extension: '.md', chunk: { size: 800, overlap: 100 } });
    retriever = await createRetriever(config, { configDir: siteDir, logger: quiet, files: createFsSources(), watch: false });
  });
  afterAll(async () => {
    await retriever?.close?.();
  });

  it('has at least 40 questions, 12 of them Japanese, each naming an existing doc and heading', () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(all.filter((q) => q.lang === 'ja').length).toBeGreaterThanOrEqual(12);
    for (const q of all) {
      const text = readFileSync(`${siteDir}${q.doc}`, 'utf8');
      if (q.heading) expect(text.split('\n'), `${q.doc} has "## ${q.heading}"`).toContain(`## ${q.heading}`);
    }
  });

  it('finds the expected document among the top 5 passages for at least 90% of questions (recall@5)', async () => {
    const misses: string[] = [];
    for (const q of all) {
      const passages = await retriever.search(q.question, { top: 5 });
      if (!passages.some((p) => docOf(p.url) === q.doc)) misses.push(`${q.question} → want ${q.doc}, got ${passages.map((p) => docOf(p.url)).join(', ')}`);
    }
    const recall = 1 - misses.length / all.length;
    expect(recall, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('finds Japanese questions as well as English ones (recall@5 ≥ 0.9 for each language)', async () => {
    for (const lang of ['en', 'ja'] as const) {
      const subset = all.filter((q) => q.lang === lang);
      let hits = 0;
      for (const q of subset) {
        const passages = await retriever.search(q.question, { top: 5 });
        if (passages.some((p) => docOf(p.url) === q.doc)) hits++;
      }
      expect(hits / subset.length, lang).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('puts the expected section first for most questions (section precision@1 ≥ 0.65)', async () => {
    const withHeading = all.filter((q) => q.heading);
    const misses: string[] = [];
    for (const q of withHeading) {
      const [first] = await retriever.search(q.question, { top: 1 });
      if (!first || docOf(first.url) !== q.doc || !first.title.endsWith(`— ${q.heading}`)) misses.push(`${q.question} → ${first?.title}`);
    }
    expect(1 - misses.length / withHeading.length, misses.join('\n')).toBeGreaterThanOrEqual(0.65);
  });
});
