/**
 * How `<voice-rag>` reacts to each gateway message of widget protocol v1: state changes,
 * transcript and citations, barge-in. Kept apart from the element so the table reads in one place.
 */
import type { CitationSource, ErrorCode, ServerMessage } from '../gateway/protocol.js';
import { VoiceRagCitationsEvent, VoiceRagTranscriptEvent } from './events.js';
import type { Turn, WidgetState } from './state.js';
import type { Strings } from './ui/strings.js';

/** What the message handler needs from the element. */
export interface SessionHost extends EventTarget {
  readonly current: WidgetState;
  readonly strings: Strings;
  turns: Turn[];
  announcement: string;
  queueSeconds: number;
  ready: boolean;
  responseId: string | undefined;
  responseDone: boolean;
  dropAudio: boolean;
  readonly playback: { readonly active: boolean; reset(): void; end(): void; readonly bufferedMs: number };
  setState(next: WidgetState): void;
  flushPendingText(): void;
  bargeIn(): Promise<void>;
  fail(code: ErrorCode, text: string, retryAfterMs?: number, message?: string): void;
  showError(code: ErrorCode, text: string, message: string): void;
}

/** Applies one gateway message to the widget. Unknown types are ignored (forward compatibility). */
export function applyServerMessage(host: SessionHost, message: ServerMessage): void {
  switch (message.type) {
    case 'queued':
      host.queueSeconds = Math.max(1, Math.ceil(message.retry_in_ms / 1000));
      host.setState('queued');
      break;
    case 'ready':
      host.ready = true;
      host.queueSeconds = 0;
      host.setState('listening');
      host.flushPendingText();
      break;
    case 'speech_started':
      if (host.current === 'speaking' || host.playback.bufferedMs > 0) void host.bargeIn();
      if (host.current === 'speaking') host.setState('listening');
      break;
    case 'user_transcript':
      upsertTurn(host, message.item_id, 'user', message.text, message.final);
      break;
    case 'searching':
      host.setState('searching');
      break;
    case 'response_started':
      host.responseId = message.response_id;
      host.responseDone = false;
      host.dropAudio = false;
      host.playback.reset();
      // 'speaking' waits for the answer's first words or audio: a response that only calls a
      // tool (search) says nothing, and the visitor should keep seeing "looking it up".
      break;
    case 'assistant_transcript': {
      beginSpeaking(host);
      const turn = host.turns.find((t) => t.id === message.item_id);
      if (turn?.final) break;
      upsertTurn(host, message.item_id, 'assistant', (turn?.text ?? '') + message.delta, false);
      break;
    }
    case 'assistant_transcript_done':
      upsertTurn(host, message.item_id, 'assistant', message.text, true);
      break;
    case 'citations':
      setSources(host, message.item_id, message.sources);
      break;
    case 'response_done':
      if (message.response_id !== host.responseId) break;
      host.responseDone = true;
      // The state returns to listening when the last buffered audio has been heard; an answer cut
      // short (incomplete, failed) still plays what arrived. Only a cancelled one stops at once.
      if (host.playback.active && message.status !== 'cancelled' && !host.dropAudio) host.playback.end();
      else if (host.current === 'speaking') host.setState('listening');
      break;
    case 'error': {
      const text = host.strings.errors[message.code] ?? host.strings.errors.internal;
      if (message.fatal) host.fail(message.code, text, message.retry_after_ms, message.message);
      else host.showError(message.code, text, message.message);
      break;
    }
  }
}

/** Enters 'speaking' when the current answer produces words or audio. */
export function beginSpeaking(host: SessionHost): void {
  if (!host.dropAudio && (host.current === 'listening' || host.current === 'searching')) host.setState('speaking');
}

function upsertTurn(host: SessionHost, id: string, role: Turn['role'], text: string, final: boolean): void {
  const index = host.turns.findIndex((t) => t.id === id);
  const previous = index >= 0 ? host.turns[index] : undefined;
  const turn: Turn = { id, role, text, final, sources: previous?.sources ?? [] };
  host.turns = index >= 0 ? host.turns.map((t, i) => (i === index ? turn : t)) : [...host.turns, turn];
  if (final && !previous?.final) {
    // Only final text reaches the live region; deltas would make a screen reader stutter.
    host.announcement = `${role === 'user' ? host.strings.you : host.strings.assistant}: ${text}`;
    host.dispatchEvent(new VoiceRagTranscriptEvent(role, text, id));
  }
}

function setSources(host: SessionHost, id: string, sources: CitationSource[]): void {
  const index = host.turns.findIndex((t) => t.id === id);
  const turn: Turn = index >= 0 ? { ...host.turns[index]!, sources } : { id, role: 'assistant', text: '', final: false, sources };
  host.turns = index >= 0 ? host.turns.map((t, i) => (i === index ? turn : t)) : [...host.turns, turn];
  host.dispatchEvent(new VoiceRagCitationsEvent(id, sources));
}
