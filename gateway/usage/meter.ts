/**
 * Usage of one response from `response.done.response.usage`, in either dialect, as
 * TokenUsage. Cached tokens are a subset of input tokens: GA splits them by kind in
 * `cached_tokens_details`; beta gives only a total, which is split in proportion to the
 * text and audio input.
 */
import type { TokenUsage } from './types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Normalises a `response.done` usage object; undefined when there is none (e.g. a failed response). */
export function usageFromResponse(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = record(usage);
  const input = record(u.input_token_details);
  const output = record(u.output_token_details);
  let textIn = count(input.text_tokens);
  let audioIn = count(input.audio_tokens);
  if (textIn + audioIn === 0 && count(u.input_tokens) > 0) textIn = count(u.input_tokens);
  let textOut = count(output.text_tokens);
  const audioOut = count(output.audio_tokens);
  if (textOut + audioOut === 0 && count(u.output_tokens) > 0) textOut = count(u.output_tokens);

  const cached = count(input.cached_tokens);
  const details = input.cached_tokens_details;
  let cachedTextIn: number;
  let cachedAudioIn: number;
  if (typeof details === 'object' && details !== null) {
    cachedTextIn = count(record(details).text_tokens);
    cachedAudioIn = count(record(details).audio_tokens);
  } else {
    const inputTotal = textIn + audioIn;
    cachedTextIn = inputTotal === 0 ? 0 : Math.round((cached * textIn) / inputTotal);
    cachedAudioIn = cached - cachedTextIn;
  }
  // A cached count can never exceed the input it is part of.
  cachedTextIn = Math.min(cachedTextIn, textIn);
  cachedAudioIn = Math.min(Math.max(cachedAudioIn, 0), audioIn);
  return { textIn, cachedTextIn, textOut, audioIn, cachedAudioIn, audioOut };
}
