/**
 * `voice-rag insights` on a SQLite store filled with known rows: the three formats, --since and
 * --below, the rated-down answers joined to their questions, deletion on request, and errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsCommand, parseSince } from '../../../gateway/cli/insights.js';
import { main } from '../../../gateway/cli/main.js';
import type { InsightReport } from '../../../gateway/insights/report.js';
import type { StoredTurn } from '../../../gateway/insights/types.js';
import { openSqliteInsightStore } from '../../../gateway/node/insights-sqlite.js';
import { cliIo } from './cli-io.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6, 12);
const dir = mkdtempSync(join(tmpdir(), 'voice-rag-insights-cli-'));
const configPath = join(dir, 'voice-rag.config.yaml');

const turn = (sessionId: string, question: string, score: number | undefined, over: Partial<StoredTurn> = {}): StoredTurn => ({
  site: 'docs',
  sessionId,
  at: NOW - DAY,
  question,
  searches: score === undefined ? [] : [{ query: question, passages: score > 0 ? [{ id: 'p1', score }] : [] }],
  citations: score && score > 1 ? [{ id: 'p1', title: 'Returns, "policy"', url: '/kb/returns.html#window' }] : [],
  responseIds: [`r-${question.length}`],
  costUsd: 0.01,
  ...over,
});

const run = async (...args: string[]) => {
  const io = cliIo();
  const code = await insightsCommand([...args, '--config', configPath], io, NOW);
  return { code, out: io.out(), err: io.err() };
};

beforeAll(async () => {
  writeFileSync(
    configPath,
    `engines: { local: { kind: offline } }
sites:
  docs:
    origins: ["https://docs.example.com"]
    engine: local
    retrieval: { kind: local, sources: ["./kb/*.md"] }
    insights: { store: ./insights.sqlite, unanswered_below: 0.5 }
  shop:
    origins: ["https://shop.example.com"]
    engine: local
    retrieval: { kind: local, sources: ["./kb/*.md"] }
`,
  );
  const store = await openSqliteInsightStore(join(dir, 'insights.sqlite'));
  await store.addTurn(turn('a', 'Can I pay with bitcoin?', 0));
  await store.addTurn(turn('a', 'How do I return a lamp?', 3, { costUsd: 0.04, responseIds: ['r-return'] }));
  await store.addTurn(turn('b', 'Pay with bitcoin, | possible?', 0.2));
  await store.addTurn(turn('b', 'Hello there', undefined));
  await store.addTurn(turn('c', 'Return window, please', 2));
  await store.addTurn(turn('old', 'Old: pay with bitcoin?', 0, { at: NOW - 10 * DAY }));
  await store.addFeedback({ site: 'docs', sessionId: 'a', responseId: 'r-return', rating: 'down', reason: 'wrong, "too long"', at: NOW - DAY });
  await store.addFeedback({ site: 'docs', sessionId: 'c', responseId: 'r-21', rating: 'up', at: NOW - DAY });
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('voice-rag insights', () => {
  it('prints the JSON report of the last 7 days', async () => {
    const { code, out } = await run('--site', 'docs', '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as InsightReport;
    expect(report.turns).toBe(5);
    expect(report.conversations).toBe(3);
    // 0.2 is at most unanswered_below (0.5); "Hello there" never searched.
    expect(report.unanswered).toEqual([{ question: 'Can I pay with bitcoin?', count: 2, examples: ['Pay with bitcoin, | possible?'] }]);
    expect(report.citedPages).toEqual([{ page: '/kb/returns.html', title: 'Returns, "policy"', count: 2 }]);
    expect(report.ratings).toEqual({ up: 1, down: 1 });
    expect(report.ratedDown).toEqual([{ at: new Date(NOW - DAY).toISOString(), sessionId: 'a', question: 'How do I return a lamp?', reason: 'wrong, "too long"' }]);
    expect(report.cost).toMatchObject({ totalUsd: 0.08, maxPerConversationUsd: 0.05, medianPerConversationUsd: 0.02 });
    expect(report.cost.meanPerConversationUsd).toBeCloseTo(0.08 / 3, 6);
    expect(report.cost.top[0]).toEqual({ sessionId: 'a', turns: 2, costUsd: 0.05 });
  });

  it('--since and --below change the period and the threshold', async () => {
    const wide = JSON.parse((await run('--site', 'docs', '--format', 'json', '--since', '30d', '--below', '0')).out) as InsightReport;
    expect(wide.turns).toBe(6);
    // Oldest first: the old question names the group; 0.2 is above --below 0, so that one is answered.
    expect(wide.unanswered).toEqual([{ question: 'Old: pay with bitcoin?', count: 2, examples: ['Can I pay with bitcoin?'] }]);
    const dated = JSON.parse((await run('--site', 'docs', '--format', 'json', '--since', '2026-12-05')).out) as InsightReport;
    expect(dated.since).toBe('2026-12-05T00:00:00.000Z');
  });

  it('prints Markdown tables with pipes escaped', async () => {
    const { code, out } = await run('--site', 'docs');
    expect(code).toBe(0);
    expect(out).toContain('# Insights: docs');
    expect(out).toContain('## Unanswered questions (2)');
    expect(out).toContain('| 2 | Can I pay with bitcoin? | Pay with bitcoin, \\| possible? |');
    expect(out).toContain('| 2 | /kb/returns.html | Returns, "policy" |');
    expect(out).toMatch(/\| How do I return a lamp\? \| wrong, "too long" \| a \|/);
    expect(out).toContain('Total $0.0800; per conversation: mean $0.0267, median $0.0200, max $0.0500.');
  });

  it('prints CSV with RFC 4180 quoting, one row per item', async () => {
    const { out } = await run('--site', 'docs', '--format', 'csv');
    const lines = out.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,item,count,detail');
    expect(lines).toContain('unanswered,Can I pay with bitcoin?,2,"Pay with bitcoin, | possible?"');
    expect(lines).toContain('cited,/kb/returns.html,2,"Returns, ""policy"""');
    expect(lines).toContain(`rated_down,How do I return a lamp?,1,"${new Date(NOW - DAY).toISOString()} · a · wrong, ""too long"""`);
    expect(lines).toContain('conversation_cost,a,2,0.050000');
    expect(lines.at(-1)).toBe('cost_total,docs,3,0.080000');
  });

  it('finds the sessions whose questions contain a text', async () => {
    const { code, out } = await run('--site', 'docs', '--find', 'BITCOIN', '--since', '30d');
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n').map((line) => line.split('\t')[0])).toEqual(['old', 'a', 'b']);
    expect(out).toContain(`a\t${new Date(NOW - DAY).toISOString()}\tCan I pay with bitcoin?`);
  });

  it('deletes a session on request, and the report no longer has it', async () => {
    const { code, out } = await run('--delete-session', 'b');
    expect(code).toBe(0);
    expect(out).toBe('deleted 2 rows\n');
    const report = JSON.parse((await run('--site', 'docs', '--format', 'json')).out) as InsightReport;
    expect(report.conversations).toBe(2);
    expect(report.unanswered).toEqual([{ question: 'Can I pay with bitcoin?', count: 1, examples: [] }]);
  });

  it('is reachable from the main CLI and lists itself in --help', async () => {
    const io = cliIo();
    expect(await main(['insights', '--site', 'docs', '--format', 'json', '--config', configPath], io)).toBe(0);
    expect(JSON.parse(io.out()).site).toBe('docs');
    const help = cliIo();
    await main(['--help'], help);
    expect(help.out()).toMatch(/insights --site ID/);
  });

  it.each([
    [['--site', 'docs', '--format', 'xml'], 2, /--format must be md, csv or json/],
    [['--site', 'docs', '--since', 'last week'], 2, /--since must look like/],
    [['--site', 'docs', '--below=-1'], 2, /--below must be a number/],
    [['--site', 'shop'], 1, /site "shop" has no insights block/],
    [['--site', 'nope'], 2, /no site "nope"/],
    [[], 2, /--site is required/],
    [['--delete-session', 'x', '--delete-visitor', 'y'], 2, /not both/],
    [['--bogus'], 2, /Unknown option/],
  ])('refuses %j with a clear message', async (args, code, message) => {
    const result = await run(...args);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
  });

  it('reads relative periods', () => {
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * DAY);
    expect(parseSince('24h', NOW)).toBe(NOW - DAY);
    expect(parseSince('30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseSince('7 days', NOW)).toBeUndefined();
  });
});
