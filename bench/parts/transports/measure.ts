/**
 * Part "transports": the same scripted conversation over `websocket` and over `webrtc`, N
 * visitors at once, through one gateway child process with both sites; reports the gateway's
 * CPU per session, the visitor's bytes per conversation-minute each way, and end of speech →
 * first answer audio. Loopback only; everything it starts, it stops.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { freePort, startGateway, type GatewayProcess } from '../../gateway-process.js';
import { sampleProcess } from '../../proc-stats.js';
import { waitUntil } from '../../timeouts.js';
import { addCounts, cpuPerSession, perMinute, summarizeLatency, TCP_IP_HEADER_BYTES, UDP_IP_HEADER_BYTES, type LatencySummary, type LinkCount, type PerMinute } from '../../transport-figures.js';
import { measureIdle } from '../audio.js';
import { BENCH_ORIGIN } from './control-socket.js';
import { converse, type Script } from './conversation.js';
import { OPUS_BITRATE } from './opus-voice.js';
import type { TurnTiming } from './service-turn.js';
import { startTurnUpstream, type TurnUpstream } from './turn-upstream.js';
import { openCallVisitor } from './visitor-rtc.js';
import { openSocketVisitor, type BenchVisitor, type LinkPair, type VisitorCounts } from './visitor-ws.js';

export type TransportName = 'websocket' | 'webrtc';

/** One transport's figures. */
export interface TransportFigures {
  transport: TransportName;
  sessions: number;
  /** Sessions that connected and finished the script. */
  completed: number;
  turns: number;
  missedTurns: number;
  /** Mean length of one session's script, seconds (the "conversation" of the per-minute figures). */
  conversationSeconds: number;
  /** The gateway's CPU from the first connect to the last close, less idle: per session of the script, and per conversation-minute. */
  gatewayCpu: { msPerSession: number; msPerConversationMinute: number; cpuMs: number; wallMs: number };
  /** One visitor's link per conversation-minute, each way, everything on it. */
  up: PerMinute;
  down: PerMinute;
  /** The control socket's part of it (webrtc; on websocket it is everything). */
  control: { up: PerMinute; down: PerMinute };
  endOfSpeechToAudioMs: LatencySummary;
  problems: string[];
}

export interface TransportsResult {
  sessions: number;
  script: Script;
  timing: TurnTiming;
  opusBitrate: number;
  idleCpuPercent: number;
  runs: TransportFigures[];
}

const SITES: Record<TransportName, string> = { websocket: 'turns-ws', webrtc: 'turns-rtc' };

function writeConfig(dir: string, gatewayPort: number, upstreamPort: number): string {
  mkdirSync(join(dir, 'transports'), { recursive: true });
  writeFileSync(join(dir, 'transports/index.md'), '# Bench\n\n## About\n\nThe transports bench has one page.\n');
  const site = (transport: TransportName) => ({
    origins: [BENCH_ORIGIN],
    engine: 'turns',
    transport,
    limits: { max_session_seconds: 600, idle_seconds: 600 },
    retrieval: { kind: 'local', sources: ['transports/*.md'], cache_dir: 'cache' },
  });
  const config = {
    server: { host: '127.0.0.1', port: gatewayPort, log_level: 'warn', drain_seconds: 0 },
    store: { kind: 'memory' },
    engines: { turns: { kind: 'azure-openai', endpoint: `http://127.0.0.1:${upstreamPort}`, deployment: 'turns', api_key: 'bench-key', api_version: 'v1' } },
    sites: { [SITES.websocket]: site('websocket'), [SITES.webrtc]: site('webrtc') },
  };
  const path = join(dir, 'voice-rag.transports.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

const minus = (a: LinkCount, b: LinkCount): LinkCount => ({ bytes: a.bytes - b.bytes, packets: a.packets - b.packets });
const pairMinus = (a: LinkPair, b: LinkPair): LinkPair => ({ up: minus(a.up, b.up), down: minus(a.down, b.down) });

interface SessionOutcome {
  latenciesMs: number[];
  missed: number;
  seconds: number;
  control: LinkPair;
  media?: LinkPair;
}

async function oneSession(open: () => Promise<BenchVisitor>, script: Script, startDelayMs: number): Promise<SessionOutcome> {
  const visitor = await open();
  try {
    await sleep(startDelayMs);
    const from: VisitorCounts = visitor.counts();
    const talk = await converse(visitor, script);
    const to = visitor.counts();
    return { ...talk, control: pairMinus(to.control, from.control), ...(to.media && from.media ? { media: pairMinus(to.media, from.media) } : {}) };
  } finally {
    await visitor.close();
  }
}

async function runTransport(transport: TransportName, gateway: GatewayProcess, upstream: TurnUpstream, sessions: number, script: Script, idleCpuPercent: number): Promise<TransportFigures> {
  const site = SITES[transport];
  const open = () => (transport === 'webrtc' ? openCallVisitor(gateway.port, site) : openSocketVisitor(gateway.port, site));
  const before = sampleProcess(gateway.pid);
  // Spread over one turn, so the visitors do not all speak in the same 20 ms.
  const spreadMs = script.speechMs + script.gapMs;
  const settled = await Promise.allSettled(Array.from({ length: sessions }, (_, i) => oneSession(open, script, (i * spreadMs) / sessions)));
  const problems = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason instanceof Error ? outcome.reason.message : outcome.reason)] : []));
  if (!(await waitUntil(() => upstream.open.sockets === 0 && upstream.open.calls === 0, 10_000))) {
    problems.push(`still open at the service 10 s after the visitors left: ${JSON.stringify(upstream.open)}`);
  }
  const after = sampleProcess(gateway.pid);
  const done = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const seconds = done.reduce((sum, session) => sum + session.seconds, 0);
  const sum = (pick: (session: SessionOutcome) => LinkCount | undefined) => addCounts(...done.map(pick).filter((count): count is LinkCount => count !== undefined));
  const control = { up: perMinute(sum((s) => s.control.up), seconds, TCP_IP_HEADER_BYTES), down: perMinute(sum((s) => s.control.down), seconds, TCP_IP_HEADER_BYTES) };
  const media = { up: perMinute(sum((s) => s.media?.up), seconds, UDP_IP_HEADER_BYTES), down: perMinute(sum((s) => s.media?.down), seconds, UDP_IP_HEADER_BYTES) };
  const add = (a: PerMinute, b: PerMinute): PerMinute => ({ bytes: a.bytes + b.bytes, withIpHeaders: a.withIpHeaders + b.withIpHeaders, packets: a.packets + b.packets });
  const conversationSeconds = done.length ? seconds / done.length : Number.NaN;
  const cpuMs = (after.cpuSeconds - before.cpuSeconds) * 1000;
  const wallMs = after.at - before.at;
  return {
    transport,
    sessions,
    completed: done.length,
    turns: done.length * script.turns,
    missedTurns: done.reduce((total, session) => total + session.missed, 0),
    conversationSeconds,
    gatewayCpu: { ...cpuPerSession({ cpuMs, wallMs, idleCpuPercent, sessions: Math.max(1, done.length), conversationMinutes: conversationSeconds / 60 }), cpuMs, wallMs },
    up: add(control.up, media.up),
    down: add(control.down, media.down),
    control,
    endOfSpeechToAudioMs: summarizeLatency(done.flatMap((session) => session.latenciesMs)),
    problems,
  };
}

/** Runs the section: its own scripted service and gateway (pinned to `cpu`), then each transport in turn. */
export async function measureTransports(options: {
  dir: string;
  cpu: number;
  sessions: number;
  script: Script;
  timing: TurnTiming;
  readyTimeoutMs: number;
  order?: TransportName[];
  log(message: string): void;
}): Promise<TransportsResult> {
  const upstream = await startTurnUpstream(options.timing);
  let gateway: GatewayProcess | undefined;
  try {
    const port = await freePort();
    gateway = await startGateway({ configPath: writeConfig(options.dir, port, upstream.port), port, cpu: options.cpu, readyTimeoutMs: options.readyTimeoutMs });
    const idle = await measureIdle(gateway, 2000);
    const runs: TransportFigures[] = [];
    for (const transport of options.order ?? (['websocket', 'webrtc'] as const)) {
      const started = performance.now();
      const run = await runTransport(transport, gateway, upstream, options.sessions, options.script, idle.cpuPercent);
      if (upstream.problems.length) run.problems.push(...upstream.problems.splice(0));
      runs.push(run);
      options.log(`transports: ${transport}: ${run.completed}/${run.sessions} sessions in ${((performance.now() - started) / 1000).toFixed(1)} s, p50 ${run.endOfSpeechToAudioMs.p50.toFixed(0)} ms`);
    }
    return { sessions: options.sessions, script: options.script, timing: options.timing, opusBitrate: OPUS_BITRATE, idleCpuPercent: idle.cpuPercent, runs };
  } finally {
    await gateway?.stop();
    await upstream.close();
  }
}
