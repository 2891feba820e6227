/**
 * Azure Voice Live (docs/CONFIG.md, "Azure Voice Live"): the `azure-voice-live` engine's fields
 * and a site's `voice_live` session extras, with the `check` rules that refuse settings the
 * dialect lacks. Names and shapes follow `@azure/ai-voicelive` 1.1.0's models (wire spelling).
 */
import { z } from 'zod';
import { httpUrl, nonNegative, optionalSecret } from './schema-parts.js';

/** The api-version the gateway asks for by default: `@azure/ai-voicelive` 1.1.0's DEFAULT_API_VERSION. */
export const VOICE_LIVE_API_VERSION = '2026-07-15';
/** The Entra ID scope `@azure/ai-voicelive` 1.1.0 asks tokens for. */
export const VOICE_LIVE_ENTRA_SCOPE = 'https://ai.azure.com/.default';

/** The engine's own fields; schema.ts adds the fields every engine shares. */
export const voiceLiveEngineFields = {
  kind: z.literal('azure-voice-live'),
  endpoint: httpUrl.describe('https://RESOURCE.services.ai.azure.com (or an older https://RESOURCE.cognitiveservices.azure.com)'),
  api_version: z.string().min(1).default(VOICE_LIVE_API_VERSION),
  model: z.string().min(1).optional().describe('the model Voice Live runs (e.g. gpt-realtime); or give agent_id and project_id'),
  agent_id: z.string().min(1).optional().describe('a Foundry Agent Service agent, instead of model (with project_id)'),
  project_id: z.string().min(1).optional().describe('the Foundry project of agent_id'),
  api_key: optionalSecret().describe('leave out (or leave empty) to use Microsoft Entra ID (DefaultAzureCredential)'),
  entra_scope: z.string().optional().describe(`token scope for Entra ID; default ${VOICE_LIVE_ENTRA_SCOPE}`),
};

/** Exactly one target: a model, or an agent with its project. */
export const voiceLiveEngineTarget = [
  (engine: { model?: string | undefined; agent_id?: string | undefined; project_id?: string | undefined }) =>
    engine.model !== undefined ? engine.agent_id === undefined && engine.project_id === undefined : engine.agent_id !== undefined && engine.project_id !== undefined,
  { message: 'give either model, or agent_id together with project_id' },
] as const;

// SSML prosody `rate`: a named level, a relative percentage or a non-negative multiplier.
const RATE = /^(x-slow|slow|medium|fast|x-fast|default|[+-]?\d+(\.\d+)?%|\d+(\.\d+)?)$/;
const rate = z
  .union([z.number().nonnegative(), z.string().regex(RATE, 'must be x-slow … x-fast, default, a percentage such as +20%, or a multiplier such as 1.2')])
  .transform(String)
  .describe('speaking rate, as SSML prosody rate: x-slow … x-fast, default, +20%, or a multiplier such as 1.2');

const azureVoiceCommon = {
  name: z.string().min(1).describe('an Azure voice, e.g. en-US-Ava:DragonHDLatestNeural'),
  rate: rate.optional(),
  temperature: z.number().min(0).max(1).optional(),
  locale: z.string().min(2).optional().describe('BCP 47 locale the voice always speaks in'),
};

export const voiceLiveSiteSchema = z.strictObject({
  input_audio_noise_reduction: z.literal('azure_deep_noise_suppression').optional().describe("Azure's deep noise suppression of the visitor's microphone"),
  input_audio_echo_cancellation: z.literal('server_echo_cancellation').optional().describe("removes the assistant's own voice from the visitor's microphone"),
  turn_detection: z
    .strictObject({
      type: z.enum(['azure_semantic_vad', 'azure_semantic_vad_multilingual']),
      threshold: z.number().min(0).max(1).optional(),
      prefix_padding_ms: nonNegative().optional(),
      silence_duration_ms: nonNegative().optional(),
      remove_filler_words: z.boolean().optional().describe("drops 'um', 'uh' before deciding a turn ended"),
      languages: z.array(z.string().min(2)).min(1).optional().describe('BCP 47 languages to listen for'),
    })
    .optional()
    .describe("replaces the site's turn_detection"),
  voice: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('azure-standard'), ...azureVoiceCommon }),
      z.strictObject({ type: z.literal('azure-custom'), endpoint_id: z.string().min(1).describe('the custom voice deployment'), ...azureVoiceCommon }),
    ])
    .optional()
    .describe("an Azure text-to-speech voice; replaces the site's voice"),
  input_audio_sampling_rate: z
    .literal(24000, { message: 'must be 24000: the widget streams 24 kHz PCM16 (Voice Live also takes 8000 and 16000, which the widget protocol does not send)' })
    .optional(),
});

export type VoiceLiveSiteConfig = z.output<typeof voiceLiveSiteSchema>;

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `check` error before it gets a file position (same shape as cross-check's RawProblem). */
interface Problem {
  path: PropertyKey[];
  message: string;
}

/**
 * The Voice Live rules `check` applies to one site: `voice_live` only on a Voice Live engine,
 * and on a Voice Live engine no setting its session lacks (each with the setting to use instead).
 */
export function voiceLiveProblems(site: Dict, sitePath: PropertyKey[], engine: unknown, engineName: string): Problem[] {
  const voiceLive = isDict(engine) && engine.kind === 'azure-voice-live';
  if (!voiceLive) {
    if (site.voice_live === undefined || !isDict(engine)) return [];
    return [{ path: [...sitePath, 'voice_live'], message: `voice_live needs an engine of kind azure-voice-live, but engine "${engineName}" is ${String(engine.kind)}; remove it or use a Voice Live engine` }];
  }
  const turn = isDict(site.turn_detection) ? site.turn_detection : {};
  const found: Array<[PropertyKey[], string]> = [];
  if (turn.type === 'semantic_vad') found.push([['turn_detection', 'type'], 'semantic_vad: use voice_live.turn_detection (azure_semantic_vad)']);
  if (turn.idle_timeout_ms !== undefined) found.push([['turn_detection', 'idle_timeout_ms'], 'idle_timeout_ms: remove it (limits.idle_seconds still ends silent sessions)']);
  if (site.truncation !== undefined) found.push([['truncation'], 'truncation: remove it']);
  if (site.speed !== undefined) found.push([['speed'], 'speed: use voice_live.voice.rate']);
  if (site.noise_reduction !== undefined && site.noise_reduction !== 'off') {
    found.push([['noise_reduction'], 'noise_reduction: use voice_live.input_audio_noise_reduction (azure_deep_noise_suppression)']);
  }
  return found.map(([path, what]) => ({ path: [...sitePath, ...path], message: `engine "${engineName}" is Azure Voice Live, whose session has no ${what}` }));
}
