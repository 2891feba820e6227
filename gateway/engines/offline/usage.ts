/** Token usage of a response in the GA `response.done` shape, estimated from text and audio length. */
import type { Conversation } from './conversation.js';
import { estimateTextTokens } from './text.js';

/** `response.done` usage in the GA shape. */
export interface RealtimeUsage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: {
    text_tokens: number;
    audio_tokens: number;
    image_tokens: number;
    cached_tokens: number;
    cached_tokens_details: { text_tokens: number; audio_tokens: number; image_tokens: number };
  };
  output_token_details: { text_tokens: number; audio_tokens: number };
}

/** Audio tokens: user audio ≈ 1 per 100 ms, model audio ≈ 1 per 50 ms (OpenAI's cost guide). */
export const inputAudioTokens = (ms: number): number => Math.ceil(ms / 100);
export const outputAudioTokens = (ms: number): number => Math.ceil(ms / 50);

/** What one response produced. */
export interface ResponseOutput {
  text: string;
  audioMs: number;
}

/**
 * Estimates usage the way the service bills it: every response re-reads the instructions, the
 * tools and the whole conversation before it as input, then pays for its own text and audio.
 * `excludeIds` are the response's own items, which are output, not input.
 */
export function estimateUsage(
  context: { instructions: string; tools: unknown[]; conversation: Conversation; excludeIds: ReadonlySet<string> },
  output: ResponseOutput,
): RealtimeUsage {
  let text = estimateTextTokens(context.instructions) + (context.tools.length ? estimateTextTokens(JSON.stringify(context.tools)) : 0);
  let audio = 0;
  for (const item of context.conversation.items) {
    if (context.excludeIds.has(item.id)) continue;
    const meta = context.conversation.audio(item.id);
    if (item.type === 'function_call') text += estimateTextTokens(item.name + item.arguments);
    else if (item.type === 'function_call_output') text += estimateTextTokens(item.output);
    else {
      for (const part of item.content) {
        if (part.type === 'input_audio') audio += inputAudioTokens(meta.audioMs);
        else if (part.type === 'output_audio') {
          // A truncated item is re-read only up to where the listener stopped, and without its transcript.
          const heard = meta.truncatedMs ?? meta.audioMs;
          audio += outputAudioTokens(heard);
          if (meta.truncatedMs === undefined) text += estimateTextTokens(part.transcript ?? '');
        } else text += estimateTextTokens(part.text);
      }
    }
    text += 4; // per-item framing, as chat formats add
  }
  const outText = estimateTextTokens(output.text);
  const outAudio = outputAudioTokens(output.audioMs);
  const input = text + audio;
  const outputTokens = outText + outAudio;
  return {
    total_tokens: input + outputTokens,
    input_tokens: input,
    output_tokens: outputTokens,
    input_token_details: {
      text_tokens: text,
      audio_tokens: audio,
      image_tokens: 0,
      cached_tokens: 0,
      cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
    },
    output_token_details: { text_tokens: outText, audio_tokens: outAudio },
  };
}
