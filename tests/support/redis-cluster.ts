/**
 * A throwaway three-master Redis Cluster on loopback for tests: three `redis-server
 * --cluster-enabled yes` on free ports, joined by `redis-cli --cluster create`.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REDIS_SERVER, redisSkipReason, waitForPort } from './redis.js';

/** Why cluster tests skip, or undefined when redis-server and redis-cli are there. */
export const clusterSkipReason: string | undefined =
  redisSkipReason ?? (spawnSync('redis-cli', ['--version']).status === 0 ? undefined : 'redis-cli not installed (apt-get install redis-tools)');

/** A running test cluster. */
export interface TestRedisCluster {
  ports: number[];
  /** Seed URLs, one per master, as `store.cluster` takes them. */
  urls: string[];
  /** Stops every node and removes their directory. */
  dispose(): Promise<void>;
}

/** A certificate and key (PEM files) for a cluster that speaks only TLS, between nodes too. */
export interface ClusterTls {
  certFile: string;
  keyFile: string;
}

function clusterState(port: number, cli: string[]): string {
  const info = spawnSync('redis-cli', [...cli, '-h', '127.0.0.1', '-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout ?? '';
  return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Starts three masters (no replicas) and waits until every node reports `cluster_state:ok`. */
export async function startRedisCluster(options: { tls?: ClusterTls } = {}): Promise<TestRedisCluster> {
  const { tls } = options;
  const cli = tls ? ['--tls', '--cacert', tls.certFile] : [];
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  if (!REDIS_SERVER) throw new Error(redisSkipReason);
  const binary = REDIS_SERVER;
  const children: ChildProcess[] = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(children.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const listen = tls
        ? ['--port', '0', '--tls-port', String(port), '--tls-cluster', 'yes', '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile]
        : ['--port', String(port)];
      const args = [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
      if (tls) args.push('--tls-ca-cert-file', tls.certFile, '--tls-auth-clients', 'no');
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000');
      children.push(spawn(binary, args, { stdio: 'ignore' }));
    }
    await Promise.all(ports.map((port) => waitForPort(port, 5_000)));
    const create = spawnSync('redis-cli', [...cli, '--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await until(() => ports.every((port) => clusterState(port, cli) === 'ok'), 15_000, 'cluster_state:ok');
  } catch (error) {
    await dispose();
    throw error;
  }
  return { ports, urls: ports.map((port) => `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`), dispose };
}
