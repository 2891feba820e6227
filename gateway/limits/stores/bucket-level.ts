/** Token-bucket arithmetic shared by the memory store and the Redis store's reads (the Lua repeats it). */
import type { BucketSpec } from './store.js';

/** Takes of `log` (ascending) still inside the bucket's window at `now`. */
export function liveTakes(bucket: BucketSpec, log: readonly number[], now: number): number[] {
  return bucket.windowMs ? log.filter((time) => time > now - bucket.windowMs!) : [];
}

/**
 * A bucket at `now`: its own refilled `level`, the `tokens` it may give (also bounded by the
 * takes in its window, listed in `log`), and the wait until it may give one.
 */
export function bucketLevel(
  bucket: BucketSpec,
  state: { tokens: number; updatedAt: number } | undefined,
  now: number,
  log: readonly number[] = [],
): { tokens: number; level: number; waitMs: number } {
  const blockedMs = state && state.updatedAt > now ? state.updatedAt - now : 0;
  if (!Number.isFinite(bucket.capacity)) {
    const tokens = blockedMs > 0 ? 0 : Infinity;
    return { tokens, level: tokens, waitMs: blockedMs };
  }
  const perMs = bucket.refillPerSecond / 1000;
  let tokens = bucket.capacity;
  let waitMs = 0;
  if (state && blockedMs > 0) {
    tokens = 0;
    waitMs = Math.ceil(blockedMs + (1 - Math.min(1, state.tokens)) / perMs);
  } else if (state) {
    tokens = Math.min(bucket.capacity, state.tokens + (now - state.updatedAt) * perMs);
    waitMs = tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
  }
  const level = tokens;
  const live = liveTakes(bucket, log, now);
  if (live.length >= bucket.capacity) {
    // The window is full: wait until its oldest counted take leaves it.
    tokens = 0;
    waitMs = Math.max(waitMs, live[live.length - bucket.capacity]! + bucket.windowMs! - now);
  } else tokens = Math.min(tokens, bucket.capacity - live.length);
  return { tokens, level, waitMs };
}

/** Milliseconds a bucket needs to refill from `tokens` to full, for key expiry. */
export function msToFull(bucket: BucketSpec, tokens: number): number {
  if (!Number.isFinite(bucket.capacity)) return 0;
  const refill = Math.ceil((Math.max(0, bucket.capacity - tokens) * 1000) / bucket.refillPerSecond);
  return Math.max(refill, bucket.windowMs ?? 0);
}
