// The paraphrase set is honest: every answer sentence is in its page, and no question shares a content word with it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../gateway/retrieval/local/tokenize.js';
import { PARAPHRASE_CORPORA, paraphrases } from './paraphrase-set.js';

describe('paraphrase set', () => {
  it('has 40+ questions over two corpora, with Japanese questions over English pages', () => {
    expect(paraphrases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(paraphrases.map((q) => q.corpus)).size).toBe(2);
    const japanese = paraphrases.filter((q) => q.lang === 'ja');
    expect(japanese.length).toBeGreaterThanOrEqual(8);
    for (const q of japanese) expect(q.doc).not.toMatch(/^ja\//);
  });

  it.each(paraphrases.map((q) => [q.question, q] as const))('%s: answer in its page, no shared content word', (_, q) => {
    const page = readFileSync(`${PARAPHRASE_CORPORA[q.corpus].dir}${q.doc}`, 'utf8').replace(/\*\*|`/g, '').replace(/\s+/g, ' ');
    expect(page).toContain(q.answer);
    const answerTerms = new Set(tokenize(q.answer));
    expect(tokenize(q.question).filter((term) => answerTerms.has(term))).toEqual([]);
    expect(q.alternatives.length).toBeLessThanOrEqual(3);
  });
});
