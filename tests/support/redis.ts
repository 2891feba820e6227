/**
 * A throwaway redis-server for tests: its own port, temp dir, no persistence. Stop and start
 * again on the same port to simulate an outage.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { prerequisite } from './prereqs.mjs';

const redis = prerequisite('redis-server');
/** The redis-server binary on PATH, if there is one. */
export const REDIS_SERVER: string | undefined = redis.find();

/** Why Redis tests skip, or undefined when the binary is there. */
export const redisSkipReason: string | undefined = REDIS_SERVER ? undefined : `redis-server not installed (${redis.install})`;

/** A running test Redis. */
export interface TestRedis {
  port: number;
  url: string;
  /** Kills the server (an outage); `start` brings it back on the same port, empty (no-op while running). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once something listens on 127.0.0.1:`port`. */
export function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = (): void => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis did not listen on ${port}`));
        else setTimeout(tryOnce, 25);
      });
    };
    tryOnce();
  });
}

/** Starts redis-server on a free port in a temp dir. */
export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-redis-'));
  const port = await freePort();
  if (!REDIS_SERVER) throw new Error(redisSkipReason);
  const binary = REDIS_SERVER;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null) return;
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitForPort(port, 5_000);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
