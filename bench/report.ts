/**
 * Writes a run as Markdown (for people) next to its JSON (for tools) and its chart.
 */
import type { ChartPoint } from './chart.js';
import type { AudioStep } from './parts/audio.js';
import type { BenchResults, Part } from './results.js';
import { comparisonTable, ratio, variantTables } from './compare.js';
import { recallTable, vectorLegTable } from './retrieval-tables.js';
import { IDLE_SETTLE_MS } from './parts/idle-memory.js';
import { transportLines } from './transport-report.js';

const f = (value: number | undefined | null, digits = 2) => (value === undefined || value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(1));
const mark = (pass: boolean | null) => (pass === null ? '–' : pass ? '✓' : '✗');

function describeIndex(stats: unknown): string {
  const s = (stats ?? {}) as { chunks?: number; documents?: number };
  return typeof s.chunks === 'number' ? `the index reports ${s.chunks} chunks from ${s.documents ?? '?'} documents` : '≈ one chunk each';
}

function unavailable(part: Part<unknown>): string | undefined {
  return part.status === 'ok' ? undefined : `_not available: ${part.reason}_`;
}

/** Chart points from the audio steps that went through the gateway. */
export function chartPoints(steps: readonly AudioStep[], idleRss: number | undefined): ChartPoint[] {
  return steps
    .filter((step) => step.addedMs)
    .map((step) => ({
      sessions: step.sessions,
      upP50: step.addedMs?.up.p50,
      upP99: step.addedMs?.up.p99,
      downP50: step.addedMs?.down.p50,
      downP99: step.addedMs?.down.p99,
      cpuPercent: step.gateway?.gateway?.cpuPercent,
      rssMb: step.gateway?.gateway && idleRss !== undefined ? (step.gateway.gateway.rssBytes - idleRss) / 2 ** 20 : undefined,
    }));
}

function idleMemoryLines(results: BenchResults): string[] {
  if (results.idleMemory.status !== 'ok') return ['', `Idle RSS with one small site: ${unavailable(results.idleMemory)}`];
  const [own, base] = results.idleMemory.value;
  const text = results.idleMemory.value.map((figure) => `${figure.build} ${mb(figure.rssBytes)} MB`).join(', ');
  return ['', `**Idle RSS with one small site** (each build started alone with the one-page site, ${IDLE_SETTLE_MS / 1000} s idle): ${text}${own && base ? ` (${ratio(own.rssBytes, base.rssBytes)})` : ''}.`];
}

function gcLines(steps: readonly AudioStep[]): string[] {
  const measured = steps.filter((step) => step.gateway?.gc);
  if (!measured.length) return [];
  const cells = measured.map((step) => `${step.sessions}: ${f(step.gateway?.gc?.msPerSecond)} ms/s (max pause ${f(step.gateway?.gc?.maxPauseMs)} ms, ${step.gateway?.gc?.count} pauses)`);
  return ['', `Gateway collector pauses over the measured slices (perf_hooks, bench/gc-probe.mjs): ${cells.join('; ')}.`];
}

function audioTables(results: BenchResults): string[] {
  if (results.audio.status !== 'ok') return [unavailable(results.audio) as string];
  const { steps, idle, timing, stoppedBecause } = results.audio.value;
  const lines = [
    `Each step: N sessions straight to the bench upstream (floor) and N through the gateway, connected together and streaming in alternate ` +
      `${timing.sliceMs / 1000} s slices: ${timing.warmupMs / 1000} s warm-up and ${timing.measureMs / 1000} s measured per group, then ${timing.drainMs / 1000} s drain.`,
    '',
    '**Latency, ms** (one-way; "added" = gateway − floor at the same percentile)',
    '',
    '| sessions | floor ↑ p50 / p99 | gateway ↑ p50 / p99 / max | **added ↑ p50 / p99 / max** | floor ↓ p50 / p99 | gateway ↓ p50 / p99 / max | **added ↓ p50 / p99 / max** |',
    '|---:|---|---|---|---|---|---|',
  ];
  for (const step of steps) {
    const fl = step.floor;
    const gw = step.gateway;
    const add = step.addedMs;
    lines.push(
      `| ${step.sessions} | ${f(fl.up.latencyMs.p50)} / ${f(fl.up.latencyMs.p99)} | ` +
        (gw ? `${f(gw.up.latencyMs.p50)} / ${f(gw.up.latencyMs.p99)} / ${f(gw.up.latencyMs.max)}` : '–') +
        ` | ${add ? `**${f(add.up.p50)} / ${f(add.up.p99)} / ${f(add.up.max)}**` : '–'}` +
        ` | ${f(fl.down.latencyMs.p50)} / ${f(fl.down.latencyMs.p99)} | ` +
        (gw ? `${f(gw.down.latencyMs.p50)} / ${f(gw.down.latencyMs.p99)} / ${f(gw.down.latencyMs.max)}` : '–') +
        ` | ${add ? `**${f(add.down.p50)} / ${f(add.down.p99)} / ${f(add.down.max)}**` : '–'} |`,
    );
  }
  lines.push(
    '',
    `**Frames and gateway cost** (idle gateway: ${f(idle?.cpuPercent)} % CPU, ${mb(idle?.rssBytes)} MB RSS)`,
    '',
    '| sessions | frames ↑ sent / lost (floor · gateway) | frames ↓ sent / lost (floor · gateway) | offered load, sessions (floor · gateway) | bench CPU % (floor · gateway) | gateway CPU % of a core (kernel part) | gateway RSS MB | CPU per session % | RSS per session KB | problems |',
    '|---:|---|---|---|---|---:|---:|---:|---:|---|',
  );
  for (const step of steps) {
    const gw = step.gateway;
    const lost = (run: AudioStep['floor'], dir: 'up' | 'down') => `${run[dir].sent} / ${run[dir].lost + run[dir].corrupt}`;
    const problems = { ...step.floor.problems, ...(gw?.problems ?? {}) };
    lines.push(
      `| ${step.sessions} | ${lost(step.floor, 'up')} · ${gw ? lost(gw, 'up') : '–'} | ${lost(step.floor, 'down')} · ${gw ? lost(gw, 'down') : '–'} | ` +
        `${f(step.floor.offeredSessions, 0)} · ${f(gw?.offeredSessions, 0)} | ${f(step.floor.benchCpuPercent, 0)} · ${f(gw?.benchCpuPercent, 0)} | ` +
        `${f(gw?.gateway?.cpuPercent, 1)} (${f(gw?.gateway?.systemCpuPercent, 1)}) | ${mb(gw?.gateway?.rssBytes)} | ${f(step.perSession?.cpuPercent, 4)} | ${f(step.perSession ? step.perSession.rssBytes / 1024 : undefined, 0)} | ` +
        `${Object.entries(problems).map(([k, v]) => `${k} ×${v}`).join('; ') || '–'} |`,
    );
  }
  for (const step of steps) {
    if (step.floorSaturated) lines.push('', `At ${step.sessions} sessions the ${step.floorSaturated}: latencies at this step are not comparable; CPU and memory are.`);
    if (step.retriedBecause) lines.push('', `The first attempt at ${step.sessions} sessions broke (${step.retriedBecause}) and was run once more; the table shows the second.`);
  }
  if (stoppedBecause) lines.push('', `Stepping stopped: ${stoppedBecause}.`);
  lines.push(...gcLines(steps), ...comparisonTable(results.audio.value, results.setup.baseline), ...variantTables(results.audio.value, results.setup));
  return lines;
}

/** The Markdown report of a run. */
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [
    `# voice-rag bench — ${results.mode} run, ${m.date}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${m.loadAverage.join(' ')} before, ${results.loadAverageAfter.join(' ')} after. ` +
      `Processes ${m.pinned ? 'pinned: measuring process on core 0, gateway on core 1' : 'NOT pinned (taskset unavailable)'}, ` +
      `${m.nice === null ? 'at normal priority' : `at nice ${m.nice}${m.autogroupNice === null ? '' : ' (their autogroup too)'}`}.`,
    '',
    `Command: \`${results.command}\` — ran ${results.durationS.toFixed(0)} s. Gateway: ${results.setup.gateway}. Build: ${results.setup.gatewayBuild}.`,
    '',
    '## Targets',
    '',
    '| | target | measured | |',
    '|---|---|---|:-:|',
    ...results.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${mark(t.pass)} |`),
    '',
    '## 1. Audio path under load',
    '',
    ...audioTables(results),
    '',
    ...idleMemoryLines(results),
    '',
    '![added latency and gateway CPU against sessions](latest.svg)',
    '',
    '## 2. Tool round trip (completed `search` call → `function_call_output`)',
    '',
  ];
  if (results.tool.status === 'ok') {
    const t = results.tool.value;
    lines.push(
      `${t.turns} turns over the local index: p50 **${f(t.roundTripMs.p50)} ms**, p99 ${f(t.roundTripMs.p99)} ms, max ${f(t.roundTripMs.max)} ms; first call ${f(t.firstCallMs)} ms; output p50 ${f(t.outputChars.p50, 0)} characters, passages found in ${t.withPassages} of ${t.turns}; failures ${t.failures}.`,
    );
  } else lines.push(unavailable(results.tool) as string);
  lines.push('', '## 3. Connect overhead (widget socket open → `ready`, minus the upstream\'s own connect time)', '');
  if (results.connect.status === 'ok') {
    const c = results.connect.value;
    lines.push(
      `${c.connections} sequential connections each way. Upstream alone (socket → \`session.updated\`): p50 ${f(c.upstreamConnectMs.p50)} ms, p99 ${f(c.upstreamConnectMs.p99)} ms. ` +
        `Gateway open → ready: p50 ${f(c.gatewayOpenToReadyMs.p50)} ms, p99 ${f(c.gatewayOpenToReadyMs.p99)} ms (socket created → ready p50 ${f(c.gatewayTotalMs.p50)} ms). ` +
        `**Overhead p50 ${f(c.overheadP50Ms)} ms**, p99 ${f(c.overheadP99Ms)} ms.`,
    );
  } else lines.push(unavailable(results.connect) as string);
  lines.push('', '## 4. Retrieval (local index, in its own process)', '');
  if (results.retrieval.status === 'ok') {
    const r = results.retrieval.value;
    lines.push(
      `${r.sections} sections written (${describeIndex(r.chunks)}), ${mb(r.corpusBytes)} MB of Markdown, via \`${r.module}\`. ` +
        `Cold build ${f(r.buildMs, 0)} ms (factory ${f(r.createMs, 0)} ms), rebuild from cache ${f(r.warmBuildMs, 0)} ms; memory +${mb(r.heapBytes)} MB heap, +${mb(r.rssBytes)} MB RSS. ` +
        `Search over ${r.searches} queries: p50 **${f(r.searchMs.p50)} ms**, p99 ${f(r.searchMs.p99)} ms, max ${f(r.searchMs.max)} ms; ${(r.hitRate * 100).toFixed(0)} % returned passages.`,
    );
    if (r.paraphrase) lines.push('', 'Recall@5 on the paraphrase set (only the lexical modes measure quality; docs/RETRIEVAL.md):', '', ...recallTable(r.paraphrase));
    if (r.vectorLeg) lines.push('', ...vectorLegTable(r.vectorLeg));
  } else lines.push(unavailable(results.retrieval) as string);
  lines.push('', '## 5. Widget size (gzip -9 of everything a page loads)', '');
  if (results.widget.status === 'ok') {
    const w = results.widget.value;
    lines.push('| file | bytes | gzipped |', '|---|---:|---:|');
    for (const file of w.files) lines.push(`| ${file.file} | ${file.bytes} | ${file.gzipBytes} |`);
    lines.push(`| **total** | ${w.totalBytes} | **${w.totalGzipBytes}** |`);
  } else lines.push(unavailable(results.widget) as string);
  lines.push('', '## 6. Transports (`websocket` and `webrtc` side by side)', '', ...transportLines(results.transports));
  lines.push('', 'How to read these figures: docs/PERFORMANCE.md.', '');
  return lines.join('\n');
}

/** The README's "Performance" section for this run (bench/results/latest-readme.md). */
export function renderReadmeSection(results: BenchResults): string {
  const m = results.machine;
  const lines = [
    '## Performance',
    '',
    `Latest figures: \`${results.command}\` (${results.mode} run), ${m.date.slice(0, 10)}, on ${m.cpuModel}, ${m.cores} cores, Node ${m.node} ` +
      `(load average ${m.loadAverage[0]} at the start: a shared machine). Method and how to read them: [docs/PERFORMANCE.md](docs/PERFORMANCE.md).`,
    '',
    '| | target | measured | |',
    '|---|---|---|:-:|',
    ...results.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${mark(t.pass)} |`),
  ];
  if (results.retrieval.status === 'ok') {
    const r = results.retrieval.value;
    lines.push(
      '',
      `Local index over ${r.sections} chunks: built in ${(r.buildMs / 1000).toFixed(1)} s (${(r.warmBuildMs / 1000).toFixed(1)} s from its cache), ` +
        `+${mb(r.heapBytes)} MB heap, search p50 ${f(r.searchMs.p50)} ms / p99 ${f(r.searchMs.p99)} ms.`,
    );
  }
  if (results.audio.status === 'ok' && results.audio.value.stoppedBecause) {
    lines.push('', `Load steps stopped: ${results.audio.value.stoppedBecause}.`);
  }
  lines.push(...idleMemoryLines(results));
  if (results.audio.status === 'ok') {
    lines.push(...comparisonTable(results.audio.value, results.setup.baseline), ...variantTables(results.audio.value, results.setup));
  }
  lines.push('');
  return lines.join('\n');
}
