import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODE } from '../../../gateway/protocol.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import type { Json, ScriptDialect } from '../../support/scripted-upstream.js';
import { playTypedTurn } from './typed-turn.js';
import { DIALECTS, outputModalitiesOf } from './dialects.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const FRAME_20_MS = 960;

/** True when a client event asks the upstream for audio output. */
function asksForAudio(event: Json): boolean {
  const session = event.type === 'session.update' ? event.session : event.type === 'response.create' ? event.response : undefined;
  const modalities: unknown = session?.output_modalities ?? session?.modalities;
  return Array.isArray(modalities) && modalities.includes('audio');
}

describe('GA session settings per site', () => {
  it('sends noise reduction, speed, truncation, reasoning effort and the idle timeout in the GA shape', async () => {
    harness = await startHarness({
      dialect: 'ga',
      site: {
        noise_reduction: 'far_field',
        speed: 1.2,
        truncation: { type: 'retention_ratio', retention_ratio: 0.8 },
        reasoning: { effort: 'low' },
        turn_detection: { type: 'server_vad', idle_timeout_ms: 8000 },
      },
    });
    const widget = await harness.connect();
    await widget.next('ready');
    const { session } = await (await harness.upstream.nextConnection()).waitFor('session.update');
    expect(session.audio.input.noise_reduction).toEqual({ type: 'far_field' });
    expect(session.audio.input.turn_detection).toMatchObject({ type: 'server_vad', idle_timeout_ms: 8000 });
    expect(session.audio.output.speed).toBe(1.2);
    expect(session.truncation).toEqual({ type: 'retention_ratio', retention_ratio: 0.8 });
    expect(session.reasoning).toEqual({ effort: 'low' });
  });

  it('sends noise reduction and speed in the preview shape, and leaves noise reduction out when off', async () => {
    harness = await startHarness({ dialect: 'beta', site: { noise_reduction: 'near_field', speed: 0.9 } });
    const widget = await harness.connect();
    await widget.next('ready');
    const { session } = await (await harness.upstream.nextConnection()).waitFor('session.update');
    expect(session.input_audio_noise_reduction).toEqual({ type: 'near_field' });
    expect(session.speed).toBe(0.9);
    await harness.close();
    harness = await startHarness({ dialect: 'ga' });
    await (await harness.connect()).next('ready');
    const ga = await (await harness.upstream.nextConnection()).waitFor('session.update');
    expect(ga.session.audio.input).not.toHaveProperty('noise_reduction');
  });

  it('ends politely with session_expired after the response the service starts on input_audio_buffer.timeout_triggered', async () => {
    harness = await startHarness({ dialect: 'ga', site: { turn_detection: { type: 'server_vad', idle_timeout_ms: 6000 } } });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    upstream.send({ type: 'input_audio_buffer.timeout_triggered', event_id: 'event_t', audio_start_ms: 0, audio_end_ms: 6000, item_id: 'item_t' });
    upstream.send({ type: 'response.created', event_id: 'event_c', response: { id: 'resp_idle', status: 'in_progress', output: [] } });
    upstream.send({ type: 'response.output_audio_transcript.done', event_id: 'event_d', response_id: 'resp_idle', item_id: 'item_a', output_index: 0, content_index: 0, transcript: 'Are you still there?' });
    expect(widget.all('error')).toEqual([]);
    upstream.send({ type: 'response.done', event_id: 'event_e', response: { id: 'resp_idle', status: 'completed', output: [] } });
    expect((await widget.closed).code).toBe(CLOSE_CODE.session_expired);
    expect(widget.all('assistant_transcript_done').map((m) => m.text)).toEqual(['Are you still there?']);
    expect(widget.all('error')).toEqual([expect.objectContaining({ code: 'session_expired' })]);
  });
});

describe.each(DIALECTS)('a text-only session (%s)', (dialect: ScriptDialect) => {
  it('asks for no audio output while the visitor types, and switches to audio when the mic sends', async () => {
    harness = await startHarness({ dialect });
    const { widget, upstream } = await playTypedTurn(harness, dialect, { extraQuery: '&mode=text' });

    const update = upstream.received.find((e) => e.type === 'session.update')!;
    expect(outputModalitiesOf(dialect, update)).toEqual(['text']);
    expect(upstream.received.filter(asksForAudio)).toEqual([]);

    widget.sendAudio(FRAME_20_MS);
    await upstream.waitFor('input_audio_buffer.append');
    const switched = upstream.received.filter(asksForAudio);
    expect(switched).toHaveLength(1);
    expect(upstream.types.lastIndexOf('session.update')).toBeLessThan(upstream.types.indexOf('input_audio_buffer.append'));
    widget.sendAudio(FRAME_20_MS);
    widget.send({ type: 'text', text: 'sync' });
    await upstream.waitFor('conversation.item.create');
    expect(upstream.received.filter(asksForAudio)).toHaveLength(1);
  });
});
