/**
 * The waiting line shared by two gateway nodes (two limiters, each with its own connection) on
 * one real Redis and on a three-master cluster: first come, first served across nodes, queue
 * estimates that count the other node's waiters, and a dead node's tickets expiring.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import { createAdmission } from '../../../gateway/limits/admission.js';
import type { LimitsAdmission } from '../../../gateway/limits/admission.js';
import { createRedisStore } from '../../../gateway/limits/stores/redis.js';
import type { RedisStoreOptions } from '../../../gateway/limits/stores/redis.js';
import type { Store } from '../../../gateway/limits/stores/store.js';
import type { Lease } from '../../../gateway/limits/types.js';
import { clusterSkipReason, startRedisCluster } from '../../support/redis-cluster.js';
import { redisSkipReason, startRedis } from '../../support/redis.js';
import { makeConfig, requestFor } from './harness.js';
import type { ConfigShape } from './harness.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves, per node and in order, when each arrival's ticket has joined the line in the store. */
function joinWatch(store: Store, pending: (() => void)[]): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'joinLine')
        return async (...args: Parameters<Store['joinLine']>) => {
          const ahead = await target.joinLine(...args);
          pending.shift()?.();
          return ahead;
        };
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Two limiter nodes on the same Redis (or cluster) and key prefix. */
function twoNodes(target: () => RedisStoreOptions, shape: ConfigShape, ticketTtlMs?: number) {
  const config = makeConfig(shape);
  const logger = { info: vi.fn(), warn: vi.fn() };
  const pendingJoins: (() => void)[][] = [[], []];
  const nodes: { store: Store; admission: LimitsAdmission }[] = [0, 1].map((index) => {
    const store = createRedisStore(target());
    const watched = joinWatch(store, pendingJoins[index]!);
    return { store, admission: createAdmission({ config: () => config, store: watched, clock: systemClock, logger, ticketTtlMs }) };
  });
  const admit = (node: number, visitor: string, onQueued?: (ms: number) => void, signal?: AbortSignal): Promise<Lease> =>
    nodes[node]!.admission.admit({ ...requestFor(config, 'docs', visitor, onQueued), ...(signal ? { signal } : {}) });
  /** Admits, and tells when the session took its place in the line (one node's places keep its order). */
  const arrive = (node: number, visitor: string): { joined: Promise<void>; admitted: Promise<Lease> } => {
    const joined = new Promise<void>((resolve) => pendingJoins[node]!.push(resolve));
    return { joined, admitted: admit(node, visitor) };
  };
  const close = async (): Promise<void> => {
    for (const node of nodes) {
      await node.admission.close?.();
      await node.store.close();
    }
  };
  return { nodes, admit, arrive, close };
}

function sharedLineCases(name: string, skip: string | undefined, start: () => Promise<{ target: (prefix: string) => RedisStoreOptions; dispose(): Promise<void> }>) {
  describe.skipIf(skip !== undefined)(`a waiting line shared by two nodes on ${name}`, () => {
    let backend: Awaited<ReturnType<typeof start>>;
    let runs = 0;
    const prefix = (): string => `line${process.pid}-${++runs}:`;
    beforeAll(async () => {
      backend = await start();
    }, 60_000);
    afterAll(async () => {
      await backend?.dispose();
    });

    it('never admits a later arrival before an earlier one of the same site and engine, on random arrivals', async () => {
      // One token per 50 ms, shared by both nodes: arrivals faster than that queue up.
      const shape = { engines: { aoai: { connections_per_minute: 1_200, window_seconds: 0.05 } }, sites: { docs: { engine: 'aoai', limits: { queue_seconds: 30 } } } };
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ node: fc.integer({ min: 0, max: 1 }), gapMs: fc.integer({ min: 0, max: 60 }) }), { minLength: 3, maxLength: 10 }),
          async (arrivals) => {
            const keyPrefix = prefix();
            const pair = twoNodes(() => backend.target(keyPrefix), shape);
            const admitted: number[] = [];
            const done: Promise<void>[] = [];
            try {
              // Both nodes connected to the shard of the line first, as long-running nodes are: a
              // first connection is slower than the gap between two arrivals.
              for (const node of pair.nodes) await node.store.readCounters(['{engine:aoai}:warm-up']);
              let previous: { node: number; joined: Promise<void> } | undefined;
              for (const [index, arrival] of arrivals.entries()) {
                // "Earlier" is the order in which places are taken in the store: before a session
                // arrives on the other node, the previous one has taken its place (one node keeps
                // its own order). The random gaps then decide who waits for whom.
                if (previous && previous.node !== arrival.node) await previous.joined;
                await sleep(arrival.gapMs);
                const session = pair.arrive(arrival.node, `v${index}`);
                previous = { node: arrival.node, joined: session.joined };
                done.push(
                  session.admitted.then((lease) => {
                    admitted.push(index);
                    lease.release();
                  }),
                );
              }
              await Promise.all(done);
            } finally {
              await pair.close();
            }
            expect(admitted).toEqual(arrivals.map((_, index) => index));
          },
        ),
        { numRuns: 12 },
      );
    }, 60_000);

    it("counts the other node's waiters in the queue estimate", async () => {
      // One token a second.
      const keyPrefix = prefix();
      const pair = twoNodes(() => backend.target(keyPrefix), {
        engines: { aoai: { connections_per_minute: 60, window_seconds: 1 } },
        sites: { docs: { engine: 'aoai', limits: { queue_seconds: 30 } } },
      });
      const leave = new AbortController();
      try {
        (await pair.admit(0, 'a0')).release();
        const waiting = [pair.admit(0, 'a1', undefined, leave.signal), pair.admit(0, 'a2', undefined, leave.signal)];
        await sleep(50);
        const estimates: number[] = [];
        const late = pair.admit(1, 'b', (ms) => estimates.push(ms), leave.signal);
        await sleep(200);
        // Two sessions of node 0 are ahead: the next token (under 1 s) plus two more intervals.
        expect(estimates).toHaveLength(1);
        expect(estimates[0]).toBeGreaterThan(2_500);
        expect(estimates[0]).toBeLessThanOrEqual(3_000);
        leave.abort();
        await Promise.allSettled([...waiting, late]);
      } finally {
        await pair.close();
      }
    });

    it("lets the line move on when a node dies with a ticket at the head", async () => {
      const keyPrefix = prefix();
      const pair = twoNodes(
        () => backend.target(keyPrefix),
        { engines: { aoai: { connections_per_minute: 60, window_seconds: 1 } }, sites: { docs: { engine: 'aoai', limits: { queue_seconds: 10 } } } },
        600,
      );
      try {
        (await pair.admit(0, 'a0')).release();
        const orphan = pair.admit(0, 'a1').catch((error: unknown) => error);
        await sleep(50);
        const started = Date.now();
        const survivor = pair.admit(1, 'b');
        // Node 0 stops answering: its ticket at the head of the line is no longer renewed.
        await pair.nodes[0]!.admission.close?.();
        await pair.nodes[0]!.store.close();
        const lease = await survivor;
        lease.release();
        // The next token is due within a second; the dead ticket's lease (600 ms) is out by then.
        expect(Date.now() - started).toBeLessThan(2_000);
        await orphan;
      } finally {
        await pair.close();
      }
    });
  });
}

sharedLineCases('one Redis', redisSkipReason, async () => {
  const server = await startRedis();
  return { target: (keyPrefix) => ({ url: server.url, keyPrefix }), dispose: () => server.dispose() };
});

sharedLineCases('a Redis Cluster', clusterSkipReason, async () => {
  const cluster = await startRedisCluster();
  return { target: (keyPrefix) => ({ cluster: cluster.urls, keyPrefix }), dispose: () => cluster.dispose() };
});
