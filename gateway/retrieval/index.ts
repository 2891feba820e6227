/**
 * Retrieval for a site: `createRetriever` picks Azure AI Search or the embedded local index
 * from the site's `retrieval` config.
 */
import type { TokenCredential } from '@azure/identity';
import type { GatewayConfig, SiteConfig } from '../config/schema.js';
import { embedderFromConfig } from './embeddings/from-config.js';
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
  /** File access (on Node: gateway/node/retrieval-ports.ts); only the local index reads files. */
  files?: SourceFiles;
  /** Opens the index cache in `cache_dir` (on Node: a folder); left out, the index builds without a cache. */
  openCache?: (cacheDir: string) => CacheStore;
  /** The config's engines: `retrieval.embeddings.engine` names one of them. */
  engines?: GatewayConfig['engines'];
  /** Watch file sources and rebuild on change (default true). */
  watch?: boolean;
  /** Called after a rebuild caused by a source change. */
  onRebuilt?: (stats: BuildStats) => void;
}

/** Creates the retriever of one site; the local index is built (or loaded from cache) before it resolves. */
export async function createRetriever(retrieval: SiteConfig['retrieval'], deps: RetrieverDeps): Promise<Retriever> {
  if (retrieval.kind === 'azure-search') {
    // The Azure SDK (≈ 10 MB resident) loads only for sites that search Azure AI Search.
    const { createAzureSearchRetriever } = await import('./azure-search.js');
    return createAzureSearchRetriever(retrieval, deps.credential ? { credential: deps.credential } : {});
  }
  // The composition root (server/assemble.ts, cli/) passes the machine in: retrieval/ never imports node:*.
  const files = deps.files;
  if (!files) throw new Error('retrieval: a local index needs a SourceFiles port (deps.files)');
  const cache = deps.openCache?.(retrieval.cache_dir);
  const embedder = retrieval.embeddings
    ? embedderFromConfig(retrieval.embeddings, deps.engines ?? {}, { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.credential ? { credential: deps.credential } : {}) })
    : undefined;
  return createLocalRetriever(retrieval, {
    configDir: deps.configDir,
    logger: deps.logger,
    files,
    fetch: deps.fetch ?? globalThis.fetch,
    ...(cache ? { cache } : {}),
    cacheDir: retrieval.cache_dir,
    ...(embedder ? { embedder } : {}),
    ...(deps.watch !== undefined ? { watch: deps.watch } : {}),
    ...(deps.onRebuilt ? { onRebuilt: deps.onRebuilt } : {}),
  });
}
