/**
 * Budgets: a site's and an engine's spend per day, and the engine's metered tokens per minute,
 * both counted from usage after the fact and checked before a session is admitted.
 */
import type { QuotaConfig, SiteLimits } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { totalTokens } from '../usage/types.js';
import type { TokenUsage } from '../usage/types.js';
import { dayKey, knownZone, nextMidnight } from './day.js';
import { keys, MINUTE_MS } from './keys.js';
import type { LimitsLogger, Store } from './stores/store.js';

/** Counters outlive their day by an hour, so a late write still lands on a live key. */
const DAY_SLACK_MS = 3_600_000;

/** The budget zone of a site, warning once per name Intl does not know (the schema takes any string). */
export function createZones(logger: LimitsLogger): (site: SiteLimits | undefined) => string {
  const unknown = new Set<string>();
  return (site) => {
    const name = site?.budget_time_zone ?? 'UTC';
    const zone = knownZone(name);
    if (zone !== name && !unknown.has(name)) {
      unknown.add(name);
      logger.warn({ budget_time_zone: name }, 'unknown budget_time_zone: budget days start at midnight UTC');
    }
    return zone;
  };
}

/** Refuses `over_budget` when the site's day (in its zone) or the engine's UTC day is spent. */
export async function checkBudgets(
  store: Store,
  ids: { siteId: string; engineId: string },
  limits: { site: SiteLimits; quota: QuotaConfig | undefined; zone: string },
  now: number,
): Promise<void> {
  const siteBudget = limits.site.daily_budget_usd;
  const engineBudget = limits.quota?.daily_budget_usd;
  if (siteBudget === undefined && engineBudget === undefined) return;
  const [siteCost, engineCost] = await store.readCounters([
    keys.cost('site', ids.siteId, dayKey(now, limits.zone)),
    keys.cost('engine', ids.engineId, dayKey(now, 'UTC')),
  ]);
  if (siteBudget !== undefined && siteCost! >= siteBudget)
    throw new GatewayError('over_budget', "the site's daily budget is spent", { retryAfterMs: nextMidnight(now, limits.zone) - now });
  // One engine serves sites in many zones: its day is the UTC day.
  if (engineBudget !== undefined && engineCost! >= engineBudget)
    throw new GatewayError('over_budget', "the deployment's daily budget is spent", { retryAfterMs: nextMidnight(now, 'UTC') - now });
}

/** Ms until the engine's metered tokens allow a new session: 0 now, else to the end of the minute. */
export async function tokensPerMinuteWait(store: Store, engineId: string, quota: QuotaConfig | undefined, now: number): Promise<number> {
  const limit = quota?.tokens_per_minute;
  if (limit === undefined) return 0;
  const minute = Math.floor(now / MINUTE_MS);
  const [used] = await store.readCounters([keys.tokens(engineId, minute)]);
  return used! >= limit ? (minute + 1) * MINUTE_MS - now : 0;
}

/** Adds one response's cost to the site's and engine's day and its tokens to the engine's minute. */
export function recordUsage(store: Store, ids: { siteId: string; engineId: string; zone: string }, usage: TokenUsage, costUsd: number, now: number): void {
  const { siteId, engineId, zone } = ids;
  const writes: Promise<unknown>[] = [];
  if (costUsd > 0) {
    writes.push(store.addToCounter(keys.cost('site', siteId, dayKey(now, zone)), costUsd, nextMidnight(now, zone) - now + DAY_SLACK_MS));
    writes.push(store.addToCounter(keys.cost('engine', engineId, dayKey(now, 'UTC')), costUsd, nextMidnight(now, 'UTC') - now + DAY_SLACK_MS));
  }
  const tokens = totalTokens(usage);
  if (tokens > 0) writes.push(store.addToCounter(keys.tokens(engineId, Math.floor(now / MINUTE_MS)), tokens, 2 * MINUTE_MS));
  // Usage is best effort: an unreachable store is already logged by its health transition.
  void Promise.all(writes).catch(() => {});
}
