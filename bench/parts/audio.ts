/**
 * Part 1: the audio path under load. For each session count the same load runs straight
 * against the bench upstream (the floor) and through the gateway, in alternate slices; the
 * gateway's figures are read as the difference, and its CPU and memory from /proc.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayProcess } from '../gateway-process.js';
import { readGc, sampleProcess, sampleTree, watchProcess, type GcReading, type ProcUse } from '../proc-stats.js';
import { createStepRecorder, FLOOR_MODEL, type AudioGroup, type DirectionRecorder, type StepRecorder } from '../recorder.js';
import { difference, type Summary } from '../stats.js';
import { waitUntil } from '../timeouts.js';
import type { BenchUpstream } from '../upstream.js';
import { closeFleet, openFleet, streamMicrophones, type Problems, type SimWidget, type WidgetTarget } from '../widgets.js';

/** One direction of one run. */
export interface DirectionResult {
  sent: number;
  received: number;
  lost: number;
  lostPercent: number;
  corrupt: number;
  latencyMs: Summary;
}

/** One run (floor or gateway) at one session count. */
export interface RunResult {
  requested: number;
  connected: number;
  up: DirectionResult;
  down: DirectionResult;
  problems: Record<string, number>;
  /** The measuring process's own CPU over the window, % of one core (near 100: saturated). */
  benchCpuPercent: number;
  /**
   * Sessions' worth of microphone audio actually offered during the measured slices (frames
   * sent ÷ 50 per second); below `connected` when the measuring process could not keep up.
   */
  offeredSessions: number;
  gateway?: ProcUse;
  /** The collector's pauses over the measured slices (bench/gc-probe.mjs). */
  gc?: { msPerSecond: number; maxPauseMs: number; count: number };
}

/** One step: floor and gateway at the same session count, and the difference. */
export interface AudioStep {
  sessions: number;
  floor: RunResult;
  gateway?: RunResult;
  addedMs?: { up: { p50: number; p99: number; max: number }; down: { p50: number; p99: number; max: number } };
  perSession?: { cpuPercent: number; rssBytes: number };
  /** Why stepping stopped after this step, if it did. */
  broke?: string;
  /** Set when the floor itself broke: the measuring process is saturated, latencies are not comparable. */
  floorSaturated?: string;
  /** Why the first attempt at this step was discarded (it broke; the step ran once more). */
  retriedBecause?: string;
  /** The recorded build of an earlier commit, measured in the same slices (`--baseline`). */
  baseline?: BuildFigures & { run: RunResult; broke?: string };
  /** This build as `serve --workers N` (`--workers`), measured in the same slices. */
  workers?: BuildFigures & { run: RunResult; broke?: string };
  /** This build with the bench site's `audio.coalesce_ms` set (`--coalesce-ms`), in the same slices. */
  coalesced?: BuildFigures & { run: RunResult; broke?: string };
}

/** Timing of a step. */
export interface StepTiming {
  /** Untimed streaming per group before the measured slices. */
  warmupMs: number;
  /** Measured streaming per group, cut into slices that alternate between the groups. */
  measureMs: number;
  sliceMs: number;
  drainMs: number;
  connectBatch: number;
}

/** Gateway baseline with no session open. */
export interface IdleBaseline {
  cpuPercent: number;
  rssBytes: number;
}

function direction(recorder: DirectionRecorder): DirectionResult {
  return {
    sent: recorder.sent,
    received: recorder.received,
    lost: recorder.lost,
    lostPercent: recorder.sent ? (recorder.lost / recorder.sent) * 100 : 0,
    corrupt: recorder.corrupt,
    latencyMs: recorder.latency.summary(),
  };
}

const SLICE_GAP_MS = 100;
/** Microphone frames per second of one session (20 ms frames). */
const FRAMES_PER_SECOND = 50;
/** A step breaks past these: frames lost, or latency (added latency for the gateway). */
const MAX_LOST_PERCENT = 1;
const MAX_P99_MS = 100;

/** One group of a step: its widgets, recorder and the CPU it was charged while it streamed. */
interface Group {
  name: AudioGroup;
  target: WidgetTarget;
  /** The gateway build this group goes through (none for the floor). */
  process?: GatewayProcess;
  requested: number;
  widgets: SimWidget[];
  recorder: StepRecorder;
  problems: Problems;
  bench: { cpuSeconds: number; wallSeconds: number; framesSent: number };
  gateway: { cpuSeconds: number; systemSeconds: number; wallSeconds: number; rssBytes: number; peakRssBytes: number; rssBeforeBytes?: number };
  gc: { ms: number; count: number; maxPauseMs: number; read: boolean };
}

async function openGroup(name: AudioGroup, target: WidgetTarget, sessions: number, timing: StepTiming, process?: GatewayProcess): Promise<Group> {
  const recorder = createStepRecorder();
  const problems: Problems = new Map();
  // RSS just before this step's sessions open: the per-session figure is growth over it, not
  // over an idle reading taken before other parts grew (and later shrank) the heap.
  const rssBefore = process && !process.exited() ? (process.tree ? sampleTree : sampleProcess)(process.pid).rssBytes : undefined;
  const widgets = await openFleet(sessions, target, () => recorder, problems, { batch: timing.connectBatch, timeoutMs: 20_000 });
  return {
    name,
    target,
    ...(process ? { process } : {}),
    requested: sessions,
    widgets,
    recorder,
    problems,
    bench: { cpuSeconds: 0, wallSeconds: 0, framesSent: 0 },
    gateway: { cpuSeconds: 0, systemSeconds: 0, wallSeconds: 0, rssBytes: Number.NaN, peakRssBytes: 0, ...(rssBefore === undefined ? {} : { rssBeforeBytes: rssBefore }) },
    gc: { ms: 0, count: 0, maxPauseMs: 0, read: false },
  };
}

/** Charges the collector's pauses between two readings (epoch `fromAt`..`toAt`) to the group. */
function chargeGc(group: Group, from: GcReading | undefined, to: GcReading | undefined, fromAt: number, toAt: number): void {
  if (!from || !to) return;
  group.gc.read = true;
  group.gc.ms += to.totalMs - from.totalMs;
  group.gc.count += to.count - from.count;
  for (const [at, ms] of to.recent) if (at >= fromAt && at <= toAt) group.gc.maxPauseMs = Math.max(group.gc.maxPauseMs, ms);
}

/** Streams one group both ways for `ms`; a measured slice charges the CPU used to the group. */
async function runSlice(group: Group, upstream: BenchUpstream, ms: number, measured: boolean): Promise<void> {
  const gateway = group.process;
  const gcFrom = measured && gateway ? await readGc(gateway.pid, gateway.gcFile) : undefined;
  upstream.streamTo(group.name);
  const stopMicrophones = streamMicrophones(group.widgets, group.target, group.recorder);
  const selfFrom = sampleProcess(process.pid);
  const sentFrom = group.recorder.up.sent;
  const sample = gateway?.tree ? sampleTree : sampleProcess;
  const gatewayFrom = gateway && !gateway.exited() ? sample(gateway.pid) : undefined;
  const epochFrom = Date.now();
  await sleep(ms);
  if (measured) {
    const selfTo = sampleProcess(process.pid);
    group.bench.cpuSeconds += selfTo.cpuSeconds - selfFrom.cpuSeconds;
    group.bench.wallSeconds += (selfTo.at - selfFrom.at) / 1000;
    group.bench.framesSent += group.recorder.up.sent - sentFrom;
    if (gatewayFrom && gateway && !gateway.exited()) {
      const to = sample(gateway.pid);
      group.gateway.cpuSeconds += to.cpuSeconds - gatewayFrom.cpuSeconds;
      group.gateway.systemSeconds += to.systemSeconds - gatewayFrom.systemSeconds;
      group.gateway.wallSeconds += (to.at - gatewayFrom.at) / 1000;
      group.gateway.rssBytes = to.rssBytes;
      group.gateway.peakRssBytes = Math.max(group.gateway.peakRssBytes, to.rssBytes);
    }
  }
  stopMicrophones();
  upstream.streamTo(undefined);
  await sleep(SLICE_GAP_MS);
  // The probe writes every 100 ms: read after the gap, so the slice's last pauses are in.
  if (measured && gateway) chargeGc(group, gcFrom, await readGc(gateway.pid, gateway.gcFile), epochFrom, Date.now());
}

function result(group: Group, charged: boolean): RunResult {
  const { recorder, gateway: use } = group;
  const percent = (seconds: number, wall: number) => (wall > 0 ? (seconds / wall) * 100 : Number.NaN);
  return {
    requested: group.requested,
    connected: group.widgets.length,
    up: direction(recorder.up),
    down: direction(recorder.down),
    problems: Object.fromEntries(group.problems),
    benchCpuPercent: percent(group.bench.cpuSeconds, group.bench.wallSeconds),
    offeredSessions: group.bench.wallSeconds > 0 ? group.bench.framesSent / (FRAMES_PER_SECOND * group.bench.wallSeconds) : 0,
    ...(charged
      ? {
          gateway: {
            cpuPercent: percent(use.cpuSeconds, use.wallSeconds),
            systemCpuPercent: percent(use.systemSeconds, use.wallSeconds),
            rssBytes: use.rssBytes,
            peakRssBytes: use.peakRssBytes,
            ...(use.rssBeforeBytes === undefined ? {} : { rssBeforeBytes: use.rssBeforeBytes }),
          },
          ...(group.gc.read && use.wallSeconds > 0
            ? { gc: { msPerSecond: group.gc.ms / use.wallSeconds, maxPauseMs: group.gc.maxPauseMs, count: group.gc.count } }
            : {}),
        }
      : {}),
  };
}

async function closeGroups(groups: Group[], upstream: BenchUpstream): Promise<void> {
  await Promise.all(groups.map((group) => closeFleet(group.widgets, 10_000)));
  if (!(await waitUntil(() => upstream.openSessions === 0, 10_000))) {
    const last = groups[groups.length - 1];
    last.problems.set('upstream sessions still open 10 s after their widgets left', upstream.openSessions);
    upstream.terminateAll();
    await waitUntil(() => upstream.openSessions === 0, 2000);
  }
}

/** A gateway build under test and its group name. */
export interface BuildUnderTest {
  name: Exclude<AudioGroup, 'floor'>;
  process: GatewayProcess;
  idle: IdleBaseline | undefined;
}

/**
 * Runs `sessions` widgets straight to the upstream (floor) and `sessions` through each build,
 * all connected at once and streaming in alternate slices, so a neighbour's burst of work on
 * a shared machine hits every group alike. Each group warms up for one slice, untimed.
 */
async function runInterleaved(sessions: number, upstream: BenchUpstream, timing: StepTiming, builds: readonly BuildUnderTest[]) {
  const floorTarget: WidgetTarget = {
    kind: 'floor',
    url: `ws://127.0.0.1:${upstream.port}/openai/v1/realtime?model=${FLOOR_MODEL}`,
    apiKey: 'bench-key',
  };
  const groups = [await openGroup('floor', floorTarget, sessions, timing)];
  for (const build of builds) {
    if (build.process.exited()) continue;
    const target: WidgetTarget = { kind: 'gateway', url: `ws://127.0.0.1:${build.process.port}/v1/realtime?site=bench`, origin: 'http://127.0.0.1' };
    groups.push(await openGroup(build.name, target, sessions, timing, build.process));
  }
  upstream.recorders = Object.fromEntries(groups.map((group) => [group.name, group.recorder]));
  try {
    for (const group of groups) await runSlice(group, upstream, timing.warmupMs, false);
    const measureFrom = performance.now();
    for (const group of groups) {
      group.recorder.up.measureFrom = measureFrom;
      group.recorder.down.measureFrom = measureFrom;
    }
    const slices = Math.max(1, Math.round(timing.measureMs / timing.sliceMs));
    for (let slice = 0; slice < slices; slice++) {
      for (const group of groups) await runSlice(group, upstream, timing.measureMs / slices, true);
    }
    // Frames still in flight arrive during the drain; whatever has not arrived by then is lost.
    await sleep(timing.drainMs);
    const runs = new Map(groups.slice(1).map((group) => [group.name, result(group, true)]));
    return { floor: result(groups[0], false), runs };
  } finally {
    upstream.recorders = {};
    await closeGroups(groups, upstream);
  }
}

/** Gateway CPU and RSS with no session open, over `ms`. */
export async function measureIdle(gateway: GatewayProcess, ms: number): Promise<IdleBaseline> {
  if (gateway.tree) {
    const from = sampleTree(gateway.pid);
    await sleep(ms);
    const to = sampleTree(gateway.pid);
    return { cpuPercent: ((to.cpuSeconds - from.cpuSeconds) / ((to.at - from.at) / 1000)) * 100, rssBytes: to.rssBytes };
  }
  const watch = watchProcess(gateway.pid);
  await sleep(ms);
  const idle = watch.stop();
  return { cpuPercent: idle.cpuPercent, rssBytes: idle.rssBytes };
}

function lossOrConnectReason(run: RunResult, who: string): string | undefined {
  if (run.connected < run.requested) return `${who}: only ${run.connected} of ${run.requested} sessions connected`;
  for (const [name, dir] of [['up', run.up], ['down', run.down]] as const) {
    if (dir.lostPercent > MAX_LOST_PERCENT) return `${who}: ${dir.lostPercent.toFixed(1)} % of ${name} frames lost`;
  }
  return undefined;
}

function floorReason(floor: RunResult): string | undefined {
  const lost = lossOrConnectReason(floor, 'floor');
  if (lost) return lost;
  for (const [name, dir] of [['up', floor.up], ['down', floor.down]] as const) {
    if (dir.latencyMs.p99 > MAX_P99_MS) return `floor ${name} p99 ${dir.latencyMs.p99.toFixed(0)} ms > ${MAX_P99_MS} ms`;
  }
  return undefined;
}

/** Added latency and per-session cost of one build at one step. */
export interface BuildFigures {
  addedMs: { up: { p50: number; p99: number; max: number }; down: { p50: number; p99: number; max: number } };
  perSession?: { cpuPercent: number; rssBytes: number };
}

function figures(run: RunResult, floor: RunResult, idle: IdleBaseline | undefined): BuildFigures {
  const addedMs = { up: difference(run.up.latencyMs, floor.up.latencyMs), down: difference(run.down.latencyMs, floor.down.latencyMs) };
  if (!run.gateway || !idle) return { addedMs };
  const perSession = {
    cpuPercent: (run.gateway.cpuPercent - idle.cpuPercent) / Math.max(1, run.offeredSessions),
    rssBytes: (run.gateway.rssBytes - (run.gateway.rssBeforeBytes ?? idle.rssBytes)) / Math.max(1, run.connected),
  };
  return { addedMs, perSession };
}

function breakReason(run: RunResult, floor: RunResult, added: BuildFigures['addedMs'], who: string, process: GatewayProcess): string | undefined {
  if (process.exited()) {
    const last = process.output().split('\n').filter(Boolean).slice(-2).join(' / ');
    return `${who} exited (${process.exitReason() ?? 'unknown'}); its last output: ${last.slice(0, 300)}`;
  }
  const slow = (['up', 'down'] as const).find((name) => added[name].p99 > MAX_P99_MS);
  return (
    lossOrConnectReason(run, who) ??
    (slow ? `${who}: added ${slow} p99 ${added[slow].p99.toFixed(0)} ms > ${MAX_P99_MS} ms` : undefined) ??
    lossOrConnectReason(floor, 'floor')
  );
}

/**
 * Runs the floor and each build at one session count and derives their cost. Only the build
 * under test (`gateway`) stops stepping when it breaks; a baseline that breaks is reported.
 */
export async function runAudioStep(sessions: number, upstream: BenchUpstream, timing: StepTiming, builds: readonly BuildUnderTest[]): Promise<AudioStep> {
  const { floor, runs } = await runInterleaved(sessions, upstream, timing, builds);
  const step: AudioStep = { sessions, floor };
  // A saturated measuring process does not stop stepping: the gateway's CPU and memory per
  // session stay readable on its own core; only its latency figures lose their meaning.
  const saturated = floorReason(floor);
  if (saturated) step.floorSaturated = `measuring process saturated: ${saturated}`;
  const current = builds.find((build) => build.name === 'gateway');
  const run = runs.get('gateway');
  for (const name of ['baseline', 'workers', 'coalesced'] as const) {
    const build = builds.find((candidate) => candidate.name === name);
    const other = runs.get(name);
    if (!build || !other) continue;
    const measured = figures(other, floor, build.idle);
    const broke = breakReason(other, floor, measured.addedMs, name, build.process);
    step[name] = { run: other, ...measured, ...(broke ? { broke } : {}) };
  }
  if (!run || !current) {
    const lost = lossOrConnectReason(floor, 'floor');
    if (lost) step.broke = lost;
    return step;
  }
  step.gateway = run;
  Object.assign(step, figures(run, floor, current.idle));
  const broke = breakReason(run, floor, step.addedMs as BuildFigures['addedMs'], 'gateway', current.process);
  if (broke) step.broke = broke;
  return step;
}
