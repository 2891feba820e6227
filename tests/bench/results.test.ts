import { describe, expect, it } from 'vitest';
import type { AudioStep, RunResult } from '../../bench/parts/audio.js';
import { renderMarkdown, renderReadmeSection } from '../../bench/report.js';
import { checkTargets, type BenchResults } from '../../bench/results.js';
import { summarizeValues } from '../../bench/stats.js';

function run(latencies: number[], lost = 0): RunResult {
  const direction = { sent: 1000, received: 1000 - lost, lost, lostPercent: lost / 10, corrupt: 0, latencyMs: summarizeValues(latencies) };
  return { requested: 200, connected: 200, up: direction, down: direction, problems: {}, benchCpuPercent: 40, offeredSessions: 200 };
}

function results(steps: AudioStep[]): Omit<BenchResults, 'targets'> {
  return {
    command: 'npm run bench',
    mode: 'full',
    machine: { date: '2026-11-24T07:00:00.000Z', cpuModel: 'Test CPU', cores: 2, memoryGiB: 24, os: 'Linux', node: 'v20.20.2', loadAverage: [0.1, 0.1, 0.1], pinned: true, nice: -10, autogroupNice: -10 },
    loadAverageAfter: [0.2, 0.2, 0.2],
    durationS: 300,
    setup: { gatewayBuild: 'up to date', gateway: 'pid 1 on core 1' },
    idleMemory: { status: 'ok', value: [{ build: 'this build', rssBytes: 70 * 2 ** 20 }] },
    audio: { status: 'ok', value: { timing: { warmupMs: 1000, measureMs: 8000, sliceMs: 2000, drainMs: 1000, connectBatch: 50 }, idle: { cpuPercent: 0.5, rssBytes: 60e6 }, steps } },
    tool: { status: 'ok', value: { turns: 200, roundTripMs: summarizeValues([1, 1.5, 3]), firstCallMs: 40, outputChars: summarizeValues([4000]), withPassages: 200, failures: 0, problems: {} } },
    connect: { status: 'not available', reason: 'gateway not built' },
    retrieval: { status: 'not available', reason: 'no createRetriever' },
    widget: { status: 'ok', value: { entry: 'dist/widget/voice-rag.js', files: [{ file: 'dist/widget/voice-rag.js', bytes: 40000, gzipBytes: 15000 }], totalBytes: 40000, totalGzipBytes: 15000, rebuilt: false } },
  };
}

describe('target checks', () => {
  const step200: AudioStep = {
    sessions: 200,
    floor: run([1, 1, 2]),
    gateway: { ...run([1.5, 2, 9]), gateway: { cpuPercent: 10.5, systemCpuPercent: 3, rssBytes: 80e6, peakRssBytes: 80e6 } },
    addedMs: { up: { p50: 0.5, p99: 7, max: 7 }, down: { p50: 0.5, p99: 3, max: 3 } },
    perSession: { cpuPercent: 0.05, rssBytes: 100 * 1024 },
  };

  it('judges the latency targets at 200 sessions, each way', () => {
    const checks = checkTargets(results([step200]));
    expect(checks.find((c) => c.name.includes('microphone → upstream'))?.pass).toBe(false);
    expect(checks.find((c) => c.name.includes('upstream → widget'))?.pass).toBe(true);
    expect(checks.find((c) => c.name.includes('frames lost'))?.pass).toBe(true);
  });

  it('reads the per-session cost at the largest step that did not break the gateway', () => {
    const step400: AudioStep = { ...step200, sessions: 400, perSession: { cpuPercent: 0.2, rssBytes: 300 * 1024 } };
    const step700: AudioStep = { ...step200, sessions: 700, perSession: { cpuPercent: 9, rssBytes: 9e6 }, broke: 'gateway: 5 % of up frames lost' };
    const checks = checkTargets(results([step200, step400, step700]));
    const cpu = checks.find((c) => c.name.startsWith('gateway CPU'));
    expect(cpu?.name).toContain('400');
    expect(cpu?.pass).toBe(false);
  });

  it('judges idle memory with one small site and the added max at 100 sessions', () => {
    const step100: AudioStep = { ...step200, sessions: 100, addedMs: { up: { p50: 0.5, p99: 2, max: 12 }, down: { p50: 0.5, p99: 2, max: 4 } } };
    const checks = checkTargets(results([step100, step200]));
    expect(checks.find((c) => c.name === 'idle RSS, one small site')).toMatchObject({ measured: '70.0 MB', pass: false });
    expect(checks.find((c) => c.name.startsWith('added max'))).toMatchObject({ measured: '12.00 ms', pass: false });
  });

  it('marks a part that could not run as not measured, neither passed nor failed', () => {
    const checks = checkTargets(results([step200]));
    const connect = checks.find((c) => c.name.startsWith('connect'));
    expect(connect?.pass).toBeNull();
    expect(connect?.measured).toContain('gateway not built');
  });

  it('prints the machine first and a ✓/✗ per target in the Markdown', () => {
    const full = results([step200]);
    const markdown = renderMarkdown({ ...full, targets: checkTargets(full) });
    expect(markdown.split('\n')[2]).toMatch(/^Machine: Test CPU, 2 cores/);
    expect(markdown).toContain('| tool round trip p50 (local index) | ≤ 2 ms | 1.50 ms | ✓ |');
    expect(markdown).toContain('_not available: no createRetriever_');
  });

  it('gives the README a Performance section with the command, the date and the machine', () => {
    const full = results([step200]);
    const section = renderReadmeSection({ ...full, targets: checkTargets(full) });
    expect(section.startsWith('## Performance\n')).toBe(true);
    expect(section).toContain('`npm run bench` (full run), 2026-11-24, on Test CPU, 2 cores');
    expect(section).toContain('docs/PERFORMANCE.md');
    expect(section).toContain('| connect overhead p50 | ≤ 5 ms |');
  });
});
