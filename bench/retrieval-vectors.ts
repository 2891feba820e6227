/**
 * The vector leg's exact cosine search measured alone: build time (normalizing the vectors into
 * one Float32Array), memory of the index, and search p50/p99 at 10 000 and 100 000 chunks.
 * Vectors are seeded random (search time does not depend on their content). Run inside the
 * retrieval child (bench/retrieval-child.ts) or alone: node --expose-gc --import tsx bench/retrieval-vectors.ts
 */
import { performance } from 'node:perf_hooks';
import { decodeVector, encodeVector } from '../gateway/retrieval/embeddings/cache.js';
import { buildVectorIndex } from '../gateway/retrieval/local/vectors.js';
import { createRandom } from './corpus.js';
import { Samples, type Summary } from './stats.js';

/** One measured size. */
export interface VectorLegResult {
  chunks: number;
  dimensions: number;
  buildMs: number;
  /** Heap and array buffers held by the index (the input vectors freed). */
  indexBytes: number;
  searches: number;
  searchMs: Summary;
  /** CPU time per search (the bench machine is shared: wall time includes waiting for a core). */
  searchCpuMs: Summary;
  /** The embeddings cache file of these vectors (base64 float32 in JSON) and a rebuild from it (parse, decode, index); up to 10 000 chunks. */
  cacheBytes?: number;
  cacheLoadMs?: number;
}

function memory(): number {
  // Twice: the first pass may only finalize what the second frees.
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function randomVectors(count: number, dimensions: number, seed: number): Float32Array[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const vector = new Float32Array(dimensions);
    for (let i = 0; i < dimensions; i++) vector[i] = random() * 2 - 1;
    return vector;
  });
}

/** Measures one size: `queries` searches for the top 10 (the hybrid leg asks for 2 × top). */
export function measureVectorLeg(chunks: number, dimensions: number, queries = 200): VectorLegResult {
  const before = memory();
  let vectors: Float32Array[] | undefined = randomVectors(chunks, dimensions, 11);
  const started = performance.now();
  const index = buildVectorIndex(vectors);
  const buildMs = performance.now() - started;
  vectors = undefined;
  const indexBytes = memory() - before;
  // After the memory figure: the cache text is not part of the index.
  let cache: { cacheBytes: number; cacheLoadMs: number } | undefined;
  if (chunks <= 10_000) {
    const text = JSON.stringify({ model: 'bench', vectors: Object.fromEntries(Array.from({ length: chunks }, (_, n) => [`hash-${n}`, encodeVector(index.vector(n))])) });
    const t0 = performance.now();
    const file = JSON.parse(text) as { vectors: Record<string, string> };
    buildVectorIndex(Object.values(file.vectors).map(decodeVector));
    cache = { cacheBytes: text.length, cacheLoadMs: performance.now() - t0 };
  }
  const probes = randomVectors(queries, dimensions, 12);
  const samples = new Samples();
  const cpu = new Samples();
  for (const probe of probes.slice(0, 5)) index.search(probe, 10);
  for (const probe of probes) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    index.search(probe, 10);
    const used = process.cpuUsage(c0);
    samples.add(performance.now() - t0);
    cpu.add((used.user + used.system) / 1000);
  }
  return { chunks, dimensions, buildMs, indexBytes, searches: samples.count, searchMs: samples.summary(), searchCpuMs: cpu.summary(), ...cache };
}

/** The sizes the bench reports: text-embedding-3-small at its full 1536 and at 512 dimensions. */
export const VECTOR_SIZES: ReadonlyArray<[number, number]> = [
  [10_000, 1536],
  [10_000, 512],
  [100_000, 512],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [chunks, dimensions] of VECTOR_SIZES) {
    const r = measureVectorLeg(chunks, dimensions);
    console.log(
      `${chunks} × ${dimensions}: build ${r.buildMs.toFixed(0)} ms, index ${(r.indexBytes / 1e6).toFixed(0)} MB, ` +
        `search p50 ${r.searchMs.p50.toFixed(2)} ms, p99 ${r.searchMs.p99.toFixed(2)} ms (CPU p50 ${r.searchCpuMs.p50.toFixed(2)}, p99 ${r.searchCpuMs.p99.toFixed(2)} ms)`,
    );
  }
}
