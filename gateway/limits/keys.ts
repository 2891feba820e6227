/**
 * Key names of the limits store. Keys carry no secret; a visitor id (an address or a token
 * `sub`) appears only in a key that expires after a minute. Keys read or written alone (costs,
 * counters, visitors) need no hash tag.
 */

/** Whose counter: the engine (deployment-wide) or one site. */
export type Scope = 'engine' | 'site';

/** Length of the window behind "connections in the last minute", in slices of this many ms. */
export const CONNECTION_SLICE_MS = 10_000;
export const MINUTE_MS = 60_000;

/**
 * The hash tag of every key one script call may touch: a session's engine and site buckets and
 * slots are taken together, so they live in the engine's slot of a Redis Cluster.
 */
const tag = (engineId: string): string => `{engine:${engineId}}`;

export const keys = {
  engineBucket: (engineId: string) => `${tag(engineId)}:bucket`,
  siteBucket: (engineId: string, siteId: string) => `${tag(engineId)}:site:${siteId}:bucket`,
  engineSlots: (engineId: string) => `${tag(engineId)}:slots`,
  siteSlots: (engineId: string, siteId: string) => `${tag(engineId)}:site:${siteId}:slots`,
  /** The waiting line of a site on an engine (with `:exp` and `:seq` beside it). */
  line: (engineId: string, siteId: string) => `${tag(engineId)}:site:${siteId}:line`,
  cost: (scope: Scope, id: string, day: string) => `cost:${scope}:${id}:${day}`,
  tokens: (engineId: string, minute: number) => `tpm:${engineId}:${minute}`,
  visitor: (siteId: string, minute: number, visitorId: string) => `visitor:${siteId}:${minute}:${visitorId}`,
  connections: (scope: Scope, id: string, slice: number) => `conn:${scope}:${id}:${slice}`,
} as const;
