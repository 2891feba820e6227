/**
 * Builds admissions on a fake clock and memory store from small config fragments, and tracks
 * each admit's outcome so tests can look at it between clock steps.
 */
import { vi } from 'vitest';
import type { GatewayConfig } from '../../../gateway/config/schema.js';
import { configSchema } from '../../../gateway/config/schema.js';
import { createAdmission } from '../../../gateway/limits/admission.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import type { Store } from '../../../gateway/limits/stores/store.js';
import type { AdmissionRequest, Lease } from '../../../gateway/limits/types.js';
import { FakeClock, flushPromises } from '../../support/fake-clock.js';

/** Engine id → quota (or undefined), site id → engine and limits. */
export interface ConfigShape {
  engines: Record<string, Record<string, unknown> | undefined>;
  sites: Record<string, { engine: string; limits?: Record<string, unknown> }>;
}

/** A validated config with offline engines and local-index sites. */
export function makeConfig(shape: ConfigShape): GatewayConfig {
  return configSchema.parse({
    engines: Object.fromEntries(
      Object.entries(shape.engines).map(([id, quota]) => [id, quota ? { kind: 'offline', quota } : { kind: 'offline' }]),
    ),
    sites: Object.fromEntries(
      Object.entries(shape.sites).map(([id, site]) => [
        id,
        {
          origins: [`https://${id}.example.com`],
          engine: site.engine,
          limits: site.limits ?? {},
          retrieval: { kind: 'local', sources: ['./docs/**/*.md'] },
        },
      ]),
    ),
  });
}

/** An admit request for a site of `config`, from `visitorId`, that never leaves the queue. */
export function requestFor(config: GatewayConfig, siteId: string, visitorId: string, onQueued: (retryInMs: number) => void = () => {}): AdmissionRequest {
  const site = config.sites[siteId]!;
  return { siteId, site, engineId: site.engine, engine: config.engines[site.engine]!, visitorId, signal: new AbortController().signal, onQueued };
}

/** The outcome of one admit, updated as it settles. */
export interface Attempt {
  status: 'pending' | 'admitted' | 'rejected';
  lease?: Lease;
  error?: unknown;
  settledAt?: number;
  onQueued: ReturnType<typeof vi.fn<(retryInMs: number) => void>>;
  abort(): void;
}

/** A fake-clock admission over a memory store (or the store given). */
export function createHarness(shape: ConfigShape | (() => GatewayConfig), options: { store?: Store; clock?: FakeClock } = {}) {
  const clock = options.clock ?? new FakeClock();
  const store = options.store ?? createMemoryStore(clock);
  const fixed = typeof shape === 'function' ? undefined : makeConfig(shape);
  const config = typeof shape === 'function' ? shape : () => fixed!;
  const logger = { info: vi.fn(), warn: vi.fn() };
  const admission = createAdmission({ config, store, clock, logger });
  let visitors = 0;

  function admit(siteId: string, visitorId = `visitor-${++visitors}`): Attempt {
    const current = config();
    const site = current.sites[siteId]!;
    const controller = new AbortController();
    const attempt: Attempt = { status: 'pending', onQueued: vi.fn<(retryInMs: number) => void>(), abort: () => controller.abort() };
    admission
      .admit({
        siteId,
        site,
        engineId: site.engine,
        engine: current.engines[site.engine]!,
        visitorId,
        signal: controller.signal,
        onQueued: attempt.onQueued,
      })
      .then(
        (lease) => Object.assign(attempt, { status: 'admitted', lease, settledAt: clock.now() }),
        (error: unknown) => Object.assign(attempt, { status: 'rejected', error, settledAt: clock.now() }),
      );
    return attempt;
  }

  /** Admits several at once and lets the immediate answers settle. */
  async function admitAll(siteId: string, count: number): Promise<Attempt[]> {
    const attempts = Array.from({ length: count }, () => admit(siteId));
    await flushPromises();
    return attempts;
  }

  return { clock, store, admission, logger, admit, admitAll, settle: flushPromises };
}

/** The statuses of a list of attempts, for compact assertions. */
export const statuses = (attempts: Attempt[]): string[] => attempts.map((attempt) => attempt.status);
