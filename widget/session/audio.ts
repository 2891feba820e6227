/** The audio of one session: the `AudioContext` made inside the visitor's gesture, the microphone, playback and waveform. */
import type { ReactiveControllerHost } from 'lit';
import { CaptureController } from '../audio/capture.js';
import type { FrameHandler } from '../audio/capture.js';
import { LevelsController } from '../audio/levels.js';
import { PlaybackController } from '../audio/playback.js';
import { createAudioContext } from '../audio/worklets.js';

/** What the session hears from its audio. */
export interface SessionAudioHandlers {
  onFrame: FrameHandler;
  onPlaybackLevel(level: number): void;
  onDrained(): void;
  onContextState(context: AudioContext): void;
}

/** Owns at most one `AudioContext` with the controllers that play into and capture from it. */
export class SessionAudio {
  readonly capture: CaptureController;
  readonly playback: PlaybackController;
  readonly levels: LevelsController;
  #context: AudioContext | undefined;
  #responseId: string | undefined;
  #responseDone = false;
  /** Audio of an interrupted answer keeps arriving until the next `response_started`; it is not played. */
  #dropping = false;
  readonly #onContextState: (context: AudioContext) => void;

  constructor(host: ReactiveControllerHost, handlers: SessionAudioHandlers) {
    this.capture = new CaptureController(host, handlers.onFrame);
    this.playback = new PlaybackController(host, { onLevel: handlers.onPlaybackLevel, onDrained: handlers.onDrained });
    this.levels = new LevelsController(host);
    this.#onContextState = handlers.onContextState;
  }

  /** The open context, if any. */
  get context(): AudioContext | undefined {
    return this.#context;
  }

  /** Whether the rest of an interrupted answer is being dropped. */
  get dropping(): boolean {
    return this.#dropping;
  }

  /** Whether the gateway said the current answer is done (its audio may still be playing). */
  get answerDone(): boolean {
    return this.#responseDone;
  }

  /** `response_started`: counts the played position of a new answer from zero. */
  startAnswer(responseId: string): void {
    this.#responseId = responseId;
    this.#responseDone = false;
    this.#dropping = false;
    this.playback.reset();
  }

  /** Plays answer audio; false when it belongs to no answer or to an interrupted one. */
  playAnswer(pcm: ArrayBuffer): boolean {
    if (this.#dropping || this.#responseId === undefined) return false;
    this.playback.push(pcm);
    return true;
  }

  /**
   * `response_done`: true when the answer is over at once. An answer cut short (incomplete,
   * failed) still plays what arrived and ends when drained; only a cancelled one stops at once.
   */
  endAnswer(responseId: string, cancelled: boolean): boolean {
    if (responseId !== this.#responseId) return false;
    this.#responseDone = true;
    if (!this.playback.active || cancelled || this.#dropping) return true;
    this.playback.end();
    return false;
  }

  /** Barge-in: drops what is buffered and resolves with the milliseconds actually heard. */
  interruptAnswer(): Promise<number> {
    this.#dropping = true;
    return this.playback.flush();
  }

  /** Creates the context and the playback node; call it inside the gesture (Safari and iOS only start audio from one). */
  open(): void {
    const context = (this.#context = createAudioContext());
    context.onstatechange = () => this.#onContextState(context);
    void this.playback.start(context).catch(() => undefined);
  }

  /** Resumes a context the browser suspended; true when there was one to resume. */
  resume(): boolean {
    if (this.#context?.state !== 'suspended') return false;
    void this.#context.resume();
    return true;
  }

  /** Stops the microphone and playback and closes the context. */
  close(): void {
    this.capture.stop();
    this.playback.stop();
    const context = this.#context;
    this.#context = undefined;
    if (context) {
      context.onstatechange = null;
      void context.close().catch(() => undefined);
    }
    this.#responseId = undefined;
    this.#dropping = false;
    this.levels.attach(undefined, false);
  }
}
