/**
 * One tokenizer for indexing and for queries, so both sides always agree: NFKC and lower case;
 * Latin-script words stemmed (Porter, the `stemmer` package) with stop words dropped; Japanese,
 * Chinese, Thai and other scripts written without spaces split into words by `Intl.Segmenter`
 * (ICU dictionaries), with kanji/katakana bigrams added so a compound still matches when ICU
 * splits it differently.
 */
import { stemmer } from 'stemmer';

const WORD = /[\p{L}\p{N}\p{M}]+(?:[._'’-][\p{L}\p{N}\p{M}]+)*/gu;
/** Scripts whose words are not separated by spaces. */
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const BIGRAM_RUN = /[\p{sc=Han}\p{sc=Katakana}ー]{3,}/gu;
const HIRAGANA_ONLY = /^\p{sc=Hiragana}+$/u;
const JOINERS = /[._'’-]/;
const LETTERS_DIGITS = /\p{L}+|\p{N}+/gu;

const ENGLISH_STOP = new Set(
  (
    "a about am an and any are as at be been being but by can could did do does doing don't for from had has have " +
    "he her here his how i i'm if in into is it it's its just me my of on or our please she should so some tell than that " +
    "the their them then there these they this those to too us was we were what when where which while who whom why " +
    'will with would you your'
  ).split(' '),
);

/** Japanese function words and question words that carry no topic (hiragana of ≤ 2 letters go too). */
const JAPANESE_STOP = new Set(
  (
    'ください くださ でしょう ですか ますか ありますか できますか できる できます でき について として という ように ' +
    'ような どう どの どれ どこ いつ なに 何 こと もの ため これ それ あれ この その あの たい ほしい 教え 教える 知り 知りたい ' +
    'ある あり いる おり なる なり ない れる られる'
  ).split(' '),
);

// Made on first use: its ICU data costs resident memory that text in spaced scripts never needs.
let segmenter: Intl.Segmenter | undefined;

/** Splits text into index terms; the same function tokenizes queries. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  // NFKC only matters beyond ASCII (full-width letters, ligatures); most text skips it.
  const normalized = /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : text.normalize('NFKC').toLowerCase();
  for (const match of normalized.matchAll(WORD)) {
    const token = match[0];
    if (UNSPACED.test(token)) {
      segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
      for (const segment of segmenter.segment(token)) {
        if (!segment.isWordLike) continue;
        if (UNSPACED.test(segment.segment)) addUnspaced(segment.segment, out);
        else addSpaced(segment.segment, out);
      }
    } else {
      addSpaced(token, out);
    }
  }
  return out;
}

function addUnspaced(word: string, out: string[]): void {
  if (JAPANESE_STOP.has(word) || (HIRAGANA_ONLY.test(word) && word.length <= 2)) return;
  out.push(word);
  for (const run of word.matchAll(BIGRAM_RUN)) {
    const chars = [...run[0]];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  }
}

/** Terms per spaced token; vocabularies are small, so stemming each word once pays off. */
const spacedCache = new Map<string, readonly string[]>();
const SPACED_CACHE_LIMIT = 100_000;

function addSpaced(token: string, out: string[]): void {
  let terms = spacedCache.get(token);
  if (!terms) {
    const fresh: string[] = [];
    spacedTerms(token, fresh);
    terms = fresh;
    if (spacedCache.size >= SPACED_CACHE_LIMIT) spacedCache.clear();
    spacedCache.set(token, terms);
  }
  for (const term of terms) out.push(term);
}

function spacedTerms(token: string, out: string[]): void {
  const compound = JOINERS.test(token);
  // Keep the whole of a compound ("lumen.toml", "3.4.2", "e2001") and its parts.
  if (compound || /\p{L}/u.test(token) && /\p{N}/u.test(token)) {
    if (!ENGLISH_STOP.has(token)) out.push(token);
    for (const part of token.split(JOINERS)) {
      for (const piece of part.match(LETTERS_DIGITS) ?? []) addWord(piece, out);
    }
    return;
  }
  addWord(token, out);
}

function addWord(word: string, out: string[]): void {
  if (ENGLISH_STOP.has(word)) return;
  if (word.length === 1 && !/\p{N}/u.test(word)) return;
  out.push(/^[a-z]+$/.test(word) ? stemmer(word) : word);
}
