import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineEngine, type OfflineEngine } from '../../../../gateway/node/offline/engine.js';
import type { TtsEngine } from '../../../../gateway/engines/offline/tts.js';
import { advanceUntil, connect, decodeDeltas, RAG_TOOLS, type TestClient } from './client.js';
import { FakeClock } from '../../../support/fake-clock.js';

/** 100 ms of tone per character: long enough to interrupt, quick to make. */
const toneTts: TtsEngine = {
  async synthesize(text) {
    const pcm = new Int16Array(text.length * 1600);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(3000 * Math.sin(i / 5));
    return { pcm, sampleRate: 16_000 };
  },
};

const PASSAGES = '[doc_a]: Deductibles\nThe in-network deductible for Northwind Standard is $2,000 per person per year.';

let engine: OfflineEngine;
let clock: FakeClock;
let client: TestClient;

/** Runs a typed question through the search call and sends the passages back; returns the answering response id. */
async function askAndAnswer(c: TestClient, question: string): Promise<string> {
  c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] } });
  c.send({ type: 'response.create' });
  let from = c.events.length;
  await advanceUntil(clock, () => c.events.slice(from).some((e) => e.type === 'response.done'));
  const call = c.events.slice(from).find((e) => e.type === 'response.done')!.response.output[0];
  from = c.events.length;
  c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: PASSAGES } });
  c.send({ type: 'response.create' });
  return (await c.next('response.created', undefined, from)).response.id;
}

beforeAll(async () => {
  clock = new FakeClock();
  engine = await startOfflineEngine({ pace: true, tts: toneTts, clock });
});
afterAll(async () => {
  await engine.close();
});

describe('offline engine responses in flight', () => {
  it('refuses a second response.create while one is active', async () => {
    client = await connect(engine.url);
    client.send({ type: 'session.update', session: { type: 'realtime', tools: RAG_TOOLS } });
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Anything?' }] } });
    client.send({ type: 'response.create' });
    const created = await client.next('response.created');
    client.send({ event_id: 'evt_9', type: 'response.create' });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ code: 'conversation_already_has_active_response', event_id: 'evt_9' });
    expect(error.error.message).toContain(created.response.id);
    await advanceUntil(clock, () => client.events.some((e) => e.type === 'response.done'));
    expect(client.events.filter((e) => e.type === 'response.created')).toHaveLength(1);
    expect(client.events.find((e) => e.type === 'response.done')!.response.status).toBe('completed');
    await client.close();
  });

  it('paces audio faster than real time but not all at once', async () => {
    client = await connect(engine.url);
    client.send({ type: 'session.update', session: { type: 'realtime', tools: RAG_TOOLS } });
    const started = clock.now();
    await askAndAnswer(client, 'What is the deductible?');
    await advanceUntil(clock, () => client.events.some((e) => e.type === 'response.done' && e.response.output[0]?.type === 'message'));
    const audioMs = decodeDeltas(client.events.filter((e) => e.type === 'response.output_audio.delta').map((e) => e.delta)).length / 24;
    const elapsed = clock.now() - started;
    expect(audioMs).toBeGreaterThan(5000);
    expect(elapsed).toBeGreaterThan(audioMs / 5);
    expect(elapsed).toBeLessThan(audioMs / 1.5);
    await client.close();
  });

  it('stops the audio on response.cancel and ends the response cancelled', async () => {
    client = await connect(engine.url);
    client.send({ type: 'session.update', session: { type: 'realtime', tools: RAG_TOOLS } });
    const responseId = await askAndAnswer(client, 'What is the deductible?');
    await advanceUntil(clock, () => client.events.filter((e) => e.type === 'response.output_audio.delta').length >= 4);
    client.send({ type: 'response.cancel', response_id: responseId });
    const done = await client.next('response.done', (e) => e.response.id === responseId);
    expect(done.response.status).toBe('cancelled');
    expect(done.response.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
    expect(done.response.output).toHaveLength(1);
    expect(done.response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    const doneAt = client.events.indexOf(done);
    const closing = client.events.slice(doneAt - 5, doneAt).map((e) => e.type);
    expect(closing).toEqual([
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
    ]);
    const transcript = client.events[doneAt - 4]!.transcript as string;
    expect(PASSAGES).toContain(transcript.trim());
    expect(transcript.length).toBeLessThan('The in-network deductible for Northwind Standard is $2,000 per person per year.'.length);
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(client.events.slice(doneAt).filter((e) => e.type.startsWith('response.output'))).toEqual([]);
    expect(clock.pending).toBe(0);
    await client.close();
  });

  it('clamps a truncate beyond the generated audio after an error, as the GA service does', async () => {
    client = await connect(engine.url);
    client.send({ type: 'session.update', session: { type: 'realtime', tools: RAG_TOOLS } });
    const responseId = await askAndAnswer(client, 'What is the deductible?');
    await advanceUntil(clock, () => client.events.filter((e) => e.type === 'response.output_audio.delta').length >= 3);
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done', (e) => e.response.id === responseId);
    const itemId = done.response.output[0].id as string;
    const audioMs = Math.floor(
      decodeDeltas(client.events.filter((e) => e.type === 'response.output_audio.delta' && e.item_id === itemId).map((e) => e.delta)).length / 24,
    );
    const from = client.events.length;
    client.send({ event_id: 'evt_t1', type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: audioMs + 5000 });
    const truncated = await client.next('conversation.item.truncated', undefined, from);
    const error = client.events.slice(from).find((e) => e.type === 'error')!;
    expect(error.error).toEqual({
      type: 'invalid_request_error',
      code: null,
      message: `Audio content of ${audioMs}ms is already shorter than ${audioMs + 5000}ms`,
      param: null,
      event_id: null,
    });
    expect(client.events.indexOf(error)).toBeLessThan(client.events.indexOf(truncated));
    expect(truncated).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: audioMs });
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 100 });
    const second = await client.next('conversation.item.truncated', (e) => e.audio_end_ms === 100, from);
    expect(second.item_id).toBe(itemId);
    await client.close();
  });

  it('counts the conversation so far as input, so later responses cost more', async () => {
    client = await connect(engine.url);
    client.send({ type: 'session.update', session: { type: 'realtime', tools: RAG_TOOLS } });
    await askAndAnswer(client, 'What is the deductible?');
    await advanceUntil(clock, () => client.events.filter((e) => e.type === 'response.done').length === 2);
    const [search, spoken] = client.events.filter((e) => e.type === 'response.done').map((e) => e.response.usage);
    expect(spoken.input_tokens).toBeGreaterThan(search.input_tokens + Math.floor(PASSAGES.length / 4) - 5);
    expect(spoken.output_token_details.audio_tokens).toBeGreaterThan(0);
    expect(spoken.total_tokens).toBe(spoken.input_tokens + spoken.output_tokens);
    expect(spoken.input_token_details.text_tokens + spoken.input_token_details.audio_tokens).toBe(spoken.input_tokens);
    await client.close();
  });

  it('stops its timers when the client goes away mid-answer', async () => {
    client = await connect(engine.url);
    client.send({ type: 'session.update', session: { type: 'realtime', tools: RAG_TOOLS } });
    await askAndAnswer(client, 'What is the deductible?');
    await advanceUntil(clock, () => client.events.some((e) => e.type === 'response.output_audio.delta'));
    expect(clock.pending).toBe(1);
    await client.close();
    await advanceUntil(clock, () => clock.pending === 0, 0, 200);
    expect(clock.pending).toBe(0);
  });
});
