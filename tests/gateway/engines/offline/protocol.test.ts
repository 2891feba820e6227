import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineEngine, type OfflineEngine } from '../../../../gateway/node/offline/engine.js';
import type { TtsEngine } from '../../../../gateway/engines/offline/tts.js';
import { connect, RAG_TOOLS, type TestClient } from './client.js';

/** A silent-but-not-empty stand-in: these tests are about the protocol, not the voice. */
const toneTts: TtsEngine = {
  async synthesize(text) {
    const pcm = new Int16Array(text.length * 1200);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(3000 * Math.sin(i / 5));
    return { pcm, sampleRate: 24_000 };
  },
};

let engine: OfflineEngine;
let client: TestClient;

beforeAll(async () => {
  engine = await startOfflineEngine({ pace: false, tts: toneTts });
});
afterAll(async () => {
  await engine.close();
});

describe('offline engine protocol (GA)', () => {
  it('announces a GA session object with defaults on connect', async () => {
    client = await connect(engine.url);
    const created = client.events[0]!;
    expect(created.type).toBe('session.created');
    expect(created.event_id).toMatch(/^event_[A-Za-z0-9]{21}$/);
    expect(created.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'offline',
      output_modalities: ['audio'],
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: null,
          turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200, create_response: true, interrupt_response: true },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
      },
    });
    expect(created.session.id).toMatch(/^sess_/);
    expect(created.session.expires_at).toBeGreaterThan(Date.now() / 1000);
    await client.close();
  });

  it('merges session.update and answers with the full session in session.updated', async () => {
    client = await connect(engine.url);
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Answer from the knowledge base.',
        tools: RAG_TOOLS,
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 700, interrupt_response: false } }, output: { voice: 'marin' } },
      },
    });
    const updated = await client.next('session.updated');
    expect(updated.session.instructions).toBe('Answer from the knowledge base.');
    expect(updated.session.tools.map((t: { name: string }) => t.name)).toEqual(['search', 'report_grounding']);
    expect(updated.session.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 700,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: false,
    });
    expect(updated.session.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 });
    expect(updated.session.id).toBe(client.events[0]!.session.id);
    await client.close();
  });

  it('rejects a session.update without session.type as the GA service does', async () => {
    client = await connect(engine.url);
    client.send({ event_id: 'evt_1', type: 'session.update', session: { modalities: ['text', 'audio'], voice: 'alloy' } });
    const error = await client.next('error');
    expect(error.error).toEqual({
      type: 'invalid_request_error',
      code: 'missing_required_parameter',
      message: "Missing required parameter: 'session.type'.",
      param: 'session.type',
      event_id: 'evt_1',
    });
    await client.close();
  });

  it('names an unknown session field in the error param', async () => {
    client = await connect(engine.url);
    client.send({ event_id: 'evt_2', type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', bogus: 1 } } } } });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ code: 'unknown_parameter', param: 'session.audio.input.turn_detection.bogus', event_id: 'evt_2' });
    await client.close();
  });

  it('answers bad frames with error events and keeps the socket open', async () => {
    client = await connect(engine.url);
    client.sendRaw('{not json');
    client.sendRaw(Buffer.from([1, 2, 3]));
    client.send({ event_id: 'evt_3', type: 'no.such.event' });
    client.send({ event_id: 'evt_4' });
    client.send({ event_id: 'evt_5', type: 'input_audio_buffer.commit' });
    client.send({ event_id: 'evt_6', type: 'response.cancel' });
    client.send({ event_id: 'evt_7', type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_nope', output: 'x' } });
    client.send({ event_id: 'evt_8', type: 'conversation.item.truncate', item_id: 'item_nope', content_index: 0, audio_end_ms: 10 });
    await client.next('error', (e) => e.error.event_id === 'evt_8');
    const errors = client.events.filter((e) => e.type === 'error').map((e) => [e.error.code, e.error.event_id]);
    expect(errors).toEqual([
      ['invalid_event', null],
      ['invalid_event', null],
      ['invalid_event', 'evt_3'],
      ['invalid_event', 'evt_4'],
      ['input_audio_buffer_commit_empty', 'evt_5'],
      ['response_cancel_not_active', 'evt_6'],
      ['invalid_value', 'evt_7'],
      ['invalid_value', 'evt_8'],
    ]);
    expect(client.events.find((e) => e.error?.event_id === 'evt_5')!.error.message).toBe(
      'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.',
    );
    expect(client.isOpen()).toBe(true);
    client.send({ type: 'session.update', session: { type: 'realtime' } });
    await client.next('session.updated');
    await client.close();
  });

  it('answers ids that are JSON objects with a toString key as bad requests, not server errors', async () => {
    client = await connect(engine.url);
    client.sendRaw('{"event_id":"evt_1","type":"conversation.item.delete","item_id":{"toString":1}}');
    client.sendRaw('{"event_id":"evt_2","type":"conversation.item.create","item":{"id":{"valueOf":1,"toString":1},"type":"message"}}');
    client.sendRaw('{"event_id":"evt_3","type":"conversation.item.create","item":{"type":{"toString":1}}}');
    await client.next('error', (e) => e.error.event_id === 'evt_3');
    const errors = client.events.filter((e) => e.type === 'error').map((e) => [e.error.type, e.error.event_id]);
    expect(errors).toEqual([
      ['invalid_request_error', 'evt_1'],
      ['invalid_request_error', 'evt_2'],
      ['invalid_request_error', 'evt_3'],
    ]);
    expect(client.events.at(-3)!.error.message).toBe('Item with item_id not found: {"toString":1}');
    await client.close();
  });

  it('adds a typed user message with conversation.item.added and .done', async () => {
    client = await connect(engine.url);
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello?' }] } });
    const added = await client.next('conversation.item.added');
    const done = await client.next('conversation.item.done');
    expect(added.previous_item_id).toBeNull();
    expect(added.item).toMatchObject({ object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'Hello?' }] });
    expect(added.item.id).toMatch(/^item_/);
    expect(done.item.id).toBe(added.item.id);
    await client.close();
  });

  it('keeps concurrent sessions independent', async () => {
    const [a, b] = await Promise.all([connect(engine.url), connect(engine.url)]);
    a.send({ type: 'session.update', session: { type: 'realtime', instructions: 'A' } });
    b.send({ type: 'session.update', session: { type: 'realtime', instructions: 'B' } });
    const [ua, ub] = await Promise.all([a.next('session.updated'), b.next('session.updated')]);
    expect(ua.session.instructions).toBe('A');
    expect(ub.session.instructions).toBe('B');
    expect(ua.session.id).not.toBe(ub.session.id);
    await Promise.all([a.close(), b.close()]);
  });
});
