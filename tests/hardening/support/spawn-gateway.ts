/**
 * Starts `gateway-process.ts` as a child process and talks to it over IPC: its port, a memory
 * probe after a full collection, an event-loop stall on demand, and an orderly stop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GatewayProcessMessage } from './gateway-process.js';

type Memory = Extract<GatewayProcessMessage, { type: 'memory' }>;

/** A gateway running in its own process. */
export interface GatewayProcess {
  child: ChildProcess;
  port: number;
  memory(): Promise<Memory>;
  /** Blocks the gateway's event loop for `ms`; resolves once it runs again. */
  stall(ms: number): Promise<void>;
  /** Shuts the gateway down and waits for the process to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

function reply<T extends GatewayProcessMessage['type']>(child: ChildProcess, type: T): Promise<Extract<GatewayProcessMessage, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (message: GatewayProcessMessage) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as Extract<GatewayProcessMessage, { type: T }>);
    };
    child.on('message', onMessage);
  });
}

/** Forks the gateway against an upstream URL; sessions may last `limitSeconds`. */
export async function spawnGateway(upstreamUrl: string, limitSeconds: number): Promise<GatewayProcess> {
  const script = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));
  const child = fork(script, [upstreamUrl, String(limitSeconds)], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { port } = await Promise.race([
    reply(child, 'listening'),
    exited.then(() => {
      throw new Error('the gateway process exited before listening');
    }),
  ]);
  return {
    child,
    port,
    memory() {
      const answer = reply(child, 'memory');
      child.send({ type: 'memory' });
      return answer;
    },
    async stall(ms) {
      const answer = reply(child, 'stalled');
      child.send({ type: 'stall', ms });
      await answer;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
