/**
 * The seam between a session and the limits: admission before the upstream socket opens,
 * and metered usage afterwards. Implemented in this folder over a `Store` (memory or Redis).
 */
import type { EngineConfig, SiteConfig } from '../config/schema.js';
import type { TokenUsage } from '../usage/types.js';

export interface AdmissionRequest {
  siteId: string;
  site: SiteConfig;
  engineId: string;
  engine: EngineConfig;
  /** Client address (X-Forwarded-For only with trust_proxy) or the token's `sub`. */
  visitorId: string;
  /** Aborted when the visitor leaves while queued: their place is freed. */
  signal: AbortSignal;
  /** Called when the request must wait; may be called again with a new estimate. */
  onQueued(retryInMs: number): void;
}

/** Held for the life of an admitted session; `release` frees its concurrency slots (idempotent). */
export interface Lease {
  release(): void;
}

export interface Admission {
  /**
   * Resolves once the session may open its upstream socket (a connection token from both the
   * engine's and the site's bucket, concurrency, visitor and budget checks all passed).
   * Rejects with a GatewayError: `rate_limited` (with retryAfterMs), `over_budget`, or
   * `upstream_unavailable` when the store is unreachable and `on_failure` is `closed`.
   */
  admit(request: AdmissionRequest): Promise<Lease>;
  /** Metered usage of one response, counted against budgets and tokens per minute. */
  recordUsage(siteId: string, engineId: string, usage: TokenUsage, costUsd: number): void;
  /** The upstream refused a handshake with 429 anyway: back the engine bucket off. */
  upstreamThrottled(engineId: string, retryAfterMs: number): void;
  close?(): Promise<void>;
}
