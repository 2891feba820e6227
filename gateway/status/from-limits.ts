/**
 * Turns the limits module's snapshot and the configuration into what the operator page and
 * the limiter gauges show.
 */
import type { GatewayConfig } from '../config/schema.js';
import type { LimitsSnapshot } from '../limits/snapshot.js';
import type { TokenUsage } from '../usage/types.js';
import { totalTokens } from '../usage/types.js';
import type { LimiterReading, StatusSnapshot } from './types.js';

/**
 * Tokens metered per site on the current UTC day. Kept in this process only (the shared store
 * counts cost, which budgets need; token totals are for the page), so with several nodes each
 * page shows its own node's tokens.
 */
export interface TokenTally {
  add(siteId: string, usage: TokenUsage, now: number): void;
  today(siteId: string, now: number): number;
  /** One tool call (search or a site tool) and whether it succeeded. */
  toolCall(siteId: string, ok: boolean, now: number): void;
  toolCallsToday(siteId: string, now: number): { calls: number; errors: number };
  /** One rated answer (extension `feedback`). */
  feedback(siteId: string, rating: 'up' | 'down', now: number): void;
  feedbackToday(siteId: string, now: number): { up: number; down: number };
}

/** Creates an empty tally that resets at midnight UTC. */
export function createTokenTally(): TokenTally {
  let day = '';
  const bySite = new Map<string, number>();
  const toolsBySite = new Map<string, { calls: number; errors: number }>();
  const ratingsBySite = new Map<string, { up: number; down: number }>();
  const roll = (now: number) => {
    const today = new Date(now).toISOString().slice(0, 10);
    if (today !== day) {
      day = today;
      bySite.clear();
      toolsBySite.clear();
      ratingsBySite.clear();
    }
  };
  return {
    add(siteId, usage, now) {
      roll(now);
      bySite.set(siteId, (bySite.get(siteId) ?? 0) + totalTokens(usage));
    },
    today(siteId, now) {
      roll(now);
      return bySite.get(siteId) ?? 0;
    },
    toolCall(siteId, ok, now) {
      roll(now);
      const counts = toolsBySite.get(siteId) ?? { calls: 0, errors: 0 };
      toolsBySite.set(siteId, { calls: counts.calls + 1, errors: counts.errors + (ok ? 0 : 1) });
    },
    toolCallsToday(siteId, now) {
      roll(now);
      return toolsBySite.get(siteId) ?? { calls: 0, errors: 0 };
    },
    feedback(siteId, rating, now) {
      roll(now);
      const counts = ratingsBySite.get(siteId) ?? { up: 0, down: 0 };
      ratingsBySite.set(siteId, { ...counts, [rating]: counts[rating] + 1 });
    },
    feedbackToday(siteId, now) {
      roll(now);
      return ratingsBySite.get(siteId) ?? { up: 0, down: 0 };
    },
  };
}

/** Builds the page's snapshot. */
export function toStatusSnapshot(config: GatewayConfig, limits: LimitsSnapshot, tally: TokenTally, now: number): StatusSnapshot {
  return {
    at: now,
    storeUp: limits.storeHealthy,
    engines: Object.entries(config.engines).map(([id, engine]) => {
      const figures = limits.engines[id];
      return {
        id,
        kind: engine.kind,
        connectionsLastMinute: figures?.connectionsLastMinute ?? 0,
        connectionsPerMinute: engine.quota?.connections_per_minute,
        tokensLastMinute: figures?.tokensThisMinute ?? 0,
        tokensPerMinute: engine.quota?.tokens_per_minute,
        costTodayUsd: figures?.costTodayUsd ?? 0,
      };
    }),
    sites: Object.entries(config.sites).map(([id, site]) => {
      const figures = limits.sites[id];
      return {
        id,
        engine: site.engine,
        sessionsNow: Math.max(0, (figures?.concurrent ?? 0) - (figures?.queued ?? 0)),
        maxConcurrent: site.limits.max_concurrent,
        connectionsLastMinute: figures?.connectionsLastMinute ?? 0,
        connectionsPerMinute: site.limits.connections_per_minute,
        queued: figures?.queued ?? 0,
        tokensToday: tally.today(id, now),
        toolCallsToday: tally.toolCallsToday(id, now).calls,
        toolErrorsToday: tally.toolCallsToday(id, now).errors,
        ratedUpToday: tally.feedbackToday(id, now).up,
        ratedDownToday: tally.feedbackToday(id, now).down,
        costTodayUsd: figures?.costTodayUsd ?? 0,
        dailyBudgetUsd: site.limits.daily_budget_usd,
      };
    }),
  };
}

/** The limiter gauges: tokens left in every bucket that exists. */
export function toLimiterReadings(limits: LimitsSnapshot): LimiterReading[] {
  const readings: LimiterReading[] = [];
  for (const [name, figures] of Object.entries(limits.engines)) {
    if (figures.tokensLeft !== null) readings.push({ scope: 'engine', name, tokensLeft: figures.tokensLeft });
  }
  for (const [name, figures] of Object.entries(limits.sites)) {
    if (figures.tokensLeft !== null) readings.push({ scope: 'site', name, tokensLeft: figures.tokensLeft });
  }
  return readings;
}
