/**
 * Connects ioredis to one Redis (`url`) or to a Redis Cluster (`cluster` seed URLs), with TLS
 * for `rediss://` and the fail-fast settings the limits need.
 */
import { Cluster, Redis } from 'ioredis';
import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';

/** Where the store's Redis is: one server (or a primary), or the seed nodes of a cluster. */
export type RedisTarget = { url: string; cluster?: undefined } | { cluster: readonly string[]; url?: undefined };

/** Connection settings shared by both shapes. */
export interface ConnectOptions {
  keyPrefix: string;
  /** A dead Redis must be noticed fast: a command fails after this long. */
  commandTimeoutMs: number;
  /** How long the first connection may take. */
  connectTimeoutMs: number;
}

/** Reconnect quickly, but never more often than once a second once it keeps failing. */
const retryDelay = (times: number): number => Math.min(100 * times, 1_000);

/** The seed nodes of a cluster and the credentials and TLS settings every node shares. */
export function clusterSettings(urls: readonly string[]): { nodes: ClusterNode[]; redisOptions: RedisOptions } {
  if (urls.length === 0) throw new Error('store.cluster needs at least one redis:// or rediss:// URL');
  const parsed = urls.map((url) => new URL(url));
  for (const url of parsed)
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`store.cluster: ${url.protocol} is not redis:// or rediss://`);
  const first = parsed[0]!;
  const redisOptions: RedisOptions = {};
  if (first.username) redisOptions.username = decodeURIComponent(first.username);
  if (first.password) redisOptions.password = decodeURIComponent(first.password);
  // Azure Cache for Redis (and others) announce shards by address, but their certificate names
  // the host: check every shard's certificate against the seed's host name.
  if (first.protocol === 'rediss:') redisOptions.tls = { servername: first.hostname };
  const nodes = parsed.map((url) => ({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) }));
  return { nodes, redisOptions };
}

/** A client for the target; commands fail at once while it is down (no offline queue). */
export function connectRedis(target: RedisTarget, options: ConnectOptions): Redis | Cluster {
  const common = {
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    maxRetriesPerRequest: 1,
  };
  if (target.url !== undefined)
    return new Redis(target.url, {
      ...common,
      keyPrefix: options.keyPrefix,
      // Queued commands would hide an outage behind latency: fail at once instead.
      enableOfflineQueue: false,
      retryStrategy: retryDelay,
    });
  const { nodes, redisOptions } = clusterSettings(target.cluster);
  const clusterOptions: ClusterOptions = {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    clusterRetryStrategy: retryDelay,
    slotsRefreshTimeout: options.connectTimeoutMs,
    // Keep host names as given, so TLS checks the name on the certificate, not an address.
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: { ...redisOptions, ...common },
  };
  return new Cluster(nodes, clusterOptions);
}
