/**
 * Embedding many texts while an index is built: batches of `batchSize`, each retried with
 * exponential backoff (or the service's Retry-After) on throttling, server errors and lost
 * connections, reporting progress after each batch.
 */
import { EmbeddingsError, type Embedder } from './client.js';

/** Options of {@link embedInBatches}. */
export interface BatchOptions {
  batchSize: number;
  /** Tries per batch (default 5). */
  attempts?: number;
  /** First backoff (default 500 ms), doubled each retry, capped at 20 s. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onBatch?: (done: number, total: number) => void;
}

const retryable = (error: unknown) =>
  error instanceof EmbeddingsError && (error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500);

/** Embeds `texts` in order; rejects with the last error when a batch fails every attempt. */
export async function embedInBatches(embedder: Embedder, texts: readonly string[], options: BatchOptions): Promise<Float32Array[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = options.attempts ?? 5;
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += options.batchSize) {
    const batch = texts.slice(start, start + options.batchSize);
    for (let attempt = 1; ; attempt++) {
      try {
        vectors.push(...(await embedder.embed(batch)));
        break;
      } catch (error) {
        if (attempt >= attempts || !retryable(error)) throw error;
        const backoff = Math.min(20_000, (options.backoffMs ?? 500) * 2 ** (attempt - 1));
        await sleep((error as EmbeddingsError).retryAfterMs ?? backoff);
      }
    }
    options.onBatch?.(vectors.length, texts.length);
  }
  return vectors;
}
