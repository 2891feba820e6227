/**
 * Drives whole turns through a gateway session from both ends (widget and scripted upstream),
 * so tests can prove a session is alive end to end.
 */
import { expect } from 'vitest';
import type { ScriptedConnection } from '../../support/scripted-upstream.js';
import type { WidgetClient } from '../../support/widget-client.js';

let serial = 0;

/** Base64 PCM16 of this many bytes. */
export const pcmBase64 = (bytes: number, fill = 7): string => Buffer.alloc(bytes, fill).toString('base64');

/**
 * One typed turn: the widget asks, the upstream answers with `audioBytes` of audio and a
 * transcript, and the widget sees `response_done` completed. Returns the response id.
 */
export async function typedTurn(widget: WidgetClient, upstream: ScriptedConnection, text = 'a question', audioBytes = 4800): Promise<string> {
  const id = `resp_turn${++serial}`;
  widget.send({ type: 'text', text });
  const create = await upstream.waitFor('conversation.item.create', 3000);
  expect(create.item.content[0].text).toBe(text);
  await upstream.waitFor('response.create', 3000);
  upstream.send({ type: 'response.created', event_id: `${id}a`, response: { id, status: 'in_progress', output: [] } });
  if (audioBytes > 0) {
    upstream.send({ type: 'response.output_audio.delta', event_id: `${id}b`, response_id: id, item_id: `item_${id}`, output_index: 0, content_index: 0, delta: pcmBase64(audioBytes) });
  }
  upstream.send({ type: 'response.output_audio_transcript.done', event_id: `${id}c`, response_id: id, item_id: `item_${id}`, output_index: 0, content_index: 0, transcript: 'An answer.' });
  upstream.send({ type: 'response.done', event_id: `${id}d`, response: { id, status: 'completed', output: [] } });
  expect(await widget.next('response_done', 3000)).toEqual({ type: 'response_done', response_id: id, status: 'completed' });
  return id;
}
