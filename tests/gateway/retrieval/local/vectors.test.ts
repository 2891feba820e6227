import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../bench/corpus.js';
import { buildVectorIndex } from '../../../../gateway/retrieval/local/vectors.js';
import { decodeVector, encodeVector } from '../../../../gateway/retrieval/embeddings/cache.js';

const random = createRandom(5);
const vector = (dimensions: number) => Float32Array.from({ length: dimensions }, () => random() * 2 - 1);
const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
};

describe('exact cosine vector index', () => {
  it('returns the same top k as sorting every cosine, best first', () => {
    for (const dimensions of [3, 7, 64]) {
      const vectors = Array.from({ length: 500 }, () => vector(dimensions));
      const index = buildVectorIndex(vectors);
      for (let q = 0; q < 20; q++) {
        const query = vector(dimensions);
        const expected = vectors.map((v, doc) => ({ doc, score: cosine(v, query) })).sort((a, b) => b.score - a.score).slice(0, 10);
        const found = index.search(query, 10);
        expect(found.map((r) => r.doc)).toEqual(expected.map((r) => r.doc));
        found.forEach((r, i) => expect(r.score).toBeCloseTo(expected[i].score, 5));
      }
    }
  });

  it('returns fewer than top when the index is small, and nothing for a query of the wrong size', () => {
    const index = buildVectorIndex([Float32Array.of(1, 0), Float32Array.of(0, 1)]);
    expect(index.search(Float32Array.of(1, 1), 5).map((r) => r.doc).sort()).toEqual([0, 1]);
    expect(index.search(Float32Array.of(1, 0, 0), 5)).toEqual([]);
    expect(() => buildVectorIndex([Float32Array.of(1, 0), Float32Array.of(1)])).toThrow(/dimensions/);
  });

  it('stores vectors as base64 of their float32 bytes without loss', () => {
    const original = vector(1536);
    expect(decodeVector(encodeVector(original))).toEqual(original);
  });
});
