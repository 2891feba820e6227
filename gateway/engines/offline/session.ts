/** One offline engine session: dispatches client events to items, audio input and responses. */
import type { Logger } from '../../logger.js';
import type { Clock } from '../../clock.js';
import { Conversation, type Item } from './conversation.js';
import { newId } from './ids.js';
import { AudioInput } from './audio-input.js';
import { parseCreatedItem, valueText } from './item-create.js';
import { planResponse, type Recognizer } from './response-plan.js';
import { ResponseRun } from './response-run.js';
import {
  defaultSession,
  responseCreateSchema,
  updateSession,
  validate,
  type RealtimeErrorBody,
  type RealtimeSession,
  type ResponseCreate,
} from './session-config.js';
import type { TtsEngine } from './tts.js';
import type { FrameClassifier } from './vad.js';

/** Everything one engine session needs; the transport (ws) stays outside. */
export interface OfflineSessionOptions {
  /** Sends one text frame to the client. */
  send(text: string): void;
  model: string;
  tts: TtsEngine;
  clock: Clock;
  pace: boolean;
  classifier: FrameClassifier;
  recognizer?: Recognizer;
  logger?: Logger;
}

const CLIENT_EVENTS = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'response.create',
  'response.cancel',
];

type ClientEvent = Record<string, unknown> & { type: string; event_id?: unknown };

/** One Realtime session of the offline engine, speaking the GA dialect. */
export class OfflineSession {
  private readonly options: OfflineSessionOptions;
  private readonly session: RealtimeSession;
  private readonly conversation = new Conversation();
  private readonly conversationId = newId('conv');
  private readonly input: AudioInput;
  private readonly userAudio = new Map<string, Int16Array>();
  private active: ResponseRun | undefined;
  private closed = false;

  constructor(options: OfflineSessionOptions) {
    this.options = options;
    this.session = defaultSession(newId('sess'), options.model, options.clock.now());
    this.input = new AudioInput(options.classifier, this.session, {
      emit: (event) => this.emit(event),
      error: (body, eventId) => this.error(body, eventId),
      commit: (itemId, pcm) => this.commitAudio(itemId, pcm),
      speechStarted: () => {
        const td = this.session.audio.input.turn_detection;
        if (td?.interrupt_response && this.active && !this.active.done) this.active.cancel('turn_detected');
      },
      turnEnded: () => {
        const td = this.session.audio.input.turn_detection;
        // A response still live (interrupt_response false) keeps the turn; the client decides.
        if (td?.create_response && !(this.active && !this.active.done)) this.startResponse(undefined);
      },
    });
  }

  /** Announces the session (`session.created`). */
  start(): void {
    this.emit({ type: 'session.created', session: this.session });
  }

  /** Handles one client frame; never throws. */
  receive(data: string | Uint8Array, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary || typeof data !== 'string') {
      this.error(invalidEvent('Binary frames are not supported; send JSON events as text frames.'), null);
      return;
    }
    let event: ClientEvent;
    try {
      const parsed: unknown = JSON.parse(data);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      event = parsed as ClientEvent;
    } catch {
      this.error(invalidEvent('Invalid JSON: the event must be one JSON object.'), null);
      return;
    }
    const eventId = typeof event.event_id === 'string' ? event.event_id : null;
    if (typeof event.type !== 'string') {
      this.error({ ...invalidEvent("The 'type' field is missing."), param: 'type' }, eventId);
      return;
    }
    try {
      this.dispatch(event, eventId);
    } catch (error) {
      this.options.logger?.error({ err: error, type: event.type }, 'offline engine: event handler failed');
      this.error({ type: 'server_error', code: null, message: 'The offline engine failed to handle this event.', param: null }, eventId);
    }
  }

  /** Stops the live response and timers; sends nothing more. */
  close(): void {
    if (this.closed) return;
    this.active?.cancel('client_cancelled');
    this.closed = true;
    this.input.dispose();
  }

  private dispatch(event: ClientEvent, eventId: string | null): void {
    switch (event.type) {
      case 'session.update': {
        const result = updateSession(this.session, event.session);
        if (!result.ok) return this.error(result.error, eventId);
        this.input.configure();
        return this.emit({ type: 'session.updated', session: this.session });
      }
      case 'input_audio_buffer.append':
        return this.input.append(event.audio, eventId);
      case 'input_audio_buffer.commit':
        return this.input.commit(eventId);
      case 'input_audio_buffer.clear':
        return this.input.clear();
      case 'conversation.item.create':
        return this.createItem(event, eventId);
      case 'conversation.item.delete': {
        const id = valueText(event.item_id);
        if (!this.conversation.delete(id)) return this.error(noItem(id), eventId);
        this.userAudio.delete(id);
        return this.emit({ type: 'conversation.item.deleted', item_id: id });
      }
      case 'conversation.item.retrieve': {
        const item = this.conversation.get(valueText(event.item_id));
        if (!item) return this.error(noItem(valueText(event.item_id)), eventId);
        return this.emit({ type: 'conversation.item.retrieved', item });
      }
      case 'conversation.item.truncate':
        return this.truncate(event, eventId);
      case 'response.create': {
        let params: ResponseCreate | undefined;
        if (event.response !== undefined) {
          const result = validate(responseCreateSchema, event.response, 'response');
          if (!result.ok) return this.error(result.error, eventId);
          params = result.value;
        }
        if (this.active && !this.active.done) {
          return this.error(
            {
              type: 'invalid_request_error',
              code: 'conversation_already_has_active_response',
              message: `Conversation already has an active response in progress: ${this.active.id}. Wait until the response is finished before creating a new one.`,
              param: null,
            },
            eventId,
          );
        }
        return this.startResponse(params);
      }
      case 'response.cancel': {
        const live = this.active && !this.active.done ? this.active : undefined;
        if (!live || (typeof event.response_id === 'string' && event.response_id !== live.id)) {
          return this.error(
            { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found', param: null },
            eventId,
          );
        }
        return live.cancel('client_cancelled');
      }
      default:
        return this.error(
          { ...invalidEvent(`Invalid value: '${event.type}'. Supported values are: ${CLIENT_EVENTS.map((t) => `'${t}'`).join(', ')}.`), param: 'type' },
          eventId,
        );
    }
  }

  private createItem(event: ClientEvent, eventId: string | null): void {
    const previous = event.previous_item_id;
    if (typeof previous === 'string' && !this.conversation.has(previous) && previous !== 'root') {
      return this.error({ type: 'invalid_request_error', code: 'invalid_value', message: `Previous item with id '${previous}' not found.`, param: 'previous_item_id' }, eventId);
    }
    const parsed = parseCreatedItem(event.item, this.conversation);
    if (!parsed.ok) return this.error(parsed.error, eventId);
    const { item, audioMs, pcm } = parsed.value;
    const previousId = this.conversation.add(item, audioMs, previous === 'root' ? null : typeof previous === 'string' ? previous : undefined);
    if (pcm && this.options.recognizer) this.userAudio.set(item.id, pcm);
    this.emit({ type: 'conversation.item.added', previous_item_id: previousId, item });
    this.emit({ type: 'conversation.item.done', previous_item_id: previousId, item });
  }

  private truncate(event: ClientEvent, eventId: string | null): void {
    const id = valueText(event.item_id);
    const item = this.conversation.get(id);
    if (!item) return this.error(noItem(id), eventId);
    const hasAudio = item.type === 'message' && item.role === 'assistant' && (item.content.length === 0 || item.content.some((p) => p.type === 'output_audio'));
    if (!hasAudio || this.conversation.audio(id).audioMs === 0) {
      return this.error({ type: 'invalid_request_error', code: 'invalid_value', message: 'Only model output audio messages can be truncated', param: 'item_id' }, eventId);
    }
    if (event.content_index !== 0) {
      return this.error({ type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value for 'content_index': expected 0.", param: 'content_index' }, eventId);
    }
    const requested = event.audio_end_ms;
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 0) {
      return this.error({ type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value for 'audio_end_ms': expected an integer ≥ 0.", param: 'audio_end_ms' }, eventId);
    }
    const meta = this.conversation.audio(id);
    let end = requested;
    if (requested > meta.audioMs) {
      // What the GA service does (errors-ga.jsonl): an error without ids, then a clamped truncation.
      this.error({ type: 'invalid_request_error', code: null, message: `Audio content of ${meta.audioMs}ms is already shorter than ${requested}ms`, param: null }, null);
      end = meta.audioMs;
    }
    meta.truncatedMs = end;
    this.options.logger?.debug({ item_id: id, audio_end_ms: end }, 'offline engine: conversation.item.truncated');
    this.emit({ type: 'conversation.item.truncated', item_id: id, content_index: 0, audio_end_ms: end });
  }

  private commitAudio(itemId: string, pcm: Int16Array): void {
    const previousId = this.conversation.lastId();
    this.emit({ type: 'input_audio_buffer.committed', previous_item_id: previousId, item_id: itemId });
    const item: Item = { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    this.conversation.add(item, Math.floor(pcm.length / 24));
    if (this.options.recognizer) this.userAudio.set(itemId, pcm);
    this.emit({ type: 'conversation.item.added', previous_item_id: previousId, item });
    this.emit({ type: 'conversation.item.done', previous_item_id: previousId, item });
  }

  private startResponse(params: ResponseCreate | undefined): void {
    const modality = params?.output_modalities?.[0] ?? this.session.output_modalities[0];
    const run = new ResponseRun(
      {
        send: (event) => this.emit(event),
        conversation: this.conversation,
        session: this.session,
        conversationId: this.conversationId,
        tts: this.options.tts,
        clock: this.options.clock,
        pace: this.options.pace,
        onError: (error) => this.options.logger?.error({ err: error }, 'offline engine: response failed'),
      },
      modality,
    );
    this.active = run;
    void run
      .run(() =>
        planResponse({
          conversation: this.conversation,
          session: this.session,
          tools: params?.tools as RealtimeSession['tools'] | undefined,
          toolChoice: params?.tool_choice,
          instructions: params?.instructions,
          recognizer: this.options.recognizer,
          userAudio: (id) => this.userAudio.get(id),
          onTranscript: (id, transcript) =>
            this.emit({ type: 'conversation.item.input_audio_transcription.completed', item_id: id, content_index: 0, transcript }),
        }),
      )
      .finally(() => {
        if (this.active === run) this.active = undefined;
      });
  }

  private emit(event: Record<string, unknown>): void {
    if (this.closed) return;
    const { type, ...rest } = event;
    this.options.send(JSON.stringify({ type, event_id: newId('event'), ...rest }));
  }

  private error(body: RealtimeErrorBody, eventId: string | null): void {
    this.emit({ type: 'error', error: { ...body, event_id: eventId } });
  }
}

function invalidEvent(message: string): RealtimeErrorBody {
  return { type: 'invalid_request_error', code: 'invalid_event', message, param: null };
}

function noItem(id: string): RealtimeErrorBody {
  return { type: 'invalid_request_error', code: 'invalid_value', message: `Item with item_id not found: ${id}`, param: 'item_id' };
}
