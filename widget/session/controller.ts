/** The session of `<voice-rag>` as a Lit reactive controller: lifecycle, audio, barge-in, retries and the transcript. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ErrorCode, ServerMessage } from '../../gateway/protocol.js';
import { ConnectionController, buildSocketUrl } from '../connection.js';
import { VoiceRagErrorEvent, VoiceRagStateEvent } from '../events.js';
import type { SessionView, WidgetState } from '../state.js';
import type { Strings } from '../ui/strings.js';
import { CLOSE_CODES, MAX_TEXT_CHARS } from './protocol-copies.js';
import type { CloseCodeTable } from './protocol-copies.js';
import { ResumeBackoff, RetryCountdown } from './retry.js';
import { SessionAudio } from './audio.js';
import { Transcript } from './transcript.js';
import { HeardText } from './heard.js';
import { AnswerFeedback } from '../feedback.js';
import type { PageWatcher } from '../page/page-watcher.js';
import type { WebrtcCall } from '../webrtc/call.js';
import { VoiceRagTransportEvent, withWebrtc } from '../webrtc/transport.js';

const ACTIVE: readonly WidgetState[] = ['connecting', 'queued', 'listening', 'searching', 'speaking'];
/** A socket that dropped without a close frame (lost network): the session may be resumed (extension `resume`). */
const ABNORMAL_CLOSURE = 1006;
/** How long reconnect attempts go on after a drop; the gateway's grace time decides whether one is still welcome. */
const RESUME_WINDOW_MS = 20_000;

// The origin this script was served from is the gateway unless the `gateway` attribute says otherwise.
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

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

/** Owns one conversation at a time and everything it holds: socket, microphone, `AudioContext`, timers. */
export class SessionController implements ReactiveController {
  readonly #host: SessionHost;
  readonly #connection: ConnectionController;
  readonly #audio: SessionAudio;
  readonly #transcript: Transcript;
  readonly #retry: RetryCountdown;
  readonly #heard = new HeardText();
  /** Thumbs up or down on each answer (extension `feedback`). */
  readonly feedback: AnswerFeedback;
  /** Reports the page the visitor is on (extension `page`); a lazy chunk, loaded when `ready` lists `page`. */
  #page: PageWatcher | undefined;
  #current: WidgetState = 'idle';
  #failure: { code: ErrorCode; text: string } | undefined;
  #noticeText = '';
  #queueWait = 0;
  #typedOnly = false;
  #held = false;
  #ready = false;
  /** Questions typed before `ready`, sent once it arrives. */
  #pendingText: string[] = [];
  /** Settles once the last barge-in's `interrupt` has been sent; typed questions wait for it. */
  #interrupted: Promise<void> = Promise.resolve();
  /** Bumped by every release, so late callbacks of an older session do nothing. */
  #generation = 0;
  /** The WebRTC call of a `transport: webrtc` site (extension `webrtc`); `#socketUrl` is the socket it falls back to. */
  #call: WebrtcCall | undefined;
  /** Set when `webrtc_call` arrives, before the call's lazy chunk has loaded: audio no longer goes on the socket. */
  #onCall = false;
  /** (extension `resume`) The last `ready`'s token and the socket URL it resumes on. */
  #resumeToken: string | undefined;
  #socketUrl = '';
  readonly #resume = new ResumeBackoff();

  constructor(host: SessionHost) {
    this.#host = host;
    this.#connection = new ConnectionController(host, {
      onMessage: (message) => this.#handleMessage(message),
      onAudio: (pcm) => this.#handleAudio(pcm),
      onClose: (code) => this.#handleClose(code),
    });
    this.#audio = new SessionAudio(host, {
      onFrame: (pcm, level) => this.#handleFrame(pcm, level),
      onPlaybackLevel: (level) => this.#current === 'speaking' && this.#audio.levels.push(level),
      onDrained: () => this.#handleDrained(),
      onContextState: (context) => this.#handleContextState(context),
    });
    this.#transcript = new Transcript(host);
    this.#retry = new RetryCountdown(() => host.requestUpdate());
    this.feedback = new AnswerFeedback(host, (message) => this.#connection.send(message));
    host.addController(this);
  }

  /** Where the session is. */
  get state(): WidgetState {
    return this.#current;
  }

  /** Whether a conversation is open or opening. */
  get active(): boolean {
    return ACTIVE.includes(this.#current);
  }

  /** Everything the element shows of the session. */
  get view(): SessionView {
    return {
      state: this.#current,
      active: this.active,
      textOnly: this.#typedOnly,
      talking: this.#held,
      turns: this.#transcript.turns,
      announcement: this.#transcript.announcement,
      error: this.#failure?.text ?? '',
      notice: this.#noticeText,
      countdown: this.#retry.seconds,
      queueSeconds: this.#queueWait,
    };
  }

  /** Whether the microphone is open. */
  get micOpen(): boolean {
    return this.#audio.capture.active;
  }

  /** Whether the socket to the gateway is open. */
  get connected(): boolean {
    return this.#connection.open;
  }

  /** The session's `AudioContext`, from `start()` until the session is released. */
  get audioContext(): AudioContext | undefined {
    return this.#audio.context;
  }

  /** Milliseconds of the current answer played so far, and received but not yet played. */
  get playedMs(): number {
    return this.#audio.playback.playedMs;
  }

  get bufferedMs(): number {
    return this.#audio.playback.bufferedMs;
  }

  /** The smoothed level (0–1) the waveform shows. */
  get level(): number {
    return this.#audio.levels.level;
  }

  /** Draws the waveform on `canvas` while the mic listens or the answer plays. */
  drawLevels(canvas: HTMLCanvasElement | undefined): void {
    const listening = this.#current === 'listening' && this.#audio.capture.active;
    this.#audio.levels.attach(canvas, listening || this.#current === 'speaking');
  }

  hostDisconnected(): void {
    this.#release();
    if (this.active) this.#setState('ended');
  }

  /** Opens the session (socket, and the microphone unless `textOnly`); call it from a user gesture. */
  async start(options: { textOnly?: boolean } = {}): Promise<void> {
    if (this.active) return;
    // The microphone asks on its own (openMic); a typed session asks here when the site says so.
    const consent = options.textOnly ? (this.#host.requestConsent?.('typed') ?? true) : true;
    if (consent !== true && !(await consent)) return void (this.#pendingText.length = 0);
    if (this.active) return;
    this.#release();
    const generation = this.#generation;
    this.#failure = undefined;
    this.#noticeText = '';
    this.#typedOnly = options.textOnly ?? false;
    this.#setState('connecting');
    // Created inside the gesture: Safari and iOS only start audio from one.
    this.#audio.open();
    if (!this.#typedOnly) this.openMic();
    const host = this.#host;
    let token = host.token;
    try {
      if (host.tokenProvider) token = await host.tokenProvider();
    } catch {
      if (generation === this.#generation) this.#fail('unauthorized', this.#host.strings.errors.unauthorized);
      return;
    }
    if (generation !== this.#generation) return;
    try {
      // A typed-only session asks for text answers; the first mic frame makes them spoken.
      this.#socketUrl = buildSocketUrl(host.gateway || SCRIPT_ORIGIN, host.site, token || undefined, this.#typedOnly ? 'text' : undefined);
      this.#connection.connect(this.#typedOnly ? this.#socketUrl : withWebrtc(this.#socketUrl));
    } catch (error) {
      // A malformed `gateway` attribute: an error state with the mic released, not a hang in `connecting`.
      this.#fail('upstream_unavailable', this.#host.strings.errors.upstream_unavailable, undefined, String(error));
    }
  }

  /** Ends the session, telling the gateway how much of an answer in progress was heard. */
  async stop(): Promise<void> {
    if (!this.active && this.#current !== 'error') return;
    this.#pendingText.length = 0;
    if (this.#current === 'speaking' || this.#audio.playback.bufferedMs > 0) await this.#bargeIn();
    this.#release();
    this.#setState('ended');
  }

  /** Sends a typed question, starting a text-only session if none is open. */
  sendText(text: string): void {
    const trimmed = text.trim().slice(0, MAX_TEXT_CHARS);
    if (!trimmed) return;
    if (this.#ready && this.#connection.open) {
      if (this.#current === 'speaking') void this.#bargeIn();
      // The interrupt must reach the gateway first, or it would cancel the answer to this question.
      const generation = this.#generation;
      void this.#interrupted.then(() => {
        if (generation === this.#generation) this.#connection.send({ type: 'text', text: trimmed });
      });
      return;
    }
    this.#pendingText.push(trimmed);
    if (!this.active) void this.start({ textOnly: true });
  }

  /** Resumes an audio context the browser suspended; true when there was one to resume. */
  resumeAudio(): boolean {
    return this.active && this.#audio.resume();
  }

  /** Opens the microphone in the current session. */
  openMic(): void {
    const generation = this.#generation;
    const consent = this.#host.requestConsent?.('mic') ?? true;
    if (consent !== true) return void consent.then((agreed) => generation === this.#generation && (agreed ? this.openMic() : this.#consentDeclined()));
    const context = this.#audio.context;
    if (!context) return;
    this.#typedOnly = false;
    // The waveform starts once the mic is open, which may be after `ready`.
    this.#audio.capture.start(context).then(
      () => this.#host.requestUpdate(),
      () => {
        if (generation === this.#generation) this.#setNotice(this.#host.strings.micUnavailable);
      },
    );
  }

  /** Push-to-talk: holding interrupts an answer; releasing sends `commit`. */
  hold(down: boolean): void {
    if (down === this.#held) return;
    if (down && this.#current === 'speaking') void this.#bargeIn();
    this.#held = down;
    this.#host.requestUpdate();
    if (!down && this.#ready) this.#connection.send({ type: 'commit' });
  }

  /** No agreement: the microphone stays off and the session goes on for typing. */
  #consentDeclined(): void {
    this.#typedOnly = true;
    this.#setNotice(this.#host.strings.consentDeclined);
  }

  /** Flushes playback now and tells the gateway how much of the answer was heard. */
  #bargeIn(): Promise<void> {
    // On a WebRTC call the service stops and truncates its own audio at what was played.
    if (this.#onCall) return Promise.resolve();
    this.#interrupted = this.#audio.interruptAnswer().then((playedMs) => {
      this.#connection.send({ type: 'interrupt', played_ms: playedMs });
      const heard = this.#heard.cut(playedMs);
      if (heard && !heard.whole) this.#transcript.interrupt(heard.itemId, heard.text, this.#host.strings);
      this.#host.requestUpdate();
    });
    return this.#interrupted;
  }

  #setState(next: WidgetState): void {
    if (next === this.#current) return;
    this.#current = next;
    if (next !== 'error') this.#transcript.announcement = this.#host.strings.state[next];
    this.#host.requestUpdate();
    this.#host.dispatchEvent(new VoiceRagStateEvent(next));
  }

  #setNotice(text: string): void {
    this.#noticeText = text;
    this.#host.requestUpdate();
  }

  /** Ends the session on an error; rate limits and budgets retry by themselves after the wait. */
  #fail(code: ErrorCode, text: string, retryAfterMs?: number, message = text): void {
    this.#release();
    const retries = (code === 'rate_limited' || code === 'over_budget') && retryAfterMs !== undefined;
    // Questions typed while connecting are sent by the automatic retry, never by a later, unrelated session.
    if (!retries) this.#pendingText.length = 0;
    this.#failure = { code, text };
    this.#host.dispatchEvent(new VoiceRagErrorEvent(code, message, retryAfterMs));
    if (code === 'session_expired' || code === 'server_shutdown') {
      this.#noticeText = text;
      this.#failure = undefined;
      this.#setState('ended');
      return;
    }
    this.#setState('error');
    if (retries) this.#retry.schedule(retryAfterMs, () => void this.start());
  }

  /** Closes the socket, microphone, audio and timers of the current session. */
  #release(): void {
    this.#generation++;
    this.#retry.cancel();
    this.#resume.cancel();
    this.#resumeToken = undefined;
    this.#page?.stop();
    this.#connection.close();
    this.#call?.close();
    this.#call = undefined;
    this.#onCall = false;
    this.#audio.close();
    this.#ready = false;
    this.#held = false;
    this.#host.requestUpdate();
  }

  /** Enters 'speaking' when the current answer produces words or audio. */
  #beginSpeaking(): void {
    if (!this.#audio.dropping && (this.#current === 'listening' || this.#current === 'searching')) this.#setState('speaking');
  }

  /** Applies one gateway message. Unknown types are ignored (forward compatibility). */
  #handleMessage(message: ServerMessage): void {
    const strings = this.#host.strings;
    switch (message.type) {
      case 'webrtc_call':
        this.#startCall(message.ticket);
        break;
      case 'queued':
        this.#queueWait = Math.max(1, Math.ceil(message.retry_in_ms / 1000));
        this.#setState('queued');
        break;
      case 'ready':
        this.#resumeToken = message.extensions?.includes('resume') ? message.resume_token : undefined;
        if (this.#resume.active) this.#setNotice('');
        this.#resume.cancel();
        this.#ready = true;
        this.feedback.reset(message.extensions?.includes('feedback') ?? false);
        this.#queueWait = 0;
        this.#setState('listening');
        if (message.extensions?.includes('page')) this.#watchPage();
        for (const text of this.#pendingText.splice(0)) this.#connection.send({ type: 'text', text });
        break;
      case 'renewing':
        this.#setNotice(strings.renewing);
        break;
      case 'renewed':
        if (this.#noticeText === strings.renewing) this.#setNotice('');
        break;
      case 'speech_started':
        if (this.#current === 'speaking' || this.#audio.playback.bufferedMs > 0) void this.#bargeIn();
        if (this.#current === 'speaking') this.#setState('listening');
        break;
      case 'user_transcript':
        this.#transcript.upsert(message.item_id, 'user', message.text, message.final, strings);
        break;
      case 'searching':
        this.#setState('searching');
        break;
      case 'response_started':
        this.#audio.startAnswer(message.response_id);
        this.#heard.start();
        this.feedback.responseStarted(message.response_id);
        // 'speaking' waits for the answer's first words or audio: a response that only calls a
        // tool (search) says nothing, and the visitor should keep seeing "looking it up".
        break;
      case 'assistant_transcript':
        this.#beginSpeaking();
        this.feedback.assistantItem(message.item_id);
        this.#heard.text(message.item_id, message.delta);
        this.#transcript.appendAssistant(message.item_id, message.delta, strings);
        break;
      case 'assistant_transcript_done':
        this.feedback.assistantItem(message.item_id);
        this.#heard.done(message.item_id, message.text);
        this.#transcript.upsert(message.item_id, 'assistant', message.text, true, strings);
        break;
      case 'citations':
        this.#transcript.setSources(message.item_id, message.sources);
        break;
      case 'response_done':
        // Otherwise the state returns to listening when the last buffered audio has been heard.
        if (this.#audio.endAnswer(message.response_id, message.status === 'cancelled') && this.#current === 'speaking') {
          this.#setState('listening');
        }
        break;
      case 'page_tool_call': {
        const generation = this.#generation;
        // A lazy chunk: pages whose site has no page tools never download it.
        void import('../page-tools.js')
          .then(({ runPageTool }) => runPageTool(this.#host, message))
          .then((reply) => generation === this.#generation && this.#connection.send(reply));
        break;
      }
      case 'error': {
        const text = strings.errors[message.code] ?? strings.errors.internal;
        if (message.fatal) this.#fail(message.code, text, message.retry_after_ms, message.message);
        else this.#showError(message.code, text, message.message);
        break;
      }
    }
    this.#host.requestUpdate();
  }

  /** Shows a non-fatal error; the session goes on. */
  #showError(code: ErrorCode, text: string, message: string): void {
    this.#failure = { code, text };
    this.#host.dispatchEvent(new VoiceRagErrorEvent(code, message));
  }

  #handleAudio(pcm: ArrayBuffer): void {
    // Counted first: playback transfers the buffer, which leaves it empty.
    const bytes = pcm.byteLength;
    if (!this.#audio.playAnswer(pcm)) return;
    this.#heard.audio(bytes);
    this.#beginSpeaking();
  }

  #handleFrame(pcm: ArrayBuffer, level: number): void {
    if (!this.#ready || this.#audio.context?.state !== 'running') return;
    if (this.#host.halfDuplex && this.#current === 'speaking') return;
    if (this.#host.pushToTalk && !this.#held) return;
    if (this.#current === 'listening') this.#audio.levels.push(level);
    if (!this.#onCall) this.#connection.sendAudio(pcm);
  }

  /** Places the WebRTC call (a lazy chunk); if it cannot connect, reopens the session on the socket transport. */
  #startCall(ticket: string): void {
    const generation = this.#generation;
    const context = this.#audio.context;
    if (!context) return;
    const host = this.#host;
    this.#onCall = true;
    const onLevel = (level: number) => this.#current === 'speaking' && this.#audio.levels.push(level);
    const onFailed = (reason: string) => {
      if (generation !== this.#generation) return;
      this.#call = undefined;
      this.#onCall = false;
      this.#ready = false;
      host.dispatchEvent(new VoiceRagTransportEvent(reason));
      this.#connection.connect(this.#socketUrl);
    };
    import('../webrtc/call.js').then(
      ({ WebrtcCall }) => {
        if (generation !== this.#generation) return;
        this.#call = new WebrtcCall({ gateway: host.gateway || SCRIPT_ORIGIN, site: host.site, ticket, context, onLevel, onFailed });
        void this.#call.start();
      },
      () => onFailed('the WebRTC module could not be loaded'),
    );
  }

  #watchPage(): void {
    const generation = this.#generation;
    void import('../page/page-watcher.js').then(({ PageWatcher }) => {
      if (generation !== this.#generation) return;
      this.#page ??= new PageWatcher();
      this.#page.start((page) => this.#connection.send(page));
    });
  }

  #handleDrained(): void {
    if (this.#audio.answerDone && this.#current === 'speaking') this.#setState('listening');
  }

  #handleClose(code: number): void {
    const strings = this.#host.strings;
    if (code === ABNORMAL_CLOSURE && this.#reconnect()) return;
    const known = CLOSE_CODES[code as keyof CloseCodeTable] as ErrorCode | undefined;
    if (known) this.#fail(known, strings.errors[known]);
    else this.#fail('upstream_error', strings.connectionLost);
  }

  /** After a drop: flush the answer (the gateway cuts it where it was heard), then resume with backoff. */
  #reconnect(): boolean {
    const token = this.#resumeToken;
    if (!token || (!this.#ready && !this.#resume.active)) return false;
    if (!this.#resume.active) {
      this.#resume.begin(RESUME_WINDOW_MS);
      this.#ready = false;
      void this.#audio.interruptAnswer();
      this.#setNotice(this.#host.strings.reconnecting);
      this.#setState('connecting');
    }
    const url = new URL(this.#socketUrl);
    url.searchParams.set('resume', token);
    if (this.#resume.next(() => this.#connection.connect(url.href))) return true;
    this.#setNotice('');
    return false;
  }

  #handleContextState(context: AudioContext): void {
    // A context suspended by the browser (tab hidden, iOS call) resumes on the next press.
    const resume = this.#host.strings.resumeAudio;
    if (context.state !== 'running' && context.state !== 'closed') this.#setNotice(resume);
    else if (this.#noticeText === resume) this.#setNotice('');
  }
}
