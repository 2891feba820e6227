/**
 * A point-in-time view of the limits for /metrics and /status: per engine and per site,
 * read from the store (global with Redis) plus this node's waiting lines.
 */
import type { GatewayConfig } from '../config/schema.js';
import { dayKey, knownZone } from './day.js';
import { engineBucket } from './buckets.js';
import { CONNECTION_SLICE_MS, keys, MINUTE_MS } from './keys.js';
import type { Scope } from './keys.js';
import type { BucketSpec, Store } from './stores/store.js';

/** Figures shared by an engine and a site. */
export interface ScopeSnapshot {
  /** Connection tokens in the bucket now; null when there is no bucket (no limit). */
  tokensLeft: number | null;
  /** Sessions admitted in the last minute (in 10 s slices, so up to 10 s more). */
  connectionsLastMinute: number;
  /** Concurrency slots held, queued sessions included. */
  concurrent: number;
  /** Sessions waiting for a token on this node. */
  queued: number;
  /** Metered cost of the current budget day. */
  costTodayUsd: number;
}

/** An engine's figures, with its metered tokens of the current minute. */
export interface EngineSnapshot extends ScopeSnapshot {
  tokensThisMinute: number;
}

/** The limits of every configured engine and site. */
export interface LimitsSnapshot {
  storeHealthy: boolean;
  engines: Record<string, EngineSnapshot>;
  sites: Record<string, ScopeSnapshot>;
}

/** Inputs of {@link createSnapshot}. */
export interface SnapshotInput {
  config: GatewayConfig;
  store: Store;
  now: number;
  lines: readonly { siteId: string; engineId: string; length: number }[];
  /** The buckets a session of this site draws from: the engine's first, then the site's, if any. */
  bucketsOf(siteId: string, engineId: string): BucketSpec[];
}

const SLICES_PER_MINUTE = MINUTE_MS / CONNECTION_SLICE_MS;

/** Where one scope's figures live: its counters' scope and id, its slot set, and its bucket, if any. */
interface ScopeKeys {
  scope: Scope;
  id: string;
  slots: string;
  bucket: BucketSpec | undefined;
}

async function scopeFigures(input: SnapshotInput, { scope, id, slots, bucket }: ScopeKeys, day: string): Promise<ScopeSnapshot> {
  const { store, now } = input;
  const slice = Math.floor(now / CONNECTION_SLICE_MS);
  const connectionKeys = Array.from({ length: SLICES_PER_MINUTE }, (_, index) => keys.connections(scope, id, slice - index));
  const [counters, [concurrent], tokens] = await Promise.all([
    store.readCounters([...connectionKeys, keys.cost(scope, id, day)]),
    store.countSlots([slots], now),
    bucket ? store.peekTokens([bucket], now) : Promise.resolve([Infinity]),
  ]);
  const queued = input.lines
    .filter((line) => (scope === 'site' ? line.siteId === id : line.engineId === id))
    .reduce((sum, line) => sum + line.length, 0);
  return {
    tokensLeft: Number.isFinite(tokens[0]) ? Math.floor(tokens[0]! * 1000) / 1000 : null,
    connectionsLastMinute: counters.slice(0, SLICES_PER_MINUTE).reduce((sum, value) => sum + value, 0),
    concurrent: concurrent ?? 0,
    queued,
    costTodayUsd: counters[SLICES_PER_MINUTE] ?? 0,
  };
}

/** Reads the snapshot; with the store unreachable it reports `storeHealthy: false` and empty figures. */
export async function createSnapshot(input: SnapshotInput): Promise<LimitsSnapshot> {
  const { config, store, now } = input;
  const snapshot: LimitsSnapshot = { storeHealthy: store.healthy(), engines: {}, sites: {} };
  try {
    for (const [engineId, engine] of Object.entries(config.engines)) {
      const bucket = engine.quota ? engineBucket(engineId, engine.quota) : undefined;
      const figures = await scopeFigures(input, { scope: 'engine', id: engineId, slots: keys.engineSlots(engineId), bucket }, dayKey(now, 'UTC'));
      const [tokensThisMinute] = await store.readCounters([keys.tokens(engineId, Math.floor(now / MINUTE_MS))]);
      snapshot.engines[engineId] = { ...figures, tokensThisMinute: tokensThisMinute ?? 0 };
    }
    for (const [siteId, site] of Object.entries(config.sites)) {
      const bucket = input.bucketsOf(siteId, site.engine)[1];
      const scope: ScopeKeys = { scope: 'site', id: siteId, slots: keys.siteSlots(site.engine, siteId), bucket };
      snapshot.sites[siteId] = await scopeFigures(input, scope, dayKey(now, knownZone(site.limits.budget_time_zone)));
    }
  } catch {
    return { storeHealthy: false, engines: {}, sites: {} };
  }
  snapshot.storeHealthy = store.healthy();
  return snapshot;
}
