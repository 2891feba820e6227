import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudioStep } from '../../../bench/parts/audio.js';
import { startBenchUpstream, type BenchUpstream } from '../../../bench/upstream.js';

// Real sockets and real time: this is the measuring machinery itself, so no fake clock.
describe('audio step against the bench upstream alone (the floor)', () => {
  let upstream: BenchUpstream;
  beforeAll(async () => {
    upstream = await startBenchUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('streams both ways at real-time pace and times every frame of the window', async () => {
    const timing = { warmupMs: 200, measureMs: 1000, sliceMs: 500, drainMs: 1000, connectBatch: 10 };
    const step = await runAudioStep(4, upstream, timing, []);
    const { up, down } = step.floor;
    expect(step.floor.connected).toBe(4);
    // 4 widgets × 50 frames/s × 1.2 s ≈ 240, give or take timers on a busy machine.
    expect(up.sent).toBeGreaterThan(150);
    expect(up.sent).toBeLessThan(400);
    expect(up.lost + up.corrupt).toBe(0);
    expect(down.sent).toBeGreaterThan(30);
    expect(down.lost + down.corrupt).toBe(0);
    expect(up.latencyMs.count).toBeGreaterThan(100);
    expect(step.floor.offeredSessions).toBeGreaterThan(2);
    expect(up.latencyMs.p50).toBeGreaterThan(0);
    expect(step.gateway).toBeUndefined();
    expect(upstream.openSessions).toBe(0);
  });
});
