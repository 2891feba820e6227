/**
 * Command-line options and the two run profiles: full (under 10 minutes) and `--quick`
 * (under a minute, for development; its figures are indicative only).
 */
import type { StepTiming } from './parts/audio.js';
import type { Script } from './parts/transports/conversation.js';
import type { TurnTiming } from './parts/transports/service-turn.js';

/**
 * Both processes run at this nice value unless `--no-priority`: on a shared machine other
 * work would otherwise preempt them and the figures would measure the neighbours.
 */
export const DEFAULT_NICE = -10;

/** Parts that can be run on their own with `--only`. */
export const PART_NAMES = ['audio', 'tool', 'connect', 'retrieval', 'widget', 'transports'] as const;
/** One of {@link PART_NAMES}. */
export type PartName = (typeof PART_NAMES)[number];

/** Everything a run is parameterised by. */
export interface BenchOptions {
  mode: 'full' | 'quick';
  steps: number[];
  timing: StepTiming;
  /** Sections (≈ chunks) in the synthetic corpus. */
  corpusSections: number;
  toolTurns: number;
  connectCount: number;
  retrievalRounds: number;
  /** Whole-run budget; stepping stops before it would be exceeded. */
  budgetMs: number;
  build: boolean;
  /** Nice value for the measuring process and (inherited) the gateway; `undefined`: leave it. */
  nice: number | undefined;
  parts: Set<PartName>;
  /** Extra Node flags for the gateway (`--gateway-node-args "--trace-gc"`), for looking into a figure. */
  gatewayNodeArgs: string[];
  /** File that receives everything the gateway prints (`--gateway-log`). */
  gatewayLog: string | undefined;
  /** The gateway's `server.log_level` (`--gateway-log-level`, default warn). */
  gatewayLogLevel: string | undefined;
  outDir: string;
  command: string;
  /** Commit (or tag) whose build runs the same load in the same run; undefined: none. */
  baseline: string | undefined;
  /** Also run the audio steps against `serve --workers N` of this build (0: no). */
  workers: number;
  /** Also run them against this build with the bench site's `audio.coalesce_ms` at this value (0: no). */
  coalesceMs: number;
  /** The "transports" section: visitors at once per transport (`--transport-sessions`), their script, and the service's timing. */
  transports: { sessions: number; script: Script; timing: TurnTiming };
}

/** One turn: 1.2 s of speech, the answer 200 ms after its end (the "model delay"), 1.2 s long. */
const TURN_TIMING: TurnTiming = { modelDelayMs: 200, answerMs: 1200 };
const turnScript = (turns: number): Script => ({ turns, speechMs: 1200, gapMs: 400, quietMs: 150, answerTimeoutMs: 5000 });

const FULL: Omit<BenchOptions, 'build' | 'nice' | 'parts' | 'gatewayNodeArgs' | 'gatewayLog' | 'gatewayLogLevel' | 'outDir' | 'command' | 'baseline' | 'workers' | 'coalesceMs'> = {
  mode: 'full',
  steps: [50, 100, 200, 400],
  timing: { warmupMs: 1500, measureMs: 8000, sliceMs: 2000, drainMs: 1000, connectBatch: 50 },
  corpusSections: 10_000,
  toolTurns: 200,
  connectCount: 100,
  retrievalRounds: 2,
  budgetMs: 14 * 60_000,
  transports: { sessions: 6, script: turnScript(6), timing: TURN_TIMING },
};

const QUICK: typeof FULL = {
  mode: 'quick',
  steps: [50, 200],
  timing: { warmupMs: 1000, measureMs: 4000, sliceMs: 2000, drainMs: 500, connectBatch: 50 },
  corpusSections: 2_000,
  toolTurns: 30,
  connectCount: 20,
  retrievalRounds: 1,
  budgetMs: 3 * 60_000,
  transports: { sessions: 4, script: turnScript(3), timing: TURN_TIMING },
};

/** Parses `process.argv`-style arguments. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const base = quick ? QUICK : FULL;
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at === -1 ? undefined : argv[at + 1];
  };
  const steps = value('--steps')?.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const measureS = Number(value('--measure-s'));
  const only = value('--only')?.split(',') ?? [...PART_NAMES];
  const unknown = only.filter((name) => !(PART_NAMES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; parts are ${PART_NAMES.join(', ')}`);
  return {
    ...base,
    steps: steps?.length ? steps : base.steps,
    timing: { ...base.timing, ...(measureS > 0 ? { measureMs: measureS * 1000 } : {}) },
    build: !argv.includes('--no-build'),
    nice: argv.includes('--no-priority') ? undefined : DEFAULT_NICE,
    parts: new Set(only as PartName[]),
    gatewayNodeArgs: value('--gateway-node-args')?.split(' ').filter(Boolean) ?? [],
    gatewayLog: value('--gateway-log'),
    gatewayLogLevel: value('--gateway-log-level'),
    outDir: value('--out') ?? 'bench/results',
    baseline: value('--baseline') === 'none' ? undefined : (value('--baseline') ?? 'HEAD~1'),
    workers: Number(value('--workers') ?? (quick ? 0 : 2)) || 0,
    coalesceMs: Number(value('--coalesce-ms') ?? (quick ? 0 : 60)) || 0,
    transports: { ...base.transports, sessions: Number(value('--transport-sessions')) || base.transports.sessions },
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}
