import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import { GatewayError } from '../../../gateway/errors.js';
import { createAdmission } from '../../../gateway/limits/admission.js';
import { createStore } from '../../../gateway/limits/stores/create.js';
import { createFailoverStore } from '../../../gateway/limits/stores/failover.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import type { Lease } from '../../../gateway/limits/types.js';
import { redisSkipReason, startRedis } from '../../support/redis.js';
import type { TestRedis } from '../../support/redis.js';
import { makeConfig, requestFor } from './harness.js';
import { unreachableStore } from './store-fixtures.js';

const config = makeConfig({
  engines: { aoai: { connections_per_minute: 600, window_seconds: 1 } },
  sites: { docs: { engine: 'aoai', limits: { queue_seconds: 0 } } },
});

async function setUp(server: TestRedis, onFailure: 'closed' | 'open') {
  const logger = { info: vi.fn(), warn: vi.fn() };
  const store = await createStore({ kind: 'redis', url: server.url, on_failure: onFailure, key_prefix: `failure-${onFailure}:` }, { logger, clock: systemClock });
  const admission = createAdmission({ config: () => config, store, clock: systemClock, logger });
  const leases: Lease[] = [];
  const admit = async (): Promise<Lease> => {
    const lease = await admission.admit(requestFor(config, 'docs', 'v'));
    leases.push(lease);
    return lease;
  };
  const dispose = async (): Promise<void> => {
    for (const lease of leases) lease.release();
    await admission.close?.();
    await store.close();
  };
  return { logger, store, admission, admit, dispose };
}

/** Retries `admit` until it succeeds, as visitors would after a refusal. */
async function admitWithin(admit: () => Promise<Lease>, ms: number): Promise<Lease> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await admit();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(redisSkipReason !== undefined)('Redis unreachable', () => {
  let server: TestRedis;
  let dispose: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
    await server.start().catch(() => {});
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('refuses with upstream_unavailable when on_failure is closed, and admits again once Redis is back', async () => {
    const node = await setUp(server, 'closed');
    dispose = node.dispose;
    await node.admit();
    await server.stop();

    const started = Date.now();
    const refusals = await Promise.all([node.admit(), node.admit(), node.admit()].map((p) => p.catch((error: unknown) => error)));
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const error of refusals) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('upstream_unavailable');
      expect((error as GatewayError).retryAfterMs).toBeGreaterThan(0);
    }
    expect(node.store.healthy()).toBe(false);
    expect((await node.admission.snapshot()).storeHealthy).toBe(false);
    // One line for the outage, not one per request.
    expect(node.logger.warn).toHaveBeenCalledTimes(1);

    await server.start();
    await admitWithin(node.admit, 5_000);
    expect(node.store.healthy()).toBe(true);
    expect(node.logger.info).toHaveBeenCalledTimes(1);
    expect(node.logger.warn).toHaveBeenCalledTimes(1);
  });

  it('stays down while Redis is down, even after a call that needed nothing from Redis', async () => {
    const node = await setUp(server, 'closed');
    dispose = node.dispose;
    await node.admit();
    await server.stop();
    await node.admit().catch(() => {});
    expect(node.store.healthy()).toBe(false);
    // Past the probe interval, calls reach the primary again; releasing or counting no keys
    // sends nothing to Redis, so its success says nothing about Redis (found by tests/topology).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Whether such a call answers or is refused (it raced the probe on Node 22 in CI), it must not
    // mark a down Redis reachable.
    await node.store.releaseSlots([], 'nobody').catch(() => {});
    await node.store.countSlots([], Date.now()).catch(() => []);
    expect(node.store.healthy()).toBe(false);
    expect(node.logger.info).not.toHaveBeenCalled();
  });

  it('admits on local limits when on_failure is open, and goes back to Redis when it returns', async () => {
    const node = await setUp(server, 'open');
    dispose = node.dispose;
    const health: boolean[] = [];
    node.store.onHealthChange((healthy) => health.push(healthy));
    await node.admit();
    await server.stop();

    await node.admit();
    await node.admit();
    expect(node.store.healthy()).toBe(false);
    expect(node.logger.warn).toHaveBeenCalledTimes(1);

    await server.start();
    await waitFor(() => node.store.healthy(), 5_000);
    expect(node.logger.info).toHaveBeenCalledTimes(1);
    await node.admit();
    expect(node.store.healthy()).toBe(true);
    expect(health).toEqual([false, true]);
    // Back on Redis: the engine bucket there has counted this connection.
    expect((await node.admission.snapshot()).engines.aoai!.connectionsLastMinute).toBeGreaterThanOrEqual(1);
  });
});

describe('failover store', () => {
  it('keeps closed-mode errors as upstream_unavailable for admission, with no fallback', async () => {
    const failing = unreachableStore();
    const logger = { info: vi.fn(), warn: vi.fn() };
    const store = createFailoverStore({ primary: failing, fallback: createMemoryStore(systemClock), onFailure: 'closed', clock: systemClock, logger });
    const admission = createAdmission({ config: () => config, store, clock: systemClock, logger });
    const refusal = await admission
      .admit(requestFor(config, 'docs', 'v'))
      .catch((error: unknown) => error);
    expect((refusal as GatewayError).code).toBe('upstream_unavailable');
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});
