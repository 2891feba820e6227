import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisSkipReason, startRedis } from '../../support/redis.js';
import type { TestRedis } from '../../support/redis.js';

const script = fileURLToPath(new URL('./fixtures/limiter-node.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

type Result = { admittedAt: number } | { code: string };

function runNode(url: string, prefix: string, startAt: number, attempts: number): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    // tsx as a loader in one node process (its CLI would start a second one).
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, prefix, String(startAt), String(attempts)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`node exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Result[]);
      } catch (error) {
        reject(new Error(`bad output: ${out} ${err}`, { cause: error }));
      }
    });
  });
}

describe.skipIf(redisSkipReason !== undefined)('two gateway nodes on one Redis', () => {
  let server: TestRedis;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("admit no more in any window than the engine's quota allows", async () => {
    // Two processes, 8 attempts each at the same instant, 3 s of queue, one token per second.
    const startAt = Date.now() + 3_000;
    const [one, two] = await Promise.all([runNode(server.url, 'two-nodes:', startAt, 8), runNode(server.url, 'two-nodes:', startAt, 8)]);
    const all = [...one!, ...two!];
    const admitted = all.flatMap((result) => ('admittedAt' in result ? [result.admittedAt] : [])).sort((a, b) => a - b);
    const refused = all.flatMap((result) => ('code' in result ? [result.code] : []));

    expect(refused.every((code) => code === 'rate_limited')).toBe(true);
    expect(admitted.length + refused.length).toBe(16);
    // One token a second, shared: about four admissions in 3 s of queueing (more only if one
    // node started late), never two in the same second. The margin covers the time between
    // the Lua step and the timestamp a busy node prints.
    expect(admitted.length).toBeGreaterThanOrEqual(3);
    const gaps = admitted.slice(1).map((time, index) => time - admitted[index]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(750);
    expect(admitted.length).toBeLessThanOrEqual(1 + Math.floor((admitted.at(-1)! - admitted[0]! + 250) / 1000));
  }, 40_000);
});
