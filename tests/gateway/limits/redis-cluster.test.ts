/**
 * The Redis store on a real three-master Redis Cluster on loopback: the shared store suite, the
 * failover store over it, and the limiter's own keys, which must meet in one slot per script.
 */
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import { createAdmission } from '../../../gateway/limits/admission.js';
import { createStore } from '../../../gateway/limits/stores/create.js';
import { clusterSettings } from '../../../gateway/limits/stores/redis-client.js';
import { createRedisStore } from '../../../gateway/limits/stores/redis.js';
import { clusterSkipReason, startRedisCluster } from '../../support/redis-cluster.js';
import type { TestRedisCluster } from '../../support/redis-cluster.js';
import { makeConfig, requestFor } from './harness.js';
import { storeCases } from './store.cases.js';
import { failoverFixture, realClockFixture } from './store-fixtures.js';
import { insideOneClockMinute } from '../../support/wait.js';

let cluster: TestRedisCluster | undefined;
let prefixCount = 0;
const prefix = (): string => `c${process.pid}-${++prefixCount}:`;

beforeAll(async () => {
  if (!clusterSkipReason) cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.dispose();
});

storeCases('redis cluster', async () => realClockFixture(createRedisStore({ cluster: cluster!.urls, keyPrefix: prefix() })), clusterSkipReason);

storeCases('failover over redis cluster', async () => failoverFixture(createRedisStore({ cluster: cluster!.urls, keyPrefix: prefix() })), clusterSkipReason);

describe.skipIf(clusterSkipReason !== undefined)('the limiter on a redis cluster', () => {
  it('runs on three masters, which refuse one script across two hash tags', async () => {
    const raw = new Cluster([{ host: '127.0.0.1', port: cluster!.ports[0]! }]);
    const masters = await raw.cluster('SHARDS');
    await raw.quit();
    expect(masters).toHaveLength(3);
    const store = createRedisStore({ cluster: cluster!.urls, keyPrefix: prefix() });
    const spec = (key: string) => ({ key, capacity: 1, refillPerSecond: 1 });
    await expect(store.takeTokens([spec('{one}a'), spec('{two}b')], Date.now())).rejects.toThrow();
    await store.close();
  });

  it('admits, queues, counts and refuses across engine and site keys, with the store from the config', async () => {
    const config = makeConfig({
      engines: { aoai: { connections_per_minute: 60, window_seconds: 1, max_concurrent: 5, daily_budget_usd: 10, tokens_per_minute: 100_000 } },
      sites: { docs: { engine: 'aoai', limits: { connections_per_minute: 60, max_concurrent: 2, per_visitor_per_minute: 5, queue_seconds: 0 } } },
    });
    const logger = { info: vi.fn(), warn: vi.fn() };
    const store = await createStore({ kind: 'redis', cluster: cluster!.urls, on_failure: 'closed', key_prefix: prefix() }, { logger, clock: systemClock });
    const admission = createAdmission({ config: () => config, store, clock: systemClock, logger });
    const admit = () => admission.admit(requestFor(config, 'docs', 'visitor'));
    // The snapshot's tokens are counted per clock minute: keep the ~2 s below inside one.
    await insideOneClockMinute(8_000);
    const first = await admit();
    // One token a second: the second session in the same second waits (queue 0: refused).
    await expect(admit()).rejects.toMatchObject({ code: 'rate_limited' });
    admission.recordUsage('docs', 'aoai', { textIn: 10, cachedTextIn: 0, textOut: 5, audioIn: 0, cachedAudioIn: 0, audioOut: 0 }, 0.5);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const second = await admit();
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    // The site's two slots are taken: refused at once.
    await expect(admit()).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 15_000 });
    const snapshot = await admission.snapshot();
    expect(snapshot.storeHealthy).toBe(true);
    expect(snapshot.sites.docs).toMatchObject({ concurrent: 2, costTodayUsd: 0.5 });
    expect(snapshot.engines.aoai).toMatchObject({ concurrent: 2, tokensThisMinute: 15, connectionsLastMinute: 2 });
    first.release();
    second.release();
    await expect.poll(async () => (await admission.snapshot()).sites.docs!.concurrent).toBe(0);
    expect(logger.warn).not.toHaveBeenCalled();
    await admission.close?.();
    await store.close();
  });
});

describe('cluster settings', () => {
  it('takes credentials from the first seed and checks TLS against its host name for rediss://', () => {
    const settings = clusterSettings(['rediss://default:s%40cret@cache.redis.cache.windows.net:10000', 'rediss://cache.redis.cache.windows.net:10001']);
    expect(settings.nodes).toEqual([
      { host: 'cache.redis.cache.windows.net', port: 10000 },
      { host: 'cache.redis.cache.windows.net', port: 10001 },
    ]);
    expect(settings.redisOptions).toEqual({ username: 'default', password: 's@cret', tls: { servername: 'cache.redis.cache.windows.net' } });
  });

  it('uses no TLS for redis:// and port 6379 by default', () => {
    expect(clusterSettings(['redis://10.0.0.5'])).toEqual({ nodes: [{ host: '10.0.0.5', port: 6379 }], redisOptions: {} });
  });
});
