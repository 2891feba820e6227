import { describe, expect, it } from 'vitest';
import { createAudioRateMeter } from '../../../gateway/session/audio-rate.js';

const FRAME = 960; // 20 ms of 24 kHz PCM16

describe('audio rate meter', () => {
  it('accepts real-time audio indefinitely', () => {
    const meter = createAudioRateMeter();
    for (let t = 0; t < 120_000; t += 20) expect(meter.accept(FRAME, t)).toBe(true);
  });

  it('accepts the burst of real-time frames that queued during a 2.5 s event-loop stall', () => {
    const meter = createAudioRateMeter();
    let t = 0;
    for (; t < 5000; t += 20) meter.accept(FRAME, t);
    // 2.5 s of frames sent in real time arrive together after the stall, then the flow goes on.
    const stallEnd = t + 2500;
    for (let i = 0; i < 125; i++) expect(meter.accept(FRAME, stallEnd)).toBe(true);
    for (t = stallEnd + 20; t < stallEnd + 10_000; t += 20) expect(meter.accept(FRAME, t)).toBe(true);
  });

  it('refuses a dump of 4 s of audio at once', () => {
    const meter = createAudioRateMeter();
    const results = Array.from({ length: 8 }, () => meter.accept(24_000, 1000));
    expect(results.slice(0, 6)).toEqual([true, true, true, true, true, true]);
    expect(results.at(-1)).toBe(false);
  });

  it('refuses a sustained 2× real time within seconds, but not 1.4×', () => {
    const fast = createAudioRateMeter();
    let refusedAt: number | undefined;
    for (let t = 0; t < 20_000 && refusedAt === undefined; t += 10) if (!fast.accept(FRAME, t)) refusedAt = t;
    expect(refusedAt).toBeGreaterThan(4000);
    expect(refusedAt).toBeLessThan(8000);
    const brisk = createAudioRateMeter();
    for (let t = 0; t < 60_000; t += 20 / 1.4) expect(brisk.accept(FRAME, t)).toBe(true);
  });
});
