/**
 * Cost protection on microphone audio (docs/PROTOCOL.md: more than 1.5× real time averaged
 * over 2 s is `bad_message`).
 *
 * A bucket of audio milliseconds rather than a sliding window: it holds what 2 s at 1.5× allow
 * (3000 ms) and refills at 1.5 ms per elapsed ms. A sliding window misreads frames that were
 * sent in real time but queued up while the event loop was busy (one stall of 2 s delivers 2 s
 * of audio at once, on top of the next 2 s), and ended honest sessions; the bucket absorbs such
 * a burst because it refilled during the stall, while a sustained rate above 1.5× still drains
 * it and a dump of audio larger than the bucket is refused at once. O(1) and allocation-free
 * per frame.
 */
import { BYTES_PER_MS, LIMITS } from '../protocol.js';

export interface AudioRateMeter {
  /** Records a frame; false when the audio now arrives too fast. */
  accept(bytes: number, nowMs: number): boolean;
}

/** Creates the meter; it starts full, as if the visitor had been silent for a while. */
export function createAudioRateMeter(
  maxRate: number = LIMITS.maxAudioRate,
  windowMs: number = LIMITS.audioRateWindowMs,
): AudioRateMeter {
  const capacity = maxRate * windowMs;
  let level = capacity;
  let last: number | undefined;
  return {
    accept(bytes, nowMs) {
      if (last !== undefined && nowMs > last) level = Math.min(capacity, level + (nowMs - last) * maxRate);
      last = nowMs;
      level -= bytes / BYTES_PER_MS;
      return level >= 0;
    },
  };
}
