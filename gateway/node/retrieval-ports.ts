/** The Node ports a site's local index needs (files and a cache folder), made in one place for every composition root. */
import type { CacheStore, SourceFiles } from '../retrieval/local/ports.js';
import { createFsCache } from './fs-cache.js';
import { createFsSources } from './fs-sources.js';

/** Ports of `createRetriever` on Node: files read from disk, caches in folders relative to `configDir`. */
export interface NodeRetrievalPorts {
  files: SourceFiles;
  openCache(cacheDir: string): CacheStore;
}

/** Creates the Node ports for the sites of the config in `configDir`. */
export function nodeRetrievalPorts(configDir: string): NodeRetrievalPorts {
  return { files: createFsSources(), openCache: (cacheDir) => createFsCache(cacheDir, configDir) };
}
