/**
 * The consent gate of `<voice-rag>`: before the microphone first opens (and before typed questions
 * when the site says so) it shows the site's notice, keeps the mic off until the visitor agrees,
 * and remembers the agreement per site for the configured days.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ATTRIBUTE_CONSENT_DEFAULTS, consentRemembered, fetchConsentSettings, noticeText, rememberConsent, type ConsentSettings } from './consent.js';
import { safeUrl } from './ui/templates.js';
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

/** A notice on screen, waiting for the visitor's answer. */
interface Asking {
  settings: ConsentSettings;
  resolve(agreed: boolean): void;
  answer: Promise<boolean>;
}

export class ConsentController implements ReactiveController {
  readonly #host: ConsentHost;
  #key = '';
  #settings: Promise<ConsentSettings | null> | undefined;
  /** Agreed on this page: holds even when nothing may be remembered (remember_days: 0). */
  #agreed = false;
  #asking: Asking | undefined;
  #unavailable = false;
  #loaded: { key: string; settings: ConsentSettings | null } | undefined;

  constructor(host: ConsentHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether the notice is showing. */
  get asking(): boolean {
    return this.#asking !== undefined;
  }

  hostConnected(): void {
    // Fetched ahead, so that a press on the mic usually decides at once, inside its gesture.
    if (this.#host.site) void this.#load().catch(() => {});
  }

  /** `true` to go ahead now; otherwise a promise of the visitor's answer (false: mic stays off). */
  request(kind: ConsentKind): true | Promise<boolean> {
    if (this.#agreed) return true;
    // Settings already here: decide inside the visitor's gesture, without a turn of the event loop.
    if (this.#loaded && this.#loaded.key === this.#currentKey()) return this.#decide(kind, this.#loaded.settings);
    return this.#load().then(
      (settings) => this.#decide(kind, settings),
      () => {
        // Unknown whether the site asks for consent: the microphone stays off.
        this.#unavailable = true;
        this.#host.requestUpdate();
        return false;
      },
    );
  }

  /** The visitor agreed. */
  agree(): void {
    const asking = this.#asking;
    if (!asking) return;
    this.#agreed = true;
    rememberConsent(this.#host.site, asking.settings.remember_days);
    this.#close(asking, true);
  }

  /** The visitor declined (or pressed Escape). */
  decline(): void {
    if (this.#asking) this.#close(this.#asking, false);
  }

  #close(asking: Asking, agreed: boolean): void {
    this.#asking = undefined;
    this.#host.requestUpdate();
    asking.resolve(agreed);
    // Focus goes back to where the visitor started.
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>('.mic')?.focus());
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
        (loaded) => (this.#loaded = { key, settings: loaded }),
        () => {
          // A failed load is tried again on the next press.
          if (this.#key === key) this.#settings = undefined;
        },
      );
    }
    return this.#settings;
  }

  #decide(kind: ConsentKind, site: ConsentSettings | null): true | Promise<boolean> {
    this.#unavailable = false;
    const own = this.#host.consentText;
    const settings: ConsentSettings | null = own ? { ...ATTRIBUTE_CONSENT_DEFAULTS, ...site, text: own } : site;
    if (!settings || (kind === 'typed' && !settings.typed_needs_consent)) return true;
    if (consentRemembered(this.#host.site, settings.remember_days)) return (this.#agreed = true);
    // A second press while the notice shows waits for the same answer.
    if (this.#asking) return this.#asking.answer;
    let resolve!: (agreed: boolean) => void;
    const answer = new Promise<boolean>((done) => (resolve = done));
    this.#asking = { settings, resolve, answer };
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>('.consent-agree')?.focus());
    return answer;
  }

  /** The notice, or the "cannot ask" line, or nothing. */
  render(): TemplateResult | typeof nothing {
    const s = this.#host.strings;
    if (this.#unavailable && !this.#asking) return html`<p class="consent-unavailable" role="alert">${s.consentUnavailable}</p>`;
    const asking = this.#asking;
    if (!asking) return nothing;
    const link = safeUrl(asking.settings.link);
    return html`<div class="consent" part="consent" role="dialog" aria-modal="false" aria-labelledby="consent-title" aria-describedby="consent-text">
      <p id="consent-title" class="consent-title">${s.consentTitle}</p>
      <p id="consent-text">${noticeText(asking.settings.text, this.#host.noticeLang)}${link
        ? html` <a href=${link} target="_blank" rel="noopener">${s.consentMore}</a>`
        : nothing}</p>
      <div class="consent-actions">
        <button class="consent-agree" type="button" @click=${() => this.agree()}>${s.consentAgree}</button>
        <button class="consent-decline" type="button" @click=${() => this.decline()}>${s.consentDecline}</button>
      </div>
    </div>`;
  }
}
