/**
 * `voice-rag serve --workers 2` with no Redis: two processes behind one port share the
 * primary's limits store over IPC, so a site's concurrency and connection quota hold across
 * both, and SIGTERM drains every worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLOSE_CODE } from '../../../gateway/protocol.js';
import { TEST_ORIGIN } from '../../support/gateway-harness.js';
import { ScriptedUpstream } from '../../support/scripted-upstream.js';
import { WidgetClient } from '../../support/widget-client.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const STATUS_TOKEN = 'workers-test-status-token';

/** Connects and reports whether the session got `ready` or how it was closed. */
async function attempt(port: number, site: string): Promise<{ widget: WidgetClient; outcome: 'ready' | number }> {
  const widget = await WidgetClient.connect(port, { site, origin: TEST_ORIGIN });
  const outcome = await Promise.race([widget.next('ready', 8000).then(() => 'ready' as const), widget.closed.then(({ code }) => code)]);
  return { widget, outcome };
}

/**
 * Connects until admitted, for up to five seconds. A slot is released once the worker has seen
 * the previous close and told the primary's store: on a loaded machine that can take longer than
 * a fixed pause, so a refusal (and only a refusal) is retried.
 */
async function attemptUntilAdmitted(port: number, site: string): Promise<{ widget: WidgetClient; outcome: 'ready' | number }> {
  let result = await attempt(port, site);
  for (const deadline = Date.now() + 5000; result.outcome !== 'ready' && Date.now() < deadline; result = await attempt(port, site)) {
    expect(result.outcome).toBe(CLOSE_CODE.rate_limited);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return result;
}

describe('serve --workers 2 without Redis', () => {
  let upstream: ScriptedUpstream;
  let primary: ChildProcess;
  let dir: string;
  let port = 0;
  let output = '';
  let config: { sites: Record<string, { limits: Record<string, number> }> } & Record<string, unknown>;

  beforeAll(async () => {
    upstream = await ScriptedUpstream.start();
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-workers-'));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs/index.md'), '# Docs\n\n## About\n\nOne page.\n');
    const engine = { kind: 'azure-openai', endpoint: upstream.url.replace('ws://', 'http://').replace(/\/$/, ''), deployment: 'd', api_key: 'k', api_version: 'v1' };
    const retrieval = { kind: 'local', sources: ['docs/*.md'], cache_dir: 'cache' };
    const site = (engineId: string, limits: object) => ({ origins: [TEST_ORIGIN], engine: engineId, retrieval, limits: { queue_seconds: 0, ...limits } });
    config = {
      server: { host: '127.0.0.1', port: 0, log_level: 'warn', drain_seconds: 5, status_token: STATUS_TOKEN },
      store: { kind: 'memory' },
      // A one-minute window: the whole quota of 4 is available at once.
      engines: { main: engine, metered: { ...engine, quota: { connections_per_minute: 4, window_seconds: 60 } } },
      sites: { concurrent: site('main', { max_concurrent: 3 }), quota: site('metered', {}) },
    };
    writeFileSync(join(dir, 'voice-rag.yaml'), stringify(config));
    // tsx as a loader in one node process; cluster forks the workers with the same loader.
    primary = spawn(process.execPath, ['--import', 'tsx', join(root, 'gateway/cli.ts'), 'serve', '--config', join(dir, 'voice-rag.yaml'), '--workers', '2'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    primary.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    primary.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while ((output.match(/gateway listening on/g) ?? []).length < 2) {
      if (Date.now() > deadline || primary.exitCode !== null) throw new Error(`workers did not start: ${output.slice(-800)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    port = Number(/2 workers on port (\d+)/.exec(output)?.[1]);
    // Both workers ready (index built): four /readyz answers in a row, round robin over the two.
    for (let ready = 0; ready < 4; ) {
      if (Date.now() > deadline) throw new Error(`workers not ready: ${output.slice(-800)}`);
      ready = (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200 ? ready + 1 : 0;
      if (ready < 4) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);

  afterAll(async () => {
    if (primary.exitCode === null) primary.kill('SIGKILL');
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('admits no more concurrent sessions across both workers than the site allows', async () => {
    // Eight at once: round-robin gives each worker four, so per-process limits would admit six.
    const results = await Promise.all(Array.from({ length: 8 }, () => attempt(port, 'concurrent')));
    const outcomes = results.map((result) => result.outcome);
    // One comparison of every outcome, so a failure shows how each of the eight ended.
    expect(outcomes.map(String).sort()).toEqual([...Array(5).fill(String(CLOSE_CODE.rate_limited)), 'ready', 'ready', 'ready']);
    for (const { widget } of results) widget.close();
  }, 30_000);

  it("admits no more new connections across both workers than the engine's quota per minute", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => attempt(port, 'quota')));
    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.map(String).sort()).toEqual([...Array(4).fill(String(CLOSE_CODE.rate_limited)), 'ready', 'ready', 'ready', 'ready']);
    for (const { widget } of results) widget.close();
  }, 30_000);

  it('answers /metrics with every worker\'s figures, whichever worker is asked', async () => {
    // Round robin: consecutive scrapes reach both workers; each sums both.
    for (let scrape = 0; scrape < 2; scrape++) {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
      // The tests above opened 3 + 4 sessions, split over the two workers.
      expect(value('voice_rag_sessions_opened_total{site="concurrent"}')).toBe(3);
      expect(value('voice_rag_sessions_opened_total{site="quota"}')).toBe(4);
      // One shared store, up: the minimum over the workers, not a sum.
      expect(value('voice_rag_store_up')).toBe(1);
      // Process figures are summed: two processes' memory.
      expect(value('voice_rag_process_resident_memory_bytes')).toBeGreaterThan(40 * 2 ** 20);
    }
  }, 30_000);

  it('answers /status from every worker with the whole cluster', async () => {
    for (let request = 0; request < 2; request++) {
      const response = await fetch(`http://127.0.0.1:${port}/status`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('concurrent');
    }
  }, 30_000);

  it('applies a config edit in every worker', async () => {
    config.sites.concurrent!.limits.max_concurrent = 1;
    writeFileSync(join(dir, 'voice-rag.yaml'), stringify(config));
    // Each worker watches the file; once both have reloaded, four sessions at once get one slot.
    let outcomes: Array<'ready' | number> = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 300))) {
      const results = await Promise.all(Array.from({ length: 4 }, () => attempt(port, 'concurrent')));
      outcomes = results.map((result) => result.outcome);
      for (const { widget } of results) widget.close();
      await Promise.all(results.map(({ widget }) => widget.closed));
      if (outcomes.filter((outcome) => outcome === 'ready').length === 1) break;
    }
    expect(outcomes.map(String).sort()).toEqual([...Array(3).fill(String(CLOSE_CODE.rate_limited)), 'ready']);
    // Four more in a row, each alone: round robin sends two to each worker, and both admit them.
    for (let i = 0; i < 4; i++) {
      const single = await attemptUntilAdmitted(port, 'concurrent');
      expect(single.outcome).toBe('ready');
      single.widget.close();
      await single.widget.closed;
    }
  }, 40_000);

  it('drains every worker on SIGTERM and exits once all have', async () => {
    // max_concurrent is 1 since the test above, whose last session's slot may not be released yet.
    const open = await attemptUntilAdmitted(port, 'concurrent');
    expect(open.outcome).toBe('ready');
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    // drain_seconds 5: the session may finish on its own; past that it is closed as server_shutdown.
    open.widget.close();
    expect((await open.widget.closed).code).toBe(1000);
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/starting another/);
  }, 30_000);
});
