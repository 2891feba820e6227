/**
 * Idle memory with one small site: each build starts with only the bench's one-page site, sits
 * idle, and its RSS is read; then it stops. Run before the load, while the gateway's core is free.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startGateway, writeGatewayConfig } from '../gateway-process.js';
import { sampleProcess } from '../proc-stats.js';

/** How long each build sits idle before its RSS is read (the idle trim, gateway/node/idle-trim.ts, waits 10 minutes: not in this figure). */
export const IDLE_SETTLE_MS = 3000;

/** RSS of one build, idle, with one small site. */
export interface IdleMemory {
  build: string;
  rssBytes: number;
}

/** Starts `cli` (this build when undefined) with the small site only and reads its RSS after `settleMs`. */
export async function measureIdleMemory(options: {
  build: string;
  dir: string;
  upstreamPort: number;
  cpu: number;
  cli?: string;
  cwd?: string;
  settleMs: number;
}): Promise<IdleMemory> {
  const port = await freePort();
  const configPath = writeGatewayConfig({
    dir: options.dir,
    name: `voice-rag.idle-${options.build}.yaml`,
    gatewayPort: port,
    upstreamPort: options.upstreamPort,
    tinySources: 'tiny/*.md',
    corpusSources: 'corpus/**/*.md',
    smallSiteOnly: true,
  });
  const gateway = await startGateway({
    configPath,
    port,
    cpu: options.cpu,
    readyTimeoutMs: 30_000,
    ...(options.cli ? { cli: options.cli } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  try {
    await sleep(options.settleMs);
    return { build: options.build, rssBytes: sampleProcess(gateway.pid).rssBytes };
  } finally {
    await gateway.stop();
  }
}
