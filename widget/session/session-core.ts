/** The state of a `<voice-rag>` session and what it holds (socket, audio, transcript, timers): what every message handler and API method of `SessionController` works on. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ErrorCode, ServerMessage } from '../../gateway/protocol.js';
import { VoiceRagErrorEvent, VoiceRagStateEvent } from '../events.js';
import type { SessionView, WidgetState } from '../state.js';
import type { Strings } from '../ui/strings.js';
import { CLOSE_CODES } from './protocol-copies.js';
import type { CloseCodeTable } from './protocol-copies.js';
import { RetryCountdown } from './retry.js';
import { SessionTransport } from './transport.js';
import { SessionAudio } from './audio.js';
import { Transcript } from './transcript.js';
import { HeardText } from './heard.js';
import { AnswerFeedback } from '../feedback.js';
import type { PageWatcher } from '../page/page-watcher.js';

const ACTIVE: readonly WidgetState[] = ['connecting', 'queued', 'listening', 'searching', 'speaking'];
/** A socket that dropped without a close frame (lost network): the session may be resumed (extension `resume`). */
const ABNORMAL_CLOSURE = 1006;

/** What the session reads from its element, at the moment it matters. */
export interface SessionHost extends ReactiveControllerHost, EventTarget {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly strings: Strings;
  readonly site: string;
  readonly gateway: string;
  readonly token: string;
  /** Called before each connect when set; a rejection is `unauthorized`. */
  readonly tokenProvider: (() => string | Promise<string>) | undefined;
  readonly halfDuplex: boolean;
  readonly pushToTalk: boolean;
  /** The consent gate (docs/WIDGET.md, "Consent"): true to go ahead now, else the visitor's answer. */
  requestConsent?(kind: 'mic' | 'typed'): true | Promise<boolean>;
}

/** The session's state, view, audio handling, errors and release; `SessionController` adds the API and the message dispatch. */
export abstract class SessionCore implements ReactiveController {
  protected readonly host: SessionHost;
  /** The socket or WebRTC call, and resuming a dropped socket. */
  protected readonly connection: SessionTransport;
  protected readonly audio: SessionAudio;
  protected readonly transcript: Transcript;
  protected readonly retry: RetryCountdown;
  protected readonly heard = new HeardText();
  /** Thumbs up or down on each answer (extension `feedback`). */
  readonly feedback: AnswerFeedback;
  /** Reports the page the visitor is on (extension `page`); a lazy chunk, loaded when `ready` lists `page`. */
  protected page: PageWatcher | undefined;
  protected current: WidgetState = 'idle';
  protected failure: { code: ErrorCode; text: string } | undefined;
  protected noticeText = '';
  protected queueWait = 0;
  protected typedOnly = false;
  protected held = false;
  protected ready = false;
  /** Questions typed before `ready`, sent once it arrives. */
  protected pendingText: string[] = [];
  /** Settles once the last barge-in's `interrupt` has been sent; typed questions wait for it. */
  protected interrupted: Promise<void> = Promise.resolve();
  /** Bumped by every release, so late callbacks of an older session do nothing. */
  protected generation = 0;

  constructor(host: SessionHost) {
    this.host = host;
    this.connection = new SessionTransport(host, {
      onMessage: (message) => this.handleMessage(message),
      onAudio: (pcm) => this.handleAudio(pcm),
      onClose: (code) => this.handleClose(code),
    });
    this.audio = new SessionAudio(host, {
      onFrame: (pcm, level) => this.handleFrame(pcm, level),
      onPlaybackLevel: (level) => this.current === 'speaking' && this.audio.levels.push(level),
      onDrained: () => this.handleDrained(),
      onContextState: (context) => this.handleContextState(context),
    });
    this.transcript = new Transcript(host);
    this.retry = new RetryCountdown(() => host.requestUpdate());
    this.feedback = new AnswerFeedback(host, (message) => this.connection.send(message));
    host.addController(this);
  }

  /** Where the session is. */
  get state(): WidgetState {
    return this.current;
  }

  /** Whether a conversation is open or opening. */
  get active(): boolean {
    return ACTIVE.includes(this.current);
  }

  /** Everything the element shows of the session. */
  get view(): SessionView {
    return {
      state: this.current,
      active: this.active,
      textOnly: this.typedOnly,
      talking: this.held,
      turns: this.transcript.turns,
      announcement: this.transcript.announcement,
      error: this.failure?.text ?? '',
      notice: this.noticeText,
      countdown: this.retry.seconds,
      queueSeconds: this.queueWait,
    };
  }

  /** Whether the microphone is open. */
  get micOpen(): boolean {
    return this.audio.capture.active;
  }

  /** Whether the socket to the gateway is open. */
  get connected(): boolean {
    return this.connection.open;
  }

  /** The session's `AudioContext`, from `start()` until the session is released. */
  get audioContext(): AudioContext | undefined {
    return this.audio.context;
  }

  /** Milliseconds of the current answer played so far, and received but not yet played. */
  get playedMs(): number {
    return this.audio.playback.playedMs;
  }

  get bufferedMs(): number {
    return this.audio.playback.bufferedMs;
  }

  /** The smoothed level (0–1) the waveform shows. */
  get level(): number {
    return this.audio.levels.level;
  }

  /** Draws the waveform on `canvas` while the mic listens or the answer plays. */
  drawLevels(canvas: HTMLCanvasElement | undefined): void {
    const listening = this.current === 'listening' && this.audio.capture.active;
    this.audio.levels.attach(canvas, listening || this.current === 'speaking');
  }

  hostDisconnected(): void {
    this.release();
    if (this.active) this.setState('ended');
  }

  /** Flushes playback now and tells the gateway how much of the answer was heard. */
  protected bargeIn(): Promise<void> {
    // On a WebRTC call the service stops and truncates its own audio at what was played.
    if (this.connection.onCall) return Promise.resolve();
    this.interrupted = this.audio.interruptAnswer().then((playedMs) => {
      this.connection.send({ type: 'interrupt', played_ms: playedMs });
      const heard = this.heard.cut(playedMs);
      if (heard && !heard.whole) this.transcript.interrupt(heard.itemId, heard.text, this.host.strings);
      this.host.requestUpdate();
    });
    return this.interrupted;
  }

  protected setState(next: WidgetState): void {
    if (next === this.current) return;
    this.current = next;
    if (next !== 'error') this.transcript.announcement = this.host.strings.state[next];
    this.host.requestUpdate();
    this.host.dispatchEvent(new VoiceRagStateEvent(next));
  }

  protected setNotice(text: string): void {
    this.noticeText = text;
    this.host.requestUpdate();
  }

  /** Ends the session on an error; rate limits and budgets retry by themselves after the wait. */
  protected fail(code: ErrorCode, text: string, retryAfterMs?: number, message = text): void {
    this.release();
    const retries = (code === 'rate_limited' || code === 'over_budget') && retryAfterMs !== undefined;
    // Questions typed while connecting are sent by the automatic retry, never by a later, unrelated session.
    if (!retries) this.pendingText.length = 0;
    this.failure = { code, text };
    this.host.dispatchEvent(new VoiceRagErrorEvent(code, message, retryAfterMs));
    if (code === 'session_expired' || code === 'server_shutdown') {
      this.noticeText = text;
      this.failure = undefined;
      this.setState('ended');
      return;
    }
    this.setState('error');
    if (retries) this.retry.schedule(retryAfterMs, () => void this.start());
  }

  /** Closes the socket, microphone, audio and timers of the current session. */
  protected release(): void {
    this.generation++;
    this.retry.cancel();
    this.page?.stop();
    this.connection.close();
    this.audio.close();
    this.ready = false;
    this.held = false;
    this.host.requestUpdate();
  }

  /** Enters 'speaking' when the current answer produces words or audio. */
  protected beginSpeaking(): void {
    if (!this.audio.dropping && (this.current === 'listening' || this.current === 'searching')) this.setState('speaking');
  }

  /** Shows a non-fatal error; the session goes on. */
  protected showError(code: ErrorCode, text: string, message: string): void {
    this.failure = { code, text };
    this.host.dispatchEvent(new VoiceRagErrorEvent(code, message));
  }

  protected handleAudio(pcm: ArrayBuffer): void {
    // Counted first: playback transfers the buffer, which leaves it empty.
    const bytes = pcm.byteLength;
    if (!this.audio.playAnswer(pcm)) return;
    this.heard.audio(bytes);
    this.beginSpeaking();
  }

  protected handleFrame(pcm: ArrayBuffer, level: number): void {
    if (!this.ready || this.audio.context?.state !== 'running') return;
    if (this.host.halfDuplex && this.current === 'speaking') return;
    if (this.host.pushToTalk && !this.held) return;
    if (this.current === 'listening') this.audio.levels.push(level);
    this.connection.sendAudio(pcm);
  }

  protected handleDrained(): void {
    if (this.audio.answerDone && this.current === 'speaking') this.setState('listening');
  }

  protected handleClose(code: number): void {
    const strings = this.host.strings;
    if (code === ABNORMAL_CLOSURE && this.reconnect()) return;
    const known = CLOSE_CODES[code as keyof CloseCodeTable] as ErrorCode | undefined;
    if (known) this.fail(known, strings.errors[known]);
    else this.fail('upstream_error', strings.connectionLost);
  }

  /** After a drop: flush the answer (the gateway cuts it where it was heard), then resume with backoff. */
  protected reconnect(): boolean {
    const begin = () => {
      this.ready = false;
      void this.audio.interruptAnswer();
      this.setNotice(this.host.strings.reconnecting);
      this.setState('connecting');
    };
    return this.connection.resume(this.ready, begin, () => this.setNotice(''));
  }

  protected handleContextState(context: AudioContext): void {
    // A context suspended by the browser (tab hidden, iOS call) resumes on the next press.
    const resume = this.host.strings.resumeAudio;
    if (context.state !== 'running' && context.state !== 'closed') this.setNotice(resume);
    else if (this.noticeText === resume) this.setNotice('');
  }

  /** Opens the session (session/controller.ts); an automatic retry calls it again. */
  abstract start(options?: { textOnly?: boolean }): Promise<void>;

  /** Applies one gateway message (session/controller.ts). */
  protected abstract handleMessage(message: ServerMessage): void;
}
