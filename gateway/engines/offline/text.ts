/** Languages the engine answers in. */
export type AnswerLang = 'en' | 'ja';

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]/;
const JAPANESE_GLOBAL = /[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f\u3000-\u303f\uff01-\uff65]/g;

/** Japanese if the text has any kana or kanji, else English (the two languages the engine speaks). */
export function detectLang(text: string): AnswerLang {
  return JAPANESE.test(text) ? 'ja' : 'en';
}

/** Token estimate the way the real service roughly counts: ≈ 4 chars per token, Japanese ≈ 1.5. */
export function estimateTextTokens(text: string): number {
  if (!text) return 0;
  const japanese = text.match(JAPANESE_GLOBAL)?.length ?? 0;
  return Math.ceil(japanese / 1.5 + (text.length - japanese) / 4);
}

const STOPWORDS = new Set(
  (
    'a an the is are was were be been being am do does did of to in on at for from by with about as into ' +
    'and or but if then than so that this these those it its what which who whom whose when where why how ' +
    'i me my we our you your he she they them their there here can could should would will shall may might ' +
    'must have has had not no yes any some tell please know get much many'
  ).split(' '),
);
const JA_STOPWORDS = new Set(
  'の は が を に で と も か へ や ね よ な だ です ます でし ました ません ください 何 なに どう どの どれ いつ どこ 誰 ある いる する して され れる られ か？ 教え て'.split(' '),
);

/** Index terms of a text: word-like segments, lower-cased, stop words dropped, English plurals folded. */
export function terms(text: string, lang: AnswerLang): string[] {
  const segmenter = new Intl.Segmenter(lang, { granularity: 'word' });
  const out: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (!isWordLike) continue;
    if (JAPANESE.test(segment)) {
      // Single kana are almost always particles or inflection.
      if (JA_STOPWORDS.has(segment) || /^[\u3040-\u309f]$/.test(segment)) continue;
      out.push(segment);
    } else {
      if (STOPWORDS.has(segment) || (segment.length < 2 && !/\d/.test(segment))) continue;
      out.push(segment.length > 3 && segment.endsWith('s') && !segment.endsWith('ss') ? segment.slice(0, -1) : segment);
    }
  }
  return out;
}

/** Sentences of a text, whole, trimmed, with line breaks folded into spaces. */
export function sentences(text: string, lang: AnswerLang): string[] {
  const segmenter = new Intl.Segmenter(lang, { granularity: 'sentence' });
  const out: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    for (const { segment } of segmenter.segment(block.replace(/\s*\n\s*/g, ' '))) {
      const sentence = segment.trim();
      if (sentence) out.push(sentence);
    }
  }
  return out;
}

/**
 * Splits a text into transcript deltas of a few words each (a few characters for Japanese),
 * each delta carrying its leading space, so joining them gives the text back.
 */
export function transcriptChunks(text: string, lang: AnswerLang): string[] {
  const chunks: string[] = [];
  if (lang === 'ja') {
    let current = '';
    for (const { segment } of new Intl.Segmenter('ja', { granularity: 'word' }).segment(text)) {
      current += segment;
      if (current.length >= 6) {
        chunks.push(current);
        current = '';
      }
    }
    if (current) chunks.push(current);
    return chunks;
  }
  const words = text.match(/\s*\S+/g) ?? [];
  for (let i = 0; i < words.length; i += 3) chunks.push(words.slice(i, i + 3).join(''));
  const tail = text.match(/\s+$/)?.[0];
  if (tail && chunks.length) chunks[chunks.length - 1] += tail;
  return chunks;
}
