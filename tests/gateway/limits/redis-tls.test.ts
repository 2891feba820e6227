/**
 * `rediss://` on a Redis Cluster that speaks only TLS, with a certificate that names the host
 * `localhost` while the shards announce themselves by address (as Azure Cache for Redis does).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterSkipReason, startRedisCluster } from '../../support/redis-cluster.js';
import type { TestRedisCluster } from '../../support/redis-cluster.js';

const script = fileURLToPath(new URL('./fixtures/tls-client.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const skip = clusterSkipReason ?? (spawnSync('openssl', ['version']).status === 0 ? undefined : 'openssl not installed');

/** Runs the TLS client in a process that trusts `caFile`; resolves its last output line. */
function runClient(seed: string, caFile: string): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, seed], {
      cwd: root,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { ok: boolean; error?: string });
      } catch (error) {
        reject(new Error(`bad output: ${out}`, { cause: error }));
      }
    });
  });
}

describe.skipIf(skip !== undefined)('a TLS Redis Cluster', () => {
  let dir: string;
  let cluster: TestRedisCluster | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-redis-tls-'));
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    cluster = await startRedisCluster({ tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } });
  }, 60_000);
  afterAll(async () => {
    await cluster?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects over rediss:// and checks every shard against the seed host name', async () => {
    const result = await runClient(`rediss://localhost:${cluster!.ports[0]}`, join(dir, 'cert.pem'));
    expect(result).toEqual({ ok: true });
  }, 30_000);

  it('refuses a shard whose certificate does not name the host it was reached by', async () => {
    // The certificate names localhost only: a seed given by address fails verification.
    const result = await runClient(`rediss://127.0.0.1:${cluster!.ports[0]}`, join(dir, 'cert.pem'));
    expect(result.ok).toBe(false);
  }, 30_000);
});
