/**
 * An admission without limits, for tests and for embedding the gateway without the limits
 * module: it admits everyone and remembers what it was told.
 */
import type { Admission } from '../limits/types.js';
import type { TokenUsage } from '../usage/types.js';

/** An Admission without limits that remembers recorded usage (for tests and the bare serve()). */
export function createUnlimitedAdmission(): Admission & {
  usage: Array<{ siteId: string; engineId: string; usage: TokenUsage; costUsd: number }>;
  throttled: Array<{ engineId: string; retryAfterMs: number }>;
  leases: { active: number };
} {
  const usage: Array<{ siteId: string; engineId: string; usage: TokenUsage; costUsd: number }> = [];
  const throttled: Array<{ engineId: string; retryAfterMs: number }> = [];
  const leases = { active: 0 };
  return {
    usage,
    throttled,
    leases,
    async admit() {
      leases.active++;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          leases.active--;
        },
      };
    },
    recordUsage(siteId, engineId, tokens, costUsd) {
      usage.push({ siteId, engineId, usage: tokens, costUsd });
    },
    upstreamThrottled(engineId, retryAfterMs) {
      throttled.push({ engineId, retryAfterMs });
    },
  };
}
