import { describe, expect, it } from 'vitest';
import { comparisonTable, ratio, variantTables } from '../../bench/compare.js';
import { groupOfModel } from '../../bench/recorder.js';
import type { AudioStep, RunResult } from '../../bench/parts/audio.js';
import type { AudioResult } from '../../bench/results.js';

const summary = (p50: number) => ({ count: 10, p50, p99: p50 * 2, max: p50 * 3, mean: p50 });
const run = (cpu: number, gcMs: number): RunResult => ({
  requested: 10,
  connected: 10,
  up: { sent: 1, received: 1, lost: 0, lostPercent: 0, corrupt: 0, latencyMs: summary(1) },
  down: { sent: 1, received: 1, lost: 0, lostPercent: 0, corrupt: 0, latencyMs: summary(1) },
  problems: {},
  benchCpuPercent: 10,
  offeredSessions: 10,
  gateway: { cpuPercent: cpu, systemCpuPercent: cpu / 2, rssBytes: 50 * 2 ** 20, peakRssBytes: 50 * 2 ** 20 },
  gc: { msPerSecond: gcMs, maxPauseMs: 2, count: 3 },
});
const added = { up: { p50: 0.5, p99: 2, max: 4 }, down: { p50: 0.6, p99: 3, max: 5 } };

describe('comparison with the baseline build', () => {
  it('divides new by baseline and refuses a ratio without a positive baseline', () => {
    expect(ratio(1, 4)).toBe('0.25×');
    expect(ratio(1, 0)).toBe('–');
    expect(ratio(undefined, 2)).toBe('–');
    expect(ratio(Number.NaN, 2)).toBe('–');
    expect(ratio(-3, 2)).toBe('–');
  });

  it('prints one row per step that measured both builds, with CPU per session as a ratio', () => {
    const both: AudioStep = {
      sessions: 200,
      floor: run(0, 0),
      gateway: run(20, 4),
      addedMs: added,
      perSession: { cpuPercent: 0.1, rssBytes: 80 * 1024 },
      baseline: { run: run(60, 8), addedMs: added, perSession: { cpuPercent: 0.3, rssBytes: 100 * 1024 } },
    };
    const onlyNew: AudioStep = { sessions: 400, floor: run(0, 0), gateway: run(40, 4), addedMs: added };
    const audio: AudioResult = {
      timing: { warmupMs: 1, measureMs: 1, sliceMs: 1, drainMs: 1, connectBatch: 1 },
      idle: { cpuPercent: 1, rssBytes: 40 * 2 ** 20 },
      baselineIdle: { cpuPercent: 1, rssBytes: 80 * 2 ** 20 },
      steps: [both, onlyNew],
    };
    const text = comparisonTable(audio, 'HEAD~1').join('\n');
    expect(text).toContain('Idle RSS: 40.0 / 80.0 (0.50×) MB');
    const rows = text.split('\n').filter((line) => /^\| \d/.test(line));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('0.1000 / 0.3000 (0.33×)');
    expect(rows[0]).toContain('80 / 100 (0.80×)');
    expect(rows[0]).toContain('4.00 ms/s, max 2.00 ms · 8.00 ms/s, max 2.00 ms');
  });

  it('says so when no step measured the baseline', () => {
    const audio: AudioResult = { timing: { warmupMs: 1, measureMs: 1, sliceMs: 1, drainMs: 1, connectBatch: 1 }, idle: undefined, steps: [] };
    expect(comparisonTable(audio, 'not available: no such commit').join(' ')).toContain('no step measured it');
    expect(comparisonTable(audio, undefined)).toEqual([]);
  });
});

describe('variants of this build in the same slices', () => {
  const timing = { warmupMs: 1, measureMs: 1, sliceMs: 1, drainMs: 1, connectBatch: 1 };
  const coalescedAdded = { up: { p50: 20.5, p99: 41, max: 44 }, down: added.down };

  it('shows coalescing as CPU saved against up-link latency added, next to the per-frame figures', () => {
    const step: AudioStep = {
      sessions: 200,
      floor: run(0, 0),
      gateway: run(40, 4),
      addedMs: added,
      perSession: { cpuPercent: 0.2, rssBytes: 80 * 1024 },
      coalesced: { run: run(26, 3), addedMs: coalescedAdded, perSession: { cpuPercent: 0.13, rssBytes: 80 * 1024 } },
    };
    const audio: AudioResult = { timing, idle: { cpuPercent: 1, rssBytes: 40 * 2 ** 20 }, coalescedIdle: { cpuPercent: 1, rssBytes: 41 * 2 ** 20 }, steps: [step] };
    const text = variantTables(audio, { coalesced: 'audio.coalesce_ms: 60' }).join('\n');
    expect(text).toContain('**Microphone coalescing** (audio.coalesce_ms: 60)');
    expect(text).toContain('Idle RSS: 41.0 MB (single process 40.0 MB)');
    const rows = text.split('\n').filter((line) => /^\| \d/.test(line));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('0.1300 / 0.2000 (0.65×)');
    expect(rows[0]).toContain('13.0 / 20.0 (0.65×)');
    expect(rows[0]).toContain('20.50 / 0.50 · 41.00 / 2.00 · 44.00 / 4.00');
    expect(text).not.toContain('serve --workers');
  });

  it('prints nothing for a variant the run did not have, and tells the groups apart by deployment', () => {
    const audio: AudioResult = { timing, idle: undefined, steps: [{ sessions: 50, floor: run(0, 0), addedMs: added }] };
    expect(variantTables(audio, {})).toEqual([]);
    expect(['bench-floor', 'bench', 'bench-baseline', 'bench-workers', 'bench-coalesced'].map(groupOfModel)).toEqual([
      'floor',
      'gateway',
      'baseline',
      'workers',
      'coalesced',
    ]);
  });
});
