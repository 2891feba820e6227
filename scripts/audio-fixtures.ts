#!/usr/bin/env -S npx tsx
/**
 * Makes the fake-microphone WAVs the browser and end-to-end tests feed Chromium (48 kHz mono
 * PCM16), with what npm already ships: the offline engine's WASM eSpeak NG, its resampler and
 * its WAV writer. No sox, no system espeak-ng.
 *
 *   tsx scripts/audio-fixtures.ts speech OUT.wav "text" [PAD_BEFORE_S] [PAD_AFTER_S]
 *   tsx scripts/audio-fixtures.ts sweep OUT.wav [SECONDS] [PAD_AFTER_S]
 *   tsx scripts/audio-fixtures.ts silence OUT.wav [SECONDS]
 *
 * Each prints one JSON line: {"speechStartMs", "speechMs", "totalMs"}.
 */
import { writeFileSync } from 'node:fs';
import { createEspeakTts } from '../gateway/node/offline/espeak-tts.js';
import { resample } from '../gateway/engines/offline/resample.js';
import { encodeWav } from '../gateway/engines/offline/wav.js';

/** Chromium's fake capture device reads any rate; 48 kHz is what a real microphone gives. */
export const FIXTURE_RATE = 48_000;

/** A clip and where its sound lies. */
export interface FixtureClip {
  pcm: Int16Array;
  speechStartMs: number;
  speechMs: number;
}

const samples = (seconds: number): number => Math.round(seconds * FIXTURE_RATE);

/** `clip` with silence before and after. */
function pad(clip: Int16Array, beforeS: number, afterS: number): Int16Array {
  const out = new Int16Array(samples(beforeS) + clip.length + samples(afterS));
  out.set(clip, samples(beforeS));
  return out;
}

/** `text` spoken by eSpeak NG (en-us), resampled to 48 kHz and padded with silence. */
export async function speechClip(text: string, padBeforeS = 1, padAfterS = 2): Promise<FixtureClip> {
  const tts = createEspeakTts();
  const spoken = await tts.synthesize(text, 'en');
  await tts.dispose?.();
  const speech = resample(spoken.pcm, spoken.sampleRate, FIXTURE_RATE);
  return { pcm: pad(speech, padBeforeS, padAfterS), speechStartMs: padBeforeS * 1000, speechMs: msOf(speech.length) };
}

/**
 * A linear sine sweep from 300 Hz to 3 kHz at half scale, then silence: a sound that keeps
 * changing, so the browser's noise suppression does not treat it as steady noise.
 */
export function sweepClip(seconds = 2, padAfterS = 0.5): FixtureClip {
  const n = samples(seconds);
  const sweep = new Int16Array(n);
  const [from, to] = [300, 3000];
  for (let i = 0; i < n; i++) {
    const t = i / FIXTURE_RATE;
    sweep[i] = Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * (from * t + ((to - from) * t * t) / (2 * seconds))));
  }
  return { pcm: pad(sweep, 0, padAfterS), speechStartMs: 0, speechMs: msOf(n) };
}

/** Digital silence. */
export function silenceClip(seconds = 1): FixtureClip {
  return { pcm: new Int16Array(samples(seconds)), speechStartMs: 0, speechMs: 0 };
}

function msOf(sampleCount: number): number {
  return Math.round((sampleCount / FIXTURE_RATE) * 1000);
}

/** Writes `clip` as a WAV and returns what the tests need to know about it. */
export function writeClip(path: string, clip: FixtureClip): { speechStartMs: number; speechMs: number; totalMs: number } {
  writeFileSync(path, encodeWav(clip.pcm, FIXTURE_RATE));
  return { speechStartMs: clip.speechStartMs, speechMs: clip.speechMs, totalMs: msOf(clip.pcm.length) };
}

async function cli(argv: string[]): Promise<number> {
  const [kind, out, ...rest] = argv;
  const num = (value: string | undefined, fallback: number): number => (value === undefined ? fallback : Number(value));
  let clip: FixtureClip;
  if (kind === 'speech' && out && rest[0]) clip = await speechClip(rest[0], num(rest[1], 1), num(rest[2], 2));
  else if (kind === 'sweep' && out) clip = sweepClip(num(rest[0], 2), num(rest[1], 0.5));
  else if (kind === 'silence' && out) clip = silenceClip(num(rest[0], 1));
  else {
    process.stderr.write('usage: audio-fixtures.ts speech OUT "text" [PAD_BEFORE_S] [PAD_AFTER_S] | sweep OUT [S] [PAD_S] | silence OUT [S]\n');
    return 2;
  }
  process.stdout.write(`${JSON.stringify(writeClip(out, clip))}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('audio-fixtures.ts')) {
  process.exitCode = await cli(process.argv.slice(2));
}
