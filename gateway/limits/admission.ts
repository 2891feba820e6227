/**
 * The gateway's `Admission`: orders the checks every new session passes (budgets, concurrency,
 * visitor, then a place in the waiting line for connection tokens) and routes usage reports.
 */
import type { Clock } from '../clock.js';
import type { GatewayConfig, QuotaConfig, SiteLimits } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { TokenUsage } from '../usage/types.js';
import { blockEngine, bucketsOf, tokenIntervalMs } from './buckets.js';
import { checkBudgets, createZones, recordUsage, tokensPerMinuteWait } from './budgets.js';
import { createConcurrency } from './concurrency.js';
import { CONNECTION_SLICE_MS, keys, MINUTE_MS } from './keys.js';
import { createSnapshot } from './snapshot.js';
import type { LimitsSnapshot } from './snapshot.js';
import { StoreUnavailableError } from './stores/store.js';
import type { LimitsLogger, Store } from './stores/store.js';
import type { Admission, AdmissionRequest, Lease } from './types.js';
import { checkVisitor } from './visitors.js';
import { createSharedLine, TICKET_TTL_MS } from './global-line.js';
import { createWaitingLine } from './waiting-line.js';
import type { Attempt, WaitOptions } from './waiting-line.js';

export { CONCURRENCY_RETRY_MS } from './concurrency.js';

/** Dependencies of {@link createAdmission}. */
export interface AdmissionOptions {
  /** The configuration in force; read on every admit so a reload applies to new sessions. */
  config: () => GatewayConfig;
  store: Store;
  clock: Clock;
  logger: LimitsLogger;
  /** How long a concurrency slot outlives a silent node (refreshed every third of it). @default 60000 */
  leaseTtlMs?: number;
  /** How long a place in a shared waiting line outlives a silent node. @default 10000 */
  ticketTtlMs?: number;
}

/** Retry hint when the limits store is unreachable and `on_failure` is `closed`. */
export const STORE_RETRY_MS = 5_000;

/** The admission with the views /metrics and /status read. */
export interface LimitsAdmission extends Admission {
  /** Per engine and site figures (global with Redis, queues of this node). */
  snapshot(): Promise<LimitsSnapshot>;
  /** False while the shared store is unreachable. */
  storeHealthy(): boolean;
}

/** A waiting line of one site on one engine, as admission uses it. */
interface Line {
  siteId: string;
  engineId: string;
  wait(request: AdmissionRequest, common: Omit<WaitOptions, 'attempt' | 'ahead'>): Promise<void>;
  length(): number;
}

interface Limits {
  site: SiteLimits;
  quota: QuotaConfig | undefined;
  zone: string;
}

/** Creates the limiter every session asks before it opens its upstream socket. */
export function createAdmission(options: AdmissionOptions): LimitsAdmission {
  const { config, store, clock } = options;
  /** Per site and engine: this node's FIFO (memory store), or its view of the line every node shares. */
  const lines = new Map<string, Line>();
  const nodeId = globalThis.crypto.randomUUID();
  let leaseCount = 0;
  const concurrency = createConcurrency(store, clock, options.leaseTtlMs ?? 60_000);
  const zoneOf = createZones(options.logger);

  /** Limits in force now; a site or engine removed by a reload keeps those the session came with. */
  function limitsOf(siteId: string, engineId: string, fallback: AdmissionRequest): Limits {
    const current = config();
    const site = current.sites[siteId]?.limits ?? fallback.site.limits;
    const engine = current.engines[engineId] ?? fallback.engine;
    return { site, quota: engine.quota, zone: zoneOf(site) };
  }

  function lineFor(request: AdmissionRequest): Line {
    const { siteId, engineId } = request;
    const key = `${engineId}\u0000${siteId}`;
    let entry = lines.get(key);
    if (entry) return entry;
    if (store.kind === 'memory') {
      const line = createWaitingLine(clock);
      entry = { siteId, engineId, wait: (each, common) => line.wait({ ...common, attempt: () => tryTokens(each) }), length: () => line.length };
    } else {
      const line = createSharedLine(store, clock, keys.line(engineId, siteId), options.ticketTtlMs ?? TICKET_TTL_MS);
      entry = {
        siteId,
        engineId,
        wait: (each, common) =>
          line.wait({
            ...common,
            buckets: () => {
              const limits = limitsOf(siteId, engineId, each);
              return bucketsOf(siteId, engineId, limits.site, limits.quota);
            },
            waitBefore: () => tokensPerMinuteWait(store, engineId, limitsOf(siteId, engineId, each).quota, clock.now()),
          }),
        length: () => line.length,
      };
    }
    lines.set(key, entry);
    return entry;
  }

  /** One try for a connection token, with the limits in force at the try. */
  async function tryTokens(request: AdmissionRequest): Promise<Attempt> {
    const { siteId, engineId } = request;
    const limits = limitsOf(siteId, engineId, request);
    const now = clock.now();
    const minuteWait = await tokensPerMinuteWait(store, engineId, limits.quota, now);
    if (minuteWait > 0) return { ok: false, waitMs: minuteWait };
    const result = await store.takeTokens(bucketsOf(siteId, engineId, limits.site, limits.quota), now);
    return { ok: result.taken, waitMs: result.waitMs };
  }

  function countConnection(siteId: string, engineId: string): void {
    const slice = Math.floor(clock.now() / CONNECTION_SLICE_MS);
    const ttl = MINUTE_MS + 2 * CONNECTION_SLICE_MS;
    void Promise.all([
      store.addToCounter(keys.connections('site', siteId, slice), 1, ttl),
      store.addToCounter(keys.connections('engine', engineId, slice), 1, ttl),
    ]).catch(() => {});
  }

  async function admit(request: AdmissionRequest): Promise<Lease> {
    const { siteId, engineId, signal } = request;
    if (signal.aborted) throw signal.reason;
    const limits = limitsOf(siteId, engineId, request);
    let lease: Lease | undefined;
    try {
      const now = clock.now();
      await checkBudgets(store, request, limits, now);
      lease = await concurrency.acquire(request, limits, `${nodeId}:${++leaseCount}`, now);
      await checkVisitor(store, siteId, request.visitorId, limits.site.per_visitor_per_minute, now);
      await lineFor(request).wait(request, {
        queueMs: limits.site.queue_seconds * 1000,
        intervalMs: tokenIntervalMs(limits.site, limits.quota),
        signal,
        onQueued: (retryInMs) => request.onQueued(retryInMs),
      });
    } catch (error) {
      lease?.release();
      if (error instanceof StoreUnavailableError)
        throw new GatewayError('upstream_unavailable', 'the limits store is unreachable', { retryAfterMs: STORE_RETRY_MS, cause: error });
      throw error;
    }
    countConnection(siteId, engineId);
    return lease;
  }

  return {
    admit,
    recordUsage(siteId: string, engineId: string, usage: TokenUsage, costUsd: number): void {
      const zone = zoneOf(config().sites[siteId]?.limits);
      recordUsage(store, { siteId, engineId, zone }, usage, costUsd, clock.now());
    },
    upstreamThrottled(engineId: string, retryAfterMs: number): void {
      void blockEngine(store, engineId, config().engines[engineId]?.quota, retryAfterMs, clock.now()).catch(() => {});
    },
    storeHealthy: () => store.healthy(),
    snapshot: () => {
      const current = config();
      return createSnapshot({
        config: current,
        store,
        now: clock.now(),
        lines: [...lines.values()].map((line) => ({ siteId: line.siteId, engineId: line.engineId, length: line.length() })),
        bucketsOf: (siteId, engineId) => bucketsOf(siteId, engineId, current.sites[siteId]!.limits, current.engines[engineId]?.quota),
      });
    },
    /** Stops lease heartbeats; the store belongs to whoever created it. */
    async close(): Promise<void> {
      concurrency.close();
    },
  };
}
