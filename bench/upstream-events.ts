/**
 * Shared pieces of the bench upstream's GA events: ids, the session object, usage, and the
 * control events every session answers (`session.update` → `session.updated`).
 */
import type { WebSocket } from 'ws';

let eventCounter = 0;

/** A fresh server event id. */
export const eventId = (): string => `event_bench${(eventCounter++).toString(36)}`;

/** A GA session object as `session.created` / `session.updated` carry it. */
export function sessionObject(id: string, model: string): Record<string, unknown> {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: '',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    audio: {
      input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: null, turn_detection: null },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
  };
}

/** Usage of every `response.done`, so the gateway's metering has something to count. */
export const RESPONSE_USAGE = {
  total_tokens: 20,
  input_tokens: 15,
  output_tokens: 5,
  input_token_details: { text_tokens: 15, audio_tokens: 0, cached_tokens: 0 },
  output_token_details: { text_tokens: 5, audio_tokens: 0 },
};

/** A client event as far as the bench upstream reads it. */
export interface ClientEvent {
  type?: string;
  item?: { type?: string; call_id?: string; output?: string; content?: { text?: string }[] };
}

/** Parses a client event and answers `session.update`; `undefined` for non-JSON. */
export function handleControlEvent(
  seen: { sessionUpdates: number },
  socket: WebSocket,
  text: string,
  id: string,
  model: string,
): ClientEvent | undefined {
  let event: ClientEvent;
  try {
    event = JSON.parse(text) as ClientEvent;
  } catch {
    return undefined;
  }
  if (event.type === 'session.update') {
    seen.sessionUpdates++;
    socket.send(JSON.stringify({ type: 'session.updated', event_id: eventId(), session: sessionObject(id, model) }));
  }
  return event;
}
