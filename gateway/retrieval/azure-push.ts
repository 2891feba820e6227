/**
 * `voice-rag index --push`: writes a site's chunks (read and chunked as the local index does)
 * into its Azure AI Search index with the official SearchIndexClient and SearchClient: creates
 * or updates the index definition (fields, optional vector field with an Azure OpenAI
 * vectorizer, optional semantic configuration), uploads new and changed chunks in batches and
 * deletes chunks whose source is gone. A dry run reads the index and changes nothing (and the
 * command embeds nothing for it: the plan compares text fields only).
 */
import { AzureKeyCredential, SearchClient, SearchIndexClient } from '@azure/search-documents';
import type { SearchField, SearchIndex } from '@azure/search-documents';
import type { TokenCredential } from '@azure/identity';
import type { AzureSearchConfig, GatewayConfig } from '../config/schema.js';
import type { Chunk } from './local/document.js';
import type { VectorIndex } from './local/vectors.js';

type Doc = Record<string, unknown>;

/** The names the index's vector search parts get (as the VoiceRAG sample's setup script makes them). */
export const VECTOR_PROFILE = 'voice-rag-vector-profile';
export const VECTOR_ALGORITHM = 'voice-rag-hnsw';
export const VECTORIZER = 'voice-rag-azure-openai';
/** Documents per upload or delete request (the service accepts up to 1000). */
export const PUSH_BATCH = 500;

/** What a push changes, or would change in a dry run. */
export interface PushPlan {
  index: 'create' | 'update';
  upload: string[];
  /** Of `upload`, how many are already in the index with other content. */
  changed: number;
  unchanged: number;
  delete: string[];
}

/** Progress of a push: documents uploaded or deleted so far. */
export type PushProgress = { phase: 'upload' | 'delete'; done: number; total: number };

/** What a push needs besides the site's config and chunks. */
export interface PushDeps {
  credential?: TokenCredential;
  engines?: GatewayConfig['engines'];
  dryRun?: boolean;
  onProgress?: (progress: PushProgress) => void;
  /** Documents per request (default PUSH_BATCH). */
  batchSize?: number;
}

/** The index definition for the site's field mapping, vector field and semantic configuration. */
export function indexDefinition(config: AzureSearchConfig, dimensions: number | undefined, engines: GatewayConfig['engines'] = {}): SearchIndex {
  const f = config.fields;
  const text = (name: string, extra: Partial<SearchField> = {}): SearchField => ({ name, type: 'Edm.String', searchable: true, ...extra }) as SearchField;
  const fields: SearchField[] = [
    { name: f.id, type: 'Edm.String', key: true, filterable: true, searchable: false } as SearchField,
    text(f.content),
    text(f.title),
    ...(f.url ? [{ name: f.url, type: 'Edm.String', searchable: false, filterable: false } as SearchField] : []),
    ...(f.section ? [text(f.section, { filterable: true })] : []),
  ];
  const index: SearchIndex = { name: config.index, fields };
  if (config.vector_field) {
    const embeddings = config.ingest?.embeddings;
    const engine = embeddings ? engines[embeddings.engine] : undefined;
    if (!embeddings || engine?.kind !== 'azure-openai' || !dimensions) {
      throw new Error(`vector_field "${config.vector_field}" needs ingest.embeddings with an azure-openai engine (it is also the index's query vectorizer)`);
    }
    fields.push({ name: config.vector_field, type: 'Collection(Edm.Single)', searchable: true, vectorSearchDimensions: dimensions, vectorSearchProfileName: VECTOR_PROFILE } as SearchField);
    index.vectorSearch = {
      algorithms: [{ name: VECTOR_ALGORITHM, kind: 'hnsw' }],
      profiles: [{ name: VECTOR_PROFILE, algorithmConfigurationName: VECTOR_ALGORITHM, vectorizerName: VECTORIZER }],
      vectorizers: [
        {
          vectorizerName: VECTORIZER,
          kind: 'azureOpenAI',
          // Without a key the search service calls Azure OpenAI with its own managed identity.
          parameters: { resourceUrl: engine.endpoint, deploymentId: embeddings.deployment, modelName: embeddings.deployment, ...(engine.api_key ? { apiKey: engine.api_key } : {}) },
        },
      ],
    } as SearchIndex['vectorSearch'];
  }
  if (config.semantic_configuration) {
    index.semanticSearch = {
      defaultConfigurationName: config.semantic_configuration,
      configurations: [{ name: config.semantic_configuration, prioritizedFields: { titleField: { name: f.title }, contentFields: [{ name: f.content }] } }],
    } as SearchIndex['semanticSearch'];
  }
  return index;
}

/** Pushes `chunks` (and their `vectors`) into the site's index; resolves to what changed (or would). */
export async function pushToAzureSearch(config: AzureSearchConfig, chunks: readonly Chunk[], vectors: VectorIndex | undefined, deps: PushDeps = {}): Promise<PushPlan> {
  const credential = config.api_key ? new AzureKeyCredential(config.api_key) : (deps.credential ?? missingCredential());
  const options = { allowInsecureConnection: new URL(config.endpoint).protocol === 'http:' };
  const indexes = new SearchIndexClient(config.endpoint, credential, options);
  const client = new SearchClient<Doc>(config.endpoint, config.index, credential, options);
  const exists = await indexes.getIndex(config.index).then(
    () => true,
    (error: { statusCode?: number }) => {
      if (error.statusCode === 404) return false;
      throw error;
    },
  );
  const f = config.fields;
  const docs: Doc[] = chunks.map((chunk, n) => ({
    [f.id]: chunk.id,
    [f.content]: chunk.content,
    [f.title]: chunk.title,
    ...(f.url ? { [f.url]: chunk.url ?? null } : {}),
    ...(f.section ? { [f.section]: chunk.section ?? null } : {}),
    ...(config.vector_field && vectors ? { [config.vector_field]: Array.from(vectors.vector(n)) } : {}),
  }));
  const existing = exists ? await readExisting(client, config) : new Map<string, string>();
  const fingerprint = (doc: Doc) => JSON.stringify([doc[f.content], doc[f.title], f.url ? doc[f.url] : null, f.section ? doc[f.section] : null]);
  const upload = docs.filter((doc) => existing.get(String(doc[f.id])) !== fingerprint(doc));
  const keep = new Set(docs.map((doc) => String(doc[f.id])));
  const plan: PushPlan = {
    index: exists ? 'update' : 'create',
    upload: upload.map((doc) => String(doc[f.id])),
    changed: upload.filter((doc) => existing.has(String(doc[f.id]))).length,
    unchanged: docs.length - upload.length,
    delete: [...existing.keys()].filter((id) => !keep.has(id)),
  };
  if (deps.dryRun) return plan;

  await indexes.createOrUpdateIndex(indexDefinition(config, vectors?.dimensions, deps.engines));
  const batch = deps.batchSize ?? PUSH_BATCH;
  for (let start = 0; start < upload.length; start += batch) {
    await checked(client.mergeOrUploadDocuments(upload.slice(start, start + batch)));
    deps.onProgress?.({ phase: 'upload', done: Math.min(start + batch, upload.length), total: upload.length });
  }
  for (let start = 0; start < plan.delete.length; start += batch) {
    await checked(client.deleteDocuments(f.id, plan.delete.slice(start, start + batch)));
    deps.onProgress?.({ phase: 'delete', done: Math.min(start + batch, plan.delete.length), total: plan.delete.length });
  }
  return plan;
}

/** Every document's id and a fingerprint of its text fields, page by page. */
async function readExisting(client: SearchClient<Doc>, config: AzureSearchConfig): Promise<Map<string, string>> {
  const f = config.fields;
  const select = [f.id, f.content, f.title, ...(f.url ? [f.url] : []), ...(f.section ? [f.section] : [])];
  const found = new Map<string, string>();
  const page = 1000;
  // $skip is capped at 100 000 by the service: an index this tool fills stays well under it.
  for (let skip = 0; skip <= 100_000; skip += page) {
    const results = await client.search('*', { select, top: page, skip, includeTotalCount: false } as Parameters<SearchClient<Doc>['search']>[1]);
    let count = 0;
    for await (const result of results.results) {
      const doc = result.document;
      found.set(String(doc[f.id]), JSON.stringify([doc[f.content], doc[f.title], f.url ? (doc[f.url] ?? null) : null, f.section ? (doc[f.section] ?? null) : null]));
      count++;
    }
    if (count < page) break;
  }
  return found;
}

/** Throws when the service refused any document of a batch. */
async function checked(result: Promise<{ results: Array<{ key: string; succeeded: boolean; errorMessage?: string }> }>): Promise<void> {
  const failed = (await result).results.filter((item) => !item.succeeded);
  if (failed.length > 0) throw new Error(`Azure AI Search refused ${failed.length} documents, first ${failed[0].key}: ${failed[0].errorMessage ?? 'no reason given'}`);
}

function missingCredential(): never {
  throw new Error('azure-search without api_key needs an Entra ID credential (the CLI passes DefaultAzureCredential)');
}
