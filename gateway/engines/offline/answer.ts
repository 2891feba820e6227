/** Extractive answers: parses the `search` tool output and picks the passage sentences that best match the question. */
import { SEARCH_NO_RESULTS, SEARCH_UNAVAILABLE } from '../../retrieval/format.js';
import { detectLang, sentences, terms, type AnswerLang } from './text.js';

/** One `[id]: title\ncontent` block of the `search` tool output. */
export interface SearchBlock {
  id: string;
  title: string;
  content: string;
}

/** What the `search` tool output says. */
export type SearchOutcome = { kind: 'unavailable' } | { kind: 'none' } | { kind: 'passages'; passages: SearchBlock[] };

/** An answer the engine will speak, and the passages it came from. */
export interface ComposedAnswer {
  text: string;
  /** What to synthesize when it differs from `text` (the kana reading of a fixed Japanese message). */
  spoken?: string;
  lang: AnswerLang;
  sourceIds: string[];
}

/** The fixed things the engine says, per language. */
export const MESSAGES = {
  cantUnderstand: {
    en: "This offline engine can't understand speech yet. Type your question, or connect Azure OpenAI.",
    ja: 'このオフラインエンジンはまだ音声を認識できません。質問を入力するか、Azure OpenAI に接続してください。',
  },
  notFound: {
    en: "I couldn't find that in the knowledge base.",
    ja: 'ナレッジベースにその情報は見つかりませんでした。',
  },
  unavailable: {
    en: "I can't look that up right now: the knowledge base search is unavailable.",
    ja: '現在ナレッジベースを検索できないため、お調べできません。',
  },
  noSearchTool: {
    en: 'This offline engine answers only from the knowledge base, and no search tool is configured.',
    ja: 'このオフラインエンジンはナレッジベースからのみ回答しますが、検索ツールが設定されていません。',
  },
} as const;

/** Kana readings of the Japanese messages: eSpeak NG reads kana well and kanji poorly. */
export const SPOKEN_JA: Record<keyof typeof MESSAGES, string> = {
  cantUnderstand:
    'このオフラインエンジンは、まだ おんせいを にんしき できません。しつもんを にゅうりょく するか、アジュール オープンエーアイに せつぞく してください。',
  notFound: 'ナレッジベースに その じょうほうは みつかりませんでした。',
  unavailable: 'げんざい ナレッジベースを けんさく できないため、おしらべ できません。',
  noSearchTool: 'このオフラインエンジンは ナレッジベースからのみ かいとう しますが、けんさくツールが せってい されていません。',
};

const HEADER = /^\[([^\]\n]+)\]:[ \t]?(.*)$/;

/** Parses the `search` tool output (gateway/retrieval/format.ts) back into passages. */
export function parseSearchOutput(output: string): SearchOutcome {
  const text = output.trim();
  if (text === SEARCH_UNAVAILABLE.trim()) return { kind: 'unavailable' };
  if (text === SEARCH_NO_RESULTS.trim() || !text) return { kind: 'none' };
  const passages: SearchBlock[] = [];
  for (const block of text.split(/\n-{5,}\n?/)) {
    const lines = block.trim().split('\n');
    const match = HEADER.exec(lines[0] ?? '');
    if (!match) continue;
    const [, id, rest] = match;
    // With more lines the header carries the title; alone, it carries the content.
    const content = lines.length > 1 ? lines.slice(1).join('\n') : rest!;
    passages.push({ id: id!, title: lines.length > 1 ? rest!.trim() : '', content: content.replace(/…$/, '').trim() });
  }
  return passages.length ? { kind: 'passages', passages } : { kind: 'none' };
}

/** One of the fixed messages, with its kana reading in Japanese. */
export function fixedMessage(key: keyof typeof MESSAGES, lang: AnswerLang): ComposedAnswer {
  return { text: MESSAGES[key][lang], lang, sourceIds: [], ...(lang === 'ja' ? { spoken: SPOKEN_JA[key] } : {}) };
}

/** Terms plus, for Japanese, kanji/katakana bigrams, which survive differences in word segmentation. */
function termSet(text: string, lang: AnswerLang): Set<string> {
  const set = new Set(terms(text, lang));
  if (lang === 'ja') {
    for (const run of text.normalize('NFKC').match(/[\u30a0-\u30ff\u3400-\u9fff]{2,}/g) ?? []) {
      for (let i = 0; i + 2 <= run.length; i++) set.add(`#${run.slice(i, i + 2)}`);
    }
  }
  return set;
}

/** Markdown residue that would be read aloud. */
function clean(sentence: string): string {
  return sentence
    .replace(/^#+\s*/, '')
    .replace(/[*_`|]+/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Candidate {
  text: string;
  passage: number;
  index: number;
  terms: Set<string>;
  score: number;
}

/**
 * An extractive answer: the 1–3 sentences of the passages that share the most (rarest) terms
 * with the question, whole and in document order, about `maxChars` at most.
 */
export function composeAnswer(question: string, searchOutput: string, maxChars = 350): ComposedAnswer {
  const questionLang = detectLang(question);
  const outcome = parseSearchOutput(searchOutput);
  if (outcome.kind === 'unavailable') return fixedMessage('unavailable', questionLang);
  if (outcome.kind === 'none') return fixedMessage('notFound', questionLang);

  const candidates: Candidate[] = [];
  outcome.passages.forEach((passage, p) => {
    const lang = detectLang(passage.content);
    sentences(passage.content, lang).forEach((raw, index) => {
      const text = clean(raw);
      // Headings and fragments without a verb-sized body make poor spoken answers.
      if (text.length < 8) return;
      candidates.push({ text, passage: p, index, terms: termSet(text, lang), score: 0 });
    });
  });
  if (!candidates.length) return fixedMessage('notFound', questionLang);

  const asked = termSet(question, questionLang);
  const df = new Map<string, number>();
  for (const candidate of candidates) for (const term of candidate.terms) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string) => Math.log(1 + candidates.length / (df.get(term) ?? candidates.length)) * (term.startsWith('#') ? 0.5 : 1);
  const titleTerms = outcome.passages.map((passage) => termSet(passage.title, detectLang(passage.title || passage.content)));
  for (const candidate of candidates) {
    let score = 0;
    for (const term of asked) {
      if (candidate.terms.has(term)) score += idf(term);
      else if (titleTerms[candidate.passage]!.has(term)) score += idf(term) * 0.2;
    }
    // Retrieval rank and position break ties: earlier passages and sentences first.
    candidate.score = score > 0 ? score + 0.05 / (candidate.passage + 1) + 0.01 / (candidate.index + 1) : 0;
  }

  // The passage that covers most of the question (its title included) answers it; sentences
  // from other passages join only when nearly as good and they add a term, so answers stay coherent.
  const coverage = outcome.passages.map((_, p) => {
    const covered = new Set(titleTerms[p]);
    for (const candidate of candidates) if (candidate.passage === p) for (const term of candidate.terms) covered.add(term);
    let score = 0.05 / (p + 1);
    for (const term of asked) if (covered.has(term)) score += idf(term);
    return score;
  });
  const bestPassage = coverage.indexOf(Math.max(...coverage));
  const ranked = [...candidates].sort((a, b) => b.score - a.score);
  const best = ranked.find((c) => c.passage === bestPassage && c.score > 0) ?? candidates.find((c) => c.passage === bestPassage) ?? candidates[0]!;
  const chosen: Candidate[] = [best];
  const said = new Set(best.terms);
  let length = best.text.length;
  for (const candidate of ranked) {
    if (chosen.length >= 3 || candidate.score <= 0 || candidate.score < best.score * 0.5) break;
    if (candidate === best || length + 1 + candidate.text.length > maxChars) continue;
    const addsTerm = [...asked].some((term) => candidate.terms.has(term) && !said.has(term));
    if (candidate.passage !== best.passage && (candidate.score < best.score * 0.9 || !addsTerm)) continue;
    chosen.push(candidate);
    for (const term of candidate.terms) said.add(term);
    length += 1 + candidate.text.length;
  }
  chosen.sort((a, b) => a.passage - b.passage || a.index - b.index);
  const answerLang = detectLang(chosen.map((c) => c.text).join(''));
  const text = chosen.map((c) => c.text).join(answerLang === 'ja' ? '' : ' ');
  const sourceIds = [...new Set(chosen.map((c) => outcome.passages[c.passage]!.id))];
  return { text, lang: answerLang, sourceIds };
}
