/**
 * The Embedder of a site's `retrieval.embeddings`, served by one of the config's engines:
 * Azure OpenAI (API key, or Entra ID bearer tokens) or OpenAI (API key).
 */
import type { TokenCredential } from '@azure/identity';
import type { GatewayConfig, LocalIndexConfig } from '../../config/schema.js';
import { createEmbeddingsClient, type Embedder } from './client.js';

const COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** What the embedder needs besides config. */
export interface EmbedderDeps {
  fetch?: typeof fetch;
  /** Entra ID for Azure engines without api_key (default: DefaultAzureCredential, created lazily). */
  credential?: TokenCredential;
}

/** The embeddings URL of an OpenAI engine: its realtime base_url as https, `/realtime` → `/embeddings`. */
export function openaiEmbeddingsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'ws:' ? 'http:' : url.protocol === 'wss:' ? 'https:' : url.protocol;
  url.pathname = url.pathname.replace(/\/realtime\/?$/, '').replace(/\/$/, '') + '/embeddings';
  url.search = '';
  return url.toString();
}

/** Creates the embedder for `embeddings`, or throws a clear error when its engine cannot serve it. */
export function embedderFromConfig(
  embeddings: NonNullable<LocalIndexConfig['embeddings']>,
  engines: GatewayConfig['engines'],
  deps: EmbedderDeps = {},
): Embedder {
  const engine = engines[embeddings.engine];
  const common = { model: embeddings.deployment, ...(embeddings.dimensions ? { dimensions: embeddings.dimensions } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  if (engine?.kind === 'openai') {
    const key = engine.api_key;
    return createEmbeddingsClient({ ...common, url: openaiEmbeddingsUrl(engine.base_url), headers: async () => ({ authorization: `Bearer ${key}` }) });
  }
  if (engine?.kind === 'azure-openai') {
    const url = `${engine.endpoint.replace(/\/$/, '')}/openai/v1/embeddings`;
    if (engine.api_key) {
      const key = engine.api_key;
      return createEmbeddingsClient({ ...common, url, headers: async () => ({ 'api-key': key }) });
    }
    let credential = deps.credential;
    const scope = engine.entra_scope ?? COGNITIVE_SCOPE;
    return createEmbeddingsClient({
      ...common,
      url,
      headers: async () => {
        if (!credential) throw new Error('the embeddings engine has no api_key and no Entra ID credential was given');
        const token = await credential.getToken(scope);
        if (!token) throw new Error('Entra ID returned no token for the embeddings engine');
        return { authorization: `Bearer ${token.token}` };
      },
    });
  }
  throw new Error(`retrieval.embeddings.engine "${embeddings.engine}" must name an engine of kind azure-openai or openai`);
}
