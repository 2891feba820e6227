/**
 * Connection buckets: their shapes from the config (aligned to Azure's window), the one atomic
 * take of a session's engine and site tokens, and the engine's back-off after an upstream 429.
 */
import type { QuotaConfig, SiteLimits } from '../config/schema.js';
import { keys, MINUTE_MS } from './keys.js';
import type { BucketSpec, Store } from './stores/store.js';

/** Azure's evaluation window when the engine names none. */
export const DEFAULT_WINDOW_SECONDS = 10;

/**
 * A connection bucket that admits no burst Azure's window would refuse: it holds what the
 * window allows (at least one), refills at the per-minute rate, and never lets more than that
 * through any one window (docs/LIMITS.md explains why the last rule is needed).
 * @example connectionBucket('k', 6, 10) // capacity 1, one token per 10 s
 */
export function connectionBucket(key: string, connectionsPerMinute: number, windowSeconds: number): BucketSpec {
  return {
    key,
    capacity: Math.max(1, Math.floor((connectionsPerMinute * windowSeconds) / 60)),
    refillPerSecond: connectionsPerMinute / 60,
    windowMs: windowSeconds * 1000,
  };
}

/** The engine's bucket, or an unlimited one (only an upstream 429 can block it) without a quota. */
export function engineBucket(engineId: string, quota: QuotaConfig | undefined): BucketSpec {
  const key = keys.engineBucket(engineId);
  if (!quota) return { key, capacity: Infinity, refillPerSecond: 1 };
  return connectionBucket(key, quota.connections_per_minute, quota.window_seconds ?? DEFAULT_WINDOW_SECONDS);
}

/** The site's share of its engine, drawn inside the engine's window; undefined when the site has none. */
export function siteBucket(siteId: string, engineId: string, site: SiteLimits, quota: QuotaConfig | undefined): BucketSpec | undefined {
  if (site.connections_per_minute === undefined) return undefined;
  return connectionBucket(keys.siteBucket(engineId, siteId), site.connections_per_minute, quota?.window_seconds ?? DEFAULT_WINDOW_SECONDS);
}

/** The buckets a session of this site draws from: the engine's first, then the site's share, if any. */
export function bucketsOf(siteId: string, engineId: string, site: SiteLimits, quota: QuotaConfig | undefined): BucketSpec[] {
  const share = siteBucket(siteId, engineId, site, quota);
  return share ? [engineBucket(engineId, quota), share] : [engineBucket(engineId, quota)];
}

/** Time between two tokens of the slower bucket, for the wait estimates of those further back. */
export function tokenIntervalMs(site: SiteLimits, quota: QuotaConfig | undefined): number {
  const slowest = Math.min(quota?.connections_per_minute ?? Infinity, site.connections_per_minute ?? Infinity);
  return Number.isFinite(slowest) ? MINUTE_MS / slowest : 0;
}

/** Empties the engine's bucket until `retryAfterMs` from now, on every node sharing the store. */
export function blockEngine(store: Store, engineId: string, quota: QuotaConfig | undefined, retryAfterMs: number, now: number): Promise<void> {
  return store.blockBucket(engineBucket(engineId, quota), now + Math.max(0, retryAfterMs), now);
}
