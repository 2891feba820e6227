/**
 * Speech fixtures for Chromium's fake microphone, made at test time in Node (scripts/audio-fixtures.ts:
 * the offline engine's WASM eSpeak NG, resampled to 48 kHz mono 16-bit, padded with silence).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silenceClip, writeClip } from '../../../scripts/audio-fixtures.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SPEECH_PACKAGE = '@echogarden/espeak-ng-emscripten';

/** A WAV file for `--use-file-for-fake-audio-capture`, and where its speech lies. */
export interface SpeechWav {
  readonly path: string;
  /** Silence before the speech, in ms. */
  readonly speechStartMs: number;
  /** Length of the spoken part alone, in ms. */
  readonly speechMs: number;
  /** Length of the whole file, in ms. */
  readonly totalMs: number;
}

export interface SpeechOptions {
  /** Seconds of silence before the speech. Default 1. */
  padBefore?: number;
  /** Seconds of silence after it. Default 2. */
  padAfter?: number;
}

/** What speech fixtures need and is missing: only the npm package of the WASM synthesizer now. */
export function missingAudioTools(): string[] {
  try {
    createRequire(import.meta.url).resolve(SPEECH_PACKAGE);
    return [];
  } catch {
    return [SPEECH_PACKAGE];
  }
}

/** A temporary folder for fixtures; call the returned `remove` when done. */
export function fixtureDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Speaks `text` into `dir/name.wav` (48 kHz mono s16, padded). */
export function makeSpeechWav(dir: string, name: string, text: string, options: SpeechOptions = {}): SpeechWav {
  const { padBefore = 1, padAfter = 2 } = options;
  const path = join(dir, `${name}.wav`);
  // A child process, because the WASM synthesizer is asynchronous and the callers are not.
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/audio-fixtures.ts', 'speech', path, text, String(padBefore), String(padAfter)], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const timing = JSON.parse(out.trim().split('\n').pop()!) as Omit<SpeechWav, 'path'>;
  return { path, ...timing };
}

/** One second of digital silence (the fake microphone then stays silent: `%noloop`). */
export function makeSilenceWav(dir: string): string {
  const path = join(dir, 'silence.wav');
  writeClip(path, silenceClip(1));
  return path;
}
