import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFliteTts } from '../../../../gateway/node/offline/flite-tts.js';
import { startOfflineEngine, type OfflineEngine } from '../../../../gateway/node/offline/engine.js';
import { resample } from '../../../../gateway/engines/offline/resample.js';
import { advanceUntil, connect, type TestClient } from './client.js';
import { FakeClock } from '../../../support/fake-clock.js';

const LEAD_MS = 1000;
const TAIL_MS = 1500;
let speech: Int16Array;
let onsetMs: number;
let offsetMs: number;

/** Speech from the bundled TTS, 24 kHz, with silence (and a little noise) around it. */
async function makeUtterance(): Promise<void> {
  const tts = createFliteTts();
  const voice = await tts.synthesize('What is the return policy for items bought online?', 'en');
  await tts.dispose?.();
  const pcm = resample(voice.pcm, voice.sampleRate, 24_000);
  speech = new Int16Array(((LEAD_MS + TAIL_MS) * 24) + pcm.length);
  speech.set(pcm, LEAD_MS * 24);
  let seed = 7;
  for (let i = 0; i < speech.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    speech[i] = Math.max(-32768, Math.min(32767, speech[i]! + ((seed % 41) - 20)));
  }
  // Reference onset/offset: first and last 10 ms windows with clear energy.
  const loud: number[] = [];
  for (let w = 0; w * 240 < speech.length; w++) {
    let sum = 0;
    const win = speech.subarray(w * 240, (w + 1) * 240);
    for (const s of win) sum += s * s;
    if (Math.sqrt(sum / win.length) > 500) loud.push(w * 10);
  }
  onsetMs = loud[0]!;
  offsetMs = loud.at(-1)! + 10;
}

function appendAll(client: TestClient, pcm: Int16Array): void {
  for (let at = 0; at < pcm.length; at += 2400) {
    const chunk = pcm.subarray(at, at + 2400);
    client.send({ type: 'input_audio_buffer.append', audio: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64') });
  }
}

let engine: OfflineEngine;
beforeAll(async () => {
  await makeUtterance();
  engine = await startOfflineEngine({ pace: false });
});
afterAll(async () => {
  await engine.close();
});

describe('offline engine turn detection', () => {
  it('detects speech with WebRTC VAD, commits the turn and says it cannot understand speech', async () => {
    const client = await connect(engine.url);
    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', prefix_padding_ms: 300, silence_duration_ms: 500 } } } },
    });
    await client.next('session.updated');
    appendAll(client, speech);
    const started = await client.next('input_audio_buffer.speech_started');
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    const committed = await client.next('input_audio_buffer.committed');
    const added = await client.next('conversation.item.added', (e) => e.item.role === 'user');
    const done = await client.next('response.done', undefined, 0, 20_000);

    expect(Math.abs(started.audio_start_ms + 300 - onsetMs)).toBeLessThanOrEqual(150);
    expect(stopped.audio_end_ms - offsetMs).toBeGreaterThanOrEqual(400);
    expect(stopped.audio_end_ms - offsetMs).toBeLessThanOrEqual(800);
    expect(stopped.item_id).toBe(started.item_id);
    expect(committed.item_id).toBe(started.item_id);
    expect(added.item).toMatchObject({ id: started.item_id, type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] });
    expect(done.response.status).toBe('completed');
    expect(done.response.output[0].content[0].transcript).toBe(
      "This offline engine can't understand speech yet. Type your question, or connect Azure OpenAI.",
    );
    // The user's audio (speech plus padding) is billed as input audio at ~1 token per 100 ms.
    const heardMs = stopped.audio_end_ms - started.audio_start_ms;
    expect(done.response.usage.input_token_details.audio_tokens).toBe(Math.ceil(heardMs / 100));
    expect(client.events.filter((e) => e.type === 'input_audio_buffer.speech_started')).toHaveLength(1);
    await client.close();
  });

  it('says it in Japanese when the session is Japanese', async () => {
    const client = await connect(engine.url);
    client.send({
      type: 'session.update',
      session: { type: 'realtime', instructions: '日本語で答えてください。', audio: { input: { turn_detection: { type: 'server_vad' } } } },
    });
    await client.next('session.updated');
    appendAll(client, speech);
    const done = await client.next('response.done', undefined, 0, 20_000);
    expect(done.response.output[0].content[0].transcript).toContain('音声を認識できません');
    await client.close();
  });

  it('leaves turns to the client when turn_detection is null', async () => {
    const client = await connect(engine.url);
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    await client.next('session.updated');
    appendAll(client, speech);
    client.send({ type: 'input_audio_buffer.commit' });
    const committed = await client.next('input_audio_buffer.committed');
    const added = await client.next('conversation.item.added');
    expect(added.item.id).toBe(committed.item_id);
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(client.events.some((e) => e.type.startsWith('input_audio_buffer.speech_') || e.type === 'response.created')).toBe(false);
    await client.close();
  });

  it('cancels a live response when the visitor speaks, with interrupt_response true', async () => {
    const clock = new FakeClock();
    const paced = await startOfflineEngine({ pace: true, clock });
    try {
      const client = await connect(paced.url);
      client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad' } } } } });
      appendAll(client, speech);
      const first = await client.next('response.created');
      await advanceUntil(clock, () => client.events.some((e) => e.type === 'response.output_audio.delta'));
      appendAll(client, speech);
      const done = await client.next('response.done', (e) => e.response.id === first.response.id);
      expect(done.response.status).toBe('cancelled');
      expect(done.response.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
      const second = client.events.filter((e) => e.type === 'input_audio_buffer.speech_started')[1]!;
      expect(client.events.indexOf(second)).toBeLessThan(client.events.indexOf(done));
      await client.close();
    } finally {
      await paced.close();
    }
  });

  it('leaves a live response alone when the visitor speaks, with interrupt_response false', async () => {
    const clock = new FakeClock();
    const paced = await startOfflineEngine({ pace: true, clock });
    try {
      const client = await connect(paced.url);
      client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', interrupt_response: false } } } } });
      appendAll(client, speech);
      const first = await client.next('response.created');
      await advanceUntil(clock, () => client.events.some((e) => e.type === 'response.output_audio.delta'));
      appendAll(client, speech);
      const firstTurn = client.events.find((e) => e.type === 'input_audio_buffer.committed')!.item_id;
      await client.next('input_audio_buffer.committed', (e) => e.item_id !== firstTurn);
      await advanceUntil(clock, () => client.events.some((e) => e.type === 'response.done'));
      const done = client.events.find((e) => e.type === 'response.done')!;
      expect(done.response).toMatchObject({ id: first.response.id, status: 'completed' });
      expect(client.events.filter((e) => e.type === 'input_audio_buffer.speech_started')).toHaveLength(2);
      await client.close();
    } finally {
      await paced.close();
    }
  });
});
