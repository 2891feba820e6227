/**
 * Key names and bucket shapes derived from the config. Keys carry no secret; a visitor id (an
 * address or a token `sub`) appears only in a key that expires after a minute.
 */
import type { QuotaConfig } from '../config/schema.js';
import type { BucketSpec } from './store.js';

/** Whose counter: the engine (deployment-wide) or one site. */
export type Scope = 'engine' | 'site';

/** Length of the window behind "connections in the last minute", in slices of this many ms. */
export const CONNECTION_SLICE_MS = 10_000;
export const MINUTE_MS = 60_000;

/** Azure's evaluation window when the engine names none. */
export const DEFAULT_WINDOW_SECONDS = 10;

export const keys = {
  bucket: (scope: Scope, id: string) => `bucket:${scope}:${id}`,
  slots: (scope: Scope, id: string) => `slots:${scope}:${id}`,
  cost: (scope: Scope, id: string, day: string) => `cost:${scope}:${id}:${day}`,
  tokens: (engineId: string, minute: number) => `tpm:${engineId}:${minute}`,
  visitor: (siteId: string, minute: number, visitorId: string) => `visitor:${siteId}:${minute}:${visitorId}`,
  connections: (scope: Scope, id: string, slice: number) => `conn:${scope}:${id}:${slice}`,
} as const;

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
  const key = keys.bucket('engine', engineId);
  if (!quota) return { key, capacity: Infinity, refillPerSecond: 1 };
  return connectionBucket(key, quota.connections_per_minute, quota.window_seconds ?? DEFAULT_WINDOW_SECONDS);
}

/** The site's share, drawn inside the engine's window; undefined when the site has none. */
export function siteBucket(siteId: string, connectionsPerMinute: number | undefined, quota: QuotaConfig | undefined): BucketSpec | undefined {
  if (connectionsPerMinute === undefined) return undefined;
  return connectionBucket(keys.bucket('site', siteId), connectionsPerMinute, quota?.window_seconds ?? DEFAULT_WINDOW_SECONDS);
}
