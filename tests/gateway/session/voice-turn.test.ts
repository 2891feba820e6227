import { afterEach, describe, expect, it } from 'vitest';
import { formatPassagesForModel } from '../../../gateway/retrieval/format.js';
import { NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { loadTranscript, type ScriptDialect } from '../../support/scripted-upstream.js';
import type { WidgetClient } from '../../support/widget-client.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const FRAME_20_MS = 960;
const TOOL_MESSAGE = /function|tool|call_|report_grounding/;

async function playVoiceTurn(dialect: ScriptDialect): Promise<{ widget: WidgetClient; h: Harness }> {
  const h = (harness = await startHarness({ dialect }));
  const widget = await h.connect();
  await widget.next('ready');
  const upstream = await h.upstream.nextConnection();
  for (let i = 0; i < 6; i++) widget.sendAudio(FRAME_20_MS);
  await upstream.play(loadTranscript(`voice-turn-with-search-${dialect}`));
  // A typed message afterwards is the sync point: anything the turn made the gateway send
  // upstream (a spurious response.create included) was sent before the text's item.
  widget.send({ type: 'text', text: 'Thanks!' });
  await upstream.waitFor('response.create');
  await widget.next('user_transcript');
  return { widget, h };
}

/** Replaces ids by their order of first appearance, so two dialects' transcripts compare. */
function normalise(sequence: unknown[]): unknown[] {
  const ids = new Map<string, string>();
  return JSON.parse(
    JSON.stringify(sequence).replace(/"(resp|item|call|vr|vrr)_[A-Za-z0-9]+"/g, (id) => {
      if (!ids.has(id)) ids.set(id, `"id${ids.size}"`);
      return ids.get(id)!;
    }),
  ) as unknown[];
}

describe.each(['ga', 'beta'] as const)('voice turn with search (%s)', (dialect) => {
  it('runs search, sends its output and exactly one response.create; acks report_grounding without one', async () => {
    const { h } = await playVoiceTurn(dialect);
    const upstream = h.upstream.connections[0]!;
    const creates = upstream.received.filter((e) => e.type === 'response.create');
    const outputs = upstream.received.filter((e) => e.type === 'conversation.item.create' && e.item.type === 'function_call_output');
    expect(h.retriever.queries).toEqual(['Northwind Health Plus eye exam coverage']);
    expect(outputs).toHaveLength(2);
    expect(outputs[0]!.item.output).toBe(formatPassagesForModel(NORTHWIND_PASSAGES, 6000));
    expect(outputs[1]!.item.output).toBe('{"ok":true}');
    // One follow-up for search, one for the typed text; none for report_grounding.
    expect(creates).toHaveLength(2);
    const textItem = upstream.received.findIndex((e) => e.type === 'conversation.item.create' && e.item.type === 'message');
    expect(upstream.received.indexOf(creates[1]!)).toBeGreaterThan(textItem);
    expect(upstream.received.indexOf(creates[0]!)).toBeLessThan(textItem);
  });

  it('forwards the turn to the widget and keeps tool traffic away from it', async () => {
    const { widget } = await playVoiceTurn(dialect);
    const types = widget.sequence.map((m) => m.type);
    expect(types.slice(0, 9)).toEqual([
      'ready',
      'speech_started',
      'speech_stopped',
      'response_started',
      'user_transcript',
      'searching',
      'response_done',
      'response_started',
      'assistant_transcript',
    ]);
    expect(widget.all('searching')).toEqual([{ type: 'searching', query: 'Northwind Health Plus eye exam coverage' }]);
    expect(widget.all('user_transcript')[0]).toMatchObject({ text: 'Does the Northwind Health Plus plan cover eye exams?', final: true });
    expect(widget.audio).toHaveLength(5);
    const done = widget.all('assistant_transcript_done')[0]!;
    expect(done.text).toBe('Yes, Northwind Health Plus covers one routine eye exam per plan year at an in-network provider.');
    const citations = widget.all('citations');
    expect(citations).toHaveLength(1);
    expect(citations[0]!.item_id).toBe(done.item_id);
    expect(citations[0]!.sources).toEqual([
      {
        id: 'Northwind_Health_Plus_Benefits_Details_pdf_page_41',
        title: 'Northwind Health Plus: vision',
        url: 'https://docs.example.com/benefits/plus#vision',
        snippet: expect.stringMatching(/^Routine vision care includes one eye exam/),
      },
    ]);
    expect(citations[0]!.sources[0]!.snippet.length).toBeLessThanOrEqual(200);
    expect(widget.all('response_done').map((m) => m.status)).toEqual(['completed', 'completed']);
    expect(JSON.stringify(widget.messages)).not.toMatch(TOOL_MESSAGE);
  });

  it('meters the usage of both responses', async () => {
    const { h } = await playVoiceTurn(dialect);
    expect(h.admission.usage.map((u) => u.usage)).toEqual([
      { textIn: 612, cachedTextIn: 0, textOut: 22, audioIn: 29, cachedAudioIn: 0, audioOut: 0 },
      dialect === 'ga'
        ? { textIn: 681, cachedTextIn: 576, textOut: 61, audioIn: 29, cachedAudioIn: 0, audioOut: 96 }
        : { textIn: 681, cachedTextIn: 552, textOut: 61, audioIn: 29, cachedAudioIn: 24, audioOut: 96 },
    ]);
    expect(h.admission.usage.every((u) => u.siteId === 'docs' && u.engineId === 'aoai' && u.costUsd > 0)).toBe(true);
  });
});

describe('both dialects', () => {
  it('yield the same widget messages for the same conversation', async () => {
    const ga = normalise((await playVoiceTurn('ga')).widget.sequence.filter((m) => m.type !== 'citations'));
    await harness!.close();
    harness = undefined;
    const beta = normalise((await playVoiceTurn('beta')).widget.sequence.filter((m) => m.type !== 'citations'));
    expect(beta).toEqual(ga);
    expect(ga.length).toBeGreaterThan(15);
  });
});
