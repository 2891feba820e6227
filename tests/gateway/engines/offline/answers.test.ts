import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_NO_RESULTS, SEARCH_UNAVAILABLE, formatPassagesForModel } from '../../../../gateway/retrieval/format.js';
import { startOfflineEngine, type OfflineEngine } from '../../../../gateway/node/offline/engine.js';
import { connect, decodeDeltas, RAG_TOOLS, rms, type ServerEvent, type TestClient } from './client.js';

const PASSAGES = formatPassagesForModel(
  [
    {
      id: 'benefits_p41',
      title: 'Northwind Health Plus: vision',
      content: 'Routine vision care includes one eye exam per plan year at an in-network provider with no copay. Frames are not covered.',
      score: 2,
    },
    { id: 'standard_p38', title: 'Northwind Standard: vision', content: 'Northwind Standard does not cover hearing aids.', score: 1 },
  ],
  4000,
);

const JA_PASSAGES = formatPassagesForModel(
  [
    { id: 'kisoku_12', title: '就業規則 第12条', content: '年次有給休暇は、入社6か月後に10日付与されます。取得には事前の申請が必要です。', score: 2 },
    { id: 'kisoku_20', title: '就業規則 第20条', content: '通勤手当は月額3万円を上限に支給します。', score: 1 },
  ],
  4000,
);

let engine: OfflineEngine;

beforeAll(async () => {
  engine = await startOfflineEngine({ pace: false });
});
afterAll(async () => {
  await engine.close();
});

async function session(): Promise<TestClient> {
  const client = await connect(engine.url);
  client.send({ type: 'session.update', session: { type: 'realtime', tools: RAG_TOOLS } });
  await client.next('session.updated');
  return client;
}

/** Sends a typed question; returns the finished search response. */
async function ask(client: TestClient, question: string): Promise<ServerEvent> {
  const from = client.events.length;
  client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] } });
  client.send({ type: 'response.create' });
  return client.next('response.done', undefined, from);
}

/** Returns the search output and asks for the answer; resolves with the events of that response. */
async function answer(client: TestClient, callId: string, output: string): Promise<ServerEvent[]> {
  const from = client.events.length;
  client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } });
  client.send({ type: 'response.create' });
  const done = await client.next('response.done', undefined, from, 20_000);
  return client.events.slice(from, client.events.indexOf(done) + 1);
}

describe('offline engine answers', () => {
  it('calls search with the typed question', async () => {
    const client = await session();
    const from = client.events.length;
    const done = await ask(client, 'Does Northwind Health Plus cover eye exams?');
    const events = client.events.slice(from);
    expect(events.map((e) => e.type)).toEqual([
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      ...events.filter((e) => e.type === 'response.function_call_arguments.delta').map(() => 'response.function_call_arguments.delta'),
      'response.function_call_arguments.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const args = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join('');
    expect(JSON.parse(args)).toEqual({ query: 'Does Northwind Health Plus cover eye exams?' });
    expect(done.response.status).toBe('completed');
    expect(done.response.output[0]).toMatchObject({ type: 'function_call', name: 'search', status: 'completed', arguments: args });
    expect(done.response.output[0].call_id).toMatch(/^call_/);
    expect(done.response.usage.total_tokens).toBe(done.response.usage.input_tokens + done.response.usage.output_tokens);
    await client.close();
  });

  it('speaks an answer drawn from the passages and reports the passages it used', async () => {
    const client = await session();
    const search = await ask(client, 'Does Northwind Health Plus cover eye exams?');
    const events = await answer(client, search.response.output[0].call_id, PASSAGES);
    const done = events.at(-1)!;
    expect(done.response.status).toBe('completed');
    const [message, grounding] = done.response.output;
    const transcript = message.content[0].transcript as string;
    expect(message).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio' }] });
    expect(transcript).toContain('one eye exam per plan year');
    expect(transcript).not.toContain('hearing aids');
    expect(grounding).toMatchObject({ type: 'function_call', name: 'report_grounding' });
    expect(JSON.parse(grounding.arguments)).toEqual({ sources: ['benefits_p41'] });

    const deltas = events.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e.delta).join('');
    expect(deltas).toBe(transcript);
    const pcm = decodeDeltas(events.filter((e) => e.type === 'response.output_audio.delta').map((e) => e.delta));
    const seconds = pcm.length / 24_000;
    const words = transcript.split(/\s+/).length;
    expect(rms(pcm)).toBeGreaterThan(300);
    expect(seconds).toBeGreaterThan((0.3 * words) / 5);
    expect(seconds).toBeLessThan(words * 1.0);
    const firstTypes = events.map((e) => e.type).filter((t) => !t.endsWith('.delta'));
    expect(firstTypes).toEqual([
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(done.response.usage.output_token_details.audio_tokens).toBe(Math.ceil((pcm.length / 24) / 50));
    await client.close();
  });

  it('ends the tool loop with an empty response after report_grounding is acknowledged', async () => {
    const client = await session();
    const search = await ask(client, 'Does Northwind Health Plus cover eye exams?');
    const events = await answer(client, search.response.output[0].call_id, PASSAGES);
    const grounding = events.at(-1)!.response.output[1];
    const after = await answer(client, grounding.call_id, '{"ok":true}');
    expect(after.at(-1)!.response).toMatchObject({ status: 'completed', output: [] });
    expect(after.some((e) => e.type === 'response.output_item.added')).toBe(false);
    await client.close();
  });

  it.each([
    [SEARCH_UNAVAILABLE, "I can't look that up right now"],
    [SEARCH_NO_RESULTS, "I couldn't find that in the knowledge base."],
  ])('says so when search returns %#', async (output, expected) => {
    const client = await session();
    const search = await ask(client, 'What is the pet policy?');
    const done = (await answer(client, search.response.output[0].call_id, output)).at(-1)!;
    expect(done.response.output).toHaveLength(1);
    expect(done.response.output[0].content[0].transcript).toContain(expected);
    await client.close();
  });

  it('answers a Japanese question in Japanese from Japanese passages', async () => {
    const client = await session();
    const search = await ask(client, '有給休暇は何日もらえますか？');
    const events = await answer(client, search.response.output[0].call_id, JA_PASSAGES);
    const [message, grounding] = events.at(-1)!.response.output;
    expect(message.content[0].transcript).toContain('年次有給休暇は、入社6か月後に10日付与されます。');
    expect(message.content[0].transcript).not.toContain('通勤手当');
    expect(JSON.parse(grounding.arguments)).toEqual({ sources: ['kisoku_12'] });
    const pcm = decodeDeltas(events.filter((e) => e.type === 'response.output_audio.delta').map((e) => e.delta));
    expect(rms(pcm)).toBeGreaterThan(300);
    await client.close();
  });

  it('writes text instead of speaking when the response asks for text', async () => {
    const client = await session();
    const search = await ask(client, 'Does Northwind Health Plus cover eye exams?');
    const from = client.events.length;
    client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: search.response.output[0].call_id, output: PASSAGES } });
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    const done = await client.next('response.done', undefined, from);
    const events = client.events.slice(from);
    expect(events.some((e) => e.type === 'response.output_audio.delta')).toBe(false);
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe(done.response.output[0].content[0].text);
    expect(done.response.output[0].content[0]).toMatchObject({ type: 'output_text' });
    await client.close();
  });
});
