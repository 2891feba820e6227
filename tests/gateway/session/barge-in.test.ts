import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { loadTranscript, serverEvents } from '../../support/scripted-upstream.js';
import { DIALECTS, cancelNamesResponse } from './dialects.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

// The transcripts' audio deltas are placeholders; each stands for 500 ms of audio here.
const DELTA_500_MS = 24_000;

describe.each(DIALECTS)('barge-in (%s)', (dialect) => {
  it('cancels the live response and truncates at the played position of the transcript', async () => {
    harness = await startHarness({ dialect, audioDeltaBytes: DELTA_500_MS });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const lines = loadTranscript(`barge-in-${dialect}`);
    const playing = upstream.play(lines);
    widget.sendAudio(960);
    widget.sendAudio(960);
    await widget.next('speech_started');
    widget.send({ type: 'interrupt', played_ms: 1873 });
    await playing;
    // The transcripts end with the next turn's transcription: everything before it has arrived.
    await widget.next('user_transcript');

    const expected = lines.find((l) => l.event.type === 'conversation.item.truncate')!.event;
    const truncate = upstream.received.find((e) => e.type === 'conversation.item.truncate')!;
    expect({ item_id: truncate.item_id, content_index: truncate.content_index, audio_end_ms: truncate.audio_end_ms }).toEqual({
      item_id: expected.item_id,
      content_index: 0,
      audio_end_ms: 1873,
    });
    const cancel = upstream.received.find((e) => e.type === 'response.cancel')!;
    const responseId = serverEvents(lines, 'response.created')[0]!.response.id;
    if (cancelNamesResponse(dialect)) expect(cancel.response_id).toBe(responseId);
    else expect(cancel.response_id).toBeUndefined();
    expect(widget.audio).toHaveLength(5);
    expect(widget.all('response_done')[0]).toEqual({ type: 'response_done', response_id: responseId, status: 'cancelled' });
    // Beta's response_cancel_not_active is a lost race, not a failure.
    expect(widget.all('error')).toEqual([]);
    expect(widget.open).toBe(true);
  });
});

describe('barge-in', () => {
  it('drops audio deltas of the cancelled response', async () => {
    harness = await startHarness({ dialect: 'ga' });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const delta = (n: number) => ({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', content_index: 0, delta: Buffer.alloc(n).toString('base64') });
    upstream.send({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } });
    upstream.send({ type: 'response.output_item.added', response_id: 'resp_1', item: { id: 'item_a', type: 'message', role: 'assistant' } });
    upstream.send(delta(4800));
    await widget.next('response_started');
    widget.send({ type: 'interrupt', played_ms: 40 });
    await upstream.waitFor('conversation.item.truncate');
    upstream.send(delta(4800));
    upstream.send({ type: 'response.done', response: { id: 'resp_1', status: 'cancelled' } });
    await widget.next('response_done');
    expect(widget.audio.map((a) => a.byteLength)).toEqual([4800]);
    expect(upstream.received.find((e) => e.type === 'conversation.item.truncate')).toMatchObject({ item_id: 'item_a', audio_end_ms: 40 });
  });
});

describe('barge-in transcript', () => {
  it('stops forwarding the assistant transcript deltas of the interrupted response', async () => {
    harness = await startHarness({ dialect: 'ga' });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const words = (response_id: string, delta: string) => ({ type: 'response.output_audio_transcript.delta', response_id, item_id: `item_${response_id}`, content_index: 0, delta });
    upstream.send({ type: 'response.created', response: { id: 'r1', status: 'in_progress' } });
    upstream.send({ type: 'response.output_item.added', response_id: 'r1', item: { id: 'item_r1', type: 'message', role: 'assistant' } });
    upstream.send(words('r1', 'You can '));
    upstream.send({ type: 'response.output_audio.delta', response_id: 'r1', item_id: 'item_r1', content_index: 0, delta: Buffer.alloc(4800).toString('base64') });
    await widget.next('assistant_transcript');
    widget.send({ type: 'interrupt', played_ms: 40 });
    await upstream.waitFor('conversation.item.truncate');
    upstream.send(words('r1', 'return items within 30 days.'));
    upstream.send({ type: 'response.done', response: { id: 'r1', status: 'cancelled' } });
    await widget.next('response_done');
    // The next answer's words are forwarded again.
    upstream.send({ type: 'response.created', response: { id: 'r2', status: 'in_progress' } });
    upstream.send(words('r2', 'Sure.'));
    await widget.next('response_started');
    await widget.next('assistant_transcript');
    expect(widget.all('assistant_transcript').map((m) => m.delta)).toEqual(['You can ', 'Sure.']);
  });
});
