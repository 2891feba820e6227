/**
 * Chunk vectors cached by model and content hash in the index's CacheStore, so a rebuild
 * embeds only the chunks whose text changed. Vectors are stored as base64 of their float32
 * bytes (a third of the size of JSON numbers).
 */
import type { CacheStore, RetrievalLogger } from '../local/ports.js';
import { shortHash } from '../local/page-url.js';

/** Vectors by content hash for one model. */
export interface VectorCache {
  get(hash: string): Float32Array | undefined;
  set(hash: string, vector: Float32Array): void;
  /** Writes the vectors of `keep` (the current chunks) and drops the rest. */
  save(keep: ReadonlySet<string>): Promise<void>;
}

/** SHA-256 of a text, hex: the key of its vector. */
export async function contentHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function encodeVector(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function decodeVector(text: string): Float32Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** Opens the vector cache of `model` in `store` (no store: a cache that forgets). */
export async function openVectorCache(store: CacheStore | undefined, model: string, logger: RetrievalLogger): Promise<VectorCache> {
  const name = `embeddings-${shortHash(model)}.json`;
  const vectors = new Map<string, Float32Array>();
  try {
    const text = store ? await store.read(name) : undefined;
    const file = text ? (JSON.parse(text) as { model?: string; vectors?: Record<string, string> }) : undefined;
    if (file?.model === model && file.vectors) for (const [hash, encoded] of Object.entries(file.vectors)) vectors.set(hash, decodeVector(encoded));
  } catch (error) {
    logger.warn({ cache: name, reason: error instanceof Error ? error.message : String(error) }, 'retrieval: ignored an unreadable embeddings cache');
  }
  return {
    get: (hash) => vectors.get(hash),
    set: (hash, vector) => void vectors.set(hash, vector),
    async save(keep) {
      if (!store) return;
      const kept: Record<string, string> = {};
      for (const hash of keep) {
        const vector = vectors.get(hash);
        if (vector) kept[hash] = encodeVector(vector);
      }
      try {
        await store.write(name, JSON.stringify({ model, vectors: kept }));
      } catch (error) {
        logger.warn({ cache: name, reason: error instanceof Error ? error.message : String(error) }, 'retrieval: could not write the embeddings cache');
      }
    },
  };
}
