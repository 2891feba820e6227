/**
 * The insight report end to end: `voice-rag serve` with the offline engine, a local index and
 * `insights` on a SQLite file; four visitors type 20 questions, some the documents answer, some
 * they do not, two with an e-mail address in them. Then `voice-rag insights` prints the report.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsCommand } from '../../../gateway/cli/insights.js';
import { serve } from '../../../gateway/cli/serve.js';
import type { InsightReport } from '../../../gateway/insights/report.js';
import { WidgetClient } from '../../support/widget-client.js';
import { cliIo } from './cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'voice-rag-insights-'));
const configPath = join(dir, 'voice-rag.config.yaml');
const storePath = join(dir, 'data', 'insights.sqlite');
const origin = 'http://localhost:8787';

const CONFIG = `
server: { port: 0, host: 127.0.0.1, drain_seconds: 1, log_level: silent, status_token: insights-status-token-0123 }
engines:
  local: { kind: offline }
sites:
  docs:
    origins: ["${origin}"]
    engine: local
    retrieval: { kind: local, sources: ["./kb/**/*.md"], url_base: /kb/, cache_dir: ./cache }
    insights: { store: ./data/insights.sqlite, retention_days: 30 }
`;

// Four conversations of five typed questions each: 20 turns.
const CONVERSATIONS = [
  ['How many days do I have to return an item?', 'Can I pay with bitcoin?', 'How long does express shipping take?', 'What is the lamp warranty?', 'Do you take bitcoin payments?'],
  ['My email is jane.doe@example.com, can I pay with bitcoin?', 'When does my refund reach my card?', 'Is there a student discount?', 'How long is standard shipping?', 'How long is the warranty against defects?'],
  ['Do students get a discount?', 'Can I return an item bought online?', 'Write to me at jane dot doe at example dot com about a student discount', 'Does express shipping arrive the next day?', 'Refund window for online purchases?'],
  ['Which warranty covers lamps?', 'Bitcoin accepted?', 'How fast is shipping?', 'Can I return things after 45 days?', 'Any student discount code?'],
];

let report: InsightReport;
const sessionIds: string[] = [];
let statusPage = '';

/** Sends one typed question and waits until its answer's last response is done. */
async function ask(widget: WidgetClient, text: string): Promise<void> {
  const before = widget.messages.length;
  widget.send({ type: 'text', text });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const after = widget.messages.slice(before);
    const spoke = after.findIndex((m) => m.type === 'assistant_transcript_done');
    if (spoke >= 0 && after.slice(spoke).some((m) => m.type === 'response_done')) return;
    if (Date.now() > deadline) throw new Error(`no answer to "${text}": ${JSON.stringify(after.map((m) => m.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  mkdirSync(join(dir, 'kb'));
  writeFileSync(join(dir, 'kb', 'returns.md'), '---\ntitle: Returns\n---\n# Returns\n\n## Refund window\n\nItems bought online can be returned within 45 days for a full refund. Refunds reach your card in five business days.\n');
  writeFileSync(join(dir, 'kb', 'shipping.md'), '---\ntitle: Shipping\n---\n# Shipping\n\nStandard shipping takes three to five days. Express shipping arrives the next day.\n');
  writeFileSync(join(dir, 'kb', 'warranty.md'), '---\ntitle: Warranty\n---\n# Warranty\n\nEvery lamp carries a warranty of seven years against defects.\n');
  writeFileSync(configPath, CONFIG);
  const running = await serve({ configPath, handleSignals: false, watch: false });
  try {
    for (const questions of CONVERSATIONS) {
      const widget = await WidgetClient.connect(running.port, { site: 'docs', origin, extraQuery: '&mode=text' });
      sessionIds.push((await widget.next('ready', 20_000)).session_id);
      for (const question of questions) await ask(widget, question);
      widget.close();
      await widget.closed;
    }
    const response = await fetch(`http://127.0.0.1:${running.port}/status`, { headers: { authorization: 'Bearer insights-status-token-0123' } });
    statusPage = await response.text();
  } finally {
    // Stopping flushes the store to its file.
    await running.stop();
  }
  const io = cliIo();
  expect(await insightsCommand(['--site', 'docs', '--config', configPath, '--format', 'json'], io, Date.now() + 1000)).toBe(0);
  report = JSON.parse(io.out()) as InsightReport;
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the insight report of a 20-turn conversation', () => {
  it('recorded every turn of every conversation', () => {
    expect(report.turns).toBe(20);
    expect(report.conversations).toBe(4);
    expect(report.cost.top.map((c) => c.turns)).toEqual([5, 5, 5, 5]);
    expect(new Set(report.cost.top.map((c) => c.sessionId))).toEqual(new Set(sessionIds));
  });

  it('lists the questions no passage answered, grouped by similarity', () => {
    const groups = report.unanswered.map((g) => [g.question, ...g.examples].join(' | ').toLowerCase());
    const bitcoin = groups.filter((g) => g.includes('bitcoin'));
    const discount = groups.filter((g) => g.includes('discount'));
    // The bitcoin questions land in one group, the discount questions in another, however phrased.
    expect(bitcoin).toHaveLength(1);
    expect(discount).toHaveLength(1);
    expect(report.unanswered.map((g) => g.count).sort()).toEqual([3, 4]);
    expect(report.unansweredTurns).toBe(7);
    // Nothing the documents answer is listed.
    expect(groups.join(' ')).not.toMatch(/warranty|shipping|refund/);
  });

  it('counts the pages cited', () => {
    const pages = report.citedPages.map((p) => p.page);
    expect(pages).toEqual(expect.arrayContaining(['/kb/returns.html', '/kb/shipping.html', '/kb/warranty.html']));
    expect(report.citedPages[0]!.count).toBeGreaterThanOrEqual(2);
  });

  it('stores no e-mail address, typed or in its spoken form', () => {
    const bytes = readFileSync(storePath).toString('latin1');
    expect(bytes).toContain('bitcoin');
    // Whole forms only: the file also holds random base62 response ids, which can spell "jane".
    expect(bytes).not.toMatch(/jane\.doe|jane dot doe|example\.com|example dot com/i);
    expect(bytes).toContain('[email]');
  });

  it('shows the same on the operator page', () => {
    expect(statusPage).toContain('aria-label="insights docs"');
    expect(statusPage).toMatch(/insights, last 7 days: 20 questions, 4 conversations/);
    expect(statusPage).toContain('<h3>Unanswered (7)</h3>');
    expect(statusPage).toMatch(/<span class="n">4×<\/span> Is there a student discount\?/);
    expect(statusPage).toMatch(/<span class="n">\d+×<\/span> Returns[^<]* <small>\/kb\/returns.html<\/small>/);
    expect(statusPage).not.toMatch(/jane\.doe|jane dot doe|example\.com|example dot com/i);
  });
});
