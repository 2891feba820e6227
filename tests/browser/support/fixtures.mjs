// Generates the WAV fed to Chromium's fake microphone (sox), unless it already exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Length of the fake-microphone WAV, in milliseconds (tests compare frame counts with it). */
export const MIC_WAV_MS = 2000;

/** Absolute path of the fake-microphone WAV: a 2 s, 48 kHz mono sweep, then 0.5 s of silence. */
export function micWavPath() {
  const dir = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url));
  const path = `${dir}mic-sweep-2s.wav`;
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    // A sweep keeps changing, so the browser's noise suppression does not treat it as steady noise.
    // The 0.5 s of trailing silence matters: at the end of a %noloop file Chromium repeats the last buffer.
    const result = spawnSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', path,
      'synth', String(MIC_WAV_MS / 1000), 'sine', '300-3000', 'vol', '0.5', 'pad', '0', '0.5'], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('sox could not generate the fake-microphone WAV');
  }
  return path;
}
