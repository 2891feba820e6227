// Generates the WAV fed to Chromium's fake microphone (scripts/audio-fixtures.ts), unless it already exists.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Length of the fake-microphone WAV's sound, in milliseconds (tests compare frame counts with it). */
export const MIC_WAV_MS = 2000;

/** Absolute path of the fake-microphone WAV: a 2 s, 48 kHz mono sweep, then 0.5 s of silence. */
export function micWavPath() {
  const dir = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url));
  const path = `${dir}mic-sweep-2s.wav`;
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    // The 0.5 s of trailing silence matters: at the end of a %noloop file Chromium repeats the last buffer.
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/audio-fixtures.ts', 'sweep', path, String(MIC_WAV_MS / 1000), '0.5'], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return path;
}
