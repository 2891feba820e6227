/**
 * A short follow-up that points back ("and how do I turn it off?") is searched together with the
 * visitor's previous question, as a model reads a question in the light of the conversation. The
 * previous question may be a replayed item of a renewed session: the context survives renewal.
 */
import type { Item } from './conversation.js';

/** Words that point back to an earlier turn (English and Japanese demonstratives); not "there", which "is there …?" uses for a new subject. */
const POINTS_BACK = /\b(it|its|that|this|those|these|them)\b|それ|その|これ|この|あれ/i;
/** Longer questions carry their own subject. */
const MAX_FOLLOW_UP_WORDS = 10;

/** The text of a user message item (typed, replayed or transcribed), if any. */
function userText(item: Item): string | undefined {
  if (item.type !== 'message' || item.role !== 'user') return undefined;
  const part = item.content[0];
  if (part?.type === 'input_text') return part.text;
  if (part?.type === 'input_audio') return part.transcript ?? undefined;
  return undefined;
}

/** The search query for `question`, the last user item of `items`: with the question before it when it points back. */
export function searchQueryFor(question: string, items: readonly Item[]): string {
  if (!POINTS_BACK.test(question) || question.trim().split(/\s+/).length > MAX_FOLLOW_UP_WORDS) return question;
  const earlier = items
    .slice(0, -1)
    .map(userText)
    .filter((text): text is string => Boolean(text?.trim()))
    .at(-1);
  return earlier ? `${earlier.trim()} ${question.trim()}` : question;
}
