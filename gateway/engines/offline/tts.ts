/** The text-to-speech port (TtsEngine), per-language routing and conversion to the 24 kHz output rate. */
import { resample } from './resample.js';

/** Audio a TTS engine produced. */
export interface SynthesizedAudio {
  /** PCM16 mono. */
  pcm: Int16Array;
  sampleRate: number;
}

/** Text to speech, behind which any engine can sit; `lang` is a BCP-47 tag such as `en` or `ja`. */
export interface TtsEngine {
  synthesize(text: string, lang: string, voice?: string): Promise<SynthesizedAudio>;
  /** Releases instances and temporary files. */
  dispose?(): Promise<void>;
}

/** The Realtime output rate. */
export const OUTPUT_RATE = 24_000;

/** Synthesizes and brings the audio to 24 kHz, the Realtime output rate. */
export async function synthesize24k(tts: TtsEngine, text: string, lang: string, voice?: string): Promise<Int16Array> {
  const audio = await tts.synthesize(text, lang, voice);
  return resample(audio.pcm, audio.sampleRate, OUTPUT_RATE);
}

/** Routes each language to the engine that speaks it, with a fallback for the rest. */
export function routeTts(routes: Readonly<Record<string, TtsEngine>>, fallback: TtsEngine): TtsEngine {
  const engines = new Set([...Object.values(routes), fallback]);
  return {
    synthesize(text, lang, voice) {
      const primary = lang.toLowerCase().split('-')[0]!;
      return (routes[primary] ?? fallback).synthesize(text, lang, voice);
    },
    async dispose() {
      await Promise.all([...engines].map((engine) => engine.dispose?.()));
    },
  };
}
