/** The limits store in this process's memory: one gateway node, and the fallback while Redis is down. */
import type { Clock } from '../../clock.js';
import { bucketLevel, liveTakes, msToFull } from './bucket-level.js';
import type { BucketSpec, IncrementResult, SlotSpec, SlotsResult, Store, TakeResult } from './store.js';

interface BucketState {
  tokens: number;
  /** Time the tokens were counted at; in the future while the bucket is blocked. */
  updatedAt: number;
  expiresAt: number;
  /** Times of the takes within the bucket's window, oldest first. */
  log: number[];
}

interface CounterState {
  value: number;
  expiresAt: number;
}

/** Sweep expired keys at most this often, so visitor keys of one-off visitors do not pile up. */
const SWEEP_EVERY_MS = 60_000;
/** Buckets outlive the time they need to refill by this much, as in Redis. */
const BUCKET_SLACK_MS = 1_000;

/** A store in this process's memory: one gateway node, and the fallback when Redis is down. */
export function createMemoryStore(clock: Clock): Store {
  const buckets = new Map<string, BucketState>();
  const counters = new Map<string, CounterState>();
  const slots = new Map<string, Map<string, number>>();
  let lastSweep = clock.now();

  function sweep(): void {
    const now = clock.now();
    if (now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    for (const [key, state] of buckets) if (state.expiresAt <= now) buckets.delete(key);
    for (const [key, state] of counters) if (state.expiresAt <= now) counters.delete(key);
    for (const [key, holders] of slots) {
      for (const [holder, expiresAt] of holders) if (expiresAt <= now) holders.delete(holder);
      if (holders.size === 0) slots.delete(key);
    }
  }

  function bucketState(key: string, now: number): BucketState | undefined {
    const state = buckets.get(key);
    if (state && state.expiresAt <= now) {
      buckets.delete(key);
      return undefined;
    }
    return state;
  }

  function counter(key: string): CounterState | undefined {
    const state = counters.get(key);
    if (state && state.expiresAt <= clock.now()) {
      counters.delete(key);
      return undefined;
    }
    return state;
  }

  function liveSlots(key: string, now: number): Map<string, number> {
    const holders = slots.get(key) ?? new Map<string, number>();
    for (const [holder, expiresAt] of holders) if (expiresAt <= now) holders.delete(holder);
    return holders;
  }

  const store: Store = {
    kind: 'memory',
    async takeTokens(specs: readonly BucketSpec[], now: number): Promise<TakeResult> {
      sweep();
      const states = specs.map((spec) => bucketState(spec.key, now));
      const levels = specs.map((spec, index) => bucketLevel(spec, states[index], now, states[index]?.log));
      const waitMs = Math.max(0, ...levels.map((level) => level.waitMs));
      if (waitMs > 0) return { taken: false, waitMs };
      specs.forEach((spec, index) => {
        if (!Number.isFinite(spec.capacity)) return;
        const tokens = levels[index]!.level - 1;
        const log = spec.windowMs ? [...liveTakes(spec, states[index]?.log ?? [], now), now] : [];
        buckets.set(spec.key, { tokens, updatedAt: now, expiresAt: now + msToFull(spec, tokens) + BUCKET_SLACK_MS, log });
      });
      return { taken: true, waitMs: 0 };
    },
    async peekTokens(specs: readonly BucketSpec[], now: number): Promise<number[]> {
      return specs.map((spec) => {
        const state = bucketState(spec.key, now);
        return bucketLevel(spec, state, now, state?.log).tokens;
      });
    },
    async blockBucket(spec: BucketSpec, until: number, now: number): Promise<void> {
      const previous = bucketState(spec.key, now);
      const updatedAt = Math.max(until, previous?.updatedAt ?? until);
      buckets.set(spec.key, { tokens: 0, updatedAt, expiresAt: updatedAt + msToFull(spec, 0) + BUCKET_SLACK_MS, log: previous?.log ?? [] });
    },
    async addToCounter(key: string, amount: number, ttlMs: number): Promise<number> {
      sweep();
      const state = counter(key) ?? { value: 0, expiresAt: clock.now() + ttlMs };
      state.value += amount;
      counters.set(key, state);
      return state.value;
    },
    async incrementBelow(key: string, limit: number, ttlMs: number): Promise<IncrementResult> {
      sweep();
      const state = counter(key);
      if (state && state.value >= limit) return { ok: false, value: state.value };
      return { ok: true, value: await store.addToCounter(key, 1, ttlMs) };
    },
    async readCounters(keys: readonly string[]): Promise<number[]> {
      return keys.map((key) => counter(key)?.value ?? 0);
    },
    async acquireSlots(specs: readonly SlotSpec[], holder: string, expiresAt: number, now: number): Promise<SlotsResult> {
      sweep();
      for (const spec of specs) {
        const holders = liveSlots(spec.key, now);
        if (!holders.has(holder) && holders.size >= spec.limit) return { acquired: false, fullKey: spec.key };
      }
      for (const spec of specs) slots.set(spec.key, liveSlots(spec.key, now).set(holder, expiresAt));
      return { acquired: true };
    },
    async refreshSlots(keys: readonly string[], holder: string, expiresAt: number, now: number): Promise<void> {
      for (const key of keys) {
        const holders = liveSlots(key, now);
        if (holders.has(holder)) holders.set(holder, expiresAt);
      }
    },
    async releaseSlots(keys: readonly string[], holder: string): Promise<void> {
      for (const key of keys) slots.get(key)?.delete(holder);
    },
    async countSlots(keys: readonly string[], now: number): Promise<number[]> {
      return keys.map((key) => liveSlots(key, now).size);
    },
    healthy: () => true,
    onHealthChange: () => () => {},
    async close(): Promise<void> {
      buckets.clear();
      counters.clear();
      slots.clear();
    },
  };
  return store;
}
