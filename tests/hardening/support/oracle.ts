/**
 * The spec's own reading of browser frames (docs/PROTOCOL.md), written apart from the
 * gateway's parser so property tests compare two independent implementations.
 */
import { LIMITS } from '../../../gateway/protocol.js';

/** The one browser text frame, as the spec reads it. */
export function oracle(frame: string): { ok: true; message: Record<string, unknown> } | { ok: false } {
  if (frame.length > LIMITS.maxTextFrameBytes) return { ok: false };
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { ok: false };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false };
  const record = value as Record<string, unknown>;
  if (record.type === 'text') {
    const text = record.text;
    if (typeof text !== 'string') return { ok: false };
    const chars = Array.from(text).length;
    if (chars < 1 || chars > 2000 || text.trim().length === 0) return { ok: false };
    return { ok: true, message: { type: 'text', text } };
  }
  if (record.type === 'interrupt') {
    const played = record.played_ms;
    if (typeof played !== 'number' || !Number.isInteger(played) || played < 0) return { ok: false };
    return { ok: true, message: { type: 'interrupt', played_ms: played } };
  }
  if (record.type === 'commit') return { ok: true, message: { type: 'commit' } };
  return { ok: false };
}

/** One browser frame of a live session: JSON text, or a binary audio frame of this many bytes. */
export type LiveFrame = { kind: 'text'; frame: string } | { kind: 'audio'; bytes: number };

/**
 * Whether a ready server_vad session survives these frames sent back to back: the first
 * malformed frame, a `commit` (manual turn detection only), an invalid audio size, or audio
 * beyond 1.5× real time over 2 s (all frames arrive at once) ends it with bad_message.
 */
export function sessionSurvives(frames: LiveFrame[]): boolean {
  let audioMs = 0;
  for (const item of frames) {
    if (item.kind === 'text') {
      const parsed = oracle(item.frame);
      if (!parsed.ok || parsed.message.type === 'commit') return false;
    } else {
      const bytes = item.bytes;
      if (bytes % 2 !== 0 || bytes < LIMITS.minAudioBytes || bytes > LIMITS.maxAudioBytes) return false;
      audioMs += bytes / 48;
      if (audioMs > LIMITS.maxAudioRate * LIMITS.audioRateWindowMs) return false;
    }
  }
  return true;
}
