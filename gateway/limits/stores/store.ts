/**
 * The limits store's contract: the atomic primitives the limiter needs, implemented in memory
 * and in Redis (Lua). Every key a store writes expires, so a shared Redis does not grow.
 */
import type { Logger } from '../../logger.js';

/**
 * A token bucket. `capacity: Infinity` is a bucket that never runs out (an engine without a
 * quota): only a block set by {@link Store.blockBucket} makes it wait.
 */
export interface BucketSpec {
  key: string;
  capacity: number;
  refillPerSecond: number;
  /**
   * When set, also at most `capacity` takes in any window of this many ms. A bucket alone lets
   * a full burst plus the window's refill through one window; Azure counts per window.
   */
  windowMs?: number;
}

/** The outcome of {@link Store.takeTokens}: taken, or how long until every bucket has a token. */
export interface TakeResult {
  taken: boolean;
  waitMs: number;
}

/** A set of concurrency slots; `limit: Infinity` only counts. */
export interface SlotSpec {
  key: string;
  limit: number;
}

/** The outcome of {@link Store.acquireSlots}: on refusal, the key of the first full set. */
export interface SlotsResult {
  acquired: boolean;
  fullKey?: string;
}

/** The outcome of {@link Store.incrementBelow}. */
export interface IncrementResult {
  ok: boolean;
  value: number;
}

/** The outcome of {@link Store.takeInTurn}: `ahead` tickets are before this one (0: its turn). */
export interface TurnResult extends TakeResult {
  ahead: number;
}

/** The limiter's storage. Each method is one atomic step; `now` is the caller's clock. */
export interface Store {
  /** 'memory': this process only; 'redis' and 'channel' (a primary process's store): shared by several. */
  readonly kind: 'memory' | 'redis' | 'channel';
  /** Takes one token from every bucket, or none when any is empty (then `waitMs` > 0). */
  takeTokens(buckets: readonly BucketSpec[], now: number): Promise<TakeResult>;
  /** Tokens each bucket holds now (Infinity for an unlimited, unblocked bucket). */
  peekTokens(buckets: readonly BucketSpec[], now: number): Promise<number[]>;
  /** Empties the bucket and lets it refill only from `until` (an upstream 429). */
  blockBucket(bucket: BucketSpec, until: number, now: number): Promise<void>;
  /** Adds to a counter created with a time to live; returns the new value. */
  addToCounter(key: string, amount: number, ttlMs: number): Promise<number>;
  /** Adds 1 unless the counter has reached `limit` already. */
  incrementBelow(key: string, limit: number, ttlMs: number): Promise<IncrementResult>;
  /** Current values (0 for a missing or expired counter). */
  readCounters(keys: readonly string[]): Promise<number[]>;
  /** Takes a slot in every set for `holder` until `expiresAt`, or none when any set is full. */
  acquireSlots(slots: readonly SlotSpec[], holder: string, expiresAt: number, now: number): Promise<SlotsResult>;
  /** Moves the expiry of `holder`'s slots (a lease heartbeat); a freed slot stays free. */
  refreshSlots(keys: readonly string[], holder: string, expiresAt: number, now: number): Promise<void>;
  /** Frees `holder`'s slots; freeing twice is harmless. */
  releaseSlots(keys: readonly string[], holder: string): Promise<void>;
  /** Live (unexpired) slots per set. */
  countSlots(keys: readonly string[], now: number): Promise<number[]>;
  /**
   * Gives `ticket` a place at the back of the waiting line `line` (keeping the place it holds),
   * leased until `expiresAt`; returns how many live tickets are ahead of it.
   */
  joinLine(line: string, ticket: string, expiresAt: number, now: number): Promise<number>;
  /**
   * As {@link Store.joinLine}, then, when no ticket is ahead, takes one token from every bucket
   * (or none) and leaves the line. `waitMs` is the wait for a token whatever the place.
   */
  takeInTurn(line: string, ticket: string, expiresAt: number, buckets: readonly BucketSpec[], now: number): Promise<TurnResult>;
  /** Renews the lease of a ticket that still holds its place (a heartbeat). */
  refreshTicket(line: string, ticket: string, expiresAt: number, now: number): Promise<void>;
  /** Gives up the ticket's place; leaving twice is harmless. */
  leaveLine(line: string, ticket: string): Promise<void>;
  /** False while the backing service is unreachable. */
  healthy(): boolean;
  /** Calls `listener` on each transition between healthy and unreachable; returns an unsubscribe. */
  onHealthChange(listener: (healthy: boolean) => void): () => void;
  close(): Promise<void>;
}

/** Thrown by a store when its backing service is unreachable and it must not fall back. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreUnavailableError';
  }
}

/** The logging the limits need: a slice of the gateway's Logger. */
export type LimitsLogger = Pick<Logger, 'info' | 'warn'>;
