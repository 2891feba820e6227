/**
 * `voice-rag serve --workers N` on node:cluster: the primary forks N workers that share one
 * listening port, answers their limits-store calls from its own memory store when the config
 * has no Redis, relays their requests for every worker's metrics and status, re-forks a worker
 * that dies, and on SIGTERM/SIGINT has every worker drain and waits for all of them.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { systemClock } from '../clock.js';
import { serveGather } from './cluster-gather.js';
import { loadConfig } from './config-file.js';
import { createChannelStore, serveStore, type StoreChannel } from '../limits/stores/channel.js';
import { createMemoryStore } from '../limits/stores/memory.js';
import type { Store } from '../limits/stores/store.js';

/** What `--workers` accepts: a count, or `auto` (one per core). */
export function parseWorkers(value: string, cores = availableParallelism()): number | undefined {
  if (value === 'auto') return cores;
  const count = Number(value);
  return Number.isInteger(count) && count >= 1 && count <= 256 ? count : undefined;
}

/** What decides the number of processes when `serve` has no `--workers`. */
export interface WorkersDefaultInput {
  /** `server.workers` of the config, if set. */
  configured: number | 'auto' | undefined;
  /** The port `serve` will listen on (`--port`, else `server.port`). */
  port: number;
  /** `NODE_ENV`. */
  nodeEnv: string | undefined;
  cores: number;
}

/**
 * `serve` without `--workers`: `server.workers` when the config sets it; otherwise one process
 * per core where the setup allows it, which is in production (`NODE_ENV=production`, as the
 * container image sets) on a fixed port. Port 0 (a test or a throwaway run) and development
 * keep one process, whose log and port are the ones printed.
 */
export function defaultWorkers(input: WorkersDefaultInput): { workers: number; why: string } {
  if (input.configured !== undefined) {
    return { workers: input.configured === 'auto' ? input.cores : input.configured, why: `server.workers: ${input.configured}` };
  }
  if (input.nodeEnv !== 'production') return { workers: 1, why: 'NODE_ENV is not production' };
  if (input.port === 0) return { workers: 1, why: 'port 0' };
  return { workers: Math.max(1, input.cores), why: `one per core (${input.cores})` };
}

/**
 * The process count of `serve` without `--workers`, from the config file (see {@link defaultWorkers}).
 * A config that does not load gives 1: the single process then reports it as `serve` always has.
 */
export async function workersFromConfig(configPath: string, port: number | undefined): Promise<{ workers: number; why: string }> {
  const env = port !== undefined && process.env.PORT === undefined ? { ...process.env, PORT: String(port) } : process.env;
  try {
    const { config } = await loadConfig(configPath, env);
    const input = { configured: config.server.workers, port: port ?? config.server.port, nodeEnv: process.env.NODE_ENV, cores: availableParallelism() };
    return defaultWorkers(input);
  } catch {
    return { workers: 1, why: 'the config did not load' };
  }
}

/** Set in a worker's environment: the primary answers store calls over IPC. */
const SHARED_STORE_ENV = 'VOICE_RAG_PRIMARY_STORE';

/** True in a worker forked by {@link runPrimary}. */
export const isGatewayWorker = (): boolean => cluster.isWorker;

/** In a worker, the primary's limits store over IPC (undefined when the workers use Redis). */
export function primaryStore(): Store | undefined {
  if (!cluster.isWorker || process.env[SHARED_STORE_ENV] !== '1') return undefined;
  const channel: StoreChannel = {
    send: (message) => process.send?.(message),
    onMessage: (listener) => {
      process.on('message', listener);
    },
  };
  return createChannelStore({ channel, clock: systemClock, timeoutMs: 2000 });
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  configPath: string;
  workers: number;
  port?: number;
  /** Arguments of `serve` for the workers, without `--workers` and `--port`. */
  serveArgs: string[];
  log(line: string): void;
}

/**
 * Runs the primary until every worker has exited after a signal. Workers run this same CLI
 * (`process.argv[1]`) with `serve` and the resolved port, so port 0 means one free port for all.
 */
export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const env = options.port !== undefined && process.env.PORT === undefined ? { ...process.env, PORT: String(options.port) } : process.env;
  const { config } = await loadConfig(options.configPath, env);
  const wanted = options.port ?? config.server.port;
  const port = wanted === 0 ? await freePort(config.server.host) : wanted;
  const shared = config.store.kind === 'memory' ? createMemoryStore(systemClock) : undefined;
  cluster.setupPrimary({
    exec: process.argv[1],
    args: [...options.serveArgs, '--port', String(port)],
  });
  let stopping = false;
  // A worker that exited may stay in cluster.workers until its IPC channel also closes (the order
  // varies by Node version), so "all exited" asks each worker, not the table's length.
  const live = () => Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
  // /metrics and /status of any worker read every worker through here.
  const answerGathers = serveGather(live);
  const fork = (): Worker => {
    const worker = cluster.fork({ [SHARED_STORE_ENV]: shared ? '1' : '0', ...(options.port !== undefined ? { PORT: String(port) } : {}) });
    answerGathers(worker);
    if (shared) {
      serveStore(shared, {
        send: (message) => worker.isConnected() && worker.send(message as object),
        onMessage: (listener) => {
          worker.on('message', listener);
        },
      });
    }
    return worker;
  };
  let allExited = () => {};
  const exited = new Promise<void>((resolve) => (allExited = resolve));
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      options.log(`voice-rag: worker ${worker.process.pid} ended (${signal ?? `code ${code}`}); starting another`);
      fork();
    } else if (live().every((each) => each.isDead())) allExited();
  });
  for (let i = 0; i < options.workers; i++) fork();
  options.log(`voice-rag: ${options.workers} workers on port ${port} (limits ${shared ? "in the primary's memory, over IPC" : 'in Redis'})`);
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Each worker drains its own sessions (server.drain_seconds) and exits; the primary waits for all.
    for (const worker of live()) worker.process.kill(signal);
    if (live().every((each) => each.isDead())) allExited();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGTERM'));
  await exited;
  await shared?.close();
}
