import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../gateway/cli/main.js';
import type { PageToolCallMessage } from '../../../gateway/protocol.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import type { ScriptedConnection } from '../../support/scripted-upstream.js';
import type { WidgetClient } from '../../support/widget-client.js';
import { docsSiteConfigText, loadToolsConfig } from './load-tools-config.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const PAGE_TOOLS = {
  open_page: { kind: 'page' },
  scroll_to: { kind: 'page', timeout_ms: 300 },
  add_to_cart: {
    kind: 'page',
    description: 'Put a product in the visitor\'s cart',
    parameters: { type: 'object', properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } }, required: ['sku'], additionalProperties: false },
    timeout_ms: 2000,
  },
};

/** A session on a site with page tools; `offered`: the widget connected with `page_tools=1`. */
async function session(offered = true): Promise<{ widget: WidgetClient; upstream: ScriptedConnection }> {
  await harness?.close();
  harness = await startHarness({ site: { tools: PAGE_TOOLS } });
  const widget = await harness.connect(offered ? { extraQuery: '&page_tools=1' } : {});
  await widget.next('ready');
  return { widget, upstream: await harness.upstream.nextConnection() };
}

/** The model calls `name`; resolves with the function output the gateway sends upstream. */
async function modelCalls(upstream: ScriptedConnection, name: string, args: unknown, callId = 'call_1') {
  upstream.send({
    type: 'response.function_call_arguments.done',
    event_id: `ev_${callId}`,
    response_id: `resp_${callId}`,
    item_id: `item_${callId}`,
    output_index: 0,
    call_id: callId,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
  });
  const created = await upstream.waitFor('conversation.item.create');
  const item = created.item as { call_id: string; output: string };
  expect(item.call_id).toBe(callId);
  return JSON.parse(item.output) as Record<string, unknown>;
}

const toolNames = (upstream: ScriptedConnection) =>
  ((upstream.received.find((e) => e.type === 'session.update')!.session as { tools: Array<{ name: string }> }).tools).map((t) => t.name);

describe('page tools in a live session (extension page_tools)', () => {
  it('offers page tools to the model only when the widget runs them, and lists the extension in ready', async () => {
    const { widget, upstream } = await session(true);
    expect(widget.all('ready')[0]!.extensions).toEqual(expect.arrayContaining(['feedback', 'page_tools']));
    expect(toolNames(upstream)).toEqual(['search', 'report_grounding', 'open_page', 'scroll_to', 'add_to_cart']);
    const update = upstream.received.find((e) => e.type === 'session.update')!;
    const openPage = (update.session as { tools: Array<{ name: string; description: string; parameters: { required: string[] } }> }).tools.find((t) => t.name === 'open_page')!;
    expect(openPage.parameters.required).toEqual(['url']);
    expect(openPage.description).toMatch(/Open a page/);
  });

  it('sends the call to the widget and gives the model what the page answered', async () => {
    const { widget, upstream } = await session();
    const output = modelCalls(upstream, 'add_to_cart', { sku: 'NW-PLUS', quantity: 2 });
    const call = (await widget.next('page_tool_call')) as PageToolCallMessage;
    expect(call).toEqual({ type: 'page_tool_call', call_id: expect.stringMatching(/^pt_/), name: 'add_to_cart', arguments: { sku: 'NW-PLUS', quantity: 2 } });
    // The upstream's own call id never reaches the browser.
    expect(JSON.stringify(call)).not.toContain('call_1');
    widget.send({ type: 'page_tool_result', call_id: call.call_id, ok: true, result: { cart_items: 3 } });
    expect(await output).toEqual({ cart_items: 3 });
    // A late duplicate is dropped, not an error.
    widget.send({ type: 'page_tool_result', call_id: call.call_id, ok: true, result: 'again' });
    widget.send({ type: 'text', text: 'still there?' });
    await upstream.waitFor('response.create');
    expect(widget.open).toBe(true);
  });

  it('gives the model the page\'s refusal as a short error', async () => {
    const { widget, upstream } = await session();
    const output = modelCalls(upstream, 'open_page', { url: '/pricing' });
    const call = (await widget.next('page_tool_call')) as PageToolCallMessage;
    expect(call.arguments).toEqual({ url: '/pricing' });
    widget.send({ type: 'page_tool_result', call_id: call.call_id, ok: false, error: 'refused by the page' });
    expect(await output).toEqual({ error: 'the page did not run open_page: refused by the page' });
  });

  it('answers the model with a timeout error when the page never answers', async () => {
    const { widget, upstream } = await session();
    const started = Date.now();
    const output = await modelCalls(upstream, 'scroll_to', { section: 'Eye exams' });
    expect(output).toEqual({ error: 'scroll_to did not answer within 300 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(widget.all('page_tool_call')).toHaveLength(1);
    // The turn goes on: a follow-up response is asked for once the response is done.
    upstream.send({ type: 'response.done', event_id: 'ev_done', response: { id: 'resp_call_1', object: 'realtime.response', status: 'completed', output: [] } });
    await upstream.waitFor('response.create');
  });

  it('refuses arguments that fail the schema, and open_page outside the site, without asking the page', async () => {
    const { widget, upstream } = await session();
    expect(await modelCalls(upstream, 'add_to_cart', { quantity: 0 }, 'call_a')).toEqual({ error: expect.stringMatching(/^invalid arguments: /) });
    expect(await modelCalls(upstream, 'add_to_cart', '{not json', 'call_b')).toEqual({ error: 'arguments must be a JSON object' });
    expect(await modelCalls(upstream, 'open_page', { url: 'https://evil.example/phish' }, 'call_c')).toEqual({ error: 'refused: only pages of this site can be opened' });
    expect(await modelCalls(upstream, 'open_page', { url: '//evil.example/x' }, 'call_d')).toEqual({ error: expect.stringMatching(/^refused: /) });
    expect(await modelCalls(upstream, 'open_page', { url: 'javascript:alert(1)' }, 'call_e')).toEqual({ error: 'refused: only pages of this site can be opened' });
    expect(await modelCalls(upstream, 'delete_account', {}, 'call_f')).toEqual({ error: 'unknown tool "delete_account"' });
    expect(widget.all('page_tool_call')).toHaveLength(0);
  });

  it('an old widget (no page_tools=1) is never asked: the model is not told of page tools, and an invented call gets the unknown-tool error', async () => {
    const { widget, upstream } = await session(false);
    expect(widget.all('ready')[0]!.extensions).toContain('feedback');
    expect(widget.all('ready')[0]!.extensions).not.toContain('page_tools');
    expect(toolNames(upstream)).toEqual(['search', 'report_grounding']);
    expect(await modelCalls(upstream, 'open_page', { url: '/pricing' })).toEqual({ error: 'unknown tool "open_page"' });
    expect(widget.all('page_tool_call')).toHaveLength(0);
  });

  it('ends the session with bad_message when page_tool_result comes without page tools, or malformed', async () => {
    const { widget } = await session(false);
    widget.send({ type: 'page_tool_result', call_id: 'pt_1', ok: true, result: 1 });
    expect((await widget.closed).code).toBe(4400);
    const { widget: other } = await session(true);
    other.send({ type: 'page_tool_result', call_id: 'pt_1', ok: 'yes' });
    expect(await other.closed).toEqual({ code: 4400, reason: 'bad_message' });
  });
});

describe('page tools in the configuration', () => {
  const load = (tools: string) => loadToolsConfig(tools, {});
  it('loads built-ins with no description and custom page tools with one; a timeout has a default', () => {
    const result = load(`
      open_page: { kind: page }
      highlight: { kind: page, description: Highlight a term on the page, parameters: { type: object, properties: { term: { type: string } } } }`);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.sites.docs!.tools!.open_page).toEqual({ kind: 'page', timeout_ms: 10_000 });
  });

  it('refuses a custom page tool without description, a built-in page tool name on an HTTP tool, a gateway built-in name, a bad schema', () => {
    const result = load(`
      highlight: { kind: page }
      search: { kind: page }
      open_page: { kind: http, description: x, url: "https://api.example.com/x" }
      broken: { kind: page, description: x, parameters: { type: array } }`);
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/highlight\.description: a page tool the page registers needs a description/),
        expect.stringMatching(/search: "search" is a built-in tool/),
        expect.stringMatching(/open_page: "open_page" is a built-in page tool/),
        expect.stringMatching(/broken\.parameters\.type: must be "object"/),
      ]),
    );
  });
});

describe('voice-rag check on page tools and consent', () => {
  it('prints each problem by line and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voice-rag-check-'));
    try {
      writeFileSync(join(dir, 'voice-rag.config.yaml'), docsSiteConfigText(`    tools:
      open_page: { kind: page }
      report_grounding: { kind: page, description: mine }
      highlight: { kind: page }
    consent: { text: "", remember_days: -1 }
`));
      let stdout = '';
      const code = await main(['check', '--config', join(dir, 'voice-rag.config.yaml')], { stdout: (t) => void (stdout += t), stderr: () => {}, env: {} });
      expect(code).toBe(1);
      expect(stdout).toMatch(/:9 +sites\.docs\.tools\.report_grounding +error: "report_grounding" is a built-in tool/);
      expect(stdout).toMatch(/:10 +sites\.docs\.tools\.highlight(\.description)? +error: a page tool the page registers needs a description/);
      expect(stdout).toMatch(/sites\.docs\.consent\.text +error/);
      expect(stdout).toMatch(/sites\.docs\.consent\.remember_days +error/);
      expect(stdout).not.toMatch(/open_page +error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
