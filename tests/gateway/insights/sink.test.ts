/** The observer's sink: ratings and turns redacted into the site's store, other sites dropped, failures logged. */
import { describe, expect, it } from 'vitest';
import { insightsSchema } from '../../../gateway/config/insights-schema.js';
import { createInsightSink } from '../../../gateway/insights/sink.js';
import type { InsightStore } from '../../../gateway/insights/types.js';
import { openSqliteInsightStore } from '../../../gateway/node/insights-sqlite.js';
import { createLogCapture } from '../../support/gateway-harness.js';
import { createLogger } from '../../../gateway/node/log.js';

const config = insightsSchema.parse({ store: 'unused.sqlite' });
const turn = { sessionId: 's1', at: 5, question: 'Mail a@b.io or call +1 555 010 9999', searches: [{ query: 'card 4111 1111 1111 1111', passages: [] }], citations: [], responseIds: ['r1'], costUsd: 0 };

async function setup(store?: InsightStore) {
  const target = store ?? (await openSqliteInsightStore(':memory:', { readOnly: true }));
  const logs = createLogCapture();
  const sink = createInsightSink({
    siteInsights: (site) => (site === 'docs' ? { config, store: target } : undefined),
    now: () => 42,
    logger: createLogger({ level: 'warn', destination: logs }),
  });
  return { sink, store: target, logs };
}

describe('the insight sink', () => {
  it('stores a site’s turns and ratings redacted', async () => {
    const { sink, store } = await setup();
    sink.turnRecorded('docs', turn);
    sink.feedback('docs', { sessionId: 's1', responseId: 'r1', rating: 'down', reason: 'write me at a@b.io' });
    await expect.poll(async () => (await store.feedback('docs', 0)).length).toBe(1);
    const [stored] = await store.turns('docs', 0);
    expect(stored!.question).toBe('Mail [email] or call [phone]');
    expect(stored!.searches[0]!.query).toBe('card [card]');
    expect(await store.feedback('docs', 0)).toEqual([{ site: 'docs', sessionId: 's1', responseId: 'r1', rating: 'down', reason: 'write me at [email]', at: 42 }]);
  });

  it('drops what a site without insights sends', async () => {
    const { sink, store } = await setup();
    sink.turnRecorded('shop', turn);
    sink.feedback('shop', { sessionId: 's1', responseId: 'r1', rating: 'up' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await store.turns('shop', 0)).toEqual([]);
    expect(await store.feedback('shop', 0)).toEqual([]);
  });

  it('logs a failing store without the row, and never throws', async () => {
    const failing = { addTurn: () => Promise.reject(new Error('disk full')) } as unknown as InsightStore;
    const { sink, logs } = await setup(failing);
    expect(() => sink.turnRecorded('docs', turn)).not.toThrow();
    await expect.poll(() => logs.matching('could not store a turn').length).toBe(1);
    expect(logs.lines.join('\n')).not.toContain('a@b.io');
  });
});
