/** The limits store in Redis, shared by every gateway node: each step one Lua script or one read. */
import { connectRedis } from './redis-client.js';
import type { RedisTarget } from './redis-client.js';
import { bucketLevel, msToFull } from './bucket-level.js';
import { ACQUIRE_SLOTS, ADD_TO_COUNTER, BLOCK_BUCKET, INCREMENT_BELOW, JOIN_LINE, REFRESH_SLOTS, REFRESH_TICKET, TAKE_IN_TURN, TAKE_TOKENS } from './scripts.js';
import { createHealth } from './health.js';
import { StoreUnavailableError } from './store.js';
import type { BucketSpec, IncrementResult, SlotSpec, SlotsResult, Store, TakeResult, TurnResult } from './store.js';

/** Options of {@link createRedisStore}. */
export type RedisStoreOptions = RedisTarget & {
  /** Prepended to every key. @default 'voice-rag:' */
  keyPrefix?: string;
  /** A dead Redis must be noticed fast: a command fails after this long. @default 1000 */
  commandTimeoutMs?: number;
  /** How long the first commands wait for the initial connection. @default 2000 */
  connectTimeoutMs?: number;
};

/** The Lua commands registered with `defineCommand` (ioredis does not type them). */
interface ScriptCommands {
  vrTakeTokens(numKeys: number, ...args: (string | number)[]): Promise<[number, number]>;
  vrBlockBucket(key: string, until: number, ttlMs: number): Promise<null>;
  vrAddToCounter(key: string, amount: number, ttlMs: number): Promise<string>;
  vrIncrementBelow(key: string, limit: number, ttlMs: number): Promise<[number, string]>;
  vrAcquireSlots(numKeys: number, ...args: (string | number)[]): Promise<number>;
  vrRefreshSlots(numKeys: number, ...args: (string | number)[]): Promise<number>;
  vrJoinLine(line: string, exp: string, seq: string, now: number, ticket: string, expiresAt: number, ttlMs: number): Promise<number>;
  vrTakeInTurn(numKeys: number, ...args: (string | number)[]): Promise<[number, number, number]>;
  vrRefreshTicket(line: string, exp: string, seq: string, now: number, ticket: string, expiresAt: number, ttlMs: number): Promise<number>;
}

const BUCKET_SLACK_MS = 1_000;

/** The sorted set of a bucket's recent takes, for its window bound. */
const logKey = (spec: BucketSpec): string => `${spec.key}:log`;

/** A waiting line's keys: tickets by arrival, their lease expiries, the arrival sequence. */
const lineKeys = (line: string): [string, string, string] => [line, `${line}:exp`, `${line}:seq`];

/** Line keys outlive the last lease by this much. */
const lineTtl = (expiresAt: number, now: number): number => Math.max(1, Math.ceil(expiresAt - now)) + 1_000;

/** Bucket keys and arguments as the bucket Lua takes them (scripts.ts, BUCKETS). */
const bucketArgs = (specs: readonly BucketSpec[]): { keys: string[]; args: number[] } => ({
  keys: specs.flatMap((spec) => [spec.key, logKey(spec)]),
  args: specs.flatMap((spec) => [finiteOr(spec.capacity), spec.refillPerSecond / 1000, spec.windowMs ?? 0]),
});

/** Infinity cannot cross into Lua; -1 stands for "no limit". */
const finiteOr = (value: number): number => (Number.isFinite(value) ? value : -1);

/**
 * A store in Redis shared by every gateway node. Throws {@link StoreUnavailableError} when
 * Redis does not answer; the failover store decides what that means (`on_failure`).
 */
export function createRedisStore(options: RedisStoreOptions): Store {
  const redis = connectRedis(options, {
    keyPrefix: options.keyPrefix ?? 'voice-rag:',
    commandTimeoutMs: options.commandTimeoutMs ?? 1_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
  });
  const scripts = redis as unknown as ScriptCommands;
  redis.defineCommand('vrTakeTokens', { lua: TAKE_TOKENS });
  redis.defineCommand('vrBlockBucket', { lua: BLOCK_BUCKET, numberOfKeys: 1 });
  redis.defineCommand('vrAddToCounter', { lua: ADD_TO_COUNTER, numberOfKeys: 1 });
  redis.defineCommand('vrIncrementBelow', { lua: INCREMENT_BELOW, numberOfKeys: 1 });
  redis.defineCommand('vrAcquireSlots', { lua: ACQUIRE_SLOTS });
  redis.defineCommand('vrRefreshSlots', { lua: REFRESH_SLOTS });
  redis.defineCommand('vrJoinLine', { lua: JOIN_LINE, numberOfKeys: 3 });
  redis.defineCommand('vrTakeInTurn', { lua: TAKE_IN_TURN });
  redis.defineCommand('vrRefreshTicket', { lua: REFRESH_TICKET, numberOfKeys: 3 });

  const health = createHealth(false);
  let closed = false;
  redis.on('ready', () => health.set(true));
  redis.on('close', () => health.set(false));
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
        const { keys: keyList, args } = bucketArgs(specs);
        const [taken, waitMs] = await scripts.vrTakeTokens(keyList.length, ...keyList, now, ...args);
        return { taken: taken === 1, waitMs: Number(waitMs) };
      }),
    peekTokens: (specs: readonly BucketSpec[], now: number): Promise<number[]> =>
      run(() =>
        // One command per key: on a cluster a pipeline may only address one node.
        Promise.all(
          specs.map(async (spec) => {
            const [[t, u, b], log] = await Promise.all([
              redis.hmget(spec.key, 't', 'u', 'b'),
              spec.windowMs ? redis.zrangebyscore(logKey(spec), `(${now - spec.windowMs}`, '+inf', 'WITHSCORES') : Promise.resolve([]),
            ]);
            // As in TAKE_TOKENS: only `b` blocks; a `u` from a clock ahead of ours counts as now.
            const updatedAt = b ? Number(b) : Math.min(Number(u), now);
            const state = u === null || u === undefined ? undefined : { tokens: Number(t ?? 0), updatedAt };
            const scores = log.filter((_, at) => at % 2 === 1).map(Number);
            return bucketLevel(spec, state, now, scores).tokens;
          }),
        ),
      ),
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
      run(() => Promise.all(keys.map(async (key) => Number((await redis.get(key)) ?? 0)))),
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
        await Promise.all(keys.map((key) => redis.zrem(key, holder)));
      }),
    countSlots: (keys: readonly string[], now: number): Promise<number[]> =>
      run(() => Promise.all(keys.map((key) => redis.zcount(key, `(${now}`, '+inf')))),
    joinLine: (line: string, ticket: string, expiresAt: number, now: number): Promise<number> =>
      run(async () => Number(await scripts.vrJoinLine(...lineKeys(line), now, ticket, expiresAt, lineTtl(expiresAt, now)))),
    takeInTurn: (line: string, ticket: string, expiresAt: number, specs: readonly BucketSpec[], now: number): Promise<TurnResult> =>
      run(async () => {
        const { keys: keyList, args } = bucketArgs(specs);
        const allKeys = [...lineKeys(line), ...keyList];
        const [taken, waitMs, ahead] = await scripts.vrTakeInTurn(allKeys.length, ...allKeys, now, ticket, expiresAt, lineTtl(expiresAt, now), ...args);
        return { taken: taken === 1, waitMs: Number(waitMs), ahead: Number(ahead) };
      }),
    refreshTicket: (line: string, ticket: string, expiresAt: number, now: number): Promise<void> =>
      run(async () => {
        await scripts.vrRefreshTicket(...lineKeys(line), now, ticket, expiresAt, lineTtl(expiresAt, now));
      }),
    leaveLine: (line: string, ticket: string): Promise<void> =>
      run(async () => {
        const [order, expiries] = lineKeys(line);
        await Promise.all([redis.zrem(order, ticket), redis.zrem(expiries, ticket)]);
      }),
    healthy: health.healthy,
    onHealthChange: health.onHealthChange,
    async close(): Promise<void> {
      closed = true;
      health.clear();
      redis.disconnect();
    },
  };
  return store;
}
