/** The text the model gets from the `search` tool: passages, no results, or search unavailable. */
import type { Passage } from './types.js';

/** Text the model gets when search fails or times out, so it can tell the visitor. */
export const SEARCH_UNAVAILABLE =
  'The knowledge base search is unavailable right now. Tell the visitor you cannot look it up at the moment.';

/** Text the model gets when nothing matched. */
export const SEARCH_NO_RESULTS = 'No passages matched. Say you could not find this in the knowledge base.';

/**
 * Formats passages as the `search` tool's output: `[id]: title\ncontent` blocks separated by
 * `-----`, bounded by `maxChars` because every passage is paid for again as input tokens on
 * every later turn. The last passage that fits partly is cut at a word boundary.
 */
export function formatPassagesForModel(passages: readonly Passage[], maxChars: number): string {
  if (passages.length === 0) return SEARCH_NO_RESULTS;
  const separator = '\n-----\n';
  let out = '';
  for (const passage of passages) {
    const block = `[${passage.id}]: ${passage.title}\n${passage.content.trim()}`;
    const room = maxChars - out.length - (out ? separator.length : 0);
    if (room <= 0) break;
    if (block.length <= room) {
      out += (out ? separator : '') + block;
      continue;
    }
    // Keep a partial passage only if the header and some content fit.
    if (room < passage.id.length + 40) break;
    const cut = block.slice(0, room);
    const lastSpace = cut.lastIndexOf(' ');
    out += (out ? separator : '') + (lastSpace > room * 0.6 ? cut.slice(0, lastSpace) : cut) + '…';
    break;
  }
  return out;
}
