/**
 * Concurrency: each session holds a slot in its site's and its engine's set from admit to
 * release, under a lease whose heartbeat keeps the slots of live sessions and lets a dead
 * node's slots expire.
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { QuotaConfig, SiteLimits } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { keys } from './keys.js';
import type { Store } from './stores/store.js';
import type { Lease } from './types.js';

/** Retry hint when a concurrency limit is full: sessions last minutes, so a guess. */
export const CONCURRENCY_RETRY_MS = 15_000;

/** The slots of this node's sessions. */
export interface Concurrency {
  /** Takes a slot in the site's and the engine's set for `holder`, or refuses `rate_limited` at once. */
  acquire(ids: { siteId: string; engineId: string }, limits: { site: SiteLimits; quota: QuotaConfig | undefined }, holder: string, now: number): Promise<Lease>;
  /** Stops every heartbeat (the slots then expire with their lease). */
  close(): void;
}

/** Slots leased for `leaseTtlMs`, refreshed every third of it while the session lives. */
export function createConcurrency(store: Store, clock: Clock, leaseTtlMs: number): Concurrency {
  const heartbeats = new Set<() => void>();

  function lease(slotKeys: string[], holder: string): Lease {
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

  return {
    async acquire({ siteId, engineId }, limits, holder, now) {
      const slotKeys = [keys.siteSlots(engineId, siteId), keys.engineSlots(engineId)];
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
      return lease(slotKeys, holder);
    },
    close() {
      for (const stop of [...heartbeats]) stop();
    },
  };
}
