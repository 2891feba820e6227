import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../gateway/protocol.js';
import { silentLogger } from '../../../gateway/logger.js';
import { SEARCH_UNAVAILABLE } from '../../../gateway/retrieval/format.js';
import { createToolLoop, snippetOf } from '../../../gateway/session/tool-loop.js';
import { FakeClock } from '../../support/fake-clock.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';

function loop() {
  const clock = new FakeClock();
  const retriever = createMemoryRetriever(NORTHWIND_PASSAGES);
  const upstream: Array<Record<string, any>> = [];
  const browser: ServerMessage[] = [];
  let followUps = 0;
  const tools = createToolLoop({
    retriever,
    retrieval: { timeout_ms: 3000, max_chars: 6000, top: 5 },
    sendUpstream: (event) => {
      upstream.push(event);
      return `evt_${upstream.length}`;
    },
    sendToBrowser: (message) => browser.push(message),
    requestResponse: () => followUps++,
    clock,
    logger: silentLogger,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { clock, retriever, upstream, browser, tools, settle, followUps: () => followUps };
}

describe('tool loop', () => {
  it('gives the model SEARCH_UNAVAILABLE when retrieval exceeds timeout_ms', async () => {
    const t = loop();
    t.retriever.hang = true;
    t.tools.callReady('resp_1', 'call_1', 'search', '{"query":"eye exams"}');
    t.clock.advance(3000);
    await t.settle();
    expect(t.upstream).toEqual([{ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: SEARCH_UNAVAILABLE } }]);
    t.tools.responseDone('resp_1', 'completed');
    expect(t.followUps()).toBe(1);
  });

  it('gives the model SEARCH_UNAVAILABLE when retrieval fails', async () => {
    const t = loop();
    t.retriever.fail = true;
    t.tools.callReady('resp_1', 'call_1', 'search', '{"query":"eye exams"}');
    await t.settle();
    expect(t.upstream[0]!.item.output).toBe(SEARCH_UNAVAILABLE);
  });

  it('answers an unknown tool with an error output and a follow-up', async () => {
    const t = loop();
    t.tools.responseDone('resp_0', 'completed');
    t.tools.callAdded('resp_1', 'call_1', 'book_flight');
    t.tools.callReady('resp_1', 'call_1', undefined, '{}');
    t.tools.responseDone('resp_1', 'completed');
    await t.settle();
    expect(JSON.parse(t.upstream[0]!.item.output)).toEqual({ error: 'unknown tool "book_flight"' });
    expect(t.followUps()).toBe(1);
  });

  it('runs each call once even when arguments.done and output_item.done both arrive', async () => {
    const t = loop();
    t.tools.callReady('resp_1', 'call_1', 'search', '{"query":"eye"}');
    t.tools.callReady('resp_1', 'call_1', 'search', '{"query":"eye"}');
    t.tools.responseDone('resp_1', 'completed');
    await t.settle();
    expect(t.upstream).toHaveLength(1);
    expect(t.followUps()).toBe(1);
  });

  it('asks for no follow-up after a cancelled response', async () => {
    const t = loop();
    t.tools.callReady('resp_1', 'call_1', 'search', '{"query":"eye"}');
    t.tools.responseDone('resp_1', 'cancelled');
    await t.settle();
    expect(t.upstream).toHaveLength(1);
    expect(t.followUps()).toBe(0);
  });

  it('attaches citations reported before any answer to the next assistant item', async () => {
    const t = loop();
    t.tools.callReady('resp_1', 'call_1', 'report_grounding', '{"sources":["Northwind_Standard_Benefits_Details_pdf_page_38","unknown-id"]}');
    await t.settle();
    expect(t.browser).toEqual([]);
    t.tools.assistantItem('resp_2', 'item_answer');
    expect(t.browser).toEqual([
      {
        type: 'citations',
        item_id: 'item_answer',
        sources: [{ id: 'Northwind_Standard_Benefits_Details_pdf_page_38', title: 'Northwind Standard: exclusions', snippet: NORTHWIND_PASSAGES[1]!.content }],
      },
    ]);
  });

  it('cuts snippets to 200 characters on a word boundary', () => {
    const snippet = snippetOf('word '.repeat(100));
    expect(snippet.length).toBeLessThanOrEqual(200);
    expect(snippet.endsWith('word…')).toBe(true);
  });
});
