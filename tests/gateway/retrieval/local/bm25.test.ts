import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBm25, loadBm25 } from '../../../../gateway/retrieval/local/bm25.js';
import { tokenize } from '../../../../gateway/retrieval/local/tokenize.js';

const docs = [
  { title: 'Returns', content: 'Return any bicycle within 30 days for a refund.' },
  { title: 'Shipping', content: 'Standard shipping takes 3 days. Express shipping takes 1 day.' },
  { title: 'Warranty', content: 'Frames have a lifetime warranty. Shipping damage is covered.' },
  { title: 'Hours', content: 'The store opens at 10.' },
];

describe('bm25 index', () => {
  it('ranks the document where the query terms are frequent and rare first', () => {
    const index = buildBm25(docs, tokenize);
    const hits = index.search('express shipping', 5);
    expect(hits.map((h) => h.doc)).toEqual([1, 2]);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
  });

  it('weighs a title match above a body match', () => {
    const index = buildBm25(
      [
        { title: 'General', content: 'Something about warranty and other things in a long sentence here.' },
        { title: 'Warranty', content: 'Something about other things in a long sentence here.' },
      ],
      tokenize,
    );
    expect(index.search('warranty', 2)[0].doc).toBe(1);
  });

  it('returns the same results after a round trip through JSON', () => {
    const index = buildBm25(docs, tokenize);
    const restored = loadBm25(JSON.parse(JSON.stringify(index.toJSON())), tokenize);
    for (const query of ['shipping', 'refund days', 'lifetime', 'store']) {
      const a = index.search(query, 3);
      const b = restored.search(query, 3);
      expect(b.map((h) => h.doc)).toEqual(a.map((h) => h.doc));
      b.forEach((hit, i) => expect(hit.score).toBeCloseTo(a[i].score, 3));
    }
  });

  it('refuses malformed JSON', () => {
    expect(() => loadBm25({ format: 'bm25f-1', terms: ['a'], offsets: [0], docs: [], weights: [] }, tokenize)).toThrow();
    expect(() => loadBm25(null, tokenize)).toThrow();
  });

  it('falls back to words one edit away when nothing matches exactly', () => {
    const index = buildBm25(docs, tokenize);
    expect(index.search('warrenty', 3).map((h) => h.doc)).toEqual([2]);
    expect(index.search('zzzzzzz', 3)).toEqual([]);
  });

  it('keeps the top k exactly as a full sort would', () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 10 }),
        (contents, query, top) => {
          const index = buildBm25(contents.map((c) => ({ title: '', content: c.join(' ') })), tokenize);
          const all = index.search(query.join(' '), contents.length);
          const sorted = [...all].sort((a, b) => b.score - a.score || a.doc - b.doc);
          expect(all).toEqual(sorted);
          expect(index.search(query.join(' '), top)).toEqual(sorted.slice(0, top));
        },
      ),
      { numRuns: 200 },
    );
  });
});
