/** The shapes a source passes through on its way into the local index. */

/** A part of a document under one heading (or before the first heading). */
export interface Section {
  /** Heading text as shown; absent before the first heading. */
  heading?: string;
  /** Fragment id of the heading on the rendered page, without `#`. */
  anchor?: string;
  text: string;
}

/** A parsed document: its title, page URL and sections in order. */
export interface ParsedDocument {
  title: string;
  /** Page URL from the document itself (front matter `url`), which wins over the url_base rule. */
  url?: string;
  sections: Section[];
}

/** What kind of parser a source needs. */
export type SourceKind = 'markdown' | 'html' | 'pdf' | 'text';

/** A source's raw bytes, before parsing; `key` is unique per site (relative path or URL). */
export interface RawSource {
  key: string;
  kind: SourceKind;
  bytes: Uint8Array;
  /** Page URL the url_base rule (files) or the fetch (live sites) gives it. */
  url?: string;
  /** Name to use as the title when the document has none. */
  fallbackTitle: string;
  /** What the chunk ids are made from: the path under the root, or the URL. */
  idBase: string;
}

/** One indexed passage of a document. */
export interface Chunk {
  /** `<doc-slug>-<n>`: stable while the document's key and chunking stay the same. */
  id: string;
  /** "Doc title — Heading", or the doc title alone. */
  title: string;
  url?: string;
  content: string;
  /** The heading of the chunk's section, when it has one besides the document title. */
  section?: string;
  /** The source key, so results can be traced to their document. */
  doc: string;
}

/** A source that could not be read or parsed. */
export interface SourceError {
  source: string;
  message: string;
}

/** Maps a file name or URL path to the parser it needs, or undefined when it is not indexable. */
export function kindFromName(name: string): SourceKind | undefined {
  const lower = name.toLowerCase().replace(/[?#].*$/, '');
  if (/\.(md|markdown|mdx)$/.test(lower)) return 'markdown';
  if (/\.(html?|xhtml)$/.test(lower)) return 'html';
  if (/\.pdf$/.test(lower)) return 'pdf';
  if (/\.txt$/.test(lower)) return 'text';
  return undefined;
}
