/**
 * The gateway configuration (docs/CONFIG.md) as a zod schema: the contract site
 * owners edit. Keys of CONFIG.md are never renamed; keys this project adds are marked
 * "extension" in their description and documented in docs/CONFIG.md.
 *
 * Numbers and booleans arrive as numbers and booleans: the loader types a plain scalar
 * produced by `${NAME}` substitution as YAML would (never as a map or list).
 */
import { z } from 'zod';
import { httpToolSchema, siteToolsSchema } from '../tools/config-schema.js';
import { audioSchema } from './audio-schema.js';
import { consentSchema } from './consent-schema.js';
import { pageContextSchema } from './page-context-schema.js';
import { azureSearchSchema, localIndexSchema, retrievalSchema, sourceSchema } from './retrieval-schema.js';
import { continuitySchema } from './continuity-schema.js';
import { insightsSchema } from './insights-schema.js';
import { httpUrl, nonNegative, optionalSecret, originSchema, positiveInt } from './schema-parts.js';
import { voiceLiveEngineFields, voiceLiveEngineTarget, voiceLiveSiteSchema } from './voice-live-schema.js';
import { transportSchema } from './transport-schema.js';

export * from './retrieval-schema.js';
export { originSchema } from './schema-parts.js';


// ---------------------------------------------------------------- server and store

export const serverSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65535).default(8787),
    host: z.string().default('0.0.0.0'),
    trust_proxy: z.boolean().default(false).describe('true: take the visitor address from X-Forwarded-For'),
    drain_seconds: nonNegative().default(20).describe('on SIGTERM: stop accepting, let sessions finish, then close 1001'),
    workers: z.union([z.literal('auto'), positiveInt().max(256)]).optional().describe('extension: processes of `serve` (auto: one per core); unset: one per core in production, see docs/OPERATIONS.md'),
    log_level: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('extension: pino log level'),
    log_transcripts: z
      .boolean()
      .default(false)
      .describe('extension: log what visitors said and typed (off by default: visitor transcripts are personal data)'),
    status_token: z
      .string()
      .optional()
      .describe('extension: bearer token for the operator page /status; leave out to disable the page'),
    max_buffered_kb: positiveInt()
      .default(1024)
      .describe('extension: per-session ceiling of audio queued to a slow browser; past it the session ends'),
  })
  .default({
    port: 8787,
    host: '0.0.0.0',
    trust_proxy: false,
    drain_seconds: 20,
    log_level: 'info',
    log_transcripts: false,
    max_buffered_kb: 1024,
  });

export const storeSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('memory') }),
    z
      .strictObject({
        kind: z.literal('redis'),
        url: z.string().min(1).optional().describe('redis:// or rediss:// URL of one Redis (or a primary); or give `cluster`'),
        cluster: z
          .array(z.string().regex(/^rediss?:\/\/[^/]/, 'must be a redis:// or rediss:// URL'))
          .min(1)
          .optional()
          .describe('extension: seed node URLs of a Redis Cluster (rediss:// for TLS); instead of `url`'),
        on_failure: z
          .enum(['closed', 'open'])
          .default('closed')
          .describe('redis unreachable: "closed" refuses new sessions, "open" admits them on local limits'),
        key_prefix: z
          .string()
          .regex(/^[^{}]*$/, 'must not contain { or }: they would change the hash tag of every key on a Redis Cluster')
          .default('voice-rag:')
          .describe('extension: prefix of every Redis key'),
      })
      .refine((store) => (store.url === undefined) !== (store.cluster === undefined), {
        message: 'give either url (one Redis) or cluster (Redis Cluster seed URLs), not both',
      }),
  ])
  .default({ kind: 'memory' });

// ---------------------------------------------------------------- engines

export const quotaSchema = z.strictObject({
  connections_per_minute: positiveInt().describe("the deployment's quota of new WebSocket connections per minute"),
  tokens_per_minute: positiveInt().optional().describe('optional: tokens per minute, counted from metered usage'),
  max_concurrent: positiveInt().optional(),
  window_seconds: z
    .number()
    .positive()
    .max(60)
    .default(10)
    .describe("extension: Azure's evaluation window (1 or 10 s); the limiter admits no burst this window refuses"),
  daily_budget_usd: nonNegative().optional().describe('extension: engine-wide spending cap per day'),
});

export const pricingSchema = z.strictObject({
  text_in: nonNegative(),
  cached_text_in: nonNegative(),
  text_out: nonNegative(),
  audio_in: nonNegative(),
  cached_audio_in: nonNegative(),
  audio_out: nonNegative(),
});

const engineCommon = {
  quota: quotaSchema.optional(),
  pricing: pricingSchema.optional().describe('USD per 1M tokens; defaults per known model'),
  connect_timeout_ms: positiveInt().default(10_000).describe('extension: upstream handshake + session.created timeout'),
};

export const azureEngineSchema = z.strictObject({
  kind: z.literal('azure-openai'),
  endpoint: httpUrl.describe('https://RESOURCE.openai.azure.com'),
  deployment: z.string().min(1),
  api_version: z
    .string()
    .default('v1')
    .describe('"v1": GA dialect (/openai/v1/realtime?model=…); "*-preview": preview/beta dialect'),
  api_key: optionalSecret().describe('leave out (or leave empty) to use Microsoft Entra ID (DefaultAzureCredential)'),
  entra_scope: z
    .string()
    .optional()
    .describe('extension: token scope for Entra ID; default https://cognitiveservices.azure.com/.default'),
  model: z.string().optional().describe('extension: model name for default pricing (default: the deployment name)'),
  ...engineCommon,
});

export const openaiEngineSchema = z.strictObject({
  kind: z.literal('openai'),
  model: z.string().default('gpt-realtime'),
  // Not min(1): an unset `${OPENAI_API_KEY}` reads as "" and is reported as a warning by the loader.
  api_key: z.string().describe('required; empty (an unset variable) loads with a warning, and the engine cannot connect'),
  dialect: z.enum(['ga', 'beta']).default('ga').describe('extension: "beta" sends OpenAI-Beta: realtime=v1'),
  base_url: z.string().default('wss://api.openai.com/v1/realtime').describe('extension: upstream URL'),
  ...engineCommon,
});

export const offlineEngineSchema = z.strictObject({
  kind: z.literal('offline'),
  ...engineCommon,
});

export const voiceLiveEngineSchema = z.strictObject({ ...voiceLiveEngineFields, ...engineCommon }).refine(...voiceLiveEngineTarget);

export const engineSchema = z.discriminatedUnion('kind', [azureEngineSchema, openaiEngineSchema, offlineEngineSchema, voiceLiveEngineSchema]);

// ---------------------------------------------------------------- sites

export const turnDetectionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('server_vad'),
      threshold: z.number().min(0).max(1).default(0.5),
      prefix_padding_ms: nonNegative().default(300),
      silence_duration_ms: nonNegative().default(500),
      idle_timeout_ms: positiveInt()
        .min(5000)
        .max(30000)
        .optional()
        .describe('GA only: after this much silence the service sends timeout_triggered and the session ends (session_expired)'),
    }),
    z.strictObject({
      type: z.literal('semantic_vad'),
      eagerness: z.enum(['low', 'medium', 'high', 'auto']).default('auto'),
    }),
    z.strictObject({ type: z.literal('manual') }),
  ])
  .default({ type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 });

export const authSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({
      kind: z.literal('jwt'),
      secret: z.string().min(1).optional().describe('HS256 shared secret'),
      public_key: z.string().min(1).optional().describe('extension: ES256 public key (PEM) instead of a secret'),
    }),
  ])
  .default({ kind: 'none' });

export const siteLimitsSchema = z
  .strictObject({
    connections_per_minute: positiveInt().optional().describe("this site's share of the engine's quota"),
    per_visitor_per_minute: positiveInt().optional().describe('by client address, or token sub'),
    max_concurrent: positiveInt().optional(),
    max_session_seconds: positiveInt().default(300),
    idle_seconds: positiveInt().default(60),
    queue_seconds: nonNegative().default(8),
    daily_budget_usd: nonNegative().optional(),
    budget_time_zone: z.string().default('UTC').describe('extension: IANA zone in which the budget day starts'),
  })
  .default({ max_session_seconds: 300, idle_seconds: 60, queue_seconds: 8, budget_time_zone: 'UTC' });

/** The GA session settings a site may choose (docs/CONFIG.md, "Session settings"). */
const sessionSettings = {
  noise_reduction: z
    .enum(['near_field', 'far_field', 'off'])
    .default('off')
    .describe('input noise reduction: near_field (headsets), far_field (laptop and room microphones) or off'),
  speed: z.number().min(0.25).max(1.5).optional().describe('speaking rate of the voice (1 = normal)'),
  truncation: z
    .union([
      z.enum(['auto', 'disabled']),
      z.strictObject({ type: z.literal('retention_ratio'), retention_ratio: z.number().min(0).max(1) }),
    ])
    .optional()
    .describe('GA only: how the service drops old context when the window fills (service default: auto)'),
  reasoning: z
    .strictObject({ effort: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']) })
    .optional()
    .describe('GA only, reasoning models (gpt-realtime-2 family): more effort costs latency and output tokens'),
};

export const siteSchema = z.strictObject({
  origins: z.array(originSchema).min(1),
  engine: z.string().min(1),
  voice: z.string().optional(),
  instructions: z.string().optional().describe('default: the built-in VoiceRAG prompt'),
  greeting: z.string().optional().describe('optional: the assistant speaks first'),
  language: z.string().optional().describe('optional hint for transcription and replies (BCP 47)'),
  turn_detection: turnDetectionSchema,
  transcription: z.strictObject({ model: z.string().min(1) }).optional(),
  auth: authSchema,
  limits: siteLimitsSchema,
  retrieval: retrievalSchema,
  continuity: continuitySchema.describe('extension: upstream session renewal and resume after a dropped socket (docs/CONFIG.md)'),
  max_output_tokens: positiveInt().max(4096).optional().describe('extension: cap on each response (cost control)'),
  ...sessionSettings,
  voice_live: voiceLiveSiteSchema.optional().describe('extension: Azure Voice Live session extras (engine kind azure-voice-live only)'),
  tools: siteToolsSchema.optional().describe('extension: tools the model may call besides search (docs/CONFIG.md)'),
  audio: audioSchema.describe('extension: microphone framing towards the voice service (docs/CONFIG.md)'),
  insights: insightsSchema.optional().describe('extension: keep questions, searches, citations, feedback and cost per turn (docs/PRIVACY.md); off when absent'),
  consent: consentSchema,
  page_context: pageContextSchema,
  transport: transportSchema,
});

export const configSchema = z.strictObject({
  server: serverSchema,
  store: storeSchema,
  engines: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), engineSchema),
  sites: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'site ids are letters, digits, _ and -'), siteSchema),
});

/** A validated, deep-frozen gateway configuration. */
export type GatewayConfig = z.output<typeof configSchema>;
export type ServerConfig = GatewayConfig['server'];
export type StoreConfig = GatewayConfig['store'];
export type EngineConfig = z.output<typeof engineSchema>;
export type AzureEngineConfig = z.output<typeof azureEngineSchema>;
export type OpenAIEngineConfig = z.output<typeof openaiEngineSchema>;
export type OfflineEngineConfig = z.output<typeof offlineEngineSchema>;
export type VoiceLiveEngineConfig = z.output<typeof voiceLiveEngineSchema>;
export type QuotaConfig = z.output<typeof quotaSchema>;
export type PricingConfig = z.output<typeof pricingSchema>;
export type SiteConfig = z.output<typeof siteSchema>;
export type SiteLimits = SiteConfig['limits'];
export type TurnDetectionConfig = SiteConfig['turn_detection'];
export type AuthConfig = SiteConfig['auth'];
export type RetrievalConfig = z.output<typeof retrievalSchema>;
export type AzureSearchConfig = z.output<typeof azureSearchSchema>;
export type LocalIndexConfig = z.output<typeof localIndexSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type HttpToolConfig = z.output<typeof httpToolSchema>;
