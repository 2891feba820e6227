/** The limits store in Redis, shared by every gateway node: each step one Lua script or one read. */
import { Redis } from 'ioredis';
import { bucketLevel, msToFull } from './bucket-level.js';
import { ACQUIRE_SLOTS, ADD_TO_COUNTER, BLOCK_BUCKET, INCREMENT_BELOW, REFRESH_SLOTS, TAKE_TOKENS } from './scripts.js';
import { StoreUnavailableError } from './store.js';
import type { BucketSpec, IncrementResult, SlotSpec, SlotsResult, Store, TakeResult } from './store.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key. @default 'voice-rag:' */
  keyPrefix?: string;
  /** A dead Redis must be noticed fast: a command fails after this long. @default 1000 */
  commandTimeoutMs?: number;
  /** How long the first commands wait for the initial connection. @default 2000 */
  connectTimeoutMs?: number;
}

type Reply = string | number | null | Reply[];

/** The Lua commands registered with `defineCommand` (ioredis does not type them). */
interface ScriptCommands {
  vrTakeTokens(numKeys: number, ...args: (string | number)[]): Promise<[number, number]>;
  vrBlockBucket(key: string, until: number, ttlMs: number): Promise<null>;
  vrAddToCounter(key: string, amount: number, ttlMs: number): Promise<string>;
  vrIncrementBelow(key: string, limit: number, ttlMs: number): Promise<[number, string]>;
  vrAcquireSlots(numKeys: number, ...args: (string | number)[]): Promise<number>;
  vrRefreshSlots(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

const BUCKET_SLACK_MS = 1_000;

/** The sorted set of a bucket's recent takes, for its window bound. */
const logKey = (spec: BucketSpec): string => `${spec.key}:log`;

/** Infinity cannot cross into Lua; -1 stands for "no limit". */
const finiteOr = (value: number): number => (Number.isFinite(value) ? value : -1);

/**
 * A store in Redis shared by every gateway node. Throws {@link StoreUnavailableError} when
 * Redis does not answer; the failover store decides what that means (`on_failure`).
 */
export function createRedisStore(options: RedisStoreOptions): Store {
  const commandTimeout = options.commandTimeoutMs ?? 1_000;
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? 'voice-rag:',
    commandTimeout,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    maxRetriesPerRequest: 1,
    // Queued commands would hide an outage behind latency: fail at once instead.
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
  });
  const scripts = redis as unknown as ScriptCommands;
  redis.defineCommand('vrTakeTokens', { lua: TAKE_TOKENS });
  redis.defineCommand('vrBlockBucket', { lua: BLOCK_BUCKET, numberOfKeys: 1 });
  redis.defineCommand('vrAddToCounter', { lua: ADD_TO_COUNTER, numberOfKeys: 1 });
  redis.defineCommand('vrIncrementBelow', { lua: INCREMENT_BELOW, numberOfKeys: 1 });
  redis.defineCommand('vrAcquireSlots', { lua: ACQUIRE_SLOTS });
  redis.defineCommand('vrRefreshSlots', { lua: REFRESH_SLOTS });

  const listeners = new Set<(healthy: boolean) => void>();
  let up = false;
  let closed = false;
  const setUp = (value: boolean): void => {
    if (up === value) return;
    up = value;
    for (const listener of listeners) listener(value);
  };
  redis.on('ready', () => setUp(true));
  redis.on('close', () => setUp(false));
  // ioredis prints unhandled 'error' events; outages are reported through health instead.
  redis.on('error', () => {});

  const firstReady = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.connectTimeoutMs ?? 2_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  let everReady = false;
  void firstReady.then(() => (everReady = true));

  async function run<T>(command: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreUnavailableError('redis store closed');
    if (!everReady) await firstReady;
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailableError('redis unreachable', { cause: error });
    }
  }

  const store: Store = {
    kind: 'redis',
    takeTokens: (specs: readonly BucketSpec[], now: number): Promise<TakeResult> =>
      run(async () => {
        const keyList = specs.flatMap((spec) => [spec.key, logKey(spec)]);
        const args = specs.flatMap((spec) => [finiteOr(spec.capacity), spec.refillPerSecond / 1000, spec.windowMs ?? 0]);
        const [taken, waitMs] = await scripts.vrTakeTokens(keyList.length, ...keyList, now, ...args);
        return { taken: taken === 1, waitMs: Number(waitMs) };
      }),
    peekTokens: (specs: readonly BucketSpec[], now: number): Promise<number[]> =>
      run(async () => {
        const pipeline = redis.pipeline();
        for (const spec of specs) {
          pipeline.hmget(spec.key, 't', 'u', 'b');
          pipeline.zrangebyscore(logKey(spec), `(${now - (spec.windowMs ?? 0)}`, '+inf', 'WITHSCORES');
        }
        const replies = (await pipeline.exec()) ?? [];
        for (const [error] of replies) if (error) throw error;
        return specs.map((spec, index) => {
          const [t, u, b] = (replies[2 * index]?.[1] as (string | null)[] | null) ?? [];
          // As in TAKE_TOKENS: only `b` blocks; a `u` from a clock ahead of ours counts as now.
          const updatedAt = b ? Number(b) : Math.min(Number(u), now);
          const state = u === null || u === undefined ? undefined : { tokens: Number(t ?? 0), updatedAt };
          const scores = ((replies[2 * index + 1]?.[1] as string[] | null) ?? []).filter((_, at) => at % 2 === 1).map(Number);
          return bucketLevel(spec, state, now, spec.windowMs ? scores : []).tokens;
        });
      }),
    blockBucket: (spec: BucketSpec, until: number, now: number): Promise<void> =>
      run(async () => {
        await scripts.vrBlockBucket(spec.key, Math.round(until), Math.max(1, until - now) + msToFull(spec, 0) + BUCKET_SLACK_MS);
      }),
    addToCounter: (key: string, amount: number, ttlMs: number): Promise<number> =>
      run(async () => Number(await scripts.vrAddToCounter(key, amount, Math.max(1, Math.ceil(ttlMs))))),
    incrementBelow: (key: string, limit: number, ttlMs: number): Promise<IncrementResult> =>
      run(async () => {
        const [ok, value] = await scripts.vrIncrementBelow(key, limit, Math.max(1, Math.ceil(ttlMs)));
        return { ok: ok === 1, value: Number(value) };
      }),
    readCounters: (keys: readonly string[]): Promise<number[]> =>
      run(async () => (keys.length === 0 ? [] : (await redis.mget(...keys)).map((value) => Number(value ?? 0)))),
    acquireSlots: (specs: readonly SlotSpec[], holder: string, expiresAt: number, now: number): Promise<SlotsResult> =>
      run(async () => {
        const keys = specs.map((spec) => spec.key);
        const full = await scripts.vrAcquireSlots(keys.length, ...keys, now, expiresAt, holder, ...specs.map((spec) => finiteOr(spec.limit)));
        return full === 0 ? { acquired: true } : { acquired: false, fullKey: keys[full - 1]! };
      }),
    refreshSlots: (keys: readonly string[], holder: string, expiresAt: number, now: number): Promise<void> =>
      run(async () => {
        await scripts.vrRefreshSlots(keys.length, ...keys, now, expiresAt, holder);
      }),
    releaseSlots: (keys: readonly string[], holder: string): Promise<void> =>
      run(async () => {
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.zrem(key, holder);
        await pipeline.exec();
      }),
    countSlots: (keys: readonly string[], now: number): Promise<number[]> =>
      run(async () => {
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.zcount(key, `(${now}`, '+inf');
        const replies = (await pipeline.exec()) ?? [];
        return replies.map(([error, value]) => {
          if (error) throw error;
          return Number(value as Reply);
        });
      }),
    healthy: () => up,
    onHealthChange(listener: (healthy: boolean) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(): Promise<void> {
      closed = true;
      listeners.clear();
      redis.disconnect();
    },
  };
  return store;
}
