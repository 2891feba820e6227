import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionBucket } from '../../../gateway/limits/buckets.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('connection bucket', () => {
  it('holds what the window allows and refills at the per-minute rate', () => {
    expect(connectionBucket('k', 6, 10)).toEqual({ key: 'k', capacity: 1, refillPerSecond: 0.1, windowMs: 10_000 });
    expect(connectionBucket('k', 100, 10)).toMatchObject({ capacity: 16 });
    expect(connectionBucket('k', 600, 1)).toMatchObject({ capacity: 10, refillPerSecond: 10 });
    expect(connectionBucket('k', 3, 1)).toMatchObject({ capacity: 1 });
  });

  it('never admits more than its capacity in any window, nor more than the quota in any minute', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_200 }),
        fc.constantFrom(1, 10),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 300 }),
        async (perMinute, windowSeconds, gaps) => {
          const clock = new FakeClock();
          const store = createMemoryStore(clock);
          const spec = connectionBucket('k', perMinute, windowSeconds);
          const admitted: number[] = [];
          let now = clock.now();
          for (const gap of gaps) {
            now += gap;
            if ((await store.takeTokens([spec], now)).taken) admitted.push(now);
          }
          const windowMs = windowSeconds * 1000;
          for (let first = 0; first < admitted.length; first++) {
            const inWindow = admitted.filter((time) => time >= admitted[first]! && time < admitted[first]! + windowMs).length;
            const inMinute = admitted.filter((time) => time >= admitted[first]! && time < admitted[first]! + 60_000).length;
            expect(inWindow).toBeLessThanOrEqual(spec.capacity);
            expect(inMinute).toBeLessThanOrEqual(perMinute);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
