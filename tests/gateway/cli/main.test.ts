import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main } from '../../../gateway/cli/main.js';
import type { CliIo } from '../../../gateway/cli/main.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('voice-rag CLI', () => {
  it('check exits 0 on a valid config and prints its warnings as file:line  path  message', async () => {
    const file = fixture('contract-example.yaml');
    const { code, stdout } = await run(['check', '--config', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${file}:20  engines.aoai.api_key  warning: environment variable AZURE_OPENAI_API_KEY is not set`);
    expect(stdout).toContain(`${file}: valid (3 warnings)`);
  });

  it('check exits 1 on an invalid config and prints every error', async () => {
    const file = fixture('invalid-wrong-type.yaml');
    const { code, stdout } = await run(['check', '-c', file]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:2  server.port  error: must be a number`);
    expect(stdout).toContain(`${file}:11  sites.demo.limits.queue_seconds  error:`);
    expect(stdout).toContain('invalid (2 errors, 0 warnings)');
  });

  it('check exits 1 when the config file is missing', async () => {
    const { code, stdout } = await run(['check', '--config', fixture('absent.yaml')]);
    expect(code).toBe(1);
    expect(stdout).toContain('file not found');
  });

  it('schema prints a JSON Schema that says it is generated', async () => {
    const { code, stdout } = await run(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout) as Record<string, unknown> & { properties: Record<string, unknown> };
    expect(schema.$comment).toMatch(/generated/i);
    expect(schema.title).toBe('voice-rag gateway configuration');
    expect(Object.keys(schema.properties)).toEqual(['server', 'store', 'engines', 'sites']);
  });

  it('prints help and exits 0 with --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('voice-rag <command>');
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await run(['bogus'])).code).toBe(2);
    expect((await run(['check', '--nope'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });

  it('refuses a --port that is not a port number', async () => {
    const { code, stderr } = await run(['serve', '--port', 'abc']);
    expect(code).toBe(2);
    expect(stderr).toContain('--port');
  });

  it('runs as a process and exits with the check result', async () => {
    const exec = promisify(execFile);
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const failed = await exec(tsx, ['gateway/cli.ts', 'check', '--config', fixture('invalid-missing-engine.yaml')], { cwd: root }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('sites.demo.engine');
    const passed = await exec(tsx, ['gateway/cli.ts', 'check', '--config', fixture('minimal.yaml')], { cwd: root });
    expect(passed.stdout).toContain('valid (0 warnings)');
  });

  it('exits 1 when serve cannot listen, rather than staying up with nothing served', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
      const result = await promisify(execFile)(tsx, ['gateway/cli.ts', 'serve', '--config', fixture('minimal.yaml'), '--port', String(port)], { cwd: root, timeout: 30_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('EADDRINUSE');
    } finally {
      busy.close();
    }
  }, 40_000);
});
