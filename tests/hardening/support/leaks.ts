/**
 * Leak counting: a snapshot of what keeps a Node process busy (active handles by type, open
 * sockets on the gateway's server, listeners on long-lived emitters) and a comparison that
 * names every count that grew.
 */
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';

export interface ResourceSnapshot {
  /** `process.getActiveResourcesInfo()` grouped by type (Timeout, TCPSocketWrap, …). */
  resources: Record<string, number>;
  /** Open TCP connections on the gateway's HTTP server. */
  connections: number;
  /** Listener counts per `emitter-name:event`. */
  listeners: Record<string, number>;
  /** Extra counts the caller adds (live sessions, leases, upstream sockets). */
  extra: Record<string, number>;
}

export interface SnapshotSources {
  server: Server;
  /** Long-lived emitters to count listeners on, by name. */
  emitters?: Record<string, EventEmitter>;
  extra?: () => Record<string, number>;
}

/** Counts active resources by type. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function connectionsOf(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

function listenersOf(emitters: Record<string, EventEmitter>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, emitter] of Object.entries(emitters)) {
    for (const event of emitter.eventNames()) counts[`${name}:${String(event)}`] = emitter.listenerCount(event);
  }
  return counts;
}

/** Takes a snapshot of every count. */
export async function snapshot(sources: SnapshotSources): Promise<ResourceSnapshot> {
  return {
    resources: activeResources(),
    connections: await connectionsOf(sources.server),
    listeners: listenersOf({ process, ...sources.emitters }),
    extra: sources.extra?.() ?? {},
  };
}

/** Every count that is higher after than before, as `name: before → after`. */
export function growth(before: ResourceSnapshot, after: ResourceSnapshot): string[] {
  const grown: string[] = [];
  const compare = (group: string, a: Record<string, number>, b: Record<string, number>) => {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const was = a[key] ?? 0;
      const is = b[key] ?? 0;
      if (is > was) grown.push(`${group}.${key}: ${was} → ${is}`);
    }
  };
  compare('resources', before.resources, after.resources);
  compare('listeners', before.listeners, after.listeners);
  compare('extra', before.extra, after.extra);
  if (after.connections > before.connections) grown.push(`connections: ${before.connections} → ${after.connections}`);
  return grown;
}

/** Polls until nothing grew compared with `before` (sockets close asynchronously); returns what still grew. */
export async function settledGrowth(before: ResourceSnapshot, sources: SnapshotSources, ms = 5000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const grown = growth(before, await snapshot(sources));
    if (grown.length === 0 || Date.now() > deadline) return grown;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
