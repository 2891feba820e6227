/**
 * The upstream dialects behind one interface (realtime/PROTOCOL.md §2, §3): GA (default),
 * preview/beta, and Azure Voice Live (voice-live-dialect.ts). They differ in the session shape and in event and content-type names;
 * everything after `normalizeType` speaks the GA names.
 */
import type * as Beta from 'openai/resources/beta/realtime/realtime';
import type * as GA from 'openai/resources/realtime/realtime';
import type { EngineConfig, SiteConfig, TurnDetectionConfig } from '../config/schema.js';
import type { ClientEvent } from './client-events.js';
import { instructionsFor, toolsFor } from './instructions.js';
import { voiceLiveDialect } from './voice-live-dialect.js';

export type DialectName = 'ga' | 'beta' | 'voice-live';

export interface Dialect {
  readonly name: DialectName;
  /** The full `session.update` client event for a site; a text-only session asks for no audio output. */
  buildSessionUpdate(site: SiteConfig, engine: EngineConfig, options?: SessionOptions): ClientEvent;
  /** The `session.update` that turns a text-only session's audio output on (the visitor pressed the mic). */
  buildAudioOutput(): ClientEvent;
  /** `response.cancel`, naming the response where the dialect allows it. */
  buildCancel(responseId: string | undefined): ClientEvent;
}

export interface SessionOptions {
  /** The visitor only types (widget text mode): audio output would be paid for and never heard. */
  textOnly?: boolean;
}

/** Voice used when a site sets none (valid in both dialects). */
export const DEFAULT_VOICE = 'alloy';

// Beta names → GA names. GA servers have been seen emitting old spellings too, so the map is
// applied whatever the dialect (realtime/PROTOCOL.md §3.2, "Observed quirk").
const EVENT_RENAMES: ReadonlyMap<string, string> = new Map(Object.entries({
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio.done': 'response.output_audio.done',
  'response.audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
  'response.text.delta': 'response.output_text.delta',
  'response.text.done': 'response.output_text.done',
  'conversation.item.created': 'conversation.item.added',
}));

/** Maps an upstream event type of either dialect to its GA name. */
export function normalizeType(type: string): string {
  // A Map, so names like "constructor" or "__proto__" from the wire find nothing.
  return EVENT_RENAMES.get(type) ?? type;
}

/** Maps assistant content types `audio`/`text` to `output_audio`/`output_text`. */
export function normalizeContentType(type: unknown): string | undefined {
  if (type === 'audio') return 'output_audio';
  if (type === 'text') return 'output_text';
  return typeof type === 'string' ? type : undefined;
}

/**
 * The input transcription, or undefined for none: left out rather than `null`, which the
 * official types do not allow (a new session starts without transcription anyway).
 */
function transcriptionFor(site: SiteConfig): GA.AudioTranscription | undefined {
  if (!site.transcription) return undefined;
  return site.language ? { model: site.transcription.model, language: site.language } : { model: site.transcription.model };
}

function gaTurnDetection(config: TurnDetectionConfig): GA.RealtimeAudioInputTurnDetection | null {
  // interrupt_response:false: the gateway cancels and truncates itself at the position the
  // visitor actually heard (barge-in-ga transcript).
  const flags = { create_response: true, interrupt_response: false };
  switch (config.type) {
    case 'manual':
      return null;
    case 'semantic_vad':
      return { type: 'semantic_vad', eagerness: config.eagerness, ...flags };
    case 'server_vad':
      return { ...serverVad(config), ...optional('idle_timeout_ms', config.idle_timeout_ms), ...flags };
  }
}

/** Noise reduction as both dialects spell it; `off` is left out (a new session has none). */
function noiseReductionFor(site: SiteConfig): { type: GA.NoiseReductionType } | undefined {
  return site.noise_reduction === 'off' ? undefined : { type: site.noise_reduction };
}

/** The server-VAD parameters both dialects share. */
function serverVad(config: Extract<TurnDetectionConfig, { type: 'server_vad' }>) {
  return {
    type: 'server_vad' as const,
    threshold: config.threshold,
    prefix_padding_ms: config.prefix_padding_ms,
    silence_duration_ms: config.silence_duration_ms,
  };
}

/**
 * `null` turns detection off (push-to-talk): documented in the beta types' comment, though
 * the beta type itself leaves null out (docs/PROTOCOL.md, "Upstream differences").
 */
type BetaSessionUpdate = Omit<Beta.SessionUpdateEvent, 'session'> & {
  session: Omit<Beta.SessionUpdateEvent.Session, 'turn_detection'> & { turn_detection?: Beta.SessionUpdateEvent.Session.TurnDetection | null };
};

function betaTurnDetection(config: TurnDetectionConfig): Beta.SessionUpdateEvent.Session.TurnDetection | null {
  switch (config.type) {
    case 'manual':
      return null;
    case 'semantic_vad':
      // 2024-10-01-preview knows only server_vad; use its documented defaults.
      return { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };
    case 'server_vad':
      return serverVad(config);
  }
}

const PCM = { type: 'audio/pcm', rate: 24000 } satisfies GA.RealtimeAudioFormats.AudioPCM;

/** The GA dialect (`gpt-realtime`, Azure `/openai/v1/realtime`). */
export const gaDialect: Dialect = {
  name: 'ga',
  buildSessionUpdate(site, _engine, options = {}) {
    return {
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: instructionsFor(site),
        output_modalities: options.textOnly ? ['text'] : ['audio'],
        audio: {
          input: {
            format: PCM,
            ...optional('transcription', transcriptionFor(site)),
            ...optional('noise_reduction', noiseReductionFor(site)),
            turn_detection: gaTurnDetection(site.turn_detection),
          },
          output: { format: PCM, voice: site.voice ?? DEFAULT_VOICE, ...optional('speed', site.speed) },
        },
        tools: toolsFor(site),
        tool_choice: 'auto',
        max_output_tokens: site.max_output_tokens ?? 'inf',
        ...optional('truncation', site.truncation),
        ...optional('reasoning', site.reasoning),
      },
    } satisfies GA.SessionUpdateEvent;
  },
  buildAudioOutput: () => ({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'] } }) satisfies GA.SessionUpdateEvent,
  buildCancel(responseId) {
    const cancel = { type: 'response.cancel', ...optional('response_id', responseId) } satisfies GA.ResponseCancelEvent;
    return cancel;
  },
};

/** The preview/beta dialect (Azure `*-preview`, OpenAI with `OpenAI-Beta: realtime=v1`). */
export const betaDialect: Dialect = {
  name: 'beta',
  buildSessionUpdate(site, _engine, options = {}) {
    return {
      type: 'session.update',
      session: {
        modalities: options.textOnly ? ['text'] : ['text', 'audio'],
        instructions: instructionsFor(site),
        voice: site.voice ?? DEFAULT_VOICE,
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm16',
        ...optional('input_audio_transcription', transcriptionFor(site)),
        ...optional('input_audio_noise_reduction', noiseReductionFor(site)),
        ...optional('speed', site.speed),
        turn_detection: betaTurnDetection(site.turn_detection),
        tools: toolsFor(site),
        tool_choice: 'auto',
        temperature: 0.8,
        max_response_output_tokens: site.max_output_tokens ?? 'inf',
      },
    } satisfies BetaSessionUpdate;
  },
  buildAudioOutput: () => ({ type: 'session.update', session: { modalities: ['text', 'audio'] } }) satisfies Beta.SessionUpdateEvent,
  // 2024-10-01-preview has no response_id on cancel; there is one response at a time anyway.
  buildCancel: () => ({ type: 'response.cancel' }) satisfies Beta.ResponseCancelEvent,
};

/** `{ [key]: value }`, or nothing when value is undefined (the types have no explicit undefined). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The dialect object for a name. */
export function dialectFor(name: DialectName): Dialect {
  return name === 'beta' ? betaDialect : name === 'voice-live' ? voiceLiveDialect : gaDialect;
}
