import { describe, expect, it } from 'vitest';
import { composeAnswer, MESSAGES, parseSearchOutput } from '../../../../gateway/engines/offline/answer.js';
import { detectLang, estimateTextTokens, transcriptChunks } from '../../../../gateway/engines/offline/text.js';
import { formatPassagesForModel, SEARCH_NO_RESULTS, SEARCH_UNAVAILABLE } from '../../../../gateway/retrieval/format.js';

const passage = (id: string, title: string, content: string) => ({ id, title, content, score: 1 });

describe('parseSearchOutput', () => {
  it('reads back what formatPassagesForModel writes', () => {
    const output = formatPassagesForModel([passage('a', 'Title A', 'First line.\nSecond line.'), passage('b-2', 'Title B', 'Body B.')], 4000);
    expect(parseSearchOutput(output)).toEqual({
      kind: 'passages',
      passages: [
        { id: 'a', title: 'Title A', content: 'First line.\nSecond line.' },
        { id: 'b-2', title: 'Title B', content: 'Body B.' },
      ],
    });
  });

  it('reads single-line blocks with a trailing separator, as in the GA transcript', () => {
    const output = '[p41]: Routine vision care includes one eye exam.\n-----\n[p38]: Standard does not cover eye exams.\n-----\n';
    const parsed = parseSearchOutput(output);
    expect(parsed.kind === 'passages' && parsed.passages.map((p) => [p.id, p.content])).toEqual([
      ['p41', 'Routine vision care includes one eye exam.'],
      ['p38', 'Standard does not cover eye exams.'],
    ]);
  });

  it('recognises the unavailable and no-results texts', () => {
    expect(parseSearchOutput(SEARCH_UNAVAILABLE).kind).toBe('unavailable');
    expect(parseSearchOutput(SEARCH_NO_RESULTS).kind).toBe('none');
    expect(parseSearchOutput('garbage').kind).toBe('none');
  });
});

describe('composeAnswer', () => {
  const output = formatPassagesForModel(
    [
      passage('returns', 'Returns', 'Items bought online can be returned within 30 days. Bring the receipt. Our stores open at 9 am.'),
      passage('shipping', 'Shipping', 'Shipping is free for orders over 50 dollars. Returned items are refunded to the original card.'),
    ],
    4000,
  );

  it('picks whole sentences that share the question terms and cites their passage', () => {
    const answer = composeAnswer('How many days do I have to return items bought online?', output);
    expect(answer.text).toContain('Items bought online can be returned within 30 days.');
    expect(answer.text).not.toContain('stores open');
    expect(answer.sourceIds[0]).toBe('returns');
    expect(answer.lang).toBe('en');
  });

  it('stays within about 350 characters and at most three sentences', () => {
    const long = formatPassagesForModel(
      [passage('x', 'Plan', Array.from({ length: 8 }, (_, i) => `The plan covers item number ${i} for every member of the plan.`).join(' '))],
      4000,
    );
    const answer = composeAnswer('What does the plan cover for members?', long);
    expect(answer.text.length).toBeLessThanOrEqual(350);
    expect(answer.text.split('. ').length).toBeLessThanOrEqual(3);
  });

  it('falls back to a fixed message in the language of the question', () => {
    expect(composeAnswer('Where?', SEARCH_NO_RESULTS).text).toBe(MESSAGES.notFound.en);
    expect(composeAnswer('どこですか？', SEARCH_UNAVAILABLE)).toMatchObject({ text: MESSAGES.unavailable.ja, lang: 'ja', sourceIds: [] });
    expect(composeAnswer('どこですか？', SEARCH_UNAVAILABLE).spoken).toMatch(/^[\u3040-\u30ff\s、。ー]+$/);
  });

  it('segments Japanese so questions match passages without spaces', () => {
    const ja = formatPassagesForModel(
      [passage('k12', '休暇', '年次有給休暇は入社6か月後に10日付与されます。慶弔休暇は別に定めます。'), passage('k20', '手当', '通勤手当は月額3万円が上限です。')],
      4000,
    );
    const answer = composeAnswer('有給休暇は何日ありますか？', ja);
    expect(answer).toMatchObject({ lang: 'ja', sourceIds: ['k12'] });
    expect(answer.text.startsWith('年次有給休暇は入社6か月後に10日付与されます。')).toBe(true);
  });
});

describe('text helpers', () => {
  it('splits transcripts into deltas that join back to the text', () => {
    const en = 'Yes, Northwind Health Plus covers one routine eye exam per plan year.';
    const ja = '年次有給休暇は入社6か月後に10日付与されます。';
    expect(transcriptChunks(en, 'en').join('')).toBe(en);
    expect(transcriptChunks(en, 'en').length).toBeGreaterThan(3);
    expect(transcriptChunks(ja, 'ja').join('')).toBe(ja);
    expect(transcriptChunks(ja, 'ja').length).toBeGreaterThan(2);
  });

  it('estimates tokens at about four characters each, Japanese at about 1.5', () => {
    expect(estimateTextTokens('a'.repeat(400))).toBe(100);
    expect(estimateTextTokens('あ'.repeat(30))).toBe(20);
    expect(detectLang('Hello')).toBe('en');
    expect(detectLang('こんにちは')).toBe('ja');
  });
});
