/**
 * Groups similar questions: each question becomes the set of its stemmed content words, and
 * joins the group holding the question most like it, when they share enough words (Jaccard
 * similarity of the two sets, at least a third: short questions share few words).
 */
import { stemmer } from 'stemmer';

// Words that carry no topic: without them "how do I reset my password" and "reset password?" match.
const STOP_WORDS = new Set(
  ('a about an and any are as at be but by can could do does for from get got have how i if in is it its me my of on or our please ' +
    'should so that the there this to use was we what when where which who why will with would you your')
    .split(' '),
);

/** The content words of a text: lower-cased, stemmed, punctuation and stop words removed. */
export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((word) => !STOP_WORDS.has(word)).map((word) => stemmer(word)));
}

/** |A ∩ B| / |A ∪ B|; two empty sets are equal (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface Cluster<T> {
  /** The first member's text: the group's label. */
  label: string;
  members: T[];
}

/** Groups `items` by the similarity of `text(item)`; groups come largest first, ties in first-seen order. */
export function clusterByWords<T>(items: readonly T[], text: (item: T) => string, threshold = 1 / 3): Array<Cluster<T>> {
  const groups: Array<Cluster<T> & { words: Array<Set<string>> }> = [];
  for (const item of items) {
    const words = contentWords(text(item));
    let best: (typeof groups)[number] | undefined;
    let bestScore = threshold;
    for (const group of groups) {
      const score = Math.max(...group.words.map((other) => jaccard(other, words)));
      if (score >= bestScore) [best, bestScore] = [group, score];
    }
    if (best) {
      best.members.push(item);
      best.words.push(words);
    } else groups.push({ label: text(item), members: [item], words: [words] });
  }
  return groups
    .map(({ label, members }, order) => ({ label, members, order }))
    .sort((a, b) => b.members.length - a.members.length || a.order - b.order)
    .map(({ label, members }) => ({ label, members }));
}
