// Each retrieval mode on the paraphrase set, checked for plumbing (the figures themselves are in npm run bench and docs/RETRIEVAL.md).
import { beforeAll, describe, expect, it } from 'vitest';
import { measureParaphraseRecall, type ModeRecall } from '../../../bench/retrieval-quality.js';

describe('paraphrase recall per mode', () => {
  let rows: Map<string, ModeRecall>;
  beforeAll(async () => {
    rows = new Map((await measureParaphraseRecall()).map((row) => [row.mode, row]));
  }, 120_000);

  it('the model query in the documents\' language lifts Japanese questions over English pages', () => {
    expect(rows.get('lexical, model query')!.ja).toBeGreaterThan(rows.get('lexical, visitor words')!.ja + 0.5);
  });

  it('alternatives fused by rank find more than the query alone', () => {
    expect(rows.get('lexical + alternatives')!.page).toBeGreaterThan(rows.get('lexical, model query')!.page);
  });

  it('the hybrid mode reaches the vector leg for every question (the double\'s oracle vectors put each answer chunk in the top 5)', () => {
    const hybrid = rows.get('hybrid (fixed-vector double)')!;
    expect(hybrid.sentence).toBe(1);
    expect(hybrid.misses).toEqual([]);
  });
});
