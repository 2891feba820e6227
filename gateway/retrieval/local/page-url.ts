/**
 * File path → page URL and chunk ids. POSIX path arithmetic only: the Node adapter hands paths
 * over relative to the config folder with `/` separators.
 */

const SOURCE_EXTENSION = /\.(md|markdown|mdx|txt|pdf|html?|xhtml)$/i;
const GLOB_CHARS = /[*?[\]{}()!]/;

/** Resolves `.` and `..` segments of a relative POSIX path; "" is the folder itself. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}

/** The part of a glob before its first wildcard segment ("./site/**\/*.md" → "site"). */
export function staticBase(pattern: string): string {
  const segments = normalizePath(pattern).split('/');
  const base: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (GLOB_CHARS.test(segment)) break;
    base.push(segment);
  }
  // A pattern without wildcards names one file; its base is its folder.
  return base.join('/');
}

/** `path` relative to `root` when it lies under it, otherwise unchanged. */
export function relativeTo(path: string, root: string): string {
  const p = normalizePath(path);
  const r = normalizePath(root);
  if (!r) return p;
  return p.startsWith(`${r}/`) ? p.slice(r.length + 1) : p;
}

/**
 * The page URL of a file: `urlBase` + its path under the root, with the source extension
 * replaced by `extension`, and `index.*` standing for its folder. Undefined without a url_base.
 */
export function pageUrl(relativePath: string, urlBase: string | undefined, extension: string): string | undefined {
  if (urlBase === undefined) return undefined;
  let rel = normalizePath(relativePath);
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (/^index\.[^/]+$/i.test(name)) rel = rel.slice(0, rel.length - name.length);
  else rel = rel.replace(SOURCE_EXTENSION, extension);
  const base = urlBase.endsWith('/') || urlBase === '' ? urlBase : `${urlBase}/`;
  return base + encodeURI(rel);
}

/** A short, safe, stable slug for a document key (path or URL), made unique within `taken`. */
export function docSlug(key: string, taken: Set<string>): string {
  let path = key;
  try {
    if (/^https?:\/\//i.test(key)) path = new URL(key).pathname;
  } catch {
    // Not a URL after all; slug the text as it is.
  }
  let slug = path
    .toLowerCase()
    .replace(SOURCE_EXTENSION, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(-48)
    .replace(/^-+/, '');
  if (!slug) slug = `doc-${shortHash(key)}`;
  if (taken.has(slug)) slug = `${slug}-${shortHash(key)}`;
  for (let n = 2; taken.has(slug); n++) slug = `${slug}-${n}`;
  taken.add(slug);
  return slug;
}

/** FNV-1a of a string as base-36 (ids only: not for integrity). */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
