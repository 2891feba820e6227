/** Node adapter: the offline engine's frame classifier, WebRTC VAD (libfvad compiled to WASM). */
import type { FvadModule } from '@echogarden/fvad-wasm';
import { FRAME_SAMPLES, VAD_RATE, type FrameClassifier } from '../../engines/offline/vad.js';

let fvadModule: Promise<FvadModule> | undefined;

/** A WebRTC VAD instance (libfvad compiled to WASM); the module loads once per process. */
export async function createFvadClassifier(): Promise<FrameClassifier> {
  fvadModule ??= import('@echogarden/fvad-wasm').then((m) => m.default());
  const fvad = await fvadModule;
  const instance = fvad._fvad_new();
  if (!instance) throw new Error('fvad_new failed');
  fvad._fvad_set_sample_rate(instance, VAD_RATE);
  const pointer = fvad._malloc(FRAME_SAMPLES * 2);
  let disposed = false;
  return {
    setMode(mode) {
      fvad._fvad_set_mode(instance, mode);
    },
    isSpeech(frame) {
      // HEAP16 may be replaced when memory grows, so read it on every call.
      fvad.HEAP16.set(frame, pointer >> 1);
      return fvad._fvad_process(instance, pointer, frame.length) === 1;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      fvad._free(pointer);
      fvad._fvad_free(instance);
    },
  };
}

