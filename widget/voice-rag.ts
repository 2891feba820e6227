/**
 * `<voice-rag>`: a voice assistant grounded in a site's documents, talking widget protocol v1 to
 * the voice-rag gateway.
 */
import { LitElement } from 'lit';
import type { PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { ErrorCode, ServerMessage } from '../gateway/protocol.js';
import { CaptureController } from './audio/capture.js';
import { LevelsController } from './audio/levels.js';
import { PlaybackController } from './audio/playback.js';
import { createAudioContext } from './audio/worklets.js';
import { ConnectionController, buildSocketUrl } from './connection.js';
import { VoiceRagErrorEvent, VoiceRagStateEvent } from './events.js';
import { applyServerMessage, beginSpeaking } from './session.js';
import type { SessionHost } from './session.js';
import type { Turn, WidgetState } from './state.js';
import { stringsFor } from './ui/strings.js';
import type { Strings } from './ui/strings.js';
import { renderPanel } from './ui/panel.js';
import { voiceRagStyles } from './ui/voice-rag.styles.js';

/** Close codes of PROTOCOL.md, copied: the widget imports nothing at run time from the gateway. */
const CLOSE_CODES: Record<number, ErrorCode> = {
  4400: 'bad_message', 4401: 'unauthorized', 4402: 'over_budget', 4408: 'session_expired', 4429: 'rate_limited',
  4502: 'upstream_error', 4503: 'upstream_unavailable', 1001: 'server_shutdown', 1011: 'internal',
};
const MAX_TEXT_CHARS = 2000;
const MIN_RETRY_MS = 1000;
const ACTIVE: readonly WidgetState[] = ['connecting', 'queued', 'listening', 'searching', 'speaking'];
// The origin this script was served from is the gateway unless the `gateway` attribute says otherwise.
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

/** Async function returning a fresh token, called before each connect. */
export type TokenProvider = () => string | Promise<string>;

/**
 * @summary A microphone button, waveform, transcript with sources and a text box, connected to a voice-rag gateway.
 *
 * @attr site - Site id configured on the gateway (required).
 * @attr gateway - Gateway base URL; defaults to the origin `voice-rag.js` was loaded from.
 * @attr token - Token for sites with `auth: jwt` (see also the `tokenProvider` property).
 * @attr mode - `inline` (default) or `floating` (a launcher in a corner opening a panel).
 * @attr position - Floating corner: `bottom-right` (default), `bottom-left`, `top-right`, `top-left`.
 * @attr theme - `auto` (default, follows the OS), `light` or `dark`.
 * @attr accent - Accent colour (any CSS colour); overrides `--voice-rag-accent`.
 * @attr lang - Language of the UI strings (`en`, `ja`); defaults to the page's `<html lang>`.
 * @attr label - Accessible name of the widget.
 * @attr no-transcript - Hides the transcript and citations.
 * @attr no-text-input - Hides the text box.
 * @attr push-to-talk - Hold the mic button to talk; release sends `commit` (site needs manual turn detection).
 * @attr half-duplex - Mutes the microphone while the assistant speaks.
 *
 * @prop tokenProvider - Async function returning a token, called before each connect.
 *
 * @event voice-rag-state - The state changed: `event.state`.
 * @event voice-rag-transcript - A final visitor or assistant text: `event.role`, `event.text`, `event.itemId`.
 * @event voice-rag-citations - Sources of an answer: `event.itemId`, `event.sources`.
 * @event voice-rag-error - An error: `event.code`, `event.message`, `event.retryAfterMs`.
 *
 * @csspart mic-button - The microphone button.
 * @csspart waveform - The level canvas.
 * @csspart transcript - The transcript list.
 * @csspart citations - The source list under each answer.
 * @csspart text-input - The text form.
 * @csspart status - The status line.
 * @csspart launcher - The floating-mode launcher button.
 *
 * @cssproperty --voice-rag-accent - Accent colour.
 * @cssproperty --voice-rag-on-accent - Text colour on the accent.
 * @cssproperty --voice-rag-background - Panel background.
 * @cssproperty --voice-rag-foreground - Text colour.
 * @cssproperty --voice-rag-muted - Secondary text colour.
 * @cssproperty --voice-rag-border - Border colour.
 * @cssproperty --voice-rag-danger - Error text colour.
 * @cssproperty --voice-rag-radius - Corner radius.
 * @cssproperty --voice-rag-font - Font family.
 * @cssproperty --voice-rag-size - Size of the mic and launcher buttons.
 * @cssproperty --voice-rag-width - Panel width.
 * @cssproperty --voice-rag-max-height - Floating panel height limit.
 * @cssproperty --voice-rag-shadow - Floating panel shadow.
 * @cssproperty --voice-rag-z-index - Floating stacking order.
 *
 * @method start - Opens the session (socket, microphone); call it from a user gesture.
 * @method stop - Ends the session and releases the microphone, audio and socket.
 * @method sendText - Sends a typed question, starting a text-only session if none is open.
 */
export class VoiceRag extends LitElement implements SessionHost {
  static override styles = voiceRagStyles;

  /** @internal */ readonly connection = new ConnectionController(this, {
    onMessage: (message) => this.handleMessage(message),
    onAudio: (pcm) => this.handleAudio(pcm),
    onClose: (code) => this.handleClose(code),
  });
  /** @internal */ readonly capture = new CaptureController(this, (pcm, level) => this.handleFrame(pcm, level));
  /** @internal */ readonly playback = new PlaybackController(this, {
    onLevel: (level) => this.current === 'speaking' && this.levels.push(level),
    onDrained: () => this.handleDrained(),
  });
  /** @internal */ readonly levels = new LevelsController(this);
  /** @internal */ context: AudioContext | undefined;
  /** @internal */ ready = false;
  /** @internal */ responseId: string | undefined;
  /** @internal */ responseDone = false;
  /** @internal */ dropAudio = false;
  private pendingText: string[] = [];
  /** Settles once the last barge-in's `interrupt` has been sent; typed questions wait for it. */
  private interrupted: Promise<void> = Promise.resolve();
  private generation = 0;
  private retryTimer: ReturnType<typeof setInterval> | undefined;

  @query('canvas') private canvas?: HTMLCanvasElement;
  @query('.launcher') private launcher?: HTMLButtonElement;

  @state() /** @internal */ current: WidgetState = 'idle';
  @state() /** @internal */ turns: Turn[] = [];
  @state() private error: { code: ErrorCode; text: string } | undefined;
  @state() private countdown = 0;
  @state() private notice = '';
  @state() /** @internal */ announcement = '';
  @state() private open = false;
  @state() private talking = false;
  @state() /** @internal */ queueSeconds = 0;
  /** A session opened by typing holds no microphone until the mic button is pressed. */
  @state() private textOnly = false;

  @property({ reflect: true }) site = '';
  @property() gateway = '';
  @property() token = '';
  @property({ attribute: false }) tokenProvider: TokenProvider | undefined;
  @property({ reflect: true }) mode: 'inline' | 'floating' = 'inline';
  @property({ reflect: true }) position: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' = 'bottom-right';
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  @property() accent = '';
  @property() override lang = '';
  @property() label = '';
  @property({ type: Boolean, reflect: true, attribute: 'no-transcript' }) noTranscript = false;
  @property({ type: Boolean, reflect: true, attribute: 'no-text-input' }) noTextInput = false;
  @property({ type: Boolean, reflect: true, attribute: 'push-to-talk' }) pushToTalk = false;
  @property({ type: Boolean, reflect: true, attribute: 'half-duplex' }) halfDuplex = false;

  /** The current state of the session. */
  get state(): WidgetState {
    return this.current;
  }

  /** @internal The strings table for the element's language. */
  get strings(): Strings {
    return stringsFor(this.lang || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.handleKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.handleKeydown);
    // Controllers close the socket and mic; the context and timers are the element's own.
    this.release();
    if (ACTIVE.includes(this.current)) this.setState('ended');
  }

  override updated(changed: PropertyValues<this>): void {
    const base = this.renderRoot.querySelector<HTMLElement>('.base');
    if (this.accent) base?.style.setProperty('--accent', this.accent);
    else base?.style.removeProperty('--accent');
    const speaking = this.current === 'speaking';
    this.levels.attach(this.canvas, (this.current === 'listening' && this.capture.active) || speaking);
    // Only new text scrolls: a countdown tick must not yank a visitor back from an older answer.
    const list = changed.has('turns') ? this.renderRoot.querySelector('.transcript') : null;
    if (list) list.scrollTop = list.scrollHeight;
  }

  /** @internal Moves to `next`, announcing it and firing `voice-rag-state`. */
  setState(next: WidgetState): void {
    if (next === this.current) return;
    this.current = next;
    if (next !== 'error') this.announcement = this.strings.state[next];
    this.dispatchEvent(new VoiceRagStateEvent(next));
  }

  /** @internal Called on `ready`: sends what was typed while connecting. */
  flushPendingText(): void {
    for (const text of this.pendingText.splice(0)) this.connection.send({ type: 'text', text });
  }

  /** @internal Flushes playback now and tells the gateway how much of the answer was heard. */
  bargeIn(): Promise<void> {
    this.dropAudio = true;
    this.interrupted = this.playback.flush().then((playedMs) => {
      this.connection.send({ type: 'interrupt', played_ms: playedMs });
    });
    return this.interrupted;
  }

  /** @internal Ends the session on an error; rate limits and budgets retry by themselves after the wait. */
  fail(code: ErrorCode, text: string, retryAfterMs?: number, message = text): void {
    this.release();
    const retries = (code === 'rate_limited' || code === 'over_budget') && retryAfterMs !== undefined;
    // Questions typed while connecting are sent by the automatic retry, never by a later, unrelated session.
    if (!retries) this.pendingText.length = 0;
    this.error = { code, text };
    this.dispatchEvent(new VoiceRagErrorEvent(code, message, retryAfterMs));
    if (code === 'session_expired' || code === 'server_shutdown') {
      this.notice = text;
      this.error = undefined;
      this.setState('ended');
      return;
    }
    this.setState('error');
    if (retries) {
      // A floor, so a gateway answering `retry_after_ms: 0` again and again is not hammered.
      const retryAt = Date.now() + Math.max(MIN_RETRY_MS, retryAfterMs);
      const tick = (): void => {
        this.countdown = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
        if (Date.now() < retryAt) return;
        this.clearRetry();
        void this.start();
      };
      this.retryTimer = setInterval(tick, 250);
      tick();
    }
  }

  /** @internal Shows a non-fatal error; the session goes on. */
  showError(code: ErrorCode, text: string, message: string): void {
    this.error = { code, text };
    this.dispatchEvent(new VoiceRagErrorEvent(code, message));
  }

  private release(): void {
    this.generation++;
    this.clearRetry();
    this.connection.close();
    this.capture.stop();
    this.playback.stop();
    const context = this.context;
    this.context = undefined;
    if (context) {
      context.onstatechange = null;
      void context.close().catch(() => undefined);
    }
    this.ready = false;
    this.talking = false;
    this.responseId = undefined;
    this.dropAudio = false;
    this.levels.attach(undefined, false);
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    this.countdown = 0;
  }

  private handleMessage(message: ServerMessage): void {
    applyServerMessage(this, message);
  }

  private handleAudio(pcm: ArrayBuffer): void {
    if (this.dropAudio || this.responseId === undefined) return;
    beginSpeaking(this);
    this.playback.push(pcm);
  }

  private handleFrame(pcm: ArrayBuffer, level: number): void {
    if (!this.ready || this.context?.state !== 'running') return;
    if (this.halfDuplex && this.current === 'speaking') return;
    if (this.pushToTalk && !this.talking) return;
    if (this.current === 'listening') this.levels.push(level);
    this.connection.sendAudio(pcm);
  }

  private handleDrained(): void {
    if (this.responseDone && this.current === 'speaking') this.setState('listening');
  }

  private handleClose(code: number): void {
    const known = CLOSE_CODES[code];
    if (known) this.fail(known, this.strings.errors[known]);
    else this.fail('upstream_error', this.strings.connectionLost);
  }

  private handleContextState(context: AudioContext): void {
    // A context suspended by the browser (tab hidden, iOS call) resumes on the next press.
    if (context.state !== 'running' && context.state !== 'closed') this.notice = this.strings.resumeAudio;
    else if (this.notice === this.strings.resumeAudio) this.notice = '';
  }

  private readonly handleKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    // Escape also cancels a pending automatic retry, which would otherwise reopen the microphone.
    if (ACTIVE.includes(this.current) || this.retryTimer !== undefined) void this.stop();
    else if (this.mode === 'floating' && this.open) {
      this.open = false;
      this.launcher?.focus();
    }
  };

  private handleMicClick(): void {
    if (this.pushToTalk) return;
    if (this.context && this.context.state === 'suspended' && ACTIVE.includes(this.current)) {
      void this.context.resume();
      return;
    }
    if (this.textOnly && ACTIVE.includes(this.current)) this.openMic();
    else if (ACTIVE.includes(this.current)) void this.stop();
    else void this.start();
  }

  private handleTalk(down: boolean): void {
    if (!this.pushToTalk) return;
    // Push-to-talk never reaches handleMicClick; a suspended context resumes here, and pointerup
    // counts as a gesture on touch screens where pointerdown does not.
    if (this.context?.state === 'suspended' && ACTIVE.includes(this.current)) void this.context.resume();
    if (down === this.talking) return;
    if (down && this.textOnly && ACTIVE.includes(this.current)) this.openMic();
    // start() releases the previous session synchronously, so `talking` is set after it.
    if (down && !ACTIVE.includes(this.current)) void this.start();
    else if (down && this.current === 'speaking') void this.bargeIn();
    this.talking = down;
    if (!down && this.ready) this.connection.send({ type: 'commit' });
  }

  /** Opens the microphone in the current session. */
  private openMic(): void {
    const generation = this.generation;
    const context = this.context;
    if (!context) return;
    this.textOnly = false;
    // The waveform starts once the mic is open, which may be after `ready`.
    this.capture.start(context).then(
      () => this.requestUpdate(),
      () => {
        if (generation === this.generation) this.notice = this.strings.micUnavailable;
      },
    );
  }

  /** Opens the session (socket, microphone); call it from a user gesture. */
  async start(options: { textOnly?: boolean } = {}): Promise<void> {
    if (ACTIVE.includes(this.current)) return;
    this.release();
    const generation = ++this.generation;
    this.error = undefined;
    this.notice = '';
    this.ready = false;
    this.textOnly = options.textOnly ?? false;
    this.setState('connecting');
    // Created inside the gesture: Safari and iOS only start audio from one.
    const context = (this.context = createAudioContext());
    context.onstatechange = () => this.handleContextState(context);
    void this.playback.start(context).catch(() => undefined);
    if (!this.textOnly) this.openMic();
    let token = this.token;
    try {
      if (this.tokenProvider) token = await this.tokenProvider();
    } catch {
      if (generation === this.generation) this.fail('unauthorized', this.strings.errors.unauthorized);
      return;
    }
    if (generation !== this.generation) return;
    try {
      this.connection.connect(buildSocketUrl(this.gateway || SCRIPT_ORIGIN, this.site, token || undefined));
    } catch (error) {
      // A malformed `gateway` attribute: an error state with the mic released, not a hang in `connecting`.
      this.fail('upstream_unavailable', this.strings.errors.upstream_unavailable, undefined, String(error));
    }
  }

  /** Ends the session and releases the microphone, audio and socket. */
  async stop(): Promise<void> {
    if (!ACTIVE.includes(this.current) && this.current !== 'error') return;
    this.pendingText.length = 0;
    if (this.current === 'speaking' || this.playback.bufferedMs > 0) await this.bargeIn();
    this.release();
    this.setState('ended');
  }

  /** Sends a typed question, starting a text-only session if none is open. */
  sendText(text: string): void {
    const trimmed = text.trim().slice(0, MAX_TEXT_CHARS);
    if (!trimmed) return;
    if (this.ready && this.connection.open) {
      if (this.current === 'speaking') void this.bargeIn();
      // The interrupt must reach the gateway first, or it would cancel the answer to this question.
      const generation = this.generation;
      void this.interrupted.then(() => {
        if (generation === this.generation) this.connection.send({ type: 'text', text: trimmed });
      });
      return;
    }
    this.pendingText.push(trimmed);
    if (!ACTIVE.includes(this.current)) void this.start({ textOnly: true });
  }

  override render() {
    // The mic button offers "stop" only when the microphone is part of the session.
    const active = ACTIVE.includes(this.current) && !this.textOnly;
    return renderPanel({
      strings: this.strings,
      state: this.current,
      active,
      pressed: this.pushToTalk ? this.talking : active,
      talking: this.talking,
      pushToTalk: this.pushToTalk,
      floating: this.mode === 'floating',
      open: this.open,
      label: this.label,
      countdown: this.countdown,
      queueSeconds: this.queueSeconds,
      notice: this.notice,
      error: this.error?.text ?? '',
      announcement: this.announcement,
      turns: this.noTranscript ? undefined : this.turns,
      textInput: !this.noTextInput,
      onMic: () => this.handleMicClick(),
      onTalk: (down) => this.handleTalk(down),
      onEnd: () => void this.stop(),
      onSubmit: (text) => this.sendText(text),
      onToggle: () => (this.open = !this.open),
    });
  }
}
