/**
 * GitHub-style heading anchor: lower-case, punctuation dropped, spaces to hyphens; letters of
 * every script kept (a Japanese heading keeps its characters). The demo's HTML renderer and the
 * local index's chunker both use it, so a citation's `#anchor` lands on the right section.
 */
export function slugify(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
