/**
 * Retrieval for a site: `createRetriever` picks Azure AI Search or the embedded local index
 * from the site's `retrieval` config.
 */
import type { TokenCredential } from '@azure/identity';
import type { SiteConfig } from '../config/schema.js';
import { createAzureSearchRetriever } from './azure-search.js';
import { createLocalRetriever } from './local/local-retriever.js';
import type { BuildStats } from './local/build.js';
import type { CacheStore, RetrievalLogger, SourceFiles } from './local/ports.js';
import type { Retriever } from './types.js';

export type { Passage, Retriever, SearchOptions } from './types.js';
export type { BuildStats } from './local/build.js';
export type { CacheStore, RetrievalLogger, SourceFiles } from './local/ports.js';
export { formatPassagesForModel, SEARCH_NO_RESULTS, SEARCH_UNAVAILABLE } from './format.js';

/** What a retriever needs besides its config. */
export interface RetrieverDeps {
  /** Absolute folder of the config file: globs, `root` and `cache_dir` are relative to it. */
  configDir: string;
  logger: RetrievalLogger;
  /** Azure AI Search without api_key: this credential (the composition root passes its lazy DefaultAzureCredential). */
  credential?: TokenCredential;
  /** For sitemap/urls sources (default: global fetch). */
  fetch?: typeof fetch;
  /** File access (default: the Node adapter gateway/node/fs-sources.ts). */
  files?: SourceFiles;
  /** Index cache (default: files in `cache_dir`; pass null to build without a cache). */
  cache?: CacheStore | null;
  /** Watch file sources and rebuild on change (default true). */
  watch?: boolean;
  /** Called after a rebuild caused by a source change. */
  onRebuilt?: (stats: BuildStats) => void;
}

/** Creates the retriever of one site; the local index is built (or loaded from cache) before it resolves. */
export async function createRetriever(retrieval: SiteConfig['retrieval'], deps: RetrieverDeps): Promise<Retriever> {
  if (retrieval.kind === 'azure-search') {
    return createAzureSearchRetriever(retrieval, deps.credential ? { credential: deps.credential } : {});
  }
  // Loaded lazily so retrieval/ itself never imports node:* (STYLE.md §1).
  const files = deps.files ?? (await import('../node/fs-sources.js')).createFsSources();
  let cache = deps.cache ?? undefined;
  if (deps.cache === undefined) {
    const { createFsCache } = await import('../node/fs-cache.js');
    cache = createFsCache(retrieval.cache_dir, deps.configDir);
  }
  return createLocalRetriever(retrieval, {
    configDir: deps.configDir,
    logger: deps.logger,
    files,
    fetch: deps.fetch ?? globalThis.fetch,
    ...(cache ? { cache } : {}),
    cacheDir: retrieval.cache_dir,
    ...(deps.watch !== undefined ? { watch: deps.watch } : {}),
    ...(deps.onRebuilt ? { onRebuilt: deps.onRebuilt } : {}),
  });
}
