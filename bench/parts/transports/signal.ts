/** The visitor's scripted voice and the service's voice detector: speech-like PCM16 frames, near-silent frames, and "is this frame voiced". */

/** Above this RMS a frame counts as speech (speech frames sit near 4 000, silence near 20). */
export const VOICED_RMS = 400;

/**
 * One frame of a vowel-like sound: harmonics of a 130 Hz voice, amplitude-modulated at a
 * syllable rate, with a little noise, so Opus codes it as it would a voice, not a pure tone.
 */
export function speechFrame(sampleRate: number, samples: number, frameIndex: number, seed = 1): Int16Array {
  const out = new Int16Array(samples);
  let state = (seed * 2654435761 + frameIndex * 40503) >>> 0;
  for (let i = 0; i < samples; i++) {
    const t = (frameIndex * samples + i) / sampleRate;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * 130 * h * t + h) / h;
    const syllable = 0.6 + 0.4 * Math.abs(Math.sin(2 * Math.PI * 4 * t));
    state = (state * 1664525 + 1013904223) >>> 0;
    const noise = (state / 0xffffffff - 0.5) * 0.1;
    out[i] = Math.round((v * 0.5 * syllable + noise) * 9000);
  }
  return out;
}

/** A quiet room: noise at about −60 dBFS, as a microphone gives between phrases. */
export function silenceFrame(samples: number, frameIndex: number): Int16Array {
  const out = new Int16Array(samples);
  let state = (frameIndex * 2246822519) >>> 0;
  for (let i = 0; i < samples; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    out[i] = Math.round((state / 0xffffffff - 0.5) * 60);
  }
  return out;
}

/** Root mean square of PCM16 samples. */
export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i] * pcm[i];
  return Math.sqrt(sum / pcm.length);
}

/** PCM16 little-endian bytes as samples (a copy when unaligned). */
export function samplesOf(bytes: Uint8Array): Int16Array {
  const even = bytes.byteLength - (bytes.byteLength % 2);
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, even / 2);
  return new Int16Array(bytes.slice(0, even).buffer);
}

/** What one received frame tells the service: speech began, speech ended, or nothing new. */
export type TurnEdge = 'speech_started' | 'speech_stopped' | undefined;

/**
 * The service's end-of-speech rule, the same for both transports: speech starts at the first
 * voiced frame and stops at the first unvoiced frame after it (no hangover, so the measured
 * time is the transports' own plus the fixed model delay).
 */
export function createTurnDetector(): { push(voiced: boolean): TurnEdge } {
  let speaking = false;
  return {
    push(voiced) {
      if (voiced === speaking) return undefined;
      speaking = voiced;
      return voiced ? 'speech_started' : 'speech_stopped';
    },
  };
}
