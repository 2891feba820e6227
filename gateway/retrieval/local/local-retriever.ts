/**
 * The embedded local index as a Retriever: built (or loaded from cache) at start, rebuilt when
 * a file source changes, and swapped in whole, so a search never sees a half-built index.
 */
import type { LocalIndexConfig } from '../../config/schema.js';
import { throwIfAborted } from '../abort.js';
import { MAX_QUERY_CHARS, safeIds } from '../ids.js';
import type { Passage, Retriever, SearchOptions } from '../types.js';
import { buildLocalIndex } from './build.js';
import type { BuildDeps, BuildStats, BuiltIndex } from './build.js';
import { kindFromName } from './document.js';
import type { Chunk } from './document.js';
import { createHybridSearch } from './hybrid.js';
import { BOOST_DEPTH, boostByPage } from '../page-boost.js';
import { normalizePath } from './page-url.js';

/** Dependencies of the local retriever. */
export interface LocalRetrieverDeps extends BuildDeps {
  /** Watch file sources and rebuild on change (default true). */
  watch?: boolean;
  /** Quiet time after the last change before rebuilding (default 300 ms). */
  debounceMs?: number;
  /** Folder of the cache relative to the config folder, left out of watching. */
  cacheDir?: string;
  /** Called after each rebuild that follows a change (not the first build). */
  onRebuilt?: (stats: BuildStats) => void;
}

/** The local retriever, with its build statistics and a manual rebuild. */
export interface LocalRetriever extends Retriever {
  stats(): BuildStats;
  /** The chunks of the index in use. */
  chunks(): readonly Chunk[];
  /** Rebuilds now (a no-op swap when nothing changed); resolves with the new statistics. */
  rebuild(): Promise<BuildStats>;
  /** Stops watching and waits for a running rebuild. */
  close(): Promise<void>;
}

/** Builds the index of one site and returns its retriever. */
export async function createLocalRetriever(config: LocalIndexConfig, deps: LocalRetrieverDeps): Promise<LocalRetriever> {
  let current: BuiltIndex = await buildLocalIndex(config, deps);
  const hybrid = deps.embedder && config.embeddings ? createHybridSearch(deps.embedder, config.embeddings.timeout_ms, deps.logger) : undefined;
  deps.logger.info({ ...summary(current.stats) }, 'retrieval: local index ready');
  let closed = false;
  let running: Promise<BuildStats> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopWatching: (() => Promise<void>) | undefined;

  const rebuild = (): Promise<BuildStats> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          const next = await buildLocalIndex(config, deps);
          // Searches in flight hold the old BuiltIndex; new ones get the new one.
          if (!closed && next.key !== current.key) {
            current = next;
            deps.logger.info({ ...summary(next.stats) }, 'retrieval: local index rebuilt');
          }
        } while (again && !closed);
        return current.stats;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const onChange = (path: string) => {
    // Editors' swap and backup files do not change the index; folders and sources might.
    if (closed || (/\.[^/]+$/.test(path) && !kindFromName(path))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      rebuild().then(
        (stats) => deps.onRebuilt?.(stats),
        (error: unknown) => deps.logger.error({ err: error }, 'retrieval: local index rebuild failed; the previous index stays in use'),
      );
    }, deps.debounceMs ?? 300);
  };

  if (deps.watch !== false && current.watchDirs.length > 0) {
    const ignore = [...(deps.cacheDir ? [normalizePath(deps.cacheDir)] : []), 'node_modules', '.git'];
    const onError = (error: unknown) =>
      deps.logger.warn({ err: error }, 'retrieval: watching the source folders failed; edits may not trigger a rebuild');
    stopWatching = await deps.files.watch(current.watchDirs, deps.configDir, onChange, ignore, onError);
  }

  return {
    async search(query: string, options: SearchOptions = {}): Promise<Passage[]> {
      throwIfAborted(options.signal);
      if (!query.trim()) return [];
      const top = Math.max(1, Math.min(options.top ?? config.top, 50));
      const { index, vectors } = current;
      const text = query.slice(0, MAX_QUERY_CHARS);
      const depth = options.page ? Math.min(50, top * BOOST_DEPTH) : top;
      const found = hybrid ? await hybrid(index, vectors, text, depth, options.signal) : index.search(text, depth);
      return options.page ? boostByPage(found, options.page, top) : found;
    },
    async resolve(ids: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Passage[]> {
      throwIfAborted(options.signal);
      const index = current.index;
      return safeIds(ids).flatMap((id) => {
        const chunk = index.get(id);
        return chunk ? [{ id: chunk.id, title: chunk.title, ...(chunk.url ? { url: chunk.url } : {}), content: chunk.content, score: 1 }] : [];
      });
    },
    stats: () => current.stats,
    chunks: () => current.index.chunks(),
    rebuild,
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      await stopWatching?.();
      await running?.catch(() => undefined);
    },
  };
}

function summary(stats: BuildStats) {
  return {
    documents: stats.documents,
    chunks: stats.chunks,
    characters: stats.characters,
    ms: stats.ms,
    fromCache: stats.fromCache,
    skipped: stats.errors.length,
    ...(stats.embeddings ? { embedded: stats.embeddings.embedded, vectorsFromCache: stats.embeddings.fromCache, vectorLeg: !stats.embeddings.error } : {}),
  };
}
