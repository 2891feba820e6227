/** Node adapter: Japanese speech for the offline engine from eSpeak NG compiled to WASM, loaded on first use. */
import type { ESpeakNgWorker } from '@echogarden/espeak-ng-emscripten';
import type { SynthesizedAudio, TtsEngine } from '../../engines/offline/tts.js';

let worker: Promise<ESpeakNgWorker> | undefined;

/** eSpeak NG voice identifiers for the languages this engine answers in. */
const VOICES: Record<string, string> = { ja: 'ja', en: 'en-us' };

/**
 * Speech from eSpeak NG compiled to WebAssembly (GPL-3.0). Used for Japanese, which Flite
 * cannot speak; its Japanese voice reads kana well and kanji only partly.
 */
export function createEspeakTts(): TtsEngine {
  return {
    async synthesize(text: string, lang: string): Promise<SynthesizedAudio> {
      worker ??= import('@echogarden/espeak-ng-emscripten').then(async (m) => new (await m.default()).eSpeakNGWorker());
      const instance = await worker;
      const primary = lang.toLowerCase().split('-')[0]!;
      instance.set_voice(VOICES[primary] ?? primary);
      const chunks: Int16Array[] = [];
      instance.synthesize(text, (samples) => {
        // The callback hands out views into WASM memory: copy before the next chunk overwrites them.
        if (samples && samples.length) chunks.push(Int16Array.from(samples as Int16Array));
        return 0;
      });
      const pcm = new Int16Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        pcm.set(chunk, offset);
        offset += chunk.length;
      }
      return { pcm, sampleRate: instance.get_samplerate() };
    },
  };
}
