/** The limits store in this process's memory: one gateway node, and the fallback while Redis is down. */
import type { Clock } from '../../clock.js';
import { bucketLevel, liveTakes, msToFull } from './bucket-level.js';
import type { BucketSpec, IncrementResult, SlotSpec, SlotsResult, Store, TakeResult, TurnResult } from './store.js';

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
  /** Slot sets (holder → expiry) and waiting lines (ticket → expiry, in arrival order). */
  const slots = new Map<string, Map<string, number>>();
  const lines = new Map<string, Map<string, number>>();
  let lastSweep = clock.now();

  function sweep(): void {
    const now = clock.now();
    if (now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    for (const [key, state] of buckets) if (state.expiresAt <= now) buckets.delete(key);
    for (const [key, state] of counters) if (state.expiresAt <= now) counters.delete(key);
    for (const table of [slots, lines])
      for (const [key, entries] of table) {
        for (const [entry, expiresAt] of entries) if (expiresAt <= now) entries.delete(entry);
        if (entries.size === 0) table.delete(key);
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

  /** The unexpired entries of a slot set or line, kept in the table. */
  function live(table: Map<string, Map<string, number>>, key: string, now: number): Map<string, number> {
    const entries = table.get(key) ?? new Map<string, number>();
    for (const [entry, expiresAt] of entries) if (expiresAt <= now) entries.delete(entry);
    table.set(key, entries);
    return entries;
  }
  const liveSlots = (key: string, now: number): Map<string, number> => live(slots, key, now);

  /** The wait for a token from every bucket, and what taking one would need. */
  function bucketsWait(specs: readonly BucketSpec[], now: number) {
    const states = specs.map((spec) => bucketState(spec.key, now));
    const levels = specs.map((spec, index) => bucketLevel(spec, states[index], now, states[index]?.log));
    return { states, levels, waitMs: Math.max(0, ...levels.map((level) => level.waitMs)) };
  }

  function bucketsTake(specs: readonly BucketSpec[], now: number, { states, levels }: ReturnType<typeof bucketsWait>): void {
    specs.forEach((spec, index) => {
      if (!Number.isFinite(spec.capacity)) return;
      const tokens = levels[index]!.level - 1;
      const log = spec.windowMs ? [...liveTakes(spec, states[index]?.log ?? [], now), now] : [];
      buckets.set(spec.key, { tokens, updatedAt: now, expiresAt: now + msToFull(spec, tokens) + BUCKET_SLACK_MS, log });
    });
  }

  const store: Store = {
    kind: 'memory',
    async takeTokens(specs: readonly BucketSpec[], now: number): Promise<TakeResult> {
      sweep();
      const wait = bucketsWait(specs, now);
      if (wait.waitMs > 0) return { taken: false, waitMs: wait.waitMs };
      bucketsTake(specs, now, wait);
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
    async joinLine(line: string, ticket: string, expiresAt: number, now: number): Promise<number> {
      sweep();
      // A Map keeps insertion order, and setting a held ticket again keeps its place.
      const tickets = live(lines, line, now).set(ticket, expiresAt);
      return [...tickets.keys()].indexOf(ticket);
    },
    async takeInTurn(line: string, ticket: string, expiresAt: number, specs: readonly BucketSpec[], now: number): Promise<TurnResult> {
      const ahead = await store.joinLine(line, ticket, expiresAt, now);
      const wait = bucketsWait(specs, now);
      if (ahead > 0 || wait.waitMs > 0) return { taken: false, waitMs: wait.waitMs, ahead };
      bucketsTake(specs, now, wait);
      lines.get(line)?.delete(ticket);
      return { taken: true, waitMs: 0, ahead: 0 };
    },
    async refreshTicket(line: string, ticket: string, expiresAt: number, now: number): Promise<void> {
      const tickets = live(lines, line, now);
      if (tickets.has(ticket)) tickets.set(ticket, expiresAt);
    },
    async leaveLine(line: string, ticket: string): Promise<void> {
      lines.get(line)?.delete(ticket);
    },
    healthy: () => true,
    onHealthChange: () => () => {},
    async close(): Promise<void> {
      buckets.clear();
      counters.clear();
      slots.clear();
      lines.clear();
    },
  };
  return store;
}
