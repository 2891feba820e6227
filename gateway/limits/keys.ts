/**
 * Key names of the limits store. Keys carry no secret; a visitor id (an address or a token
 * `sub`) appears only in a key that expires after a minute.
 */

/** Whose counter: the engine (deployment-wide) or one site. */
export type Scope = 'engine' | 'site';

/** Length of the window behind "connections in the last minute", in slices of this many ms. */
export const CONNECTION_SLICE_MS = 10_000;
export const MINUTE_MS = 60_000;

export const keys = {
  bucket: (scope: Scope, id: string) => `bucket:${scope}:${id}`,
  slots: (scope: Scope, id: string) => `slots:${scope}:${id}`,
  cost: (scope: Scope, id: string, day: string) => `cost:${scope}:${id}:${day}`,
  tokens: (engineId: string, minute: number) => `tpm:${engineId}:${minute}`,
  visitor: (siteId: string, minute: number, visitorId: string) => `visitor:${siteId}:${minute}:${visitorId}`,
  connections: (scope: Scope, id: string, slice: number) => `conn:${scope}:${id}:${slice}`,
} as const;
