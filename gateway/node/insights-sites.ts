/**
 * The insight stores of every site with `insights` on: opened from the config (a SQLite file
 * relative to the config file, or the top-level store's Redis), kept in step with reloads,
 * shared by sites that name the same store, with retention enforced on start and hourly.
 */
import { resolve } from 'node:path';
import type { Clock } from '../clock.js';
import type { ConfigHolder, LoadedConfig } from '../config/index.js';
import type { InsightsConfig } from '../config/insights-schema.js';
import type { GatewayConfig } from '../config/schema.js';
import { buildReport, type InsightReport } from '../insights/report.js';
import { createInsightSink, type InsightSink } from '../insights/sink.js';
import type { InsightStore } from '../insights/types.js';
import type { Logger } from '../logger.js';
import { openRedisInsightStore } from './insights-redis.js';
import { openSqliteInsightStore } from './insights-sqlite.js';

const DAY_MS = 86_400_000;
const RETENTION_EVERY_MS = 3_600_000;

/** Where a site's rows go: "redis:<store JSON>" or "sqlite:<absolute path>". */
export function storeKey(insights: InsightsConfig, loaded: LoadedConfig): string {
  return insights.store === 'redis' ? `redis:${JSON.stringify(loaded.config.store)}` : `sqlite:${resolve(loaded.dir, insights.store)}`;
}

/** Opens the store `key` names. */
export async function openInsightStore(key: string, config: GatewayConfig, options: { readOnly?: boolean } = {}): Promise<InsightStore> {
  if (key.startsWith('sqlite:')) return openSqliteInsightStore(key.slice('sqlite:'.length), options);
  const store = config.store;
  if (store.kind !== 'redis') throw new Error('insights.store "redis" needs store.kind: redis');
  return openRedisInsightStore({ ...(store.url !== undefined ? { url: store.url } : { cluster: store.cluster! }), keyPrefix: store.key_prefix });
}

export interface InsightSites {
  /** The session observer's hooks: turnRecorded and feedback. */
  sink: InsightSink;
  /** Each insights site's report over the last `days` (the operator page). */
  reports(days: number): Promise<InsightReport[]>;
  /** Deletes rows past each site's retention now (also on start and hourly). */
  enforceRetention(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the stores of the current config and follows reloads. */
export async function createInsightSites(holder: ConfigHolder, options: { logger: Logger; clock: Clock }): Promise<InsightSites> {
  const { logger, clock } = options;
  const stores = new Map<string, InsightStore>();
  const siteKeys = new Map<string, string>();
  const sitesOn = () => Object.entries(holder.current().config.sites).filter(([id]) => siteKeys.has(id));

  const sync = async (loaded: LoadedConfig) => {
    siteKeys.clear();
    for (const [siteId, site] of Object.entries(loaded.config.sites)) {
      if (!site.insights) continue;
      const key = storeKey(site.insights, loaded);
      if (!stores.has(key)) {
        try {
          stores.set(key, await openInsightStore(key, loaded.config));
        } catch (error) {
          logger.error({ site: siteId, err: error }, 'insights: the store could not be opened; nothing is recorded for this site');
          continue;
        }
      }
      siteKeys.set(siteId, key);
    }
    const used = new Set(siteKeys.values());
    for (const [key, store] of [...stores]) {
      if (used.has(key)) continue;
      stores.delete(key);
      await store.close().catch((error: unknown) => logger.warn({ err: error }, 'insights: closing a store failed'));
    }
  };

  const storeOf = (siteId: string) => {
    const key = siteKeys.get(siteId);
    return key === undefined ? undefined : stores.get(key);
  };

  const enforceRetention = async () => {
    for (const [siteId, site] of sitesOn()) {
      const store = storeOf(siteId);
      if (!store || !site.insights) continue;
      try {
        const removed = await store.deleteBefore(siteId, clock.now() - site.insights.retention_days * DAY_MS);
        if (removed > 0) logger.info({ site: siteId, removed }, 'insights: rows past retention deleted');
      } catch (error) {
        logger.warn({ site: siteId, err: error }, 'insights: retention could not run');
      }
    }
  };

  let pending = sync(holder.current()).then(enforceRetention);
  await pending;
  const unsubscribe = holder.onChange((next) => {
    pending = pending.then(() => sync(next)).catch((error: unknown) => logger.error({ err: error }, 'insights: stores not updated'));
  });
  const timer = setInterval(() => void enforceRetention(), RETENTION_EVERY_MS);
  timer.unref();

  const sink = createInsightSink({
    siteInsights(siteId) {
      const config = holder.current().config.sites[siteId]?.insights;
      const store = storeOf(siteId);
      return config && store ? { config, store } : undefined;
    },
    now: () => clock.now(),
    logger,
  });

  return {
    sink,
    enforceRetention,
    async reports(days) {
      const until = clock.now();
      const since = until - days * DAY_MS;
      const reports: InsightReport[] = [];
      for (const [siteId, site] of sitesOn()) {
        const store = storeOf(siteId);
        if (!store || !site.insights) continue;
        const [turns, feedback] = await Promise.all([store.turns(siteId, since), store.feedback(siteId, since)]);
        reports.push(buildReport(turns, feedback, { site: siteId, since, until, unansweredBelow: site.insights.unanswered_below, limit: 5 }));
      }
      return reports;
    },
    async close() {
      clearInterval(timer);
      unsubscribe();
      await pending;
      await Promise.all([...stores.values()].map((store) => store.close()));
      stores.clear();
    },
  };
}
