/**
 * Starts the real gateway (the compiled `dist/gateway/cli.js`, as `npm start` runs it) on a free
 * port with the demo configuration, and keeps its pino log lines for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** One JSON log line of the gateway (pino), with the raw text. */
export interface LogLine {
  readonly raw: string;
  readonly json: Record<string, unknown> | undefined;
}

/** A running gateway child process. */
export interface GatewayProcess {
  /** `http://127.0.0.1:PORT`: the origin the demo config allows (its origins use `${PORT}`). */
  readonly origin: string;
  readonly port: number;
  /** The child process (to signal it) and its exit (code, or null when a signal ended it). */
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Every stdout/stderr line so far. */
  readonly logs: readonly LogLine[];
  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartGatewayOptions {
  /** Config file, relative to the repository root. Default: the demo's. */
  config?: string;
  /** Extra environment for the child (the demo config reads PORT, HOST, DEMO_ENGINE, LOG_LEVEL …). */
  env?: Record<string, string>;
  /** How long to wait for `/healthz`. */
  timeoutMs?: number;
  /** Listen on this port (a restarted node keeps its port); default: a free one. */
  port?: number;
}

/**
 * The gateway's entry: `dist/gateway/cli.js` as `npm start` runs it, or env E2E_GATEWAY_ENTRY
 * (e.g. `gateway/cli.ts`, run through tsx) to test the sources without building the gateway.
 */
export const GATEWAY_ENTRY = process.env.E2E_GATEWAY_ENTRY ?? 'dist/gateway/cli.js';

/** What must exist before the e2e suite can run; a list of missing pieces with the fix. */
export function missingBuild(): string[] {
  const need: [string, string][] = [
    [GATEWAY_ENTRY, 'npm run build:gateway'],
    ['dist/widget/voice-rag.js', 'npm run build:widget'],
    ['dist/demo/index.html', 'npm run build:demo'],
  ];
  return need.filter(([file]) => !existsSync(join(REPO_ROOT, file))).map(([file, fix]) => `${file} (${fix})`);
}

/** A port nothing listens on right now, found by letting the OS pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Spawns `node dist/gateway/cli.js serve --config … --port N` (see GATEWAY_ENTRY) and waits for `/healthz`. */
export async function startGateway(options: StartGatewayOptions = {}): Promise<GatewayProcess> {
  const missing = missingBuild();
  if (missing.length) throw new Error(`the e2e tests need a build first; missing: ${missing.join(', ')}`);
  const port = options.port ?? (await freePort());
  const config = options.config ?? 'demo/voice-rag.config.yaml';
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The demo must run on the offline engine whatever the developer's shell says.
  for (const key of Object.keys(env)) if (key.startsWith('AZURE_OPENAI_') || key === 'DEMO_ENGINE') delete env[key];
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'debug', NO_COLOR: '1' }, options.env);
  const loader = GATEWAY_ENTRY.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, GATEWAY_ENTRY, 'serve', '--config', config, '--port', String(port)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const raw of lines) {
        if (!raw.trim()) continue;
        const line = { raw, json: parseJson(raw) };
        logs.push(line);
        for (const waiter of waiters) if (waiter.predicate(line)) (waiters.delete(waiter), waiter.resolve(line));
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(origin, child, exited, options.timeoutMs ?? 30_000);
  } catch (error) {
    await stopChild(child, exited, 2000);
    const tail = logs.slice(-20).map((l) => l.raw).join('\n');
    throw new Error(`${(error as Error).message}\n--- gateway output (last lines) ---\n${tail}`);
  }

  return {
    origin,
    port,
    child,
    exited,
    logs,
    waitForLog(predicate, timeoutMs = 10_000) {
      const found = logs.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolveLine, reject) => {
        const waiter = { predicate, resolve: (line: LogLine) => (clearTimeout(timer), resolveLine(line)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching gateway log line within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop: (graceMs = 8000) => stopChild(child, exited, graceMs),
  };
}

function parseJson(raw: string): Record<string, unknown> | undefined {
  if (!raw.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function waitForHealth(origin: string, child: ChildProcess, exited: Promise<number | null>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`the gateway exited with code ${gone} before /healthz answered`);
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the gateway (pid ${child.pid}) did not answer ${origin}/healthz within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
