/** Retention as the gateway runs it: rows past a site's retention_days are gone once the stores open. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createConfigHolder } from '../../../gateway/config/index.js';
import { configFromText } from '../../../gateway/config/load.js';
import { createInsightSites } from '../../../gateway/node/insights-sites.js';
import { openSqliteInsightStore } from '../../../gateway/node/insights-sqlite.js';
import { createLogger } from '../../../gateway/node/log.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6);
const dir = mkdtempSync(join(tmpdir(), 'voice-rag-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (sessionId: string, at: number) => ({
  site: 'docs', sessionId, at, question: 'q', searches: [], citations: [], responseIds: [], costUsd: 0,
});

describe('insights retention', () => {
  it('deletes rows older than retention_days when the gateway starts, and keeps the rest', async () => {
    const file = join(dir, 'insights.sqlite');
    const seed = await openSqliteInsightStore(file);
    await seed.addTurn(row('ancient', NOW - 8 * DAY));
    await seed.addTurn(row('recent', NOW - 6 * DAY));
    await seed.addFeedback({ site: 'docs', sessionId: 'ancient', responseId: 'r', rating: 'down', at: NOW - 9 * DAY });
    await seed.close();

    const text = `engines: { local: { kind: offline } }
sites:
  docs:
    origins: ["https://docs.example.com"]
    engine: local
    retrieval: { kind: local, sources: ["./kb/*.md"] }
    insights: { store: ./insights.sqlite, retention_days: 7 }
`;
    const holder = createConfigHolder(configFromText(text, { path: join(dir, 'c.yaml'), file: join(dir, 'c.yaml'), dir }, {}));
    const clock = { now: () => NOW, setTimeout, clearTimeout } as never;
    const sites = await createInsightSites(holder, { logger: createLogger({ level: 'silent' }), clock });
    const [report] = await sites.reports(30);
    expect(report!.turns).toBe(1);
    expect(report!.cost.top.map((c) => c.sessionId)).toEqual(['recent']);
    expect(report!.ratings).toEqual({ up: 0, down: 0 });
    await sites.close();

    const after = await openSqliteInsightStore(file, { readOnly: true });
    expect((await after.turns('docs', 0)).map((t) => t.sessionId)).toEqual(['recent']);
    await after.close();
  });
});
