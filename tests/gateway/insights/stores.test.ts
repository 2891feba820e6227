/**
 * The two insight stores against the same cases: SQLite (sql.js, a real file) and Redis (a real
 * redis-server). Rows round-trip, retention deletes only old rows of one site, a session's or a
 * visitor's rows are deleted on request, and the SQLite file survives a reopen.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InsightStore, StoredFeedback, StoredTurn } from '../../../gateway/insights/types.js';
import { openRedisInsightStore } from '../../../gateway/node/insights-redis.js';
import { openSqliteInsightStore } from '../../../gateway/node/insights-sqlite.js';
import { redisSkipReason, startRedis, type TestRedis } from '../../support/redis.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6);

const turn = (over: Partial<StoredTurn> = {}): StoredTurn => ({
  site: 'docs',
  sessionId: 's1',
  at: NOW,
  question: 'How long is the warranty?',
  searches: [{ query: 'warranty length', passages: [{ id: 'warranty#1', score: 3.5 }] }],
  citations: [{ id: 'warranty#1', title: 'Warranty', url: '/kb/warranty.html#top' }],
  responseIds: ['resp_1', 'resp_2'],
  costUsd: 0.0123,
  ...over,
});
const rating = (over: Partial<StoredFeedback> = {}): StoredFeedback => ({
  site: 'docs', sessionId: 's1', responseId: 'resp_2', rating: 'down', reason: 'too vague', at: NOW, ...over,
});

function storeCases(open: () => Promise<InsightStore>) {
  let store: InsightStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => store?.close());

  it('keeps turns and ratings as given, per site, oldest first, from a time on', async () => {
    const older = turn({ at: NOW - 2 * DAY, sessionId: 's0', question: 'Older question?' });
    await store.addTurn(turn());
    await store.addTurn(older);
    await store.addTurn(turn({ site: 'shop', sessionId: 's9' }));
    await store.addFeedback(rating());
    expect(await store.turns('docs', 0)).toEqual([older, turn()]);
    expect(await store.turns('docs', NOW - DAY)).toEqual([turn()]);
    expect(await store.turns('shop', 0)).toHaveLength(1);
    expect(await store.feedback('docs', 0)).toEqual([rating()]);
  });

  it('keeps two equal rows as two', async () => {
    await store.addTurn(turn({ site: 'twins' }));
    await store.addTurn(turn({ site: 'twins' }));
    expect(await store.turns('twins', 0)).toHaveLength(2);
  });

  it('retention deletes the old rows of one site and nothing else', async () => {
    await store.addTurn(turn({ site: 'old', at: NOW - 40 * DAY, sessionId: 'o1' }));
    await store.addFeedback(rating({ site: 'old', at: NOW - 40 * DAY, sessionId: 'o1' }));
    await store.addTurn(turn({ site: 'old', at: NOW - 10 * DAY, sessionId: 'o2' }));
    expect(await store.deleteBefore('old', NOW - 30 * DAY)).toBe(2);
    expect((await store.turns('old', 0)).map((t) => t.sessionId)).toEqual(['o2']);
    expect(await store.feedback('old', 0)).toEqual([]);
    expect(await store.deleteBefore('old', NOW - 30 * DAY)).toBe(0);
  });

  it('deletes one session on request, on every site', async () => {
    await store.addTurn(turn({ site: 'del', sessionId: 'gone' }));
    await store.addTurn(turn({ site: 'del2', sessionId: 'gone' }));
    await store.addFeedback(rating({ site: 'del', sessionId: 'gone' }));
    await store.addTurn(turn({ site: 'del', sessionId: 'kept' }));
    expect(await store.deleteSubject({ sessionId: 'gone' })).toBe(3);
    expect((await store.turns('del', 0)).map((t) => t.sessionId)).toEqual(['kept']);
    expect(await store.turns('del2', 0)).toEqual([]);
    expect(await store.feedback('del', 0)).toEqual([]);
  });

  it("deletes a signed-in visitor's sessions, ratings included", async () => {
    await store.addTurn(turn({ site: 'vis', sessionId: 'v1', visitor: 'sub:alice' }));
    await store.addTurn(turn({ site: 'vis', sessionId: 'v2', visitor: 'sub:alice' }));
    await store.addFeedback(rating({ site: 'vis', sessionId: 'v2' }));
    await store.addTurn(turn({ site: 'vis', sessionId: 'v3', visitor: 'sub:bob' }));
    expect(await store.deleteSubject({ visitor: 'sub:alice' })).toBe(3);
    expect((await store.turns('vis', 0)).map((t) => t.visitor)).toEqual(['sub:bob']);
    expect(await store.feedback('vis', 0)).toEqual([]);
    expect(await store.deleteSubject({ visitor: 'sub:nobody' })).toBe(0);
  });
}

describe('the SQLite insight store (sql.js)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-rag-insights-sqlite-'));
  const file = join(dir, 'nested', 'insights.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  storeCases(() => openSqliteInsightStore(file, { saveDelayMs: 5 }));

  it('writes the file shortly after a change, and a reopened store reads what was kept', async () => {
    await vi.waitFor(() => expect(existsSync(file)).toBe(true), { timeout: 2_000 });
    const reopened = await openSqliteInsightStore(file, { readOnly: true });
    expect((await reopened.turns('docs', 0)).map((t) => t.question)).toEqual(['Older question?', 'How long is the warranty?']);
    expect(await reopened.feedback('docs', 0)).toEqual([rating()]);
    await reopened.close();
  });

  it('refuses a second writer while a live process holds the file', async () => {
    const other = join(dir, 'locked.sqlite');
    const first = await openSqliteInsightStore(other);
    // The lock names this process, so a second opener in this process may reopen it (a reload);
    // another process's live pid is refused.
    writeFileSync(`${other}.lock`, String(process.ppid));
    await expect(openSqliteInsightStore(other)).rejects.toThrow(/is open in process/);
    await first.close();
    expect(existsSync(`${other}.lock`)).toBe(false);
    // A lock left by a dead process does not block.
    writeFileSync(`${other}.lock`, '2147483646');
    const after = await openSqliteInsightStore(other);
    await after.close();
  });
});

describe.skipIf(redisSkipReason !== undefined)('the Redis insight store (redis-server)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => redis?.dispose());

  storeCases(() => openRedisInsightStore({ url: redis.url, keyPrefix: 'test-insights:' }));

  it('a store opened later on the same Redis sees the rows', async () => {
    const second = await openRedisInsightStore({ url: redis.url, keyPrefix: 'test-insights:' });
    expect((await second.turns('docs', 0)).map((t) => t.question)).toEqual(['Older question?', 'How long is the warranty?']);
    await second.close();
  });
});
