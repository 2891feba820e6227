/**
 * Builds a running gateway from a loaded configuration: logger, limits store and admission,
 * one retriever per site (rebuilt when its retrieval settings change on reload), the bundled
 * offline engine when an engine needs it, metrics, the status page, and hot reload.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import type { Hono } from 'hono';
import { systemClock, type Clock } from '../clock.js';
import { createConfigHolder, type ConfigHolder, type LoadedConfig } from '../config/index.js';
import type { GatewayConfig, SiteConfig } from '../config/schema.js';
import type { OfflineEngine } from '../node/offline/engine.js';
import { createAdmission, createStore, type LimitsAdmission } from '../limits/index.js';
import type { Store } from '../limits/stores/store.js';
import type { Admission } from '../limits/types.js';
import type { Logger } from '../logger.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { createDefaultCredential } from '../node/entra-credential.js';
import { nodeRetrievalPorts } from '../node/retrieval-ports.js';
import { createRetriever } from '../retrieval/index.js';
import type { Retriever } from '../retrieval/types.js';
import type { SessionObserver } from '../session/observer.js';
import { createTokenTally, toLimiterReadings, toStatusSnapshot } from '../status/from-limits.js';
import { createStatusHistory, type StatusHistory } from '../status/history.js';
import { createInsightSites } from '../node/insights-sites.js';
import type { ClusterReadings, LocalReadings } from '../node/cluster-readings.js';
import { addOperatorRoutes } from './operator-routes.js';
import { createGateway, type Gateway } from './gateway.js';
import { createWebrtcMetrics } from './webrtc-metrics.js';

/** The package's root folder, where `dist/` lives, whether running from source or from dist. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export interface AssembledGateway {
  gateway: Gateway;
  holder: ConfigHolder;
  admission: LimitsAdmission;
  metrics: GatewayMetrics;
  /** Settles when every site's first retriever is built (or has failed); /readyz answers 503 until then. */
  retrieversReady: Promise<void>;
  /** Stops everything the assembly started (after the gateway has shut down). */
  close(): Promise<void>;
}

/** Options of {@link assembleGateway}. */
export interface AssembleOptions {
  logger: Logger;
  clock?: Clock;
  /** Entra ID credential for engines and Azure AI Search sites without api_key (default: DefaultAzureCredential, created lazily). */
  credential?: TokenCredential;
  /** Folders of the built widget and demo (default: `dist/widget`, `dist/demo` in the package). */
  widgetDir?: string;
  demoDir?: string;
  /** The limits store, when it is not the config's own (a worker of `serve --workers`: the primary's). */
  store?: Store;
  /** A worker of `serve --workers`: offers this process's readings, returns every worker's (`/metrics`, `/status`). */
  shareReadings?(local: LocalReadings): ClusterReadings;
}

/** Creates every part of the gateway from `loaded`; nothing listens yet. */
export async function assembleGateway(loaded: LoadedConfig, options: AssembleOptions): Promise<AssembledGateway> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const holder = createConfigHolder(loaded);
  const config = () => holder.current().config;
  const metrics = createMetrics();
  const tally = createTokenTally();

  const store = options.store ?? (await createStore(loaded.config.store, { logger, clock }));
  metrics.storeUp(store.healthy());
  const unsubscribeHealth = store.onHealthChange((up) => metrics.storeUp(up));
  const limits = createAdmission({ config, store, clock, logger });
  metrics.readLimiters(async () => toLimiterReadings(await limits.snapshot()));

  // Queue wait is measured around admission, where it happens.
  const admission: Admission = {
    async admit(request) {
      const started = clock.now();
      try {
        return await limits.admit(request);
      } finally {
        // Refused sessions waited too (up to queue_seconds): their wait belongs in the histogram.
        metrics.queueWait(request.siteId, (clock.now() - started) / 1000);
      }
    },
    recordUsage: (siteId, engineId, usage, costUsd) => limits.recordUsage(siteId, engineId, usage, costUsd),
    upstreamThrottled: (engineId, retryAfterMs) => limits.upstreamThrottled(engineId, retryAfterMs),
  };
  // Off unless a site sets `insights` (docs/PRIVACY.md); the hooks drop turns of every other site.
  const insights = await createInsightSites(holder, { logger, clock });
  const observer: SessionObserver = {
    ...metrics,
    turnRecorded: insights.sink.turnRecorded,
    usage(site, engine, usage, costUsd) {
      metrics.usage(site, engine, usage, costUsd);
      tally.add(site, usage, clock.now());
    },
    toolCall(site, tool, seconds, ok) {
      metrics.toolCall(site, tool, seconds, ok);
      tally.toolCall(site, ok, clock.now());
    },
    feedback(site, feedback) {
      metrics.feedback(site, feedback);
      tally.feedback(site, feedback.rating, clock.now());
    },
  };
  const countFeedback = observer.feedback;
  observer.feedback = (site, feedback) => {
    countFeedback?.call(observer, site, feedback);
    insights.sink.feedback(site, feedback);
  };

  // One Entra ID credential for the upstream and for Azure AI Search, loaded on first use.
  const credential = options.credential ?? createDefaultCredential();
  // Indexes build while the gateway already listens: /readyz says 503 until they are all built.
  const retrievers = createRetrievers(holder, logger, credential);
  const offline = await createOfflineEngines(holder, logger);

  const localStatus = async () => toStatusSnapshot(config(), await limits.snapshot(), tally, clock.now());
  const cluster = options.shareReadings?.({ metrics: () => metrics.registry.getMetricsAsJSON(), status: localStatus });
  const history: StatusHistory = createStatusHistory(cluster ? cluster.status : localStatus, clock);
  const root = packageRoot();
  const gateway = createGateway({
    getConfig: config,
    admission,
    getRetriever: (siteId) => retrievers.get(siteId),
    logger,
    clock,
    credential,
    upstreamUrls: offline.urls,
    widgetDir: options.widgetDir ?? join(root, 'dist', 'widget'),
    demoDir: options.demoDir ?? join(root, 'dist', 'demo'),
    ready: () => retrievers.ready() && limits.storeHealthy(),
    observer,
    toolFetch: (url, init) => fetch(url, init),
    webrtc: { observer: createWebrtcMetrics(metrics.registry) },
    routes: (app: Hono) =>
      addOperatorRoutes(app, {
        metrics,
        history,
        statusToken: () => config().server.status_token,
        insights: (days) => insights.reports(days),
        ...(cluster ? { metricsText: cluster.metricsText } : {}),
      }),
  });

  return {
    gateway,
    holder,
    admission: limits,
    metrics,
    retrieversReady: retrievers.initial,
    async close() {
      history.stop();
      unsubscribeHealth();
      await retrievers.close();
      await limits.close?.();
      await offline.close();
      await insights.close();
    },
  };
}

/** Retrievers by site id, built in the background; a reload rebuilds only sites whose retrieval settings changed. */
function createRetrievers(holder: ConfigHolder, logger: Logger, credential: TokenCredential) {
  const bySite = new Map<string, { key: string; retriever: Retriever }>();
  const build = async (siteId: string, site: SiteConfig, { dir, config }: LoadedConfig) => {
    try {
      const started = Date.now();
      const retriever = await createRetriever(site.retrieval, { configDir: dir, logger: logger.child({ site: siteId }), engines: config.engines, credential, ...nodeRetrievalPorts(dir) });
      logger.info({ site: siteId, kind: site.retrieval.kind, ms: Date.now() - started }, 'retrieval: site index ready');
      return retriever;
    } catch (error) {
      // A site without a retriever still runs: its searches tell the model search is unavailable.
      logger.error({ site: siteId, err: error }, 'retrieval could not start for this site');
      return undefined;
    }
  };
  const sync = async (loaded: LoadedConfig) => {
    const sites = loaded.config.sites;
    for (const [siteId, entry] of [...bySite]) {
      if (sites[siteId]) continue;
      bySite.delete(siteId);
      await entry.retriever.close?.();
    }
    await Promise.all(
      Object.entries(sites).map(async ([siteId, site]) => {
        const key = JSON.stringify(site.retrieval);
        const previous = bySite.get(siteId);
        if (previous?.key === key) return;
        // The old index keeps answering while the new one builds; it is closed once replaced.
        const retriever = await build(siteId, site, loaded);
        if (!retriever) return;
        bySite.set(siteId, { key, retriever });
        await previous?.retriever.close?.();
      }),
    );
  };
  let initialDone = false;
  const initial = sync(holder.current()).then(
    () => {
      initialDone = true;
      logger.info({ sites: bySite.size }, 'retrieval: every site index is ready');
    },
    (error: unknown) => {
      initialDone = true;
      logger.error({ err: error }, 'retrievers not started');
    },
  );
  let pending = initial;
  const unsubscribe = holder.onChange((next) => {
    pending = pending.then(() => sync(next)).catch((error: unknown) => logger.error({ err: error }, 'retrievers not updated'));
  });
  return {
    initial,
    ready: () => initialDone,
    get: (siteId: string) => bySite.get(siteId)?.retriever,
    async close() {
      unsubscribe();
      await pending;
      await Promise.all([...bySite.values()].map((entry) => entry.retriever.close?.()));
      bySite.clear();
    },
  };
}

/** One local offline engine for every engine of kind `offline`, started when first needed. */
async function createOfflineEngines(holder: ConfigHolder, logger: Logger) {
  const urls: Record<string, string> = {};
  let engine: OfflineEngine | undefined;
  const sync = async (config: GatewayConfig) => {
    const ids = Object.entries(config.engines).filter(([, e]) => e.kind === 'offline').map(([id]) => id);
    if (ids.length === 0) return;
    // The offline engine (VAD, speech synthesizers) loads only when an engine of kind `offline` exists.
    engine ??= await (await import('../node/offline/engine.js')).startOfflineEngine({ logger: logger.child({ component: 'offline-engine' }) });
    for (const id of ids) urls[id] = engine.url;
  };
  await sync(holder.current().config);
  const unsubscribe = holder.onChange((next) => {
    sync(next.config).catch((error: unknown) => logger.error({ err: error }, 'offline engine could not start'));
  });
  return {
    urls,
    async close() {
      unsubscribe();
      await engine?.close();
    },
  };
}
