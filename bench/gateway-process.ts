/**
 * The gateway under test, as a separate process from the compiled build, pinned to its own
 * core: build check, temporary config, start, readiness, stop (always, even on a crash).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';

/** The repository root (bench/ is one level down). */
export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const CLI = join(ROOT, 'dist/gateway/cli.js');

function newestMtime(dir: string, suffix: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, suffix));
    else if (entry.name.endsWith(suffix)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Compiles the gateway when dist/gateway/cli.js is missing or older than gateway/ sources. */
export function ensureGatewayBuild(): { rebuilt: boolean; ok: boolean; detail: string } {
  const stale = !existsSync(CLI) || statSync(CLI).mtimeMs < newestMtime(join(ROOT, 'gateway'), '.ts');
  if (!stale) return { rebuilt: false, ok: true, detail: 'dist/gateway is up to date' };
  const result = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  // tsc emits even with type errors; what matters is whether the CLI exists now.
  const errors = (result.stdout ?? '').split('\n').filter((line) => line.includes('error TS')).length;
  const ok = existsSync(CLI);
  return { rebuilt: true, ok, detail: ok ? `compiled (${errors} type errors reported)` : 'dist/gateway/cli.js missing after tsc' };
}

/** A free loopback port (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Writes the bench's gateway config and returns its path. */
export function writeGatewayConfig(options: {
  dir: string;
  gatewayPort: number;
  upstreamPort: number;
  /** Glob (relative to dir) of the small corpus for the audio site. */
  tinySources: string;
  /** Glob (relative to dir) of the 10 000-chunk corpus for the tool site. */
  corpusSources: string;
  /** The gateway's log level (default warn). */
  logLevel?: string;
  /** Deployment of the audio site's engine: the bench upstream tells the groups apart by it. */
  audioDeployment?: string;
  /** File name of the config (one per gateway under test). */
  name?: string;
  /** Only the small audio site (the idle-memory check: one small site). */
  smallSiteOnly?: boolean;
  /** The audio site's `audio.coalesce_ms` (default: the site's default, off). */
  coalesceMs?: number;
}): string {
  const engine = (deployment: string) => ({
    kind: 'azure-openai',
    endpoint: `http://127.0.0.1:${options.upstreamPort}`,
    deployment,
    api_key: 'bench-key',
    api_version: 'v1',
  });
  const limits = { max_session_seconds: 600, idle_seconds: 600 };
  const local = (source: string) => ({ kind: 'local', sources: [source], cache_dir: 'cache' });
  const config = {
    server: { host: '127.0.0.1', port: options.gatewayPort, log_level: options.logLevel ?? 'warn', drain_seconds: 0, max_buffered_kb: 4096 },
    store: { kind: 'memory' },
    engines: { bench: engine(options.audioDeployment ?? 'bench'), 'bench-tool': engine('bench-tool') },
    sites: {
      bench: {
        origins: ['http://127.0.0.1'],
        engine: 'bench',
        limits,
        retrieval: local(options.tinySources),
        ...(options.coalesceMs ? { audio: { coalesce_ms: options.coalesceMs } } : {}),
      },
      ...(options.smallSiteOnly ? {} : { 'bench-rag': {
        origins: ['http://127.0.0.1'],
        engine: 'bench-tool',
        turn_detection: { type: 'manual' },
        limits,
        retrieval: local(options.corpusSources),
      } }),
    },
  };
  const path = join(options.dir, options.name ?? 'voice-rag.bench.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

/** A running gateway under test. */
export interface GatewayProcess {
  pid: number;
  port: number;
  /** Where its collector pauses are written (bench/gc-probe.mjs), if probed. */
  gcFile?: string;
  /** A cluster primary: CPU and memory are its own plus its workers'. */
  tree?: boolean;
  /** The last lines it printed, for "not available" reasons. */
  output(): string;
  exited(): boolean;
  /** How it ended (`code 0`, `signal SIGTERM`…), once it has. */
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

/** Starts `node dist/gateway/cli.js serve` pinned to `cpu` and waits until it answers HTTP. */
export async function startGateway(options: {
  configPath: string;
  port: number;
  cpu: number;
  readyTimeoutMs: number;
  /** Extra Node flags for the gateway (e.g. `--cpu-prof` when looking into a figure). */
  nodeArgs?: string[];
  /** Also append everything the gateway prints to this file. */
  logFile?: string;
  /** Another build's CLI (the baseline), run from `cwd`. */
  cli?: string;
  cwd?: string;
  /** Preload bench/gc-probe.mjs, which writes the collector's pauses to this file. */
  gcFile?: string;
  /** Extra arguments after `serve` (`--workers 2`). */
  serveArgs?: string[];
}): Promise<GatewayProcess> {
  const probe = options.gcFile ? ['--import', new URL('./gc-probe.mjs', import.meta.url).href] : [];
  const node = [process.execPath, ...probe, ...(options.nodeArgs ?? [])];
  // With NODE_ENV=production this build's `serve` defaults to one worker per core: the single
  // process is asked for by name (an older build, the baseline, is always a single process).
  const extraArgs = options.serveArgs ?? (options.cli ? [] : ['--workers', '1']);
  const serveArgs = ['serve', '--config', options.configPath, '--port', String(options.port), ...extraArgs];
  const args = ['-c', String(options.cpu), ...node, options.cli ?? CLI, ...serveArgs];
  const env = { ...process.env, NODE_ENV: 'production', ...(options.gcFile ? { VOICE_RAG_BENCH_GC: options.gcFile } : {}) };
  const child: ChildProcess = spawn('taskset', args, { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  let tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail = tail.concat(chunk.toString().split('\n').filter(Boolean)).slice(-40);
    if (options.logFile) appendFileSync(options.logFile, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  let exitReason: string | undefined;
  child.on('exit', (code, signal) => {
    exited = true;
    exitReason = signal ? `signal ${signal}` : `code ${code}`;
  });
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const gateway: GatewayProcess = {
    pid: child.pid ?? -1,
    port: options.port,
    ...(options.gcFile ? { gcFile: options.gcFile } : {}),
    ...(options.serveArgs?.includes('--workers') ? { tree: true } : {}),
    output: () => tail.join('\n'),
    exited: () => exited,
    exitReason: () => exitReason,
    async stop() {
      process.removeListener('exit', kill);
      if (exited) return;
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      kill();
    },
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`gateway exited at start: ${gateway.output().slice(-600)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${options.port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return gateway;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  await gateway.stop();
  throw new Error(`gateway not healthy within ${options.readyTimeoutMs} ms: ${gateway.output().slice(-600)}`);
}
