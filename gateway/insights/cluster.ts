/**
 * Groups similar questions: each question becomes the set of its content words, and joins the
 * first group whose first question shares enough of them (Jaccard similarity of the two sets).
 */

// Words that carry no topic: without them "how do I reset my password" and "reset password?" match.
const STOP_WORDS = new Set(
  ('a an and are as at be but by can could do does for from have how i if in is it its me my of on or our please ' +
    'should so that the there this to use was we what when where which who why will with would you your')
    .split(' '),
);

/** The content words of a text, lower-cased, punctuation and stop words removed. */
export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((word) => !STOP_WORDS.has(word)));
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
export function clusterByWords<T>(items: readonly T[], text: (item: T) => string, threshold = 0.4): Array<Cluster<T>> {
  const groups: Array<Cluster<T> & { words: Set<string> }> = [];
  for (const item of items) {
    const words = contentWords(text(item));
    const group = groups.find((candidate) => jaccard(candidate.words, words) >= threshold);
    if (group) group.members.push(item);
    else groups.push({ label: text(item), members: [item], words });
  }
  return groups
    .map(({ label, members }, order) => ({ label, members, order }))
    .sort((a, b) => b.members.length - a.members.length || a.order - b.order)
    .map(({ label, members }) => ({ label, members }));
}
