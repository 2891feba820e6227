/**
 * The client events both dialects share, each checked at compile time against the official
 * `openai` types of both dialects (GA `resources/realtime`, preview `resources/beta/realtime`;
 * types only, nothing of the package runs). The session update lives in dialect.ts.
 */
import type * as Beta from 'openai/resources/beta/realtime/realtime';
import type * as GA from 'openai/resources/realtime/realtime';

/** A client event as sent upstream; an `event_id` is added by the connection. */
export type ClientEvent = Record<string, unknown>;

/** Adds a user text message (a typed question). */
export function userTextEvent(text: string): ClientEvent {
  return {
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  } satisfies GA.ConversationItemCreateEvent & Beta.ConversationItemCreateEvent;
}

/** Hands a tool's result back to the model. */
export function functionOutputEvent(callId: string, output: string): ClientEvent {
  return {
    type: 'conversation.item.create',
    item: { type: 'function_call_output', call_id: callId, output },
  } satisfies GA.ConversationItemCreateEvent & Beta.ConversationItemCreateEvent;
}

/** Asks for a response, optionally with instructions for this one response only. */
export function responseCreateEvent(instructions?: string): ClientEvent {
  if (instructions === undefined) return { type: 'response.create' } satisfies GA.ResponseCreateEvent & Beta.ResponseCreateEvent;
  return { type: 'response.create', response: { instructions } } satisfies GA.ResponseCreateEvent & Beta.ResponseCreateEvent;
}

/** Cuts an assistant audio item at what the visitor heard. */
export function truncateEvent(itemId: string, audioEndMs: number): ClientEvent {
  return {
    type: 'conversation.item.truncate',
    item_id: itemId,
    content_index: 0,
    audio_end_ms: audioEndMs,
  } satisfies GA.ConversationItemTruncateEvent & Beta.ConversationItemTruncateEvent;
}

/** Ends the visitor's utterance (manual turn detection). */
export function commitEvent(): ClientEvent {
  return { type: 'input_audio_buffer.commit' } satisfies GA.InputAudioBufferCommitEvent & Beta.InputAudioBufferCommitEvent;
}

/**
 * The frame `appendAudio` builds by concatenation (base64 needs no JSON escaping); this typed
 * twin keeps its shape tied to the official types.
 */
export const APPEND_AUDIO_PREFIX = '{"type":"input_audio_buffer.append","audio":"';
const appendShape = { type: 'input_audio_buffer.append', audio: '' } satisfies GA.InputAudioBufferAppendEvent & Beta.InputAudioBufferAppendEvent;
if (JSON.stringify(appendShape) !== `${APPEND_AUDIO_PREFIX}"}`) throw new Error('append frame out of step with its type');
