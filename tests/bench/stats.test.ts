import { describe, expect, it } from 'vitest';
import { difference, percentile, round, Samples, summarizeValues } from '../../bench/stats.js';

describe('stats', () => {
  it('takes nearest-rank percentiles, so every figure is a measured value', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('returns NaN for an empty set rather than a made-up zero', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(summarizeValues([]).max).toBeNaN();
  });

  it('keeps samples beyond its initial capacity', () => {
    const samples = new Samples();
    for (let i = 5000; i > 0; i--) samples.add(i);
    const summary = samples.summary();
    expect(summary.count).toBe(5000);
    expect(summary.p50).toBe(2500);
    expect(summary.max).toBe(5000);
    expect(summary.mean).toBe(2500.5);
  });

  it('subtracts the floor from the gateway figure by figure', () => {
    const gateway = summarizeValues([2, 3, 10]);
    const floor = summarizeValues([1, 1, 4]);
    expect(difference(gateway, floor)).toEqual({ p50: 2, p99: 6, max: 6 });
  });

  it('rounds finite values and turns the rest into null', () => {
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(Number.NaN)).toBeNull();
  });
});
