/** Precomputed 20 ms frames of the scripted voice and room noise, per sample rate, so a paced loop only copies. */
import { silenceFrame, speechFrame } from './signal.js';

const SPEECH_FRAMES = 50;
const SILENCE_FRAMES = 10;
const cache = new Map<number, { speech: Int16Array[]; silence: Int16Array[] }>();

/** The frame with this index at `sampleRate` (24 000 for the socket, 48 000 for Opus). */
export function voiceFrame(sampleRate: number, voiced: boolean, index: number): Int16Array {
  let frames = cache.get(sampleRate);
  if (!frames) {
    const samples = sampleRate / 50;
    frames = {
      speech: Array.from({ length: SPEECH_FRAMES }, (_, i) => speechFrame(sampleRate, samples, i)),
      silence: Array.from({ length: SILENCE_FRAMES }, (_, i) => silenceFrame(samples, i)),
    };
    cache.set(sampleRate, frames);
  }
  const set = voiced ? frames.speech : frames.silence;
  return set[index % set.length];
}
