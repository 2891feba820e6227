/** The `retrieval` block of a site (docs/CONFIG.md, docs/RETRIEVAL.md): Azure AI Search or the local index. */
import { z } from 'zod';
import { httpUrl, nonNegative, optionalSecret, positiveInt } from './schema-parts.js';

export const azureSearchSchema = z.strictObject({
  kind: z.literal('azure-search'),
  endpoint: httpUrl,
  index: z.string().min(1),
  api_key: optionalSecret().describe('leave out (or leave empty) for Entra ID'),
  semantic_configuration: z.string().optional(),
  vector_field: z.string().optional(),
  fields: z
    .strictObject({
      id: z.string().default('id'),
      content: z.string().default('content'),
      title: z.string().default('title'),
      url: z.string().optional(),
      section: z.string().optional().describe('extension: heading of the chunk, written by `voice-rag index --push`'),
    })
    .default({ id: 'id', content: 'content', title: 'title' }),
  filter: z.string().optional().describe('extension: OData filter applied to every search'),
  top: positiveInt().max(50).default(5),
  timeout_ms: positiveInt().default(3000),
  max_chars: positiveInt().default(6000).describe('extension: bound on the passage text handed to the model'),
  ingest: z
    .lazy(() => ingestSchema)
    .optional()
    .describe('extension: sources that `voice-rag index --push` chunks (as the local index does) and uploads into this index'),
});

/** One entry of `sources`: a file glob, or a live site fetched over HTTP(S). */
export const sourceSchema = z.union([
  z.string().min(1).describe('file glob (Markdown, HTML, text, PDF), relative to the config file'),
  z.strictObject({ sitemap: httpUrl }),
  z.strictObject({ urls: z.array(httpUrl).min(1) }),
]);

/** The local index's optional vector leg: chunks and queries embedded by a site's Azure OpenAI or OpenAI engine. */
export const embeddingsSchema = z.strictObject({
  engine: z.string().min(1).describe('an engine of kind azure-openai or openai (its endpoint and key or Entra ID)'),
  deployment: z.string().min(1).default('text-embedding-3-small').describe('Azure deployment or OpenAI model name'),
  dimensions: positiveInt().max(4096).optional().describe('shorter vectors (text-embedding-3 models); default: the model\'s own'),
  batch_size: positiveInt().max(2048).default(64).describe('chunks per request while building'),
  timeout_ms: positiveInt().default(1000).describe('query embedding budget; past it the search answers lexically'),
});

export const localIndexSchema = z.strictObject({
  kind: z.literal('local'),
  sources: z.array(sourceSchema).min(1),
  url_base: z
    .string()
    .optional()
    .describe('extension: page URL of a file = url_base + its path under root, extension changed to url_extension'),
  root: z.string().optional().describe('extension: folder file paths are taken relative to (default: the glob base)'),
  url_extension: z.string().default('.html').describe('extension: replaces .md/.txt/.pdf in page URLs ("" drops it)'),
  chunk: z
    .strictObject({ size: positiveInt().default(800), overlap: nonNegative().default(100) })
    .default({ size: 800, overlap: 100 }),
  top: positiveInt().max(50).default(5),
  timeout_ms: positiveInt().default(3000),
  max_chars: positiveInt().default(6000).describe('extension: bound on the passage text handed to the model'),
  cache_dir: z.string().default('.cache/voice-rag').describe('extension: on-disk index cache, relative to the config file'),
  fetch: z
    .strictObject({ concurrency: positiveInt().max(32).default(4), timeout_ms: positiveInt().default(10_000) })
    .default({ concurrency: 4, timeout_ms: 10_000 })
    .describe('extension: bounds for sitemap/urls sources'),
  embeddings: embeddingsSchema.optional().describe('extension: optional vector leg, fused with BM25 by reciprocal rank'),
});

/** What `voice-rag index --push` reads into an Azure AI Search index: the local index's source settings. */
export const ingestSchema = localIndexSchema.omit({ kind: true, top: true, timeout_ms: true, max_chars: true });

export const retrievalSchema = z.discriminatedUnion('kind', [azureSearchSchema, localIndexSchema]);
