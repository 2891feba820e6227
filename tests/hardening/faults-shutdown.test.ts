/**
 * SIGTERM with sessions in flight, on the real `voice-rag serve` process: new upgrades are
 * refused, sessions in flight go on through the drain, the rest are closed with
 * `server_shutdown` (1001), and the process exits by itself. In-process, sessions that are
 * still queued or connecting at shutdown get the same code and give their places back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../gateway/clock.js';
import { createAdmission } from '../../gateway/limits/admission.js';
import { createMemoryStore } from '../../gateway/limits/stores/memory.js';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import { TEST_ORIGIN, testConfig, startHarness } from '../support/gateway-harness.js';
import { ScriptedUpstream } from '../support/scripted-upstream.js';
import { upgradeStatus, WidgetClient } from '../support/widget-client.js';
import { eventually, within } from '../support/wait.js';
import { typedTurn } from './support/turns.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface ServeProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

let upstream: ScriptedUpstream;
let dir: string;
let running: ServeProcess | undefined;

beforeAll(async () => {
  upstream = await ScriptedUpstream.start();
  dir = mkdtempSync(join(tmpdir(), 'voice-rag-shutdown-'));
});
afterEach(() => {
  // Only the child this test started, by its own handle.
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
});
afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `voice-rag serve` (through tsx) against the scripted upstream; resolves once it listens. */
async function startServe(drainSeconds: number): Promise<ServeProcess> {
  const port = await freePort();
  const path = join(dir, `config-${port}.yaml`);
  writeFileSync(
    path,
    `server: { host: 127.0.0.1, port: ${port}, drain_seconds: ${drainSeconds} }
engines:
  oa: { kind: openai, api_key: sk-shutdown-test, base_url: "${upstream.url}" }
sites:
  docs:
    origins: [${TEST_ORIGIN}]
    engine: oa
    retrieval: { kind: azure-search, endpoint: https://search.example.net, index: kb, api_key: k }
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli.ts', 'serve', '--config', path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const serve: ServeProcess = { child, port, exited, output: () => output };
  running = serve;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`voice-rag serve exited early:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return serve;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`voice-rag serve did not listen within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('SIGTERM with sessions in flight', () => {
  it('refuses new sessions, lets the ones in flight talk through the drain, then closes them with 1001 and exits 0', async () => {
    const serve = await startServe(2);
    const a = await WidgetClient.connect(serve.port);
    await a.next('ready');
    const aUpstream = upstream.connections.at(-1)!;
    const signalled = Date.now();
    serve.child.kill('SIGTERM');
    // Stopping: new visitors are refused at the door (503), nothing is opened for them.
    await within(2000, (async () => {
      while ((await upgradeStatus(serve.port).catch(() => 0)) !== 503) await new Promise((resolve) => setTimeout(resolve, 20));
    })(), 'upgrades refused');
    const handshakes = upstream.handshakes.length;
    expect(await upgradeStatus(serve.port)).toBe(503);
    expect(upstream.handshakes.length).toBe(handshakes);
    // The session in flight still talks during the drain.
    await typedTurn(a, aUpstream, 'one more question before you go?');
    const closed = await within(2000 + 3000, a.closed, 'close after the drain');
    expect(closed.code).toBe(CLOSE_CODE.server_shutdown);
    expect(a.all('error')).toEqual([expect.objectContaining({ code: 'server_shutdown', fatal: true })]);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1500);
    await within(3000, aUpstream.closed, 'upstream socket closed');
    const exit = await within(5000, serve.exited, 'process exit');
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('exits as soon as the last session ends instead of waiting out drain_seconds', async () => {
    const serve = await startServe(30);
    const a = await WidgetClient.connect(serve.port);
    await a.next('ready');
    serve.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.open).toBe(true);
    a.close();
    expect((await a.closed).code).toBe(1000);
    const exit = await within(5000, serve.exited, 'process exit well before drain_seconds');
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('shutdown of the in-process gateway with sessions not yet ready', () => {
  it('ends queued and still-connecting sessions with server_shutdown (1001) after the drain, and releases their places', async () => {
    const config = testConfig({ engine: { quota: { connections_per_minute: 1, window_seconds: 60 }, connect_timeout_ms: 20_000 }, site: { limits: { queue_seconds: 30 } } });
    const admission = createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger: { info: () => {}, warn: () => {} } });
    const gw = await startHarness({ config, admission });
    try {
      // The first visitor takes the minute's token but its upstream never says session.created.
      gw.upstream.silent = true;
      const connecting = await gw.connect();
      await eventually(() => gw.upstream.connections.length === 1, 3000, 'upstream accepted');
      const queued = await Promise.all(Array.from({ length: 5 }, () => gw.connect()));
      await Promise.all(queued.map((w) => w.next('queued')));
      const started = Date.now();
      await within(5000, gw.gateway.shutdown(1), 'shutdown');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      for (const widget of [connecting, ...queued]) {
        expect((await within(2000, widget.closed)).code).toBe(CLOSE_CODE.server_shutdown);
        expect(widget.all('error')).toEqual([expect.objectContaining({ code: 'server_shutdown', fatal: true })]);
      }
      expect(gw.gateway.sessions).toBe(0);
      expect((await admission.snapshot()).sites.docs).toMatchObject({ queued: 0, concurrent: 0 });
      await within(3000, gw.upstream.connections[0]!.closed, 'silent upstream socket closed');
    } finally {
      await gw.close();
      await admission.close?.();
    }
  });
});
