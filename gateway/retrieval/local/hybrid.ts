/**
 * The vector leg of the local index: chunks embedded at build time (cached by content hash and
 * model), and at search time the query embedded within its own budget and fused with BM25 by
 * reciprocal rank. When the query cannot be embedded in time the search answers lexically and
 * says so in the log once, until the leg works again.
 */
import { raceAbort, timeoutSignal } from '../abort.js';
import { embedInBatches } from '../embeddings/batch.js';
import type { Embedder } from '../embeddings/client.js';
import { contentHash, openVectorCache } from '../embeddings/cache.js';
import { fuseByRank } from '../fuse.js';
import type { Passage } from '../types.js';
import type { Chunk } from './document.js';
import type { CacheStore, RetrievalLogger } from './ports.js';
import type { SearchIndex } from './search-index.js';
import { buildVectorIndex, type VectorIndex } from './vectors.js';

/** What is embedded for a chunk: its title (document and heading) and text. */
export const embeddingText = (chunk: Pick<Chunk, 'title' | 'content'>) => `${chunk.title}\n${chunk.content}`;

/** How embedding went, for logs and `voice-rag index`. */
export interface EmbedStats {
  embedded: number;
  fromCache: number;
  error?: string;
}

/** Embeds the chunks not yet in the cache and builds their vector index; undefined (lexical only) when embedding fails. */
export async function embedChunks(
  chunks: readonly Chunk[],
  deps: { embedder: Embedder; batchSize: number; cache?: CacheStore; logger: RetrievalLogger; onProgress?: (done: number, total: number) => void; sleep?: (ms: number) => Promise<void> },
): Promise<{ vectors?: VectorIndex; stats: EmbedStats }> {
  const cache = await openVectorCache(deps.cache, deps.embedder.model, deps.logger);
  const hashes = await Promise.all(chunks.map((chunk) => contentHash(embeddingText(chunk))));
  const missing = [...new Set(hashes.filter((hash) => !cache.get(hash)))];
  const textOf = new Map(hashes.map((hash, i) => [hash, embeddingText(chunks[i])]));
  deps.onProgress?.(0, missing.length);
  try {
    const fresh = await embedInBatches(deps.embedder, missing.map((hash) => textOf.get(hash)!), {
      batchSize: deps.batchSize,
      ...(deps.onProgress ? { onBatch: deps.onProgress } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
    missing.forEach((hash, i) => cache.set(hash, fresh[i]));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ reason: message }, 'retrieval: embedding the chunks failed; this index answers lexically (BM25 only)');
    return { stats: { embedded: 0, fromCache: chunks.length - missing.length, error: message } };
  }
  await cache.save(new Set(hashes));
  const vectors = buildVectorIndex(hashes.map((hash) => cache.get(hash)!));
  return { vectors, stats: { embedded: missing.length, fromCache: chunks.length - missing.length } };
}

/** Searches an index with and without vectors; one per retriever, so "logged once" spans its searches. */
export function createHybridSearch(embedder: Embedder, budgetMs: number, logger: RetrievalLogger) {
  let failing = false;
  return async (index: SearchIndex, vectors: VectorIndex | undefined, query: string, top: number, signal?: AbortSignal): Promise<Passage[]> => {
    if (!vectors) return index.search(query, top);
    const depth = Math.min(50, top * 2);
    const lexical = index.search(query, depth);
    const budget = timeoutSignal(budgetMs, signal);
    let queryVector: Float32Array | undefined;
    try {
      // raceAbort: the budget holds even if a client ignores its signal.
      [queryVector] = await raceAbort(embedder.embed([query], { signal: budget.signal }), budget.signal);
      if (failing) logger.info({}, 'retrieval: query embedding works again; searches are hybrid');
      failing = false;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (!failing) logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'retrieval: query embedding failed or timed out; answering lexically until it works again');
      failing = true;
    } finally {
      budget.dispose();
    }
    if (!queryVector) return lexical.slice(0, top);
    const chunks = index.chunks();
    const nearest = vectors.search(queryVector, depth).map(({ doc, score }): Passage => {
      const chunk = chunks[doc];
      return { id: chunk.id, title: chunk.title, ...(chunk.url ? { url: chunk.url } : {}), content: chunk.content, score };
    });
    return fuseByRank([lexical, nearest], top);
  };
}
