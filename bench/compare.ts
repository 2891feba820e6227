/**
 * The side-by-side table of a run with `--baseline`: this build against the recorded build of
 * an earlier commit, measured in the same slices, as values and ratios (new ÷ baseline).
 */
import type { AudioStep, RunResult } from './parts/audio.js';
import type { AudioResult } from './results.js';

const f = (value: number | undefined, digits = 2) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 2 ** 20);

/** new ÷ baseline, as "0.42×"; "–" when either side is missing, negative, or the baseline is zero. */
export function ratio(current: number | undefined, baseline: number | undefined): string {
  // A negative figure (RSS that fell during a step) has no meaningful ratio either.
  if (current === undefined || baseline === undefined || !Number.isFinite(current) || !Number.isFinite(baseline) || baseline <= 0 || current < 0) return '–';
  return `${(current / baseline).toFixed(2)}×`;
}

const pair = (current: number | undefined, baseline: number | undefined, digits = 2) =>
  `${f(current, digits)} / ${f(baseline, digits)} (${ratio(current, baseline)})`;

const gcCell = (run: RunResult | undefined) => (run?.gc ? `${f(run.gc.msPerSecond)} ms/s, max ${f(run.gc.maxPauseMs)} ms` : '–');

/** One row per step that measured both builds. */
function stepRow(step: AudioStep): string | undefined {
  const base = step.baseline;
  if (!base || !step.addedMs) return undefined;
  const now = step.addedMs;
  const then = base.addedMs;
  return (
    `| ${step.sessions} | ${pair(step.perSession?.cpuPercent, base.perSession?.cpuPercent, 4)} | ` +
    `${pair(step.gateway?.gateway?.systemCpuPercent, base.run.gateway?.systemCpuPercent, 1)} | ` +
    `${f(now.up.p50)} / ${f(then.up.p50)} · ${f(now.up.p99)} / ${f(then.up.p99)} · ${f(now.up.max)} / ${f(then.up.max)} | ` +
    `${f(now.down.p50)} / ${f(then.down.p50)} · ${f(now.down.p99)} / ${f(then.down.p99)} · ${f(now.down.max)} / ${f(then.down.max)} | ` +
    `${pair(step.perSession ? step.perSession.rssBytes / 1024 : undefined, base.perSession ? base.perSession.rssBytes / 1024 : undefined, 0)} | ` +
    `${gcCell(step.gateway)} · ${gcCell(base.run)} |`
  );
}

/** A variant of this build run beside it in the same slices: `serve --workers N`, or coalescing on. */
type Variant = 'workers' | 'coalesced';

function variantRow(step: AudioStep, variant: Variant): string | undefined {
  const other = step[variant];
  if (!other || !step.addedMs) return undefined;
  const kb = (figures?: { rssBytes: number }) => (figures ? figures.rssBytes / 1024 : undefined);
  const way = (name: 'up' | 'down') =>
    variant === 'coalesced'
      ? `${f(other.addedMs[name].p50)} / ${f(step.addedMs![name].p50)} · ${f(other.addedMs[name].p99)} / ${f(step.addedMs![name].p99)} · ${f(other.addedMs[name].max)} / ${f(step.addedMs![name].max)}`
      : `${f(other.addedMs[name].p50)} · ${f(other.addedMs[name].p99)} · ${f(other.addedMs[name].max)}`;
  return (
    `| ${step.sessions} | ${pair(other.perSession?.cpuPercent, step.perSession?.cpuPercent, 4)} | ` +
    `${pair(other.run.gateway?.systemCpuPercent, step.gateway?.gateway?.systemCpuPercent, 1)} | ${way('up')} | ${way('down')} | ` +
    `${pair(kb(other.perSession), kb(step.perSession), 0)} | ${other.broke ?? '–'} |`
  );
}

const VARIANT_TEXT: Record<Variant, { title: string; intro: string; idle: string; latency: string }> = {
  workers: {
    title: '`serve --workers`',
    intro:
      'the primary and its workers summed. On a 2-core machine whose other core drives the load, every worker shares one core: ' +
      'this shows what the cluster costs per session, not how it scales.',
    idle: 'Idle RSS, all processes',
    latency: 'p50 · p99 · max',
  },
  coalesced: {
    title: 'Microphone coalescing',
    intro:
      'the same build with the bench site\'s `audio.coalesce_ms` set, so several 20 ms frames leave as one append. ' +
      'The up-link latency it adds is the price (a frame waits up to the setting); the CPU and kernel time per session are what it saves.',
    idle: 'Idle RSS',
    latency: 'coalesced / per frame, p50 · p99 · max',
  },
};

/** The section of a variant (`serve --workers N`, coalescing on), or nothing when the run had none. */
export function variantTable(audio: AudioResult, variant: Variant, note: string | undefined): string[] {
  const rows = audio.steps.map((step) => variantRow(step, variant)).filter((row): row is string => row !== undefined);
  if (!rows.length) return [];
  const text = VARIANT_TEXT[variant];
  const idle = variant === 'workers' ? audio.workersIdle : audio.coalescedIdle;
  return [
    '',
    `**${text.title}** (${note ?? variant}) against the single process with one append per frame, same slices: ${text.intro}`,
    '',
    `${text.idle}: ${f(mb(idle?.rssBytes), 1)} MB (single process ${f(mb(audio.idle?.rssBytes), 1)} MB).`,
    '',
    `| sessions | CPU per session, % of a core (${variant} / single) | kernel CPU % | added ↑ ms ${text.latency} | added ↓ ms ${text.latency} | RSS per session KB (${variant} / single) | broke |`,
    '|---:|---|---|---|---|---|---|',
    ...rows,
  ];
}

/** The variants' sections. */
export function variantTables(audio: AudioResult, setup: { workers?: string; coalesced?: string }): string[] {
  return [...variantTable(audio, 'workers', setup.workers), ...variantTable(audio, 'coalesced', setup.coalesced)];
}

/** The comparison section, or nothing when the run had no baseline. */
export function comparisonTable(audio: AudioResult, baselineNote: string | undefined): string[] {
  const rows = audio.steps.map(stepRow).filter((row): row is string => row !== undefined);
  if (!rows.length) return baselineNote ? ['', `Baseline: ${baselineNote}; no step measured it.`] : [];
  return [
    '',
    `**This build against the baseline** (${baselineNote ?? 'baseline'}), measured in the same slices on the same core: new / baseline (ratio). ` +
      'Latencies are added ms over the floor (p50 · p99 · max); their ratios are left out because differences near zero make them meaningless.',
    '',
    `Idle RSS: ${pair(mb(audio.idle?.rssBytes), mb(audio.baselineIdle?.rssBytes), 1)} MB; idle CPU ${pair(audio.idle?.cpuPercent, audio.baselineIdle?.cpuPercent)} %.`,
    '',
    '| sessions | CPU per session, % of a core | kernel CPU % | added ↑ ms | added ↓ ms | RSS per session KB | GC pauses (new · baseline) |',
    '|---:|---|---|---|---|---|---|',
    ...rows,
  ];
}
