/**
 * The behaviour every Retriever shares (STYLE.md §8): each implementation's test file calls
 * `retrieverCases` with a factory that serves tests/fixtures/retrieval/corpus.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Retriever } from '../../../gateway/retrieval/types.js';

/** A retriever under test over the shared corpus, and how to tear it down. */
export interface RetrieverHarness {
  retriever: Retriever;
  close(): Promise<void>;
}

/** Registers the shared retriever cases under `describe(name)`. */
export function retrieverCases(name: string, make: () => Promise<RetrieverHarness>): void {
  describe(`${name}: shared retriever cases`, () => {
    let harness: RetrieverHarness;
    beforeAll(async () => {
      harness = await make();
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('returns ranked passages with id, title, content and score', async () => {
      const passages = await harness.retriever.search('express shipping cost');
      expect(passages.length).toBeGreaterThan(0);
      expect(passages[0].title).toBe('Shipping and delivery');
      expect(passages[0].content).toContain('Express shipping takes 1 working day');
      expect(passages[0].url).toContain('/help/shipping');
      for (const passage of passages) {
        expect(passage.id).toMatch(/^[A-Za-z0-9_=-]+$/);
        expect(typeof passage.score).toBe('number');
      }
      const scores = passages.map((p) => p.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('ranks the passage that answers a question first', async () => {
      const [first] = await harness.retriever.search('lifetime warranty on the frame');
      expect(first.title).toBe('Warranty');
    });

    it('respects top', async () => {
      const many = await harness.retriever.search('store', { top: 5 });
      expect(many.length).toBeGreaterThan(2);
      const two = await harness.retriever.search('store', { top: 2 });
      expect(two).toHaveLength(2);
      expect(two.map((p) => p.id)).toEqual(many.slice(0, 2).map((p) => p.id));
    });

    it('returns no passages for an empty or blank query', async () => {
      expect(await harness.retriever.search('')).toEqual([]);
      expect(await harness.retriever.search('   ')).toEqual([]);
    });

    it('returns no passages when nothing matches', async () => {
      expect(await harness.retriever.search('zyxwvut qqqqq')).toEqual([]);
    });

    it('cuts a runaway query instead of failing', async () => {
      const passages = await harness.retriever.search(`express shipping ${'very long words '.repeat(400)}`);
      expect(passages[0]?.title).toBe('Shipping and delivery');
    });

    it('resolves known ids in the order asked', async () => {
      const found = await harness.retriever.search('gift cards valid');
      const hours = await harness.retriever.search('opening hours sunday');
      const ids = [hours[0].id, found[0].id];
      const resolved = await harness.retriever.resolve(ids);
      expect(resolved.map((p) => p.id)).toEqual(ids);
      expect(resolved[1].title).toBe('Gift cards');
      expect(resolved[1].content).toContain('valid for 2 years');
    });

    it('leaves unknown and invalid ids out of resolve without failing', async () => {
      const [known] = await harness.retriever.search('puncture repairs');
      const resolved = await harness.retriever.resolve([
        "x') or true or ('",
        'does-not-exist-9',
        '',
        'a'.repeat(500),
        'with space',
        known.id,
      ]);
      expect(resolved.map((p) => p.id)).toEqual([known.id]);
      expect(await harness.retriever.resolve([])).toEqual([]);
    });

    it('rejects promptly when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const started = Date.now();
      await expect(harness.retriever.search('shipping', { signal: controller.signal })).rejects.toThrow();
      await expect(harness.retriever.resolve(['returns-0'], { signal: controller.signal })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(200);
    });
  });
}
