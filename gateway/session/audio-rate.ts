/**
 * Cost protection on microphone audio: more than `maxAudioRate` × real time within any
 * `audioRateWindowMs` window is refused (design/PROTOCOL.md: 1.5× averaged over 2 s).
 */
import { BYTES_PER_MS, LIMITS } from '../protocol.js';

export interface AudioRateMeter {
  /** Records a frame; false when the audio now arrives too fast. */
  accept(bytes: number, nowMs: number): boolean;
}

/** Creates a sliding-window meter of audio milliseconds per wall-clock window. */
export function createAudioRateMeter(
  maxRate: number = LIMITS.maxAudioRate,
  windowMs: number = LIMITS.audioRateWindowMs,
): AudioRateMeter {
  const frames: Array<{ at: number; ms: number }> = [];
  let total = 0;
  const budget = maxRate * windowMs;
  return {
    accept(bytes, nowMs) {
      while (frames.length > 0 && frames[0]!.at <= nowMs - windowMs) total -= frames.shift()!.ms;
      const ms = bytes / BYTES_PER_MS;
      frames.push({ at: nowMs, ms });
      total += ms;
      return total <= budget;
    },
  };
}
