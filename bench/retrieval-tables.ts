/** Markdown tables of the retrieval figures: recall per mode on the paraphrase set, and the vector leg per size. */
import type { ModeRecall } from './retrieval-quality.js';
import type { VectorLegResult } from './retrieval-vectors.js';

const two = (x: number) => x.toFixed(2);

/** One row per retrieval mode. */
export function recallTable(rows: readonly ModeRecall[]): string[] {
  return [
    '| mode | recall@5 (page) | answer sentence in top 5 | English | Japanese | demo | pino docs |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.mode} | **${two(r.page)}** | ${two(r.sentence)} | ${two(r.en)} | ${two(r.ja)} | ${two(r.demo)} | ${two(r.pino)} |`),
  ];
}

/** One row per measured size of the exact cosine index. */
export function vectorLegTable(rows: readonly VectorLegResult[]): string[] {
  return [
    '| vector leg (exact cosine, top 10) | build from vectors | index memory | search p50 / p99 (wall) | search p50 / p99 (CPU) | embeddings cache: size / rebuild from it |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.chunks} chunks × ${r.dimensions} | ${r.buildMs.toFixed(0)} ms | ${(r.indexBytes / 1e6).toFixed(0)} MB | ` +
        `${two(r.searchMs.p50)} / ${two(r.searchMs.p99)} ms | ${two(r.searchCpuMs.p50)} / ${two(r.searchCpuMs.p99)} ms | ` +
        `${r.cacheBytes === undefined ? '–' : `${(r.cacheBytes / 1e6).toFixed(0)} MB / ${(r.cacheLoadMs ?? 0).toFixed(0)} ms`} |`,
    ),
  ];
}
