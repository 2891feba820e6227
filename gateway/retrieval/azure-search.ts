/**
 * Retriever over an Azure AI Search index, with the official client: keyword, semantic or
 * hybrid (integrated vectorization) queries, the site's field mapping, and a hard timeout so a
 * slow search cannot hold a spoken answer.
 */
import { AzureKeyCredential, SearchClient } from '@azure/search-documents';
import type { SearchClientOptions, SearchOptions as AzureSearchOptions } from '@azure/search-documents';
import type { TokenCredential } from '@azure/identity';
import type { AzureSearchConfig } from '../config/schema.js';
import { raceAbort, throwIfAborted, timeoutSignal } from './abort.js';
import { MAX_QUERY_CHARS, safeIds } from './ids.js';
import type { PageBoost, Passage, Retriever, SearchOptions } from './types.js';

type Doc = Record<string, unknown>;

/** How many neighbours the vector half of a hybrid query asks for before fusion. */
export const VECTOR_NEIGHBOURS = 50;

/** Dependencies of the Azure retriever; all optional. */
export interface AzureSearchDeps {
  /** Required when the site has no `api_key`; the gateway passes its one lazy DefaultAzureCredential (gateway/node/entra-credential.ts). */
  credential?: TokenCredential;
  /** Extra client options (tests set `retryOptions`); merged over the defaults. */
  clientOptions?: SearchClientOptions;
}

/** Creates the Azure AI Search retriever for one site. */
export async function createAzureSearchRetriever(config: AzureSearchConfig, deps: AzureSearchDeps = {}): Promise<Retriever> {
  if (!config.api_key && !deps.credential) throw new Error('Azure AI Search without api_key needs a Microsoft Entra ID credential');
  const credential = config.api_key ? new AzureKeyCredential(config.api_key) : deps.credential!;
  const insecure = new URL(config.endpoint).protocol === 'http:';
  const client = new SearchClient<Doc>(config.endpoint, config.index, credential, {
    // Plain HTTP only ever makes sense against a local test server; https never needs this.
    allowInsecureConnection: insecure,
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: Math.min(1000, Math.floor(config.timeout_ms / 3)) },
    ...deps.clientOptions,
  });
  const fields = config.fields;
  const select = [fields.id, fields.content, fields.title, ...(fields.url ? [fields.url] : [])];

  async function run(text: string, options: AzureSearchOptions<Doc>, limit: number, signal?: AbortSignal): Promise<Passage[]> {
    throwIfAborted(signal);
    const timeout = timeoutSignal(config.timeout_ms, signal);
    try {
      // Iteration may fetch further pages; the race makes the timeout cover all of it.
      const collect = async () => {
        const response = await client.search(text, { ...options, abortSignal: timeout.signal });
        const passages: Passage[] = [];
        for await (const result of response.results) {
          const passage = toPassage(result.document, result.rerankerScore ?? result.score);
          if (passage) passages.push(passage);
          if (passages.length >= limit) break;
        }
        return passages;
      };
      return await raceAbort(collect(), timeout.signal);
    } finally {
      timeout.dispose();
    }
  }

  function toPassage(document: Doc, score: number): Passage | undefined {
    const id = document[fields.id];
    const content = document[fields.content];
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof content !== 'string') return undefined;
    const title = document[fields.title];
    const url = fields.url ? document[fields.url] : undefined;
    return {
      id: String(id),
      title: typeof title === 'string' ? title : '',
      ...(typeof url === 'string' && url ? { url } : {}),
      content,
      score,
    };
  }

  return {
    async search(query: string, options: SearchOptions = {}): Promise<Passage[]> {
      throwIfAborted(options.signal);
      const text = query.trim().slice(0, MAX_QUERY_CHARS);
      if (!text) return [];
      const top = Math.max(1, Math.min(options.top ?? config.top, 50));
      const searchOptions: AzureSearchOptions<Doc> = {
        select,
        top,
        ...(config.filter ? { filter: config.filter } : {}),
        ...(config.semantic_configuration
          ? { queryType: 'semantic', semanticSearchOptions: { configurationName: config.semantic_configuration } }
          : { queryType: 'simple' }),
        ...(config.vector_field
          ? {
              vectorSearchOptions: {
                queries: [{ kind: 'text', text, fields: [config.vector_field], kNearestNeighborsCount: VECTOR_NEIGHBOURS }],
              },
            }
          : {}),
        ...(options.page?.scoring ? pageScoring(options.page) : {}),
      } as AzureSearchOptions<Doc>;
      return run(text, searchOptions, top, options.signal);
    },

    async resolve(ids: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Passage[]> {
      throwIfAborted(options.signal);
      const wanted = safeIds(ids);
      if (wanted.length === 0) return [];
      // Safe ids contain no quote or comma, so they cannot break out of the search.in list.
      const lookup = `search.in(${fields.id}, '${wanted.join(',')}', ',')`;
      const filter = config.filter ? `(${config.filter}) and ${lookup}` : lookup;
      const found = await run('*', { select, top: wanted.length, filter, queryType: 'simple' } as AzureSearchOptions<Doc>, wanted.length, options.signal);
      const byId = new Map(found.map((passage) => [passage.id, passage]));
      return wanted.flatMap((id) => byId.get(id) ?? []);
    },

    async close(): Promise<void> {
      // The client holds no sockets or timers between calls.
    },
  };
}

/**
 * `page_context: boost` on Azure AI Search: the site's scoring profile, its tag parameter set to the
 * page (URL and path, each without and with the section anchor, and the section heading). A value with a
 * comma is single-quoted, as the service's `name-value1,value2` syntax asks.
 */
export function pageScoring(page: PageBoost): { scoringProfile: string; scoringParameters: string[] } {
  const url = new URL(page.url);
  const whole = url.href;
  const section = url.hash ? `${url.pathname}${url.hash}` : '';
  url.hash = '';
  const tags = [...new Set([url.href, url.pathname, whole, section, page.section ?? ''].filter(Boolean))];
  const quoted = tags.map((tag) => (tag.includes(',') || tag.includes("'") ? `'${tag.replaceAll("'", "''")}'` : tag));
  return { scoringProfile: page.scoring!.profile, scoringParameters: [`${page.scoring!.parameter}-${quoted.join(',')}`] };
}
