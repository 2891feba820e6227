/** Node adapter: the offline engine's default voices, Flite for English and eSpeak NG for Japanese. */
import { createEspeakTts } from './espeak-tts.js';
import { createFliteTts } from './flite-tts.js';
import { routeTts, type TtsEngine } from '../../engines/offline/tts.js';

/** Flite for English (BSD-style), eSpeak NG for Japanese (GPL-3.0), each loaded on first use. */
export function createDefaultTts(): TtsEngine {
  return routeTts({ ja: createEspeakTts() }, createFliteTts());
}
