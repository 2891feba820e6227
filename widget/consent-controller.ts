/**
 * The consent gate of `<voice-rag>`: fetches the site's consent settings ahead, lets sites without
 * a notice go ahead at once, and hands the notice itself (a lazy chunk, widget/consent-notice.ts)
 * the sites that ask for consent before the microphone (and typed questions, when the site says so).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ATTRIBUTE_CONSENT_DEFAULTS, fetchConsentSettings, type ConsentSettings } from './consent.js';
import type { ConsentNotice } from './consent-notice.js';
import type { Strings } from './ui/strings.js';

const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

/** What the gate reads from its element. */
export interface ConsentHost extends ReactiveControllerHost {
  readonly site: string;
  readonly gateway: string;
  readonly strings: Strings;
  /** The `consent-text` attribute: overrides the site's text, or asks for consent on its own. */
  readonly consentText: string;
  /** The language the notice text is picked for. */
  readonly noticeLang: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export type ConsentKind = 'mic' | 'typed';

export class ConsentController implements ReactiveController {
  readonly #host: ConsentHost;
  #key = '';
  #settings: Promise<ConsentSettings | null> | undefined;
  #unavailable = false;
  #loaded: { key: string; settings: ConsentSettings | null } | undefined;
  /** The notice, once its chunk has loaded; it also holds the visitor's agreement on this page. */
  #notice: ConsentNotice | undefined;
  #noticeLoad: Promise<ConsentNotice> | undefined;

  constructor(host: ConsentHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether the notice is showing. */
  get asking(): boolean {
    return this.#notice?.asking ?? false;
  }

  hostConnected(): void {
    // Fetched ahead, so that a press on the mic usually decides at once, inside its gesture.
    if (this.#host.site) void this.#load().catch(() => {});
  }

  /** `true` to go ahead now; otherwise a promise of the visitor's answer (false: mic stays off). */
  request(kind: ConsentKind): true | Promise<boolean> {
    if (this.#notice?.agreed) return true;
    // Settings already here: decide inside the visitor's gesture, without a turn of the event loop.
    if (this.#loaded && this.#loaded.key === this.#currentKey()) return this.#decide(kind, this.#loaded.settings);
    return this.#load().then((settings) => this.#decide(kind, settings), () => this.#cannotAsk());
  }

  /** The visitor declined (or pressed Escape). */
  decline(): void {
    this.#notice?.decline();
  }

  /** Unknown whether the site asks for consent, or its notice cannot load: the microphone stays off. */
  #cannotAsk(): false {
    this.#unavailable = true;
    this.#host.requestUpdate();
    return false;
  }

  #currentKey(): string {
    return `${this.#host.gateway}|${this.#host.site}`;
  }

  #load(): Promise<ConsentSettings | null> {
    const key = this.#currentKey();
    if (!this.#settings || key !== this.#key) {
      this.#key = key;
      const settings = fetchConsentSettings(this.#host.gateway || SCRIPT_ORIGIN, this.#host.site);
      this.#settings = settings;
      settings.then(
        (loaded) => {
          this.#loaded = { key, settings: loaded };
          // Fetched ahead too, so that the notice shows inside the press that asks for it.
          if (loaded || this.#host.consentText) void this.#loadNotice().catch(() => {});
        },
        () => {
          // A failed load is tried again on the next press.
          if (this.#key === key) this.#settings = undefined;
        },
      );
    }
    return this.#settings;
  }

  /** The notice's chunk; only sites that ask for consent load it. A failed load is tried again next time. */
  #loadNotice(): Promise<ConsentNotice> {
    this.#noticeLoad ??= import('./consent-notice.js').then(
      ({ ConsentNotice }) => (this.#notice = new ConsentNotice(this.#host)),
      (error: unknown) => {
        this.#noticeLoad = undefined;
        throw error;
      },
    );
    return this.#noticeLoad;
  }

  #decide(kind: ConsentKind, site: ConsentSettings | null): true | Promise<boolean> {
    this.#unavailable = false;
    const own = this.#host.consentText;
    const settings: ConsentSettings | null = own ? { ...ATTRIBUTE_CONSENT_DEFAULTS, ...site, text: own } : site;
    if (!settings || (kind === 'typed' && !settings.typed_needs_consent)) return true;
    if (this.#notice) return this.#notice.decide(settings);
    return this.#loadNotice().then((notice) => notice.decide(settings), () => this.#cannotAsk());
  }

  /** The notice, or the "cannot ask" line, or nothing. */
  render(): TemplateResult | typeof nothing {
    if (this.#unavailable && !this.asking) return html`<p class="consent-unavailable" role="alert">${this.#host.strings.consentUnavailable}</p>`;
    return this.#notice?.render() ?? nothing;
  }
}
