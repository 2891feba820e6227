/** One session's input audio: the append/commit/clear buffer and server VAD turns. */
import { newId } from './ids.js';
import { decodePcm16 } from './item-create.js';
import { InputBuffer, SAMPLES_PER_MS } from './input-buffer.js';
import { vadParams, type RealtimeErrorBody, type RealtimeSession } from './session-config.js';
import { TurnDetector, type FrameClassifier } from './vad.js';

/** What the input side reports back to its session. */
export interface AudioInputEvents {
  emit(event: Record<string, unknown>): void;
  error(body: RealtimeErrorBody, eventId: string | null): void;
  /** The buffer became a user item. */
  commit(itemId: string, pcm: Int16Array): void;
  speechStarted(): void;
  /** Server VAD committed a turn. */
  turnEnded(): void;
}

/** Largest decoded append the service accepts (15 MiB). */
const MAX_APPEND_BYTES = 15 * 1024 * 1024;
/** Audio kept before speech while idle: the prefix padding plus the detector's look-back. */
const IDLE_KEEP_MS = 600;

/** The input audio buffer and server VAD of one session. */
export class AudioInput {
  private readonly buffer = new InputBuffer();
  private readonly detector: TurnDetector;
  private readonly session: RealtimeSession;
  private readonly events: AudioInputEvents;
  /** The id the user item will get, announced in speech_started. */
  private speechItemId: string | undefined;

  constructor(classifier: FrameClassifier, session: RealtimeSession, events: AudioInputEvents) {
    this.session = session;
    this.events = events;
    const td = session.audio.input.turn_detection;
    this.detector = new TurnDetector(classifier, td ? vadParams(td) : { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 });
  }

  /** Picks up new turn-detection settings after a session.update. */
  configure(): void {
    const td = this.session.audio.input.turn_detection;
    if (td) this.detector.setParams(vadParams(td));
    else if (this.detector.inSpeech) {
      this.detector.reset(this.buffer.endSample / SAMPLES_PER_MS);
      this.speechItemId = undefined;
    }
  }

  append(audio: unknown, eventId: string | null): void {
    if (typeof audio !== 'string') {
      return this.events.error(
        { type: 'invalid_request_error', code: 'missing_required_parameter', message: "Missing required parameter: 'audio'.", param: 'audio' },
        eventId,
      );
    }
    if (audio.length * 0.75 > MAX_APPEND_BYTES) {
      return this.events.error(
        { type: 'invalid_request_error', code: 'invalid_value', message: 'Audio append is larger than 15 MiB.', param: 'audio' },
        eventId,
      );
    }
    const pcm = decodePcm16(audio);
    this.buffer.append(pcm);
    // The detector always runs so its timeline stays aligned with the buffer's; events count only with VAD on.
    const vadEvents = this.detector.push(pcm);
    const td = this.session.audio.input.turn_detection;
    if (!td) return;
    for (const event of vadEvents) {
      if (event.type === 'speech_started') {
        this.speechItemId = newId('item');
        this.buffer.dropBefore(event.audioStartMs * SAMPLES_PER_MS);
        this.events.emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: event.audioStartMs, item_id: this.speechItemId });
        this.events.speechStarted();
      } else if (this.speechItemId) {
        const itemId = this.speechItemId;
        this.speechItemId = undefined;
        this.events.emit({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: event.audioEndMs, item_id: itemId });
        this.events.commit(itemId, this.buffer.take(event.audioEndMs * SAMPLES_PER_MS));
        this.events.turnEnded();
      }
    }
    if (!this.detector.inSpeech) this.buffer.dropBefore(this.buffer.endSample - IDLE_KEEP_MS * SAMPLES_PER_MS);
  }

  commit(eventId: string | null): void {
    const ms = this.buffer.durationMs;
    if (ms < 100) {
      return this.events.error(
        {
          type: 'invalid_request_error',
          code: 'input_audio_buffer_commit_empty',
          message: `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`,
          param: null,
        },
        eventId,
      );
    }
    const itemId = this.speechItemId ?? newId('item');
    this.speechItemId = undefined;
    const pcm = this.buffer.take();
    this.detector.reset(this.buffer.endSample / SAMPLES_PER_MS);
    this.events.commit(itemId, pcm);
  }

  clear(): void {
    this.buffer.clear();
    this.detector.reset(this.buffer.endSample / SAMPLES_PER_MS);
    this.speechItemId = undefined;
    this.events.emit({ type: 'input_audio_buffer.cleared' });
  }

  dispose(): void {
    this.detector.dispose();
  }
}
