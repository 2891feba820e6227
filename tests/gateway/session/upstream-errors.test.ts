import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { loadTranscript } from '../../support/scripted-upstream.js';
import { DIALECTS } from './dialects.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function readySession(options: Parameters<typeof startHarness>[0] = {}) {
  harness = await startHarness(options);
  const widget = await harness.connect();
  await widget.next('ready');
  const upstream = await harness.upstream.nextConnection();
  return { widget, upstream };
}

describe('upstream errors', () => {
  it('treats a truncate overshoot as benign and ends on an error tied to no client event', async () => {
    const { widget, upstream } = await readySession();
    upstream.send({ type: 'response.created', response: { id: 'resp_1' } });
    upstream.send({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', delta: Buffer.alloc(48_000).toString('base64') });
    await widget.next('response_started');
    widget.send({ type: 'interrupt', played_ms: 900 });
    const truncate = await upstream.waitFor('conversation.item.truncate');
    expect(truncate.audio_end_ms).toBe(900);
    // As in errors-ga: the server has less audio than was forwarded, answers with an error
    // without an event id, then truncates to its own end.
    upstream.send({ type: 'error', error: { type: 'invalid_request_error', code: null, message: 'Audio content of 850ms is already shorter than 900ms', event_id: null } });
    upstream.send({ type: 'conversation.item.truncated', item_id: 'item_a', content_index: 0, audio_end_ms: 850 });
    upstream.send({ type: 'response.done', response: { id: 'resp_1', status: 'cancelled' } });
    await widget.next('response_done');
    expect(widget.open).toBe(true);

    upstream.send({ type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The server had an error', event_id: null } });
    expect(await widget.next('error')).toMatchObject({ code: 'upstream_error', message: 'the voice service failed' });
    expect((await widget.closed).code).toBe(4502);
  });

  it('plays the failure part of the errors transcripts without ending the session', async () => {
    for (const dialect of DIALECTS) {
      const { widget, upstream } = await readySession({ dialect });
      const lines = loadTranscript(`errors-${dialect}`);
      const from = lines.findIndex((l) => l.event.type === 'response.created');
      const to = lines.findIndex((l) => l.event.type === 'response.done');
      await upstream.play(lines.slice(from, to + 1).filter((l) => l.dir === 'server->client'));
      expect(await widget.next('response_done')).toMatchObject({ status: 'failed' });
      expect(widget.all('error')).toEqual([]);
      expect(widget.open).toBe(true);
      await harness!.close();
      harness = undefined;
    }
  });
});

describe.each(DIALECTS)('push-to-talk (%s)', (dialect) => {
  it('commits the audio buffer and asks for a response on commit', async () => {
    const { widget, upstream } = await readySession({ dialect, site: { turn_detection: { type: 'manual' } } });
    widget.sendAudio(4800);
    widget.send({ type: 'commit' });
    await upstream.waitFor('input_audio_buffer.commit');
    await upstream.waitFor('response.create');
    expect(upstream.types.slice(-3)).toEqual(['input_audio_buffer.append', 'input_audio_buffer.commit', 'response.create']);
  });
});

describe('privacy', () => {
  it('logs no visitor transcript unless log_transcripts is on', async () => {
    for (const logTranscripts of [false, true]) {
      const { widget, upstream } = await readySession({ server: { log_transcripts: logTranscripts } });
      widget.send({ type: 'text', text: 'my private question' });
      upstream.send({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u', content_index: 0, transcript: 'my spoken secret' });
      await upstream.waitFor('conversation.item.create');
      await widget.next('user_transcript');
      const logged = harness!.logs.lines.join('\n');
      expect(logged.includes('my private question')).toBe(logTranscripts);
      expect(logged.includes('my spoken secret')).toBe(logTranscripts);
      expect(logged).not.toContain('test-key');
      await harness!.close();
      harness = undefined;
    }
  });
});
