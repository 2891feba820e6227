/**
 * Part 1: the audio path under load. For each session count the same load runs straight
 * against the bench upstream (the floor) and through the gateway, in alternate slices; the
 * gateway's figures are read as the difference, and its CPU and memory from /proc.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayProcess } from '../gateway-process.js';
import { sampleProcess, watchProcess, type ProcUse } from '../proc-stats.js';
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
  requested: number;
  widgets: SimWidget[];
  recorder: StepRecorder;
  problems: Problems;
  bench: { cpuSeconds: number; wallSeconds: number; framesSent: number };
  gateway: { cpuSeconds: number; systemSeconds: number; wallSeconds: number; rssBytes: number; peakRssBytes: number };
}

async function openGroup(name: AudioGroup, target: WidgetTarget, sessions: number, timing: StepTiming): Promise<Group> {
  const recorder = createStepRecorder();
  const problems: Problems = new Map();
  const widgets = await openFleet(sessions, target, () => recorder, problems, { batch: timing.connectBatch, timeoutMs: 20_000 });
  return {
    name,
    target,
    requested: sessions,
    widgets,
    recorder,
    problems,
    bench: { cpuSeconds: 0, wallSeconds: 0, framesSent: 0 },
    gateway: { cpuSeconds: 0, systemSeconds: 0, wallSeconds: 0, rssBytes: Number.NaN, peakRssBytes: 0 },
  };
}

/** Streams one group both ways for `ms`; a measured slice charges the CPU used to the group. */
async function runSlice(group: Group, upstream: BenchUpstream, ms: number, measured: boolean, gateway?: GatewayProcess): Promise<void> {
  upstream.streamTo(group.name);
  const stopMicrophones = streamMicrophones(group.widgets, group.target, group.recorder);
  const selfFrom = sampleProcess(process.pid);
  const sentFrom = group.recorder.up.sent;
  const gatewayFrom = gateway && !gateway.exited() ? sampleProcess(gateway.pid) : undefined;
  await sleep(ms);
  if (measured) {
    const selfTo = sampleProcess(process.pid);
    group.bench.cpuSeconds += selfTo.cpuSeconds - selfFrom.cpuSeconds;
    group.bench.wallSeconds += (selfTo.at - selfFrom.at) / 1000;
    group.bench.framesSent += group.recorder.up.sent - sentFrom;
    if (gatewayFrom && gateway && !gateway.exited()) {
      const to = sampleProcess(gateway.pid);
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
          },
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

/**
 * Runs `sessions` widgets straight to the upstream (floor) and `sessions` through the gateway,
 * both connected at once and streaming in alternate slices, so a neighbour's burst of work on
 * a shared machine hits both alike. Each group warms up for one slice, untimed.
 */
async function runInterleaved(sessions: number, upstream: BenchUpstream, timing: StepTiming, gateway: GatewayProcess | undefined) {
  const floorTarget: WidgetTarget = {
    kind: 'floor',
    url: `ws://127.0.0.1:${upstream.port}/openai/v1/realtime?model=${FLOOR_MODEL}`,
    apiKey: 'bench-key',
  };
  const groups = [await openGroup('floor', floorTarget, sessions, timing)];
  if (gateway && !gateway.exited()) {
    const target: WidgetTarget = { kind: 'gateway', url: `ws://127.0.0.1:${gateway.port}/v1/realtime?site=bench`, origin: 'http://127.0.0.1' };
    groups.push(await openGroup('gateway', target, sessions, timing));
  }
  upstream.recorders = Object.fromEntries(groups.map((group) => [group.name, group.recorder]));
  try {
    for (const group of groups) await runSlice(group, upstream, timing.warmupMs, false, gateway);
    const measureFrom = performance.now();
    for (const group of groups) {
      group.recorder.up.measureFrom = measureFrom;
      group.recorder.down.measureFrom = measureFrom;
    }
    const slices = Math.max(1, Math.round(timing.measureMs / timing.sliceMs));
    for (let slice = 0; slice < slices; slice++) {
      for (const group of groups) await runSlice(group, upstream, timing.measureMs / slices, true, gateway);
    }
    // Frames still in flight arrive during the drain; whatever has not arrived by then is lost.
    await sleep(timing.drainMs);
    return { floor: result(groups[0], false), gateway: groups[1] ? result(groups[1], true) : undefined };
  } finally {
    upstream.recorders = {};
    await closeGroups(groups, upstream);
  }
}

/** Gateway CPU and RSS with no session open, over `ms`. */
export async function measureIdle(gateway: GatewayProcess, ms: number): Promise<IdleBaseline> {
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

/** Runs the floor and the gateway at one session count and derives the gateway's cost. */
export async function runAudioStep(
  sessions: number,
  upstream: BenchUpstream,
  timing: StepTiming,
  gateway: GatewayProcess | undefined,
  idle: IdleBaseline | undefined,
): Promise<AudioStep> {
  const { floor, gateway: run } = await runInterleaved(sessions, upstream, timing, gateway);
  const step: AudioStep = { sessions, floor };
  // A saturated measuring process does not stop stepping: the gateway's CPU and memory per
  // session stay readable on its own core; only its latency figures lose their meaning.
  const saturated = floorReason(floor);
  if (saturated) step.floorSaturated = `measuring process saturated: ${saturated}`;
  if (!run || !gateway) {
    const lost = lossOrConnectReason(floor, 'floor');
    if (lost) step.broke = lost;
    return step;
  }
  step.gateway = run;
  step.addedMs = { up: difference(run.up.latencyMs, floor.up.latencyMs), down: difference(run.down.latencyMs, floor.down.latencyMs) };
  if (run.gateway && idle) {
    step.perSession = {
      cpuPercent: (run.gateway.cpuPercent - idle.cpuPercent) / Math.max(1, run.offeredSessions),
      rssBytes: (run.gateway.rssBytes - idle.rssBytes) / Math.max(1, run.connected),
    };
  }
  const added = step.addedMs;
  const slow = (['up', 'down'] as const).find((name) => added[name].p99 > MAX_P99_MS);
  const broke =
    lossOrConnectReason(run, 'gateway') ??
    (slow ? `gateway: added ${slow} p99 ${added[slow].p99.toFixed(0)} ms > ${MAX_P99_MS} ms` : undefined) ??
    lossOrConnectReason(floor, 'floor');
  if (broke) step.broke = broke;
  if (gateway.exited()) {
    const last = gateway.output().split('\n').filter(Boolean).slice(-2).join(' / ');
    step.broke = `gateway exited (${gateway.exitReason() ?? 'unknown'}); its last output: ${last.slice(0, 300)}`;
  }
  return step;
}
