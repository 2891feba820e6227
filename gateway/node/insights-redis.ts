/**
 * The insight store in the site's Redis (one server or a cluster, through the limits store's
 * client settings): per site one sorted set of turns and one of ratings, scored by time, so
 * retention is one ZREMRANGEBYSCORE. Each key holds one site: a cluster spreads sites over shards.
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { connectRedis, type RedisTarget } from '../limits/stores/redis-client.js';
import type { InsightStore, StoredFeedback, StoredTurn, Subject } from '../insights/types.js';

export type RedisInsightOptions = RedisTarget & { keyPrefix: string; connectTimeoutMs?: number };

type Kind = 'turns' | 'feedback';
/** The set of sites that have rows, so a deletion request reaches every site. */
const SITES_KEY = 'insights:sites';
const keyOf = (kind: Kind, site: string) => `insights:${kind}:{${site}}`;

/** Opens the store; resolves once Redis answers (or after the connect timeout, then commands fail until it does). */
export async function openRedisInsightStore(options: RedisInsightOptions): Promise<InsightStore> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const target: RedisTarget = options.url !== undefined ? { url: options.url } : { cluster: options.cluster };
  const redis: Redis | Cluster = connectRedis(target, { keyPrefix: options.keyPrefix, commandTimeoutMs: 2_000, connectTimeoutMs });
  // Outages surface as failed writes, logged by the sink; ioredis would print every 'error'.
  redis.on('error', () => {});
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, connectTimeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  // Each member carries a random id: two equal rows must not collapse into one set member.
  const add = async (kind: Kind, site: string, at: number, row: object) => {
    await redis.zadd(keyOf(kind, site), at, JSON.stringify({ ...row, _id: randomUUID() }));
    await redis.sadd(SITES_KEY, site);
  };
  const read = async <T>(kind: Kind, site: string, since: number): Promise<Array<T & { _id?: string }>> =>
    (await redis.zrangebyscore(keyOf(kind, site), since, '+inf')).map((member) => JSON.parse(member) as T & { _id?: string });
  const strip = <T extends { _id?: string }>({ _id, ...row }: T): Omit<T, '_id'> => row;

  /** Removes a site's members of one kind that match; answers how many. */
  const removeWhere = async (kind: Kind, site: string, match: (row: { sessionId: string; visitor?: string }) => boolean): Promise<number> => {
    const members = await redis.zrangebyscore(keyOf(kind, site), '-inf', '+inf');
    const doomed = members.filter((member) => match(JSON.parse(member) as { sessionId: string; visitor?: string }));
    if (doomed.length === 0) return 0;
    return redis.zrem(keyOf(kind, site), ...doomed);
  };

  return {
    addTurn: (turn) => add('turns', turn.site, turn.at, turn),
    addFeedback: (feedback) => add('feedback', feedback.site, feedback.at, feedback),
    turns: async (site, since) => (await read<StoredTurn>('turns', site, since)).map(strip),
    feedback: async (site, since) => (await read<StoredFeedback>('feedback', site, since)).map(strip),
    async deleteBefore(site, before) {
      const [turns, feedback] = await Promise.all(
        (['turns', 'feedback'] as const).map((kind) => redis.zremrangebyscore(keyOf(kind, site), '-inf', `(${before}`)),
      );
      return turns! + feedback!;
    },
    async deleteSubject(subject: Subject) {
      let count = 0;
      for (const site of await redis.smembers(SITES_KEY)) {
        let sessions: Set<string>;
        if (subject.sessionId !== undefined) sessions = new Set([subject.sessionId]);
        else {
          // A visitor's ratings carry no visitor id: they go with the sessions of the visitor's turns.
          const turns = await read<StoredTurn>('turns', site, 0);
          sessions = new Set(turns.filter((turn) => turn.visitor === subject.visitor).map((turn) => turn.sessionId));
        }
        if (sessions.size === 0) continue;
        count += await removeWhere('turns', site, (row) => sessions.has(row.sessionId));
        count += await removeWhere('feedback', site, (row) => sessions.has(row.sessionId));
      }
      return count;
    },
    async close() {
      redis.disconnect();
    },
  };
}
