/**
 * How many processes `voice-rag serve` runs when `--workers` is not given: the rule itself,
 * then the CLI following `server.workers` and keeping one process where the setup does not allow more.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultWorkers, parseWorkers } from '../../../gateway/node/cluster.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the default number of workers', () => {
  const production = { configured: undefined, port: 8787, nodeEnv: 'production', cores: 4 };

  it('is one per core in production on a fixed port', () => {
    expect(defaultWorkers(production)).toEqual({ workers: 4, why: 'one per core (4)' });
  });

  it('is one process in development, on port 0 and on one core', () => {
    expect(defaultWorkers({ ...production, nodeEnv: undefined }).workers).toBe(1);
    expect(defaultWorkers({ ...production, nodeEnv: 'development' }).workers).toBe(1);
    expect(defaultWorkers({ ...production, port: 0 })).toEqual({ workers: 1, why: 'port 0' });
    expect(defaultWorkers({ ...production, cores: 1 }).workers).toBe(1);
  });

  it('follows server.workers wherever it is set', () => {
    expect(defaultWorkers({ ...production, configured: 1 }).workers).toBe(1);
    expect(defaultWorkers({ ...production, nodeEnv: 'test', port: 0, configured: 3 })).toEqual({ workers: 3, why: 'server.workers: 3' });
    expect(defaultWorkers({ ...production, nodeEnv: 'test', configured: 'auto' }).workers).toBe(4);
  });

  it('parses --workers as a count from 1 to 256 or auto', () => {
    expect(parseWorkers('auto', 6)).toBe(6);
    expect(parseWorkers('2')).toBe(2);
    for (const bad of ['0', '257', '1.5', 'many', '']) expect(parseWorkers(bad)).toBeUndefined();
  });
});

describe('voice-rag serve without --workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-workers-default-'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs/index.md'), '# Docs\n\nOne page.\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts serve, waits for `listening` lines (or exit), stops it with SIGTERM; returns what it printed and its exit code. */
  async function run(server: Record<string, unknown>, env: Record<string, string>, listening: number): Promise<{ output: string; code: number | null }> {
    const config = {
      server: { host: '127.0.0.1', log_level: 'warn', drain_seconds: 0, ...server },
      engines: { main: { kind: 'azure-openai', endpoint: 'http://127.0.0.1:9', deployment: 'd', api_key: 'k', api_version: 'v1' } },
      sites: { docs: { origins: ['http://127.0.0.1'], engine: 'main', retrieval: { kind: 'local', sources: ['docs/*.md'], cache_dir: 'cache' } } },
    };
    const path = join(dir, `voice-rag.${Object.values(server).join('-')}.yaml`);
    writeFileSync(path, stringify(config));
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'gateway/cli.ts'), 'serve', '--config', path], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 45_000;
    while ((output.match(/gateway listening on/g) ?? []).length < listening && child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A moment for a second process that should not exist to say so.
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return { output, code };
  }

  const freePort = async () => {
    const { createServer } = await import('node:net');
    return new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
  };

  it('starts the workers server.workers asks for, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const { output, code } = await run({ port, workers: 2 }, { NODE_ENV: 'test' }, 2);
    expect(output).toContain('voice-rag: 2 workers: server.workers: 2');
    expect(output).toContain(`2 workers on port ${port}`);
    expect(output.match(/gateway listening on/g)).toHaveLength(2);
    expect(code).toBe(0);
  }, 60_000);

  it('stays one process in production when the port is 0', async () => {
    const { output, code } = await run({ port: 0 }, { NODE_ENV: 'production' }, 1);
    expect(output.match(/gateway listening on/g)).toHaveLength(1);
    expect(output).not.toMatch(/\d+ workers/);
    expect(code).toBe(0);
  }, 60_000);
});
