/**
 * The Porter (1980) stemmer for English, after Martin Porter's reference description
 * (https://tartarus.org/martin/PorterStemmer/). No installed package ships one (MiniSearch
 * leaves stemming to `processTerm`); the `stemmer` or `snowball-stemmers` package could replace it.
 */

const step2List: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log'],
];
const step3List: ReadonlyArray<readonly [string, string]> = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];
const step4Suffixes = [
  'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ou', 'ism', 'ate', 'iti', 'ous',
  'ive', 'ize',
];

const consonant = '[^aeiou]';
const vowel = '[aeiouy]';
const consonants = `${consonant}[^aeiouy]*`;
const vowels = `${vowel}[aeiou]*`;
const mGt0 = new RegExp(`^(${consonants})?${vowels}${consonants}`);
const mEq1 = new RegExp(`^(${consonants})?${vowels}${consonants}(${vowels})?$`);
const mGt1 = new RegExp(`^(${consonants})?${vowels}${consonants}${vowels}${consonants}`);
const hasVowel = new RegExp(`^(${consonants})?${vowel}`);
const cvc = new RegExp(`^${consonants}${vowel}[^aeiouwxy]$`);

/** Returns the Porter stem of a lower-case English word; words under three letters are returned as they are. */
export function porterStem(word: string): string {
  if (word.length < 3) return word;
  let w = word;
  const firstY = w[0] === 'y';
  if (firstY) w = 'Y' + w.slice(1);

  // Step 1a: plurals.
  if (/sses$/.test(w)) w = w.slice(0, -2);
  else if (/ies$/.test(w)) w = w.slice(0, -2);
  else if (/[^s]s$/.test(w)) w = w.slice(0, -1);

  // Step 1b: -eed, -ed, -ing.
  let match = /^(.+?)eed$/.exec(w);
  if (match) {
    if (mGt0.test(match[1])) w = w.slice(0, -1);
  } else if ((match = /^(.+?)(ed|ing)$/.exec(w)) && hasVowel.test(match[1])) {
    w = match[1];
    if (/(at|bl|iz)$/.test(w)) w += 'e';
    else if (/([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
    else if (cvc.test(w)) w += 'e';
  }

  // Step 1c: y → i after a vowel-containing stem.
  if ((match = /^(.+?)y$/.exec(w)) && hasVowel.test(match[1])) w = match[1] + 'i';

  // Step 2.
  for (const [suffix, replacement] of step2List) {
    if (w.endsWith(suffix)) {
      const stem = w.slice(0, -suffix.length);
      if (mGt0.test(stem)) w = stem + replacement;
      break;
    }
  }

  // Step 3.
  for (const [suffix, replacement] of step3List) {
    if (w.endsWith(suffix)) {
      const stem = w.slice(0, -suffix.length);
      if (mGt0.test(stem)) w = stem + replacement;
      break;
    }
  }

  // Step 4: the longest matching suffix only.
  const suffix4 = step4Suffixes.filter((s) => w.endsWith(s)).sort((a, b) => b.length - a.length)[0];
  if (suffix4) {
    const stem = w.slice(0, -suffix4.length);
    if (mGt1.test(stem)) w = stem;
  } else if ((match = /^(.+?)(s|t)(ion)$/.exec(w)) && mGt1.test(match[1] + match[2])) {
    w = match[1] + match[2];
  }

  // Step 5a: final -e.
  if ((match = /^(.+?)e$/.exec(w))) {
    const stem = match[1];
    if (mGt1.test(stem) || (mEq1.test(stem) && !cvc.test(stem))) w = stem;
  }
  // Step 5b: -ll → -l.
  if (/ll$/.test(w) && mGt1.test(w)) w = w.slice(0, -1);

  if (firstY) w = 'y' + w.slice(1);
  return w;
}
