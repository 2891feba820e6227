/**
 * The gateway's `Admission` over a `Store`: budgets, concurrency and visitor limits answer at
 * once; connection tokens (engine and site bucket together) and tokens per minute are waited
 * for in a FIFO line up to the site's `queue_seconds`.
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { GatewayConfig, QuotaConfig, SiteLimits } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { totalTokens } from '../usage/types.js';
import type { TokenUsage } from '../usage/types.js';
import { dayKey, knownZone, nextMidnight } from './day.js';
import { CONNECTION_SLICE_MS, engineBucket, keys, MINUTE_MS, siteBucket } from './keys.js';
import { createSnapshot } from './snapshot.js';
import type { LimitsSnapshot } from './snapshot.js';
import { StoreUnavailableError } from './store.js';
import type { BucketSpec, LimitsLogger, Store } from './store.js';
import type { Admission, AdmissionRequest, Lease } from './types.js';
import { createWaitingLine } from './waiting-line.js';
import type { Attempt, WaitingLine } from './waiting-line.js';

/** Dependencies of {@link createAdmission}. */
export interface AdmissionOptions {
  /** The configuration in force; read on every admit so a reload applies to new sessions. */
  config: () => GatewayConfig;
  store: Store;
  clock: Clock;
  logger: LimitsLogger;
  /** How long a concurrency slot outlives a silent node (refreshed every third of it). @default 60000 */
  leaseTtlMs?: number;
}

/** Retry hint when a concurrency limit is full: sessions last minutes, so a guess. */
export const CONCURRENCY_RETRY_MS = 15_000;
/** Retry hint when the limits store is unreachable and `on_failure` is `closed`. */
export const STORE_RETRY_MS = 5_000;

/** The admission with the views /metrics and /status read. */
export interface LimitsAdmission extends Admission {
  /** Per engine and site figures (global with Redis, queues of this node). */
  snapshot(): Promise<LimitsSnapshot>;
  /** False while the shared store is unreachable. */
  storeHealthy(): boolean;
}

interface Limits {
  site: SiteLimits;
  quota: QuotaConfig | undefined;
  zone: string;
}

/** Creates the limiter every session asks before it opens its upstream socket. */
export function createAdmission(options: AdmissionOptions): LimitsAdmission {
  const { config, store, clock } = options;
  const leaseTtlMs = options.leaseTtlMs ?? 60_000;
  const lines = new Map<string, WaitingLine & { siteId: string; engineId: string }>();
  const nodeId = globalThis.crypto.randomUUID();
  let leaseCount = 0;
  /** Stops the heartbeat of each live lease, for close(). */
  const heartbeats = new Set<() => void>();
  const unknownZones = new Set<string>();

  /** Limits in force now; a site or engine removed by a reload keeps those the session came with. */
  function limitsOf(siteId: string, engineId: string, fallback: AdmissionRequest): Limits {
    const current = config();
    const site = current.sites[siteId]?.limits ?? fallback.site.limits;
    const engine = current.engines[engineId] ?? fallback.engine;
    return { site, quota: engine.quota, zone: zoneOf(site) };
  }

  /** The budget zone, warning once per name Intl does not know (the schema takes any string). */
  function zoneOf(site: SiteLimits | undefined): string {
    const name = site?.budget_time_zone ?? 'UTC';
    const zone = knownZone(name);
    if (zone !== name && !unknownZones.has(name)) {
      unknownZones.add(name);
      options.logger.warn({ budget_time_zone: name }, 'unknown budget_time_zone: budget days start at midnight UTC');
    }
    return zone;
  }

  function buckets(siteId: string, engineId: string, limits: Limits): BucketSpec[] {
    const site = siteBucket(siteId, limits.site.connections_per_minute, limits.quota);
    return site ? [engineBucket(engineId, limits.quota), site] : [engineBucket(engineId, limits.quota)];
  }

  function lineFor(siteId: string, engineId: string): WaitingLine {
    const key = `${engineId}\u0000${siteId}`;
    let line = lines.get(key);
    if (!line) {
      line = Object.assign(createWaitingLine(clock), { siteId, engineId });
      lines.set(key, line);
    }
    return line;
  }

  async function checkBudgets(request: AdmissionRequest, limits: Limits, now: number): Promise<void> {
    const siteBudget = limits.site.daily_budget_usd;
    const engineBudget = limits.quota?.daily_budget_usd;
    if (siteBudget === undefined && engineBudget === undefined) return;
    const [siteCost, engineCost] = await store.readCounters([
      keys.cost('site', request.siteId, dayKey(now, limits.zone)),
      keys.cost('engine', request.engineId, dayKey(now, 'UTC')),
    ]);
    if (siteBudget !== undefined && siteCost! >= siteBudget)
      throw new GatewayError('over_budget', "the site's daily budget is spent", { retryAfterMs: nextMidnight(now, limits.zone) - now });
    // One engine serves sites in many zones: its day is the UTC day.
    if (engineBudget !== undefined && engineCost! >= engineBudget)
      throw new GatewayError('over_budget', "the deployment's daily budget is spent", { retryAfterMs: nextMidnight(now, 'UTC') - now });
  }

  async function tryTokens(request: AdmissionRequest): Promise<Attempt> {
    const { siteId, engineId } = request;
    const limits = limitsOf(siteId, engineId, request);
    const now = clock.now();
    const tokensPerMinute = limits.quota?.tokens_per_minute;
    if (tokensPerMinute !== undefined) {
      const minute = Math.floor(now / MINUTE_MS);
      const [used] = await store.readCounters([keys.tokens(engineId, minute)]);
      if (used! >= tokensPerMinute) return { ok: false, waitMs: (minute + 1) * MINUTE_MS - now };
    }
    const result = await store.takeTokens(buckets(siteId, engineId, limits), now);
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

  function createLease(slotKeys: string[], holder: string): Lease {
    let released = false;
    let heartbeat: ClockTimer | undefined;
    const stop = (): void => {
      if (heartbeat !== undefined) clock.clearTimeout(heartbeat);
      heartbeats.delete(stop);
    };
    heartbeats.add(stop);
    const beat = (): void => {
      heartbeat = clock.setTimeout(() => {
        if (released) return;
        const now = clock.now();
        void store.refreshSlots(slotKeys, holder, now + leaseTtlMs, now).catch(() => {});
        beat();
      }, leaseTtlMs / 3);
    };
    beat();
    return {
      release() {
        if (released) return;
        released = true;
        stop();
        void store.releaseSlots(slotKeys, holder).catch(() => {});
      },
    };
  }

  async function admit(request: AdmissionRequest): Promise<Lease> {
    const { siteId, engineId, signal } = request;
    if (signal.aborted) throw signal.reason;
    const limits = limitsOf(siteId, engineId, request);
    const holder = `${nodeId}:${++leaseCount}`;
    const slotKeys = [keys.slots('site', siteId), keys.slots('engine', engineId)];
    let lease: Lease | undefined;
    try {
      const now = clock.now();
      await checkBudgets(request, limits, now);

      const slots = await store.acquireSlots(
        [
          { key: slotKeys[0]!, limit: limits.site.max_concurrent ?? Infinity },
          { key: slotKeys[1]!, limit: limits.quota?.max_concurrent ?? Infinity },
        ],
        holder,
        now + leaseTtlMs,
        now,
      );
      if (!slots.acquired) {
        const which = slots.fullKey === slotKeys[0] ? "the site's" : "the deployment's";
        throw new GatewayError('rate_limited', `${which} concurrent sessions are all in use`, { retryAfterMs: CONCURRENCY_RETRY_MS });
      }
      // The heartbeat starts now, not once admitted: a wait in the queue longer than the lease
      // time would otherwise let the slot expire under a session that then runs uncounted.
      lease = createLease(slotKeys, holder);

      const perVisitor = limits.site.per_visitor_per_minute;
      if (perVisitor !== undefined) {
        const minute = Math.floor(now / MINUTE_MS);
        const visit = await store.incrementBelow(keys.visitor(siteId, minute, request.visitorId), perVisitor, MINUTE_MS + 1_000);
        if (!visit.ok)
          throw new GatewayError('rate_limited', 'too many sessions from this visitor this minute', {
            retryAfterMs: (minute + 1) * MINUTE_MS - now,
          });
      }

      const slowest = Math.min(limits.quota?.connections_per_minute ?? Infinity, limits.site.connections_per_minute ?? Infinity);
      await lineFor(siteId, engineId).wait({
        attempt: () => tryTokens(request),
        queueMs: limits.site.queue_seconds * 1000,
        intervalMs: Number.isFinite(slowest) ? MINUTE_MS / slowest : 0,
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

  function recordUsage(siteId: string, engineId: string, usage: TokenUsage, costUsd: number): void {
    const now = clock.now();
    const zone = zoneOf(config().sites[siteId]?.limits);
    const writes: Promise<unknown>[] = [];
    if (costUsd > 0) {
      writes.push(store.addToCounter(keys.cost('site', siteId, dayKey(now, zone)), costUsd, nextMidnight(now, zone) - now + 3_600_000));
      writes.push(store.addToCounter(keys.cost('engine', engineId, dayKey(now, 'UTC')), costUsd, nextMidnight(now, 'UTC') - now + 3_600_000));
    }
    const tokens = totalTokens(usage);
    if (tokens > 0) writes.push(store.addToCounter(keys.tokens(engineId, Math.floor(now / MINUTE_MS)), tokens, 2 * MINUTE_MS));
    // Usage is best effort: an unreachable store is already logged by its health transition.
    void Promise.all(writes).catch(() => {});
  }

  function upstreamThrottled(engineId: string, retryAfterMs: number): void {
    const now = clock.now();
    const spec = engineBucket(engineId, config().engines[engineId]?.quota);
    void store.blockBucket(spec, now + Math.max(0, retryAfterMs), now).catch(() => {});
  }

  return {
    admit,
    recordUsage,
    upstreamThrottled,
    storeHealthy: () => store.healthy(),
    snapshot: () => {
      const current = config();
      return createSnapshot({
        config: current,
        store,
        now: clock.now(),
        lines: [...lines.values()],
        bucketsOf: (siteId, engineId) => {
          const limits = current.sites[siteId]!.limits;
          return buckets(siteId, engineId, { site: limits, quota: current.engines[engineId]?.quota, zone: 'UTC' });
        },
      });
    },
    /** Stops lease heartbeats; the store belongs to whoever created it. */
    async close(): Promise<void> {
      for (const stop of [...heartbeats]) stop();
    },
  };
}
