/**
 * `<voice-rag>`: a voice assistant grounded in a site's documents, talking widget protocol v1 to
 * the voice-rag gateway.
 */
import { LitElement } from 'lit';
import { ConsentController, type ConsentKind } from './consent-controller.js';
import { SessionController } from './session/controller.js';
import type { WidgetState } from './state.js';
import { stringsFor } from './ui/strings.js';
import type { Strings } from './ui/strings.js';
import { renderPanel } from './ui/panel.js';
import { voiceRagStyles } from './ui/voice-rag.styles.js';

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
 * @attr consent-text - Consent notice text shown before the microphone first opens; overrides the site's `consent.text`, or asks on its own.
 *
 * @prop tokenProvider - Async function returning a token, called before each connect.
 * @prop session - The session controller (read-only): `state`, `turns`, `playedMs`, `micOpen`, `audioContext`…
 *
 * @event voice-rag-state - The state changed: `event.state`.
 * @event voice-rag-transcript - A final visitor or assistant text: `event.role`, `event.text`, `event.itemId`, `event.interrupted`.
 * @event voice-rag-citations - Sources of an answer: `event.itemId`, `event.sources`.
 * @event voice-rag-error - An error: `event.code`, `event.message`, `event.retryAfterMs`.
 * @event voice-rag-tool - The assistant asks the page to run a page tool: `event.name`, `event.args`, `event.respond(result)`; `preventDefault()` refuses.
 *
 * @csspart mic-button - The microphone button.
 * @csspart waveform - The level canvas.
 * @csspart transcript - The transcript list.
 * @csspart citations - The source list under each answer.
 * @csspart interrupted - The mark after an answer the visitor interrupted.
 * @csspart text-input - The text form.
 * @csspart status - The status line.
 * @csspart launcher - The floating-mode launcher button.
 * @csspart consent - The consent notice shown before the microphone first opens.
 * @csspart feedback - The thumbs up and down under an answer.
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
export class VoiceRag extends LitElement {
  static override styles = voiceRagStyles;
  // Declared here rather than with decorators: the decorator helpers would weigh on the first load.
  static override properties = {
    open: { state: true },
    site: { reflect: true },
    gateway: {},
    token: {},
    tokenProvider: { attribute: false },
    mode: { reflect: true },
    position: { reflect: true },
    theme: { reflect: true },
    accent: {},
    lang: {},
    label: {},
    noTranscript: { type: Boolean, reflect: true, attribute: 'no-transcript' },
    noTextInput: { type: Boolean, reflect: true, attribute: 'no-text-input' },
    pushToTalk: { type: Boolean, reflect: true, attribute: 'push-to-talk' },
    halfDuplex: { type: Boolean, reflect: true, attribute: 'half-duplex' },
    consentText: { attribute: 'consent-text' },
  };

  /** The session: lifecycle, audio, transcript; read its state, or drive it like the element's methods do. */
  readonly session: SessionController = new SessionController(this);
  readonly #consent = new ConsentController(this);

  /** Looked up when needed, not with `@query`: a decorator module less in the first load. */
  #find<T extends Element>(selector: string): T | undefined {
    return this.renderRoot.querySelector<T>(selector) ?? undefined;
  }
  private open = false;
  /** The turns last rendered: only new text scrolls the transcript. */
  #shownTurns: unknown;

  site = '';
  gateway = '';
  token = '';
  tokenProvider: TokenProvider | undefined;
  mode: 'inline' | 'floating' = 'inline';
  position: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' = 'bottom-right';
  theme: 'light' | 'dark' | 'auto' = 'auto';
  accent = '';
  override lang = '';
  label = '';
  noTranscript = false;
  noTextInput = false;
  pushToTalk = false;
  halfDuplex = false;
  consentText = '';

  /** The current state of the session. */
  get state(): WidgetState {
    return this.session.state;
  }

  /** The UI strings for the element's language. */
  get strings(): Strings {
    return stringsFor(this.noticeLang);
  }

  /** The element's language (its `lang`, an ancestor's, or the page's). */
  get noticeLang(): string {
    return this.lang || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
  }

  /** The consent gate the session asks before the mic (and typed questions, when the site says so). */
  requestConsent(kind: ConsentKind): true | Promise<boolean> {
    return this.#consent.request(kind);
  }

  constructor() {
    super();
    // On the element itself, so it needs no removal: a detached element gets no key presses.
    this.addEventListener('keydown', this.#handleKeydown);
  }

  override updated(): void {
    const base = this.renderRoot.querySelector<HTMLElement>('.base');
    if (this.accent) base?.style.setProperty('--accent', this.accent);
    else base?.style.removeProperty('--accent');
    this.session.drawLevels(this.#find<HTMLCanvasElement>('canvas'));
    // Only new text scrolls: a countdown tick must not yank a visitor back from an older answer.
    const turns = this.session.view.turns;
    if (turns === this.#shownTurns) return;
    this.#shownTurns = turns;
    const list = this.renderRoot.querySelector('.transcript');
    if (list) list.scrollTop = list.scrollHeight;
  }

  readonly #handleKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    if (this.#consent.asking) return this.#consent.decline();
    // Escape also cancels a pending automatic retry, which would otherwise reopen the microphone.
    if (this.session.active || this.session.view.countdown > 0) void this.stop();
    else if (this.mode === 'floating' && this.open) {
      this.open = false;
      this.#find<HTMLButtonElement>('.launcher')?.focus();
    }
  };

  #handleMicClick(): void {
    const session = this.session;
    const { active, textOnly } = session.view;
    if (this.pushToTalk) return;
    // A session opened by typing may have a context the browser suspended (Firefox, without a
    // gesture): this press resumes it and opens the microphone at once.
    if (textOnly && active) {
      session.resumeAudio();
      return session.openMic();
    }
    if (session.resumeAudio()) return;
    if (active) void this.stop();
    else void this.start();
  }

  #handleTalk(down: boolean): void {
    const session = this.session;
    const { active, textOnly, talking } = session.view;
    if (!this.pushToTalk) return;
    // Push-to-talk never reaches handleMicClick; a suspended context resumes here, and pointerup
    // counts as a gesture on touch screens where pointerdown does not.
    session.resumeAudio();
    if (down === talking) return;
    if (down && textOnly && active) session.openMic();
    // start() releases the previous session synchronously, so the hold is recorded after it.
    if (down && !active) void this.start();
    session.hold(down);
  }

  /** Opens the session (socket, microphone); call it from a user gesture. */
  start(options: { textOnly?: boolean } = {}): Promise<void> {
    return this.session.start(options);
  }

  /** Ends the session and releases the microphone, audio and socket. */
  stop(): Promise<void> {
    return this.session.stop();
  }

  /** Sends a typed question, starting a text-only session if none is open. */
  sendText(text: string): void {
    this.session.sendText(text);
  }

  override render() {
    const view = this.session.view;
    // The mic button offers "stop" only when the microphone is part of the session.
    const active = view.active && !view.textOnly;
    return renderPanel({
      ...view,
      strings: this.strings,
      active,
      pressed: this.pushToTalk ? view.talking : active,
      pushToTalk: this.pushToTalk,
      floating: this.mode === 'floating',
      open: this.open,
      label: this.label,
      turns: this.noTranscript ? undefined : view.turns,
      textInput: !this.noTextInput,
      onMic: () => this.#handleMicClick(),
      onTalk: (down) => this.#handleTalk(down),
      onEnd: () => void this.stop(),
      onSubmit: (text) => this.sendText(text),
      onToggle: () => (this.open = !this.open),
      consent: this.#consent.render(),
      afterTurn: (turn) => this.session.feedback.render(turn, this.strings),
    });
  }
}
