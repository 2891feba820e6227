/**
 * Speech fixtures for Chromium's fake microphone, made at test time: espeak-ng speaks the text,
 * sox converts it to 48 kHz mono 16-bit and pads it with silence before and after.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  /** Seconds of silence before the speech (sox `pad`). Default 1. */
  padBefore?: number;
  /** Seconds of silence after it. Default 2. */
  padAfter?: number;
  /** espeak-ng voice. Default en-us. */
  voice?: string;
  /** Words per minute. Default 150. */
  wordsPerMinute?: number;
}

/** Which of espeak-ng and sox are missing from PATH (the Debian packages of the same names). */
export function missingAudioTools(): string[] {
  return ['espeak-ng', 'sox'].filter((tool) => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/** A temporary folder for fixtures; call the returned `remove` when done. */
export function fixtureDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Speaks `text` into `dir/name.wav` (48 kHz mono s16, padded). */
export function makeSpeechWav(dir: string, name: string, text: string, options: SpeechOptions = {}): SpeechWav {
  const { padBefore = 1, padAfter = 2, voice = 'en-us', wordsPerMinute = 150 } = options;
  const raw = join(dir, `${name}.raw.wav`);
  const path = join(dir, `${name}.wav`);
  // -w writes real lengths into the header (--stdout does not).
  execFileSync('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '-w', raw, text]);
  const speechMs = wavDurationMs(raw);
  execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', path, 'pad', String(padBefore), String(padAfter)]);
  return { path, speechStartMs: padBefore * 1000, speechMs, totalMs: wavDurationMs(path) };
}

/** Duration of a PCM WAV file from its header (fmt byte rate and data chunk size). */
export function wavDurationMs(path: string): number {
  const bytes = readFileSync(path);
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = bytes.readUInt32LE(offset + 16);
    if (id === 'data' && byteRate > 0) return Math.round((Math.min(size, bytes.length - offset - 8) / byteRate) * 1000);
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path}: not a PCM WAV file`);
}

/** One second of digital silence (the fake microphone then stays silent: `%noloop`). */
export function makeSilenceWav(dir: string): string {
  const path = join(dir, 'silence.wav');
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', path, 'trim', '0', '1']);
  return path;
}
