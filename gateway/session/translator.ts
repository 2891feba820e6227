/**
 * Upstream events (GA names, either dialect) → widget-protocol messages, exactly as
 * docs/PROTOCOL.md describes. Audio deltas are base64-decoded and forwarded as binary
 * frames; function-call traffic goes to the tool loop and never to the browser.
 */
import type * as GA from 'openai/resources/realtime/realtime';
import type { ResponseStatus } from '../protocol.js';
import { base64ToBytes } from '../realtime/base64.js';
import type { UpstreamEvent } from '../realtime/client.js';
import type { Logger } from '../logger.js';
import type { ToolLoop } from './tool-loop.js';
import type { Turns } from './turns.js';
import type { SendToBrowser } from './types.js';

export interface TranslatorOptions {
  sendToBrowser: SendToBrowser;
  sendAudio(pcm: Uint8Array): void;
  turns: Turns;
  tools: ToolLoop;
  /** `response.done` usage, for metering. */
  onUsage(usage: unknown): void;
  /** An upstream `error` event. */
  onError(error: Record<string, unknown>): void;
  /** Decodes an audio delta's base64 (default: web APIs). */
  decodeAudio?(base64: string): Uint8Array;
  logTranscripts: boolean;
  logger: Logger;
  /** The service's `idle_timeout_ms` ran out and the response it triggered is done: end the session. */
  onIdleEnd?(): void;
}

type ServerEventType = GA.RealtimeServerEvent['type'];
type ServerEvent<T extends ServerEventType> = Extract<GA.RealtimeServerEvent, { type: T }>;
type KeysOf<U> = U extends unknown ? keyof U : never;
/**
 * An official event (or object) as it arrives off the wire: only the fields its official type
 * names can be read, and none of them is trusted, so each is checked before use.
 */
type Wire<U> = { readonly [K in KeysOf<U>]?: unknown };
type Translate<T extends ServerEventType> = (event: Wire<ServerEvent<T>>) => void;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** Reads an untrusted value as the official object type U (an empty object when it is none). */
const obj = <U = Record<string, unknown>>(value: unknown): Wire<U> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Wire<U>) : {};

const STATUSES: readonly string[] = ['completed', 'cancelled', 'incomplete', 'failed'];

// Events the gateway knows and has no use for: dropped without a log line.
const IGNORED: ReadonlySet<string> = new Set<ServerEventType>([
  'session.created',
  'session.updated',
  'conversation.created',
  'rate_limits.updated',
  'input_audio_buffer.committed',
  'input_audio_buffer.cleared',
  'response.content_part.added',
  'response.content_part.done',
  'response.function_call_arguments.delta',
  'conversation.item.deleted',
  'conversation.item.retrieved',
  'conversation.item.input_audio_transcription.segment',
]);

/** Creates the upstream-event handler of one session. */
export function createTranslator(options: TranslatorOptions): (event: UpstreamEvent) => void {
  const { sendToBrowser: send, turns, tools, logger } = options;
  const decodeAudio = options.decodeAudio ?? base64ToBytes;
  const partialTranscripts = new Map<string, string>();
  // Set by timeout_triggered: the response the service starts then is its last line.
  let idleEnding = false;
  const typedShown = new Set<string>();

  const userItem: Translate<'conversation.item.added' | 'conversation.item.done'> = (event) => {
    const item = obj<GA.ConversationItem>(event.item);
    const id = str(item.id);
    if (!id || item.type !== 'message' || item.role !== 'user' || typedShown.has(id)) return;
    const content = Array.isArray(item.content) ? item.content.map((part) => obj<GA.RealtimeConversationItemUserMessage.Content>(part)) : [];
    const text = content.filter((part) => part.type === 'input_text').map((part) => str(part.text) ?? '').join('');
    if (!text) return;
    typedShown.add(id);
    send({ type: 'user_transcript', item_id: id, text, final: true });
  };

  const outputItemAdded: Translate<'response.output_item.added'> = (event) => {
    const responseId = str(event.response_id) ?? '';
    const item = obj<GA.ConversationItem>(event.item);
    const id = str(item.id);
    if (!id) return;
    if (item.type === 'function_call') {
      const callId = str(item.call_id);
      const name = str(item.name);
      if (callId && name) tools.callAdded(responseId, callId, name);
    } else if (item.type === 'message' && item.role === 'assistant') {
      tools.assistantItem(responseId, id);
    }
  };

  const outputItemDone: Translate<'response.output_item.done'> = (event) => {
    const item = obj<GA.ConversationItem>(event.item);
    const callId = str(item.call_id);
    if (item.type !== 'function_call' || !callId) return;
    tools.callReady(str(event.response_id) ?? '', callId, str(item.name), str(item.arguments) ?? '');
  };

  const audioDelta: Translate<'response.output_audio.delta'> = (event) => {
    const responseId = str(event.response_id) ?? '';
    const itemId = str(event.item_id) ?? '';
    const delta = str(event.delta);
    if (!delta || turns.isCancelled(responseId)) return;
    const pcm = decodeAudio(delta);
    turns.audioForwarded(itemId, pcm.byteLength);
    options.sendAudio(pcm);
  };

  const transcriptDelta: Translate<'response.output_audio_transcript.delta' | 'response.output_text.delta'> = (event) => {
    const itemId = str(event.item_id);
    const delta = str(event.delta);
    // Words of an interrupted answer arrive after the barge-in; the visitor never heard them.
    if (turns.isCancelled(str(event.response_id) ?? '')) return;
    if (itemId && delta) send({ type: 'assistant_transcript', item_id: itemId, delta });
  };

  const transcriptDone = (itemId: unknown, text: unknown) => {
    const id = str(itemId);
    if (id) send({ type: 'assistant_transcript_done', item_id: id, text: str(text) ?? '' });
  };

  const responseDone: Translate<'response.done'> = (event) => {
    const response = obj<GA.RealtimeResponse>(event.response);
    const responseId = str(response.id) ?? '';
    const raw = str(response.status) ?? 'completed';
    const status = (STATUSES.includes(raw) ? raw : 'failed') as ResponseStatus;
    options.onUsage(response.usage);
    send({ type: 'response_done', response_id: responseId, status });
    turns.responseDone(responseId);
    tools.responseDone(responseId, status);
    if (idleEnding) options.onIdleEnd?.();
  };

  // Each handler reads the official event of its name; a name the official union lacks does not compile.
  const typed: { [T in ServerEventType]?: Translate<T> } = {
    'input_audio_buffer.speech_started': () => send({ type: 'speech_started' }),
    'input_audio_buffer.speech_stopped': () => send({ type: 'speech_stopped' }),
    'input_audio_buffer.timeout_triggered': () => {
      idleEnding = true;
    },
    'conversation.item.input_audio_transcription.delta': (event) => {
      const itemId = str(event.item_id);
      if (!itemId) return;
      const text = (partialTranscripts.get(itemId) ?? '') + (str(event.delta) ?? '');
      partialTranscripts.set(itemId, text);
      send({ type: 'user_transcript', item_id: itemId, text, final: false });
    },
    'conversation.item.input_audio_transcription.completed': (event) => {
      const itemId = str(event.item_id);
      if (!itemId) return;
      partialTranscripts.delete(itemId);
      const text = (str(event.transcript) ?? '').trim();
      if (options.logTranscripts) logger.info({ item_id: itemId, text }, 'visitor said');
      send({ type: 'user_transcript', item_id: itemId, text, final: true });
    },
    'conversation.item.input_audio_transcription.failed': (event) => {
      logger.warn({ item_id: event.item_id, error: obj(event.error).code }, 'input transcription failed');
      // No `completed` follows: settle what the visitor already sees, so it does not stay partial.
      const itemId = str(event.item_id);
      const partial = itemId === undefined ? undefined : partialTranscripts.get(itemId);
      if (itemId === undefined || partial === undefined) return;
      partialTranscripts.delete(itemId);
      send({ type: 'user_transcript', item_id: itemId, text: partial.trim(), final: true });
    },
    'conversation.item.added': userItem,
    'conversation.item.done': userItem,
    'response.created': (event) => {
      const responseId = str(obj<GA.RealtimeResponse>(event.response).id) ?? '';
      turns.responseCreated(responseId);
      send({ type: 'response_started', response_id: responseId });
    },
    'response.output_item.added': outputItemAdded,
    'response.output_item.done': outputItemDone,
    'response.function_call_arguments.done': (event) => {
      const callId = str(event.call_id);
      if (callId) tools.callReady(str(event.response_id) ?? '', callId, str(event.name), str(event.arguments) ?? '');
    },
    'response.output_audio.delta': audioDelta,
    'response.output_audio.done': (event) => turns.audioDone(str(event.item_id) ?? ''),
    'response.output_audio_transcript.delta': transcriptDelta,
    'response.output_audio_transcript.done': (event) => transcriptDone(event.item_id, event.transcript),
    'response.output_text.delta': transcriptDelta,
    'response.output_text.done': (event) => transcriptDone(event.item_id, event.text),
    'response.done': responseDone,
    'conversation.item.truncated': () => turns.truncated(),
    error: (event) => options.onError(obj(event.error)),
  };
  const handlers = new Map(Object.entries(typed) as Array<[string, (event: Record<string, unknown>) => void]>);

  return ({ type, event }) => {
    // A Map: a wire type such as "constructor" must not reach Object.prototype.
    const handler = handlers.get(type);
    if (handler) {
      try {
        handler(event);
      } catch (error) {
        // A malformed event must never take the session down.
        logger.warn({ err: error, type }, 'could not handle an upstream event');
      }
    } else if (!IGNORED.has(type)) {
      logger.debug({ type: type.slice(0, 80) }, 'dropped an unknown upstream event');
    }
  };
}
