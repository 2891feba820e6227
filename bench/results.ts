/**
 * The shape of one bench run (bench/results/latest.json) and the target checks derived from it.
 */
import type { MachineInfo } from './machine.js';
import type { AudioStep, IdleBaseline, StepTiming } from './parts/audio.js';
import type { ConnectResult } from './parts/connect.js';
import type { IdleMemory } from './parts/idle-memory.js';
import type { RetrievalResult } from './parts/retrieval.js';
import type { ToolResult } from './parts/tool.js';
import type { TransportsResult } from './parts/transports/measure.js';
import type { WidgetSizeResult } from './parts/widget-size.js';

/** A part's outcome: its figures, or why it could not run. */
export type Part<T> = { status: 'ok'; value: T } | { status: 'not available'; reason: string };

/** The audio part's figures. */
export interface AudioResult {
  timing: StepTiming;
  idle: IdleBaseline | undefined;
  /** The baseline build's idle figures (`--baseline`). */
  baselineIdle?: IdleBaseline;
  /** The `serve --workers N` run's idle figures (`--workers`). */
  workersIdle?: IdleBaseline;
  /** The coalescing gateway's idle figures (`--coalesce-ms`). */
  coalescedIdle?: IdleBaseline;
  steps: AudioStep[];
  stoppedBecause?: string;
}

/** Everything one run measured. */
export interface BenchResults {
  command: string;
  mode: 'full' | 'quick';
  machine: MachineInfo;
  loadAverageAfter: number[];
  durationS: number;
  setup: {
    gatewayBuild: string;
    gateway: string;
    /** The recorded build of an earlier commit measured in the same run, or why not. */
    baseline?: string;
    /** The `serve --workers N` gateway, when the run had one. */
    workers?: string;
    /** The gateway with `audio.coalesce_ms` set, when the run had one. */
    coalesced?: string;
    upstreamSeen?: { paths: string[]; withApiKey: number; withoutApiKey: number; sessionUpdates: number };
  };
  /** RSS of each build idle with one small site. */
  idleMemory: Part<IdleMemory[]>;
  audio: Part<AudioResult>;
  tool: Part<ToolResult>;
  connect: Part<ConnectResult>;
  retrieval: Part<RetrievalResult>;
  widget: Part<WidgetSizeResult>;
  /** `websocket` and `webrtc` side by side (absent in runs before the section existed). */
  transports?: Part<TransportsResult>;
  targets: TargetCheck[];
}

/** One target and whether this run met it (`null`: not measured). */
export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  pass: boolean | null;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

/** The targets, checked against a run. */
export function checkTargets(results: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const missing = (name: string, target: string, reason: string) => checks.push({ name, target, measured: `not measured (${reason})`, pass: null });
  const audio = results.audio.status === 'ok' ? results.audio.value : undefined;
  const at200 = audio?.steps.find((step) => step.sessions === 200 && step.gateway);
  if (at200?.addedMs && at200.gateway) {
    const { up, down } = at200.addedMs;
    const caveat = at200.floorSaturated ? ' (measuring process saturated)' : '';
    checks.push({ name: 'added p99, microphone → upstream, 200 sessions', target: '≤ 5 ms', measured: ms(up.p99) + caveat, pass: up.p99 <= 5 });
    checks.push({ name: 'added p99, upstream → widget, 200 sessions', target: '≤ 5 ms', measured: ms(down.p99) + caveat, pass: down.p99 <= 5 });
    const lost = at200.gateway.up.lost + at200.gateway.down.lost + at200.gateway.up.corrupt + at200.gateway.down.corrupt;
    checks.push({ name: 'frames lost through the gateway, 200 sessions', target: '0', measured: String(lost), pass: lost === 0 });
  } else {
    const reason = results.audio.status === 'ok' ? 'no gateway step at 200 sessions' : results.audio.reason;
    missing('added p99 each way, 200 sessions', '≤ 5 ms', reason);
    missing('frames lost through the gateway, 200 sessions', '0', reason);
  }
  // The per-session cost is read at the largest session count measured through the gateway
  // before anything broke: more sessions, less noise from the idle baseline.
  const costStep = [...(audio?.steps ?? [])].reverse().find((step) => step.perSession && !step.broke?.startsWith('gateway'));
  if (costStep?.perSession) {
    const cpu = costStep.perSession.cpuPercent;
    const kb = costStep.perSession.rssBytes / 1024;
    checks.push({ name: `gateway CPU per session (at ${costStep.sessions})`, target: '≤ 0.1 % of one core', measured: `${cpu.toFixed(4)} %`, pass: cpu <= 0.1 });
    // RSS that fell while sessions were open (the collector returned pages) says nothing per session.
    const readable = kb >= 0;
    checks.push({
      name: `gateway memory per session (at ${costStep.sessions})`,
      target: '≤ 100 KB',
      measured: readable ? `${kb.toFixed(0)} KB` : `not readable (RSS fell by ${(-kb).toFixed(0)} KB per session during the step)`,
      pass: readable ? kb <= 100 : null,
    });
  } else {
    missing('gateway CPU and memory per session', '≤ 0.1 % / ≤ 100 KB', results.audio.status === 'ok' ? 'no gateway step' : results.audio.reason);
  }
  const at100 = audio?.steps.find((step) => step.sessions === 100 && step.addedMs);
  if (at100?.addedMs) {
    const max = Math.max(at100.addedMs.up.max, at100.addedMs.down.max);
    checks.push({ name: 'added max, either way, 100 sessions', target: '≤ 10 ms', measured: ms(max), pass: max <= 10 });
  } else missing('added max, 100 sessions', '≤ 10 ms', 'no gateway step at 100 sessions');
  const idle = results.idleMemory.status === 'ok' ? results.idleMemory.value[0] : undefined;
  if (idle) {
    const mb = idle.rssBytes / 2 ** 20;
    checks.push({ name: 'idle RSS, one small site', target: '≤ 60 MB', measured: `${mb.toFixed(1)} MB`, pass: mb <= 60 });
  } else missing('idle RSS, one small site', '≤ 60 MB', results.idleMemory.status === 'ok' ? 'no figure' : results.idleMemory.reason);
  if (results.tool.status === 'ok') {
    const p50 = results.tool.value.roundTripMs.p50;
    checks.push({ name: 'tool round trip p50 (local index)', target: '≤ 2 ms', measured: ms(p50), pass: p50 <= 2 });
  } else missing('tool round trip p50 (local index)', '≤ 2 ms', results.tool.reason);
  if (results.connect.status === 'ok') {
    const overhead = results.connect.value.overheadP50Ms;
    checks.push({ name: 'connect overhead p50', target: '≤ 5 ms', measured: ms(overhead), pass: overhead <= 5 });
  } else missing('connect overhead p50', '≤ 5 ms', results.connect.reason);
  if (results.widget.status === 'ok') {
    const bytes = results.widget.value.totalGzipBytes;
    checks.push({ name: 'widget, gzipped, everything a page loads', target: '≤ 20 KB (20 480 bytes)', measured: `${bytes} bytes`, pass: bytes <= 20_480 });
  } else missing('widget, gzipped', '≤ 20 KB', results.widget.reason);
  return checks;
}
