/**
 * The gateways that run beside the build under test, on its core and in the same slices: the
 * recorded build of an earlier commit (`--baseline`), this build as `serve --workers N`, and this
 * build with microphone coalescing on (`--coalesce-ms`).
 */
import { join } from 'node:path';
import type { BaselineBuild } from './baseline.js';
import { freePort, startGateway, writeGatewayConfig, type GatewayProcess } from './gateway-process.js';
import type { BenchOptions } from './options.js';
import { BASELINE_MODEL, COALESCED_MODEL, WORKERS_MODEL } from './recorder.js';

/** Which one, with what it needs. */
export type ExtraGateway = { kind: 'baseline'; baseline: BaselineBuild } | { kind: 'workers'; workers: number } | { kind: 'coalesced'; coalesceMs: number };

const DEPLOYMENT = { baseline: BASELINE_MODEL, workers: WORKERS_MODEL, coalesced: COALESCED_MODEL } as const;

/** Starts one; undefined (with a log line) when it cannot, so the run goes on without it. */
export async function startExtraGateway(
  extra: ExtraGateway & { options: BenchOptions; work: string; upstreamPort: number; cpu: number; log(line: string): void },
): Promise<GatewayProcess | undefined> {
  const { options, work, kind } = extra;
  try {
    const port = await freePort();
    const configPath = writeGatewayConfig({
      dir: work,
      name: `voice-rag.${kind}.yaml`,
      gatewayPort: port,
      upstreamPort: extra.upstreamPort,
      tinySources: 'tiny/*.md',
      corpusSources: 'corpus/**/*.md',
      audioDeployment: DEPLOYMENT[kind],
      ...(extra.kind === 'coalesced' ? { coalesceMs: extra.coalesceMs } : {}),
      ...(options.gatewayLogLevel ? { logLevel: options.gatewayLogLevel } : {}),
    });
    const started = await startGateway({
      configPath,
      port,
      cpu: extra.cpu,
      readyTimeoutMs: options.mode === 'quick' ? 30_000 : 120_000,
      nodeArgs: options.gatewayNodeArgs,
      // The workers inherit the primary's Node flags, so the GC probe would have them all write one file: not probed.
      ...(extra.kind === 'baseline' ? { cli: extra.baseline.cli, cwd: extra.baseline.dir, gcFile: join(work, 'gc-baseline.json') } : {}),
      ...(extra.kind === 'workers' ? { serveArgs: ['--workers', String(extra.workers)] } : {}),
      ...(extra.kind === 'coalesced' ? { gcFile: join(work, 'gc-coalesced.json') } : {}),
    });
    extra.log(`${kind} gateway: pid ${started.pid}, port ${port}`);
    return started;
  } catch (error) {
    extra.log(`${kind} gateway: not available: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
