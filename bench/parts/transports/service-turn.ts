/**
 * The scripted service's side of one turn, the same for both transports: VAD events when the
 * visitor's speech starts and stops, then, a fixed model delay after the stop, one spoken
 * response (the audio itself goes as deltas on a socket session, as RTP on a call).
 */
import type { WebSocket } from 'ws';
import { eventId, RESPONSE_USAGE } from '../../upstream-events.js';
import type { TurnEdge } from './signal.js';

/** What the service plays as an answer: `play` resolves when the audio has been sent. */
export interface AnswerAudio {
  play(ms: number, responseId: string, itemId: string): Promise<void>;
}

export interface TurnTiming {
  modelDelayMs: number;
  answerMs: number;
}

/** Reacts to the detector's edges on `events` (the session's socket, or the call's sideband). */
export function createServiceTurns(events: () => WebSocket | undefined, audio: AnswerAudio, timing: TurnTiming, started: number): (edge: TurnEdge) => void {
  let turn = 0;
  let itemId = '';
  const send = (event: Record<string, unknown>) => {
    const socket = events();
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ ...event, event_id: eventId() }));
  };
  const respond = async (responseId: string, answerItem: string) => {
    const item = { id: answerItem, object: 'realtime.item', type: 'message', role: 'assistant' };
    const part = { response_id: responseId, item_id: answerItem, output_index: 0, content_index: 0 };
    send({ type: 'response.created', response: { object: 'realtime.response', id: responseId, status: 'in_progress', status_details: null, output: [], usage: null } });
    send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    send({ type: 'conversation.item.added', previous_item_id: null, item: { ...item, status: 'in_progress', content: [] } });
    send({ type: 'response.content_part.added', ...part, part: { type: 'audio', transcript: '' } });
    await audio.play(timing.answerMs, responseId, answerItem);
    const done = { ...item, status: 'completed', content: [{ type: 'output_audio', transcript: '' }] };
    send({ type: 'response.output_audio.done', ...part });
    send({ type: 'response.content_part.done', ...part, part: { type: 'audio', transcript: '' } });
    send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
    send({ type: 'response.done', response: { object: 'realtime.response', id: responseId, status: 'completed', status_details: null, output: [done], usage: RESPONSE_USAGE } });
  };
  return (edge) => {
    const atMs = Math.round(performance.now() - started);
    if (edge === 'speech_started') {
      itemId = `item_in${++turn}`;
      send({ type: 'input_audio_buffer.speech_started', audio_start_ms: atMs, item_id: itemId });
    } else if (edge === 'speech_stopped') {
      send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: atMs, item_id: itemId });
      send({ type: 'input_audio_buffer.committed', previous_item_id: null, item_id: itemId });
      const n = turn;
      setTimeout(() => void respond(`resp_turn${n}`, `item_out${n}`), timing.modelDelayMs);
    }
  };
}
