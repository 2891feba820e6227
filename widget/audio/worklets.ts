/**
 * Loads the two AudioWorklet processors from files next to the widget's own script, so a strict
 * CSP that allows only the gateway origin is enough (no blob: or data: URLs).
 */

/** File name of the capture processor, served beside `voice-rag.js`. */
export const CAPTURE_FILE = 'voice-rag-capture.js';
/** File name of the playback processor, served beside `voice-rag.js`. */
export const PLAYBACK_FILE = 'voice-rag-playback.js';

// Kept in a variable: Vite rewrites the literal `new URL('…', import.meta.url)` into an inlined asset.
const scriptUrl = import.meta.url;
const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** Adds both processor modules to `context` once; later calls share the first promise. */
export function loadWorklets(context: BaseAudioContext): Promise<void> {
  let promise = loaded.get(context);
  if (!promise) {
    promise = Promise.all([
      context.audioWorklet.addModule(new URL(CAPTURE_FILE, scriptUrl).href),
      context.audioWorklet.addModule(new URL(PLAYBACK_FILE, scriptUrl).href),
    ]).then(() => undefined);
    loaded.set(context, promise);
  }
  return promise;
}

/** Creates an AudioContext at the device's own rate; call it inside the press gesture (Safari, iOS). */
export function createAudioContext(): AudioContext {
  const context = new AudioContext({ latencyHint: 'interactive' });
  // resume() must start inside the gesture; its promise may settle later.
  void context.resume().catch(() => undefined);
  return context;
}
