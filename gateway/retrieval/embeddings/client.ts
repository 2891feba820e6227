/**
 * A small client for the embeddings REST API that Azure OpenAI (`/openai/v1/embeddings`) and
 * OpenAI (`/v1/embeddings`) both speak: one POST per batch, vectors back as Float32Array in
 * input order. Web-standard fetch only, so retrieval/ stays runtime-free.
 */

/** Turns texts into vectors. */
export interface Embedder {
  /** Model (deployment) and dimensions: cached vectors are keyed by them. */
  readonly model: string;
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}

/** Where and how to call the API. */
export interface EmbeddingsEndpoint {
  /** Full URL of the embeddings route. */
  url: string;
  /** Headers per request (an API key, or a fresh Entra ID bearer token). */
  headers: () => Promise<Record<string, string>>;
  /** The `model` sent: an OpenAI model or an Azure deployment name. */
  model: string;
  dimensions?: number;
  fetch?: typeof fetch;
}

/** An error of the embeddings service, with its HTTP status (0: no answer) so callers can decide to retry. */
export class EmbeddingsError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'EmbeddingsError';
  }
}

interface EmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: unknown }>;
}

/** Creates an Embedder over one endpoint. */
export function createEmbeddingsClient(endpoint: EmbeddingsEndpoint): Embedder {
  const doFetch = endpoint.fetch ?? globalThis.fetch;
  const cacheModel = endpoint.dimensions ? `${endpoint.model}@${endpoint.dimensions}` : endpoint.model;
  return {
    model: cacheModel,
    async embed(texts, options = {}) {
      if (texts.length === 0) return [];
      const body = {
        model: endpoint.model,
        input: texts,
        encoding_format: 'float',
        ...(endpoint.dimensions ? { dimensions: endpoint.dimensions } : {}),
      };
      let response: Response;
      try {
        response = await doFetch(endpoint.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await endpoint.headers()) },
          body: JSON.stringify(body),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        throw new EmbeddingsError(`embeddings request failed: ${error instanceof Error ? error.message : String(error)}`, 0);
      }
      if (!response.ok) {
        const detail = (await response.text().catch(() => '')).slice(0, 300);
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new EmbeddingsError(
          `embeddings service answered ${response.status}${detail ? `: ${detail}` : ''}`,
          response.status,
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
        );
      }
      const json = (await response.json()) as EmbeddingsResponse;
      const data = Array.isArray(json.data) ? json.data : [];
      if (data.length !== texts.length) throw new EmbeddingsError(`embeddings service returned ${data.length} vectors for ${texts.length} inputs`, response.status);
      const vectors: Float32Array[] = new Array(texts.length);
      data.forEach((item, position) => {
        if (!Array.isArray(item.embedding) || item.embedding.length === 0) throw new EmbeddingsError('embeddings service returned a malformed vector', response.status);
        vectors[item.index ?? position] = Float32Array.from(item.embedding as number[]);
      });
      return vectors;
    },
  };
}
