/**
 * The Azure Voice Live dialect (`kind: azure-voice-live`). Its events are the preview Realtime
 * events (`response.audio.delta`, `conversation.item.created`, a flat `session` with
 * `modalities`), so `normalizeType` serves it unchanged; its session adds Azure's noise
 * suppression, echo cancellation, semantic VAD and Azure voices. Shapes are checked against
 * `@azure/ai-voicelive`'s models in their wire spelling (voice-live-wire.ts), types only.
 */
import type * as VL from '@azure/ai-voicelive';
import type { SiteConfig, TurnDetectionConfig } from '../config/schema.js';
import type { VoiceLiveSiteConfig } from '../config/voice-live-schema.js';
import { DEFAULT_VOICE, optional, type Dialect } from './dialect.js';
import { instructionsFor, toolsFor } from './instructions.js';
import type { Wire } from './voice-live-wire.js';

/**
 * `null` turns detection off (push-to-talk): Voice Live uses the Azure OpenAI Realtime events
 * "unless otherwise noted", and that reference documents `turn_detection: null`; the SDK's
 * type leaves null out (docs/PROTOCOL.md, "Upstream differences").
 */
type SessionUpdate = Omit<Wire<VL.ClientEventSessionUpdate>, 'session'> & {
  session: Omit<Wire<VL.RequestSession>, 'turn_detection'> & { turn_detection: Wire<VL.TurnDetectionUnion> | null };
};

// The gateway answers barge-in itself (cancel, then truncate at what the visitor heard), as on
// the other dialects; the service must neither interrupt nor truncate on its own.
const FLAGS = { create_response: true, interrupt_response: false, auto_truncate: false };

function turnDetection(general: TurnDetectionConfig, own: VoiceLiveSiteConfig['turn_detection']): Wire<VL.TurnDetectionUnion> | null {
  if (own) {
    const { type, ...rest } = own;
    return { type, ...rest, ...FLAGS } satisfies Wire<VL.AzureSemanticVad | VL.AzureSemanticVadMultilingual>;
  }
  switch (general.type) {
    case 'manual':
      return null;
    case 'semantic_vad':
      // `check` refuses semantic_vad on Voice Live; a config built in code gets Azure's own.
      return { type: 'azure_semantic_vad', ...FLAGS } satisfies Wire<VL.AzureSemanticVad>;
    case 'server_vad':
      return {
        type: 'server_vad',
        threshold: general.threshold,
        prefix_padding_ms: general.prefix_padding_ms,
        silence_duration_ms: general.silence_duration_ms,
        ...FLAGS,
      } satisfies Wire<VL.ServerVad>;
  }
}

function voiceOf(site: SiteConfig): Wire<VL.Voice> {
  const own = site.voice_live?.voice;
  if (!own) return site.voice ?? DEFAULT_VOICE;
  if (own.type === 'azure-custom') return own satisfies Wire<VL.AzureCustomVoice>;
  return own satisfies Wire<VL.AzureStandardVoice>;
}

function transcriptionOf(site: SiteConfig): Wire<VL.AudioInputTranscriptionOptions> | undefined {
  if (!site.transcription) return undefined;
  return { model: site.transcription.model, ...optional('language', site.language) };
}

/** Azure Voice Live (`wss://RESOURCE.services.ai.azure.com/voice-live/realtime`). */
export const voiceLiveDialect: Dialect = {
  name: 'voice-live',
  buildSessionUpdate(site, _engine, options = {}) {
    const extras = site.voice_live;
    return {
      type: 'session.update',
      session: {
        modalities: options.textOnly ? ['text'] : ['text', 'audio'],
        instructions: instructionsFor(site),
        voice: voiceOf(site),
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm16',
        ...optional('input_audio_sampling_rate', extras?.input_audio_sampling_rate),
        ...optional('input_audio_transcription', transcriptionOf(site)),
        ...optional('input_audio_noise_reduction', extras?.input_audio_noise_reduction && { type: extras.input_audio_noise_reduction }),
        ...optional('input_audio_echo_cancellation', extras?.input_audio_echo_cancellation && { type: extras.input_audio_echo_cancellation }),
        turn_detection: turnDetection(site.turn_detection, extras?.turn_detection),
        tools: toolsFor(site),
        tool_choice: 'auto',
        max_response_output_tokens: site.max_output_tokens ?? 'inf',
        ...optional('reasoning_effort', site.reasoning?.effort),
      },
    } satisfies SessionUpdate;
  },
  buildAudioOutput: () => ({ type: 'session.update', session: { modalities: ['text', 'audio'] } }) satisfies Wire<VL.ClientEventSessionUpdate>,
  buildCancel: (responseId) => ({ type: 'response.cancel', ...optional('response_id', responseId) }) satisfies Wire<VL.ClientEventResponseCancel>,
};
