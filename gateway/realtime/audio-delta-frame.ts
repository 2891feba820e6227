/**
 * Reads the upstream's most frequent frame, an audio delta, without parsing its base64 payload
 * as JSON: only the short head is parsed, and the delta stays a slice of the frame's text.
 * Anything that is not exactly the usual shape goes to the full parser instead.
 */
import type { UpstreamEvent } from './client.js';

const GA_TYPE = 'response.output_audio.delta';
const OPENINGS = [`{"type":"${GA_TYPE}",`, '{"type":"response.audio.delta",'];
const DELTA_KEY = ',"delta":"';

/**
 * The delta event of `text`, when the frame opens with its type and ends with `"delta":"…"}`
 * holding no quote or escape; otherwise undefined (the caller parses it in full).
 */
export function readAudioDeltaFrame(text: string): UpstreamEvent | undefined {
  if (!OPENINGS.some((opening) => text.startsWith(opening))) return undefined;
  const keyAt = text.lastIndexOf(DELTA_KEY);
  const start = keyAt + DELTA_KEY.length;
  const end = text.length - 2;
  // JSON strings cannot hold a raw quote, so the last `,"delta":"` before a quote-free,
  // escape-free run up to the closing `"}` is the top-level key.
  if (keyAt === -1 || !text.endsWith('"}') || text.indexOf('"', start) !== end || text.indexOf('\\', start) !== -1) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(`${text.slice(0, keyAt)}}`);
  } catch {
    return undefined;
  }
  if (typeof head !== 'object' || head === null) return undefined;
  const event = head as Record<string, unknown>;
  event.delta = text.slice(start, end);
  return { type: GA_TYPE, event };
}
