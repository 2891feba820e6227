/** The Redis store, alone and behind the failover store, through the shared store suite on a single Redis. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../../gateway/limits/stores/redis.js';
import type { BucketSpec } from '../../../gateway/limits/stores/store.js';
import { redisSkipReason, startRedis } from '../../support/redis.js';
import type { TestRedis } from '../../support/redis.js';
import { storeCases } from './store.cases.js';
import { failoverFixture, realClockFixture } from './store-fixtures.js';

let server: TestRedis | undefined;
let prefixCount = 0;
const prefix = (): string => `t${process.pid}-${++prefixCount}:`;

beforeAll(async () => {
  if (!redisSkipReason) server = await startRedis();
});
afterAll(async () => {
  await server?.dispose();
});

storeCases('redis', async () => realClockFixture(createRedisStore({ url: server!.url, keyPrefix: prefix() })), redisSkipReason);

storeCases('failover over redis', async () => failoverFixture(createRedisStore({ url: server!.url, keyPrefix: prefix() })), redisSkipReason);

describe.skipIf(redisSkipReason !== undefined)('redis store keys', () => {
  it('gives every key it writes a time to live', async () => {
    const keyPrefix = prefix();
    const store = createRedisStore({ url: server!.url, keyPrefix });
    const now = Date.now();
    const spec: BucketSpec = { key: 'bucket', capacity: 2, refillPerSecond: 1, windowMs: 10_000 };
    await store.takeTokens([spec, { key: 'unlimited', capacity: Infinity, refillPerSecond: 1 }], now);
    await store.blockBucket({ key: 'blocked', capacity: Infinity, refillPerSecond: 1 }, now + 5_000, now);
    await store.addToCounter('counter', 1, 60_000);
    await store.incrementBelow('visitor', 3, 60_000);
    await store.acquireSlots([{ key: 'slots', limit: 3 }], 'holder', now + 60_000, now);
    await store.close();

    const redis = new Redis(server!.url);
    const written = await redis.keys(`${keyPrefix}*`);
    const ttls = await Promise.all(written.map((key) => redis.pttl(key)));
    await redis.quit();
    expect(written.sort()).toEqual(['blocked', 'bucket', 'bucket:log', 'counter', 'slots', 'visitor'].map((key) => keyPrefix + key));
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(0);
  });

  it("does not take another node's clock running ahead for a block", async () => {
    const store = createRedisStore({ url: server!.url, keyPrefix: prefix() });
    const spec: BucketSpec = { key: 'skew', capacity: 2, refillPerSecond: 0.1 };
    const now = Date.now();
    expect((await store.takeTokens([spec], now + 5_000)).taken).toBe(true);
    expect(await store.peekTokens([spec], now)).toEqual([1]);
    expect(await store.takeTokens([spec], now)).toEqual({ taken: true, waitMs: 0 });
    await store.close();
  });

  it('still blocks every node until the time an upstream 429 set', async () => {
    const store = createRedisStore({ url: server!.url, keyPrefix: prefix() });
    const spec: BucketSpec = { key: 'blocked', capacity: 2, refillPerSecond: 1 };
    const now = Date.now();
    await store.blockBucket(spec, now + 5_000, now);
    expect(await store.takeTokens([spec], now + 1_000)).toEqual({ taken: false, waitMs: 5_000 });
    expect((await store.takeTokens([spec], now + 6_000)).taken).toBe(true);
    await store.close();
  });

  it('reports itself healthy once connected', async () => {
    const store = createRedisStore({ url: server!.url, keyPrefix: prefix() });
    await store.readCounters(['x']);
    expect(store.healthy()).toBe(true);
    await store.close();
  });
});
