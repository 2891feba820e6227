/**
 * Page boost (`page_context: boost`, docs/RETRIEVAL.md): passages of the page the visitor is
 * reading, and most of all of the section in view, rank higher, so "this" and "here" resolve to it.
 */
import { slugify } from './slug.js';
import type { Passage, PageBoost } from './types.js';

/** Score multiplier of a passage from the visitor's page. */
export const PAGE_FACTOR = 2;
/** Further multiplier of a passage from the section in view. */
export const SECTION_FACTOR = 2;
/** How much deeper than `top` a boosted search looks, so a passage of the page ranked lower can still win. */
export const BOOST_DEPTH = 4;

/** A URL's page without the section: its path with `/index.html` and `.html` dropped; undefined when unparsable. */
export function pageKey(url: string, base: string): string | undefined {
  try {
    const parsed = new URL(url, base);
    return `${parsed.origin}${parsed.pathname.replace(/\/index\.html?$/, '/').replace(/\.html?$/, '')}`;
  } catch {
    return undefined;
  }
}

function anchorOf(url: string, base: string): string {
  try {
    return decodeURIComponent(new URL(url, base).hash.slice(1));
  } catch {
    return '';
  }
}

/** Multiplies the scores of the page's passages and reorders; returns the best `top`. */
export function boostByPage(passages: readonly Passage[], page: PageBoost, top: number): Passage[] {
  const key = pageKey(page.url, page.url);
  const anchors = new Set([anchorOf(page.url, page.url), page.section ? slugify(page.section) : ''].filter(Boolean));
  const boosted = passages.map((passage, rank) => {
    if (!key || !passage.url || pageKey(passage.url, page.url) !== key) return { passage, rank };
    const inSection = anchors.has(anchorOf(passage.url, page.url));
    return { passage: { ...passage, score: passage.score * PAGE_FACTOR * (inSection ? SECTION_FACTOR : 1) }, rank };
  });
  // Ties keep the retriever's order.
  boosted.sort((a, b) => b.passage.score - a.passage.score || a.rank - b.rank);
  return boosted.slice(0, top).map((entry) => entry.passage);
}
