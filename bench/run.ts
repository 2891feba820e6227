/**
 * `npm run bench [-- --quick]`: measures the audio path, the tool round trip, connect
 * overhead, retrieval and widget size in one bounded run, and writes
 * bench/results/latest.{json,md,svg} and latest-readme.md. Loopback only; stops by itself;
 * kills what it starts. Every flag: docs/PERFORMANCE.md and bench/options.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderChart } from './chart.js';
import { writeCorpus } from './corpus.js';
import { ensureGatewayBuild, freePort, ROOT, startGateway, writeGatewayConfig, type GatewayProcess } from './gateway-process.js';
import { describeMachine } from './machine.js';
import { parseOptions, type BenchOptions } from './options.js';
import { raisePriority } from './priority.js';
import { IDLE_SETTLE_MS, measureIdleMemory } from './parts/idle-memory.js';
import { measureIdle, runAudioStep, type AudioStep, type BuildUnderTest } from './parts/audio.js';
import { buildBaseline, type BaselineBuild } from './baseline.js';
import { startExtraGateway } from './extra-gateways.js';
import { measureConnect } from './parts/connect.js';
import { measureRetrieval } from './parts/retrieval.js';
import { measureToolRoundTrip } from './parts/tool.js';
import { measureTransports } from './parts/transports/measure.js';
import { measureWidgetSize } from './parts/widget-size.js';
import { chartPoints, renderMarkdown, renderReadmeSection } from './report.js';
import { checkTargets, type AudioResult, type BenchResults, type Part } from './results.js';
import { startBenchUpstream, type BenchUpstream } from './upstream.js';

const MEASURING_CPU = 0;
const GATEWAY_CPU = 1;
const FIRST_WARMUP_MS = 5000;
/** The transports section's share of the watchdog's time (it takes under a minute on 2 cores). */
const TRANSPORTS_ALLOWANCE_MS = 120_000;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Pins this process and all its threads to one core (taskset from util-linux). */
function pinSelf(cpu: number): boolean {
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { encoding: 'utf8' });
  return result.status === 0;
}

async function attempt<T>(name: string, enabled: boolean, run: () => Promise<T> | T): Promise<Part<T>> {
  if (!enabled) return { status: 'not available', reason: 'not selected (--only)' };
  const started = performance.now();
  try {
    const value = await run();
    log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { status: 'ok', value };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`${name}: not available: ${reason}`);
    return { status: 'not available', reason: reason.replace(/\s+/g, ' ').slice(0, 500) };
  }
}

async function runAudio(options: BenchOptions, upstream: BenchUpstream, builds: BuildUnderTest[], startedAt: number): Promise<AudioResult> {
  const gateway = builds.find((build) => build.name === 'gateway')?.process;
  const steps: AudioStep[] = [];
  let stoppedBecause: string | undefined;
  const { warmupMs, measureMs, drainMs } = options.timing;
  for (const sessions of options.steps) {
    // Both groups' slices, plus connecting and closing 2 × N sessions (about 1 s per 50).
    const groups = 1 + builds.length;
    const estimate = groups * (warmupMs + measureMs + 2000 + sessions * 20) + drainMs;
    if (performance.now() - startedAt + estimate > options.budgetMs) {
      stoppedBecause = `time budget: ${sessions} sessions would end after ${(options.budgetMs / 1000).toFixed(0)} s`;
      break;
    }
    log(`audio: ${sessions} sessions (floor${builds.length ? `, ${builds.map((b) => b.name).join(', ')}, interleaved` : ' only'})`);
    // The first step also absorbs the gateway's post-start JIT and heap growth (the index is
    // fresh in its heap): a longer untimed warm-up keeps that out of the 50-session figures.
    const timing = steps.length === 0 ? { ...options.timing, warmupMs: Math.max(options.timing.warmupMs, FIRST_WARMUP_MS) } : options.timing;
    let step = await runAudioStep(sessions, upstream, timing, builds);
    // One stall of a shared machine can break a step; a second attempt tells noise from a limit.
    if (step.broke && !gateway?.exited() && performance.now() - startedAt + 2 * estimate < options.budgetMs) {
      log(`audio: ${sessions} broke (${step.broke}); running it once more`);
      const first = step.broke;
      step = await runAudioStep(sessions, upstream, timing, builds);
      step.retriedBecause = first;
    }
    steps.push(step);
    if (step.addedMs) log(`audio: ${sessions}: added p99 up ${step.addedMs.up.p99.toFixed(2)} ms, down ${step.addedMs.down.p99.toFixed(2)} ms`);
    if (step.broke) {
      stoppedBecause = `broke at ${sessions} sessions: ${step.broke}`;
      break;
    }
  }
  const idle = builds.find((build) => build.name === 'gateway')?.idle;
  const baselineIdle = builds.find((build) => build.name === 'baseline')?.idle;
  const workersIdle = builds.find((build) => build.name === 'workers')?.idle;
  const coalescedIdle = builds.find((build) => build.name === 'coalesced')?.idle;
  return {
    timing: options.timing,
    idle,
    ...(baselineIdle ? { baselineIdle } : {}),
    ...(workersIdle ? { workersIdle } : {}),
    ...(coalescedIdle ? { coalescedIdle } : {}),
    steps, ...(stoppedBecause ? { stoppedBecause } : {}) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = performance.now();
  const pinned = pinSelf(MEASURING_CPU);
  const priority = raisePriority(options.nice);
  const machine = describeMachine(pinned, priority.nice, priority.autogroupNice);
  log(`${options.mode} run on ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; pinned: ${pinned}; nice: ${priority.nice ?? 'unchanged'}`);
  const work = mkdtempSync(join(tmpdir(), 'voice-rag-bench-'));
  let gateway: GatewayProcess | undefined;
  let baselineGateway: GatewayProcess | undefined;
  let workersGateway: GatewayProcess | undefined;
  let coalescedGateway: GatewayProcess | undefined;
  let baseline: BaselineBuild | undefined;
  let upstream: BenchUpstream | undefined;
  const cleanup = async () => {
    const [g, b, w, c, u, tree] = [gateway, baselineGateway, workersGateway, coalescedGateway, upstream, baseline];
    gateway = undefined;
    baselineGateway = undefined;
    workersGateway = undefined;
    coalescedGateway = undefined;
    upstream = undefined;
    baseline = undefined;
    await g?.stop();
    await b?.stop();
    await w?.stop();
    await c?.stop();
    await u?.close();
    tree?.remove();
    rmSync(work, { recursive: true, force: true });
    priority.restore();
  };
  // A hard stop past the budget: whatever happens, the run ends and kills what it started. The
  // transports section runs after the audio steps, which stop at the budget: it gets its own time.
  const transportsMs = options.parts.has('transports') ? TRANSPORTS_ALLOWANCE_MS : 0;
  const watchdog = setTimeout(() => {
    log('watchdog: over the time budget, stopping');
    void cleanup().finally(() => process.exit(2));
  }, options.budgetMs + transportsMs + 60_000);
  watchdog.unref();
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    const widget = await attempt('widget size', options.parts.has('widget'), () => measureWidgetSize({ build: options.build }));
    const build = options.build ? ensureGatewayBuild() : { ok: true, rebuilt: false, detail: 'skipped (--no-build)' };
    log(`gateway build: ${build.detail}`);
    let baselineNote = 'none (--baseline none)';
    if (options.baseline && ['audio', 'connect'].some((part) => options.parts.has(part as 'audio'))) {
      try {
        baseline = buildBaseline(options.baseline);
        baselineNote = `${options.baseline} = ${baseline.commit.slice(0, 10)} "${baseline.subject}"`;
      } catch (error) {
        baselineNote = `not available: ${error instanceof Error ? error.message : String(error)}`.replace(/\s+/g, ' ').slice(0, 400);
      }
      log(`baseline: ${baselineNote}`);
    }

    const corpus = writeCorpus(join(work, 'corpus'), options.corpusSections);
    mkdirSync(join(work, 'tiny'));
    writeFileSync(join(work, 'tiny/index.md'), '# Bench\n\n## About\n\nThe bench site has one page.\n');
    const retrieval = await attempt('retrieval', options.parts.has('retrieval'), () =>
      measureRetrieval({
        configDir: work,
        sources: 'corpus/**/*.md',
        cacheDir: join(work, 'retrieval-cache'),
        queries: corpus.queries,
        rounds: options.retrievalRounds,
        cpu: GATEWAY_CPU,
        timeoutMs: options.mode === 'quick' ? 30_000 : 180_000,
        sections: corpus.sections,
        corpusBytes: corpus.bytes,
      }),
    );

    upstream = await startBenchUpstream();
    const idleMemory = await attempt('idle memory', options.parts.has('audio') && build.ok, async () => {
      const common = { dir: work, upstreamPort: (upstream as BenchUpstream).port, cpu: GATEWAY_CPU, settleMs: IDLE_SETTLE_MS };
      const figures = [await measureIdleMemory({ ...common, build: 'this build' })];
      if (baseline) figures.push(await measureIdleMemory({ ...common, build: 'baseline', cli: baseline.cli, cwd: baseline.dir }));
      return figures;
    });
    const needsGateway = ['audio', 'tool', 'connect'].some((part) => options.parts.has(part as 'audio'));
    let gatewayNote = 'not started (not needed)';
    if (needsGateway && !build.ok) gatewayNote = `not available: ${build.detail}`;
    else if (needsGateway) {
      try {
        const port = await freePort();
        const configPath = writeGatewayConfig({
          dir: work,
          gatewayPort: port,
          upstreamPort: upstream.port,
          tinySources: 'tiny/*.md',
          corpusSources: 'corpus/**/*.md',
          ...(options.gatewayLogLevel ? { logLevel: options.gatewayLogLevel } : {}),
        });
        gateway = await startGateway({
          configPath,
          port,
          cpu: GATEWAY_CPU,
          readyTimeoutMs: options.mode === 'quick' ? 20_000 : 120_000,
          nodeArgs: options.gatewayNodeArgs,
          gcFile: join(work, 'gc-gateway.json'),
          ...(options.gatewayLog ? { logFile: resolve(options.gatewayLog) } : {}),
        });
        gatewayNote = `pid ${gateway.pid} on core ${GATEWAY_CPU}, port ${port}`;
        log(`gateway: ${gatewayNote}`);
        const extra = { options, work, upstreamPort: upstream.port, cpu: GATEWAY_CPU, log };
        if (baseline) baselineGateway = await startExtraGateway({ ...extra, kind: 'baseline', baseline });
        if (options.workers > 1) workersGateway = await startExtraGateway({ ...extra, kind: 'workers', workers: options.workers });
        if (options.coalesceMs > 0) coalescedGateway = await startExtraGateway({ ...extra, kind: 'coalesced', coalesceMs: options.coalesceMs });
      } catch (error) {
        gatewayNote = `not available: ${error instanceof Error ? error.message : String(error)}`.replace(/\s+/g, ' ').slice(0, 500);
        log(`gateway: ${gatewayNote}`);
      }
    }
    const noGateway = (): never => {
      throw new Error(`gateway ${gatewayNote}`);
    };
    const connect = await attempt('connect overhead', options.parts.has('connect'), () =>
      gateway ? measureConnect(options.connectCount, upstream as BenchUpstream, gateway) : noGateway(),
    );
    const tool = await attempt('tool round trip', options.parts.has('tool'), () =>
      gateway ? measureToolRoundTrip(options.toolTurns, corpus.queries, upstream as BenchUpstream, gateway) : noGateway(),
    );
    const builds: BuildUnderTest[] = [];
    if (options.parts.has('audio')) {
      // Both idle at once: they share core 1, and neither does anything.
      const [idle, baseIdle, workersIdle, coalescedIdle] = await Promise.all(
        [gateway, baselineGateway, workersGateway, coalescedGateway].map((process) => (process ? measureIdle(process, 3000) : undefined)),
      );
      if (gateway) builds.push({ name: 'gateway', process: gateway, idle });
      if (baselineGateway) builds.push({ name: 'baseline', process: baselineGateway, idle: baseIdle });
      if (workersGateway) builds.push({ name: 'workers', process: workersGateway, idle: workersIdle });
      if (coalescedGateway) builds.push({ name: 'coalesced', process: coalescedGateway, idle: coalescedIdle });
    }
    const audio = await attempt('audio', options.parts.has('audio'), async () => {
      const result = await runAudio(options, upstream as BenchUpstream, builds, startedAt);
      if (!gateway) result.stoppedBecause = `floor only: gateway ${gatewayNote}`;
      return result;
    });
    // Its own service and gateway, after the others stopped streaming: both transports alike.
    const transports = await attempt('transports', options.parts.has('transports'), () => {
      if (!build.ok) throw new Error(`gateway build: ${build.detail}`);
      return measureTransports({ dir: work, cpu: GATEWAY_CPU, ...options.transports, readyTimeoutMs: options.mode === 'quick' ? 20_000 : 120_000, log });
    });
    const seen = (upstream as BenchUpstream).seen;
    await cleanup();

    const partial: Omit<BenchResults, 'targets'> = {
      command: options.command,
      mode: options.mode,
      machine,
      loadAverageAfter: loadavg().map((value) => Math.round(value * 100) / 100),
      durationS: (performance.now() - startedAt) / 1000,
      setup: {
        gatewayBuild: build.detail,
        gateway: gatewayNote,
        baseline: baselineGateway ? `${baselineNote}, pid ${baselineGateway.pid} on core ${GATEWAY_CPU}` : baselineNote,
        ...(workersGateway ? { workers: `serve --workers ${options.workers}, primary pid ${workersGateway.pid}, all on core ${GATEWAY_CPU}` } : {}),
        ...(coalescedGateway ? { coalesced: `audio.coalesce_ms: ${options.coalesceMs}, pid ${coalescedGateway.pid} on core ${GATEWAY_CPU}` } : {}),
        upstreamSeen: { ...seen, paths: [...seen.paths] },
      },
      idleMemory,
      audio,
      tool,
      connect,
      retrieval,
      widget,
      transports,
    };
    const results: BenchResults = { ...partial, targets: checkTargets(partial) };
    const outDir = resolve(ROOT, options.outDir);
    mkdirSync(outDir, { recursive: true });
    const markdown = renderMarkdown(results);
    const steps = audio.status === 'ok' ? audio.value.steps : [];
    const idleRss = audio.status === 'ok' ? audio.value.idle?.rssBytes : undefined;
    const subtitle = `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date} (${options.mode})`;
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outDir, 'latest.md'), markdown);
    writeFileSync(join(outDir, 'latest.svg'), renderChart(chartPoints(steps, idleRss), subtitle));
    writeFileSync(join(outDir, 'latest-readme.md'), renderReadmeSection(results));
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${join(options.outDir, 'latest.{json,md,svg}, latest-readme.md')} after ${results.durationS.toFixed(0)} s`);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
