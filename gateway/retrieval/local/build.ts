/**
 * One build of a site's local index: read the sources, and either load the cached index whose
 * key (a hash of every source's content and the chunk settings) matches, or parse, chunk and
 * index them and write the cache.
 */
import type { LocalIndexConfig } from '../../config/schema.js';
import { chunkSections } from './chunk.js';
import type { Chunk, ParsedDocument, RawSource, SourceError } from './document.js';
import { parseMarkdown } from './markdown.js';
import { docSlug, shortHash } from './page-url.js';
import { parsePdf, parseText } from './pdf.js';
import type { Embedder } from '../embeddings/client.js';
import { embedChunks, type EmbedStats } from './hybrid.js';
import type { CacheStore } from './ports.js';
import type { VectorIndex } from './vectors.js';
import { buildSearchIndex, loadSearchIndex } from './search-index.js';
import type { SearchIndex } from './search-index.js';
import { errorMessage, loadSources } from './sources.js';
import type { SourceDeps } from './sources.js';

/** Bumped whenever parsing, chunking or tokenizing changes, so old caches are not reused. */
export const INDEX_FORMAT = 5;

/** What a build did, for logs and `voice-rag index`. */
export interface BuildStats {
  documents: number;
  chunks: number;
  characters: number;
  ms: number;
  fromCache: boolean;
  errors: SourceError[];
  /** The vector leg, when the site has `embeddings`. */
  embeddings?: EmbedStats;
}

/** Progress of a build, for `voice-rag index`: sources read and chunked (with chunks so far), chunks embedded. */
export type BuildProgress =
  | { phase: 'chunk'; done: number; total: number; chunks: number }
  | { phase: 'embed'; done: number; total: number };

/** A built index with what it was built from. */
export interface BuiltIndex {
  index: SearchIndex;
  stats: BuildStats;
  /** Content hash of the sources and settings; equal keys mean an equal index. */
  key: string;
  watchDirs: string[];
  /** Chunk vectors, when the site has `embeddings` and embedding worked. */
  vectors?: VectorIndex;
}

/** Dependencies of a build: the source ports plus an optional cache and clock. */
export interface BuildDeps extends SourceDeps {
  cache?: CacheStore;
  now?: () => number;
  /** Embeds chunks for the vector leg (from `retrieval.embeddings`; left out: BM25 only). */
  embedder?: Embedder;
  onProgress?: (progress: BuildProgress) => void;
}

interface CacheFile {
  format: number;
  key: string;
  documents: number;
  chunks: Chunk[];
  index: unknown;
}

/** Builds (or loads from cache) the index of one site. */
export async function buildLocalIndex(config: LocalIndexConfig, deps: BuildDeps): Promise<BuiltIndex> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const { sources, errors, watchDirs } = await loadSources(config, deps);
  const key = await contentKey(config, sources);
  // Sites with the same sources and settings share one file; different settings never fight over it.
  const settings = [deps.configDir, config.sources, config.root ?? '', config.chunk, config.url_base ?? '', config.url_extension];
  const cacheName = `local-index-${shortHash(JSON.stringify(settings))}.json`;
  const finish = async (index: SearchIndex, documents: number, fromCache: boolean): Promise<BuiltIndex> => {
    const embedded = deps.embedder && config.embeddings
      ? await embedChunks(index.chunks(), {
          embedder: deps.embedder,
          batchSize: config.embeddings.batch_size,
          logger: deps.logger,
          ...(deps.cache ? { cache: deps.cache } : {}),
          ...(deps.onProgress ? { onProgress: (done: number, total: number) => deps.onProgress?.({ phase: 'embed', done, total }) } : {}),
        })
      : undefined;
    return {
      index,
      key,
      watchDirs,
      ...(embedded?.vectors ? { vectors: embedded.vectors } : {}),
      stats: {
        documents,
        chunks: index.size,
        characters: index.chunks().reduce((sum, chunk) => sum + chunk.content.length, 0),
        ms: Math.round(now() - started),
        fromCache,
        errors,
        ...(embedded ? { embeddings: embedded.stats } : {}),
      },
    };
  };

  const cached = await readCache(deps, cacheName, key);
  if (cached) return finish(cached.index, cached.documents, true);

  const chunks: Chunk[] = [];
  const taken = new Set<string>();
  let documents = 0;
  for (const [position, source] of sources.entries()) {
    deps.onProgress?.({ phase: 'chunk', done: position, total: sources.length, chunks: chunks.length });
    let parsed: ParsedDocument;
    try {
      parsed = await parseSource(source);
    } catch (error) {
      const message = errorMessage(error);
      errors.push({ source: source.key, message });
      deps.logger.warn({ source: source.key, reason: message }, 'retrieval: skipped a source that could not be parsed');
      continue;
    }
    const pieces = chunkSections(parsed.sections, config.chunk);
    if (pieces.length === 0) continue;
    documents++;
    const slug = docSlug(source.idBase, taken);
    const url = parsed.url ?? source.url;
    pieces.forEach((piece, n) => {
      const heading = piece.heading && piece.heading !== parsed.title ? piece.heading : undefined;
      chunks.push({
        id: `${slug}-${n}`,
        title: heading ? `${parsed.title} — ${heading}` : parsed.title,
        ...(url ? { url: piece.anchor ? `${url.replace(/#.*$/, '')}#${piece.anchor}` : url } : {}),
        content: piece.text,
        ...(heading ? { section: heading } : {}),
        doc: source.key,
      });
    });
  }
  deps.onProgress?.({ phase: 'chunk', done: sources.length, total: sources.length, chunks: chunks.length });
  const index = buildSearchIndex(chunks);
  await writeCache(deps, cacheName, { format: INDEX_FORMAT, key, documents, chunks, index: index.toJSON() });
  return finish(index, documents, false);
}

/** Parses one source by its kind. */
export async function parseSource(source: RawSource): Promise<ParsedDocument> {
  switch (source.kind) {
    case 'markdown':
      return parseMarkdown(decode(source.bytes), source.fallbackTitle);
    // The HTML parser (≈ 5 MB resident) loads with the first HTML source; unpdf loads pdf.js itself on first use.
    case 'html':
      return (await import('./html.js')).parseHtml(decode(source.bytes), source.fallbackTitle);
    case 'pdf':
      return parsePdf(source.bytes, source.fallbackTitle);
    case 'text':
      return parseText(decode(source.bytes), source.fallbackTitle);
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

async function contentKey(config: LocalIndexConfig, sources: readonly RawSource[]): Promise<string> {
  const settings = { format: INDEX_FORMAT, chunk: config.chunk, url_base: config.url_base, url_extension: config.url_extension, root: config.root };
  const parts = [JSON.stringify(settings)];
  for (const source of sources) parts.push(`${source.key}\u0000${source.kind}\u0000${source.url ?? ''}\u0000${await sha256(source.bytes)}`);
  return sha256(new TextEncoder().encode(parts.join('\n')));
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function readCache(deps: BuildDeps, name: string, key: string): Promise<{ index: SearchIndex; documents: number } | undefined> {
  if (!deps.cache) return undefined;
  try {
    const text = await deps.cache.read(name);
    if (!text) return undefined;
    const file = JSON.parse(text) as CacheFile;
    if (file.format !== INDEX_FORMAT || file.key !== key || !Array.isArray(file.chunks)) return undefined;
    return { index: loadSearchIndex(file.index, file.chunks), documents: file.documents };
  } catch (error) {
    deps.logger.warn({ cache: name, reason: errorMessage(error) }, 'retrieval: ignored an unreadable index cache');
    return undefined;
  }
}

async function writeCache(deps: BuildDeps, name: string, file: CacheFile): Promise<void> {
  if (!deps.cache) return;
  try {
    await deps.cache.write(name, JSON.stringify(file));
  } catch (error) {
    // The index works without its cache; the next start just builds again.
    deps.logger.warn({ cache: name, reason: errorMessage(error) }, 'retrieval: could not write the index cache');
  }
}
