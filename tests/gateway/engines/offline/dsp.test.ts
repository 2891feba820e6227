import { describe, expect, it } from 'vitest';
import { resample, Resampler } from '../../../../gateway/engines/offline/resample.js';
import { Pacer } from '../../../../gateway/engines/offline/pacing.js';
import { InputBuffer } from '../../../../gateway/engines/offline/input-buffer.js';
import { FakeClock } from '../../../support/fake-clock.js';

const tone = (hz: number, rate: number, seconds: number, amplitude = 10_000) =>
  Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)));

const rmsOf = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length);

describe('Resampler', () => {
  it('keeps a tone in the passband at its level', () => {
    const out = resample(tone(1000, 24_000, 0.5), 24_000, 16_000);
    expect(Math.abs(out.length - 8000)).toBeLessThanOrEqual(1);
    expect(rmsOf(out.subarray(200, -200)) / (10_000 / Math.SQRT2)).toBeCloseTo(1, 1);
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    const out = resample(tone(10_000, 24_000, 0.5), 24_000, 16_000);
    expect(rmsOf(out.subarray(200, -200))).toBeLessThan(100);
  });

  it('gives the same samples streamed in chunks as all at once', () => {
    const input = tone(440, 22_050, 0.3);
    const whole = resample(input, 22_050, 24_000);
    const streaming = new Resampler(22_050, 24_000);
    const parts: number[] = [];
    for (let at = 0; at < input.length; at += 777) parts.push(...streaming.push(input.subarray(at, at + 777)));
    parts.push(...streaming.flush());
    expect(Int16Array.from(parts)).toEqual(whole);
    expect(Math.abs(whole.length - Math.round((input.length * 24_000) / 22_050))).toBeLessThanOrEqual(1);
  });
});

describe('Pacer', () => {
  it('sends a burst, then paces at about three times real time', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(clock, { pace: true });
    const start = clock.now();
    let sent = 0;
    const run = (async () => {
      for (let i = 0; i < 20; i++) {
        await pacer.beforeChunk(150);
        sent++;
      }
    })();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThan(20);
    while (sent < 20) {
      clock.advance(10);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    await run;
    const elapsed = clock.now() - start;
    expect(elapsed).toBeGreaterThan((3000 - 400 - 150) / 3 - 20);
    expect(elapsed).toBeLessThan(3000 / 2);
  });

  it('wakes a pending wait at once when cancelled', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(clock, { pace: true, burstMs: 0 });
    await pacer.beforeChunk(150);
    let woke = false;
    const waiting = pacer.beforeChunk(150).then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    pacer.cancel();
    await waiting;
    expect(woke).toBe(true);
    expect(pacer.cancelled).toBe(true);
    expect(clock.pending).toBe(0);
  });
});

describe('InputBuffer', () => {
  it('keeps the input timeline while dropping and taking samples', () => {
    const buffer = new InputBuffer();
    buffer.append(new Int16Array(2400).fill(1));
    buffer.append(new Int16Array(2400).fill(2));
    buffer.dropBefore(1200);
    expect(buffer.startSample).toBe(1200);
    expect(buffer.durationMs).toBe(150);
    const taken = buffer.take(3600);
    expect(taken.length).toBe(2400);
    expect(taken[0]).toBe(1);
    expect(taken.at(-1)).toBe(2);
    expect(buffer.startSample).toBe(3600);
    expect(buffer.endSample).toBe(4800);
    buffer.clear();
    expect(buffer.durationMs).toBe(0);
    expect(buffer.endSample).toBe(4800);
  });
});
