/**
 * The consent notice of `<voice-rag>` (docs/WIDGET.md, "Consent"), a lazy chunk loaded only for
 * sites that ask for consent: shows the site's notice, keeps the mic off until the visitor agrees,
 * and remembers the agreement per site in `localStorage` for the configured days.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ConsentHost } from './consent-controller.js';
import type { ConsentSettings } from './consent.js';
import { consentStyles } from './ui/consent.styles.js';
import { adoptLazyStyles, safeUrl } from './ui/templates.js';

const DAY_MS = 86_400_000;

/** The notice text for a language: its own, else its primary tag's, else English, else the first. */
export function noticeText(text: ConsentSettings['text'], lang: string): string {
  if (typeof text === 'string') return text;
  const tag = lang.toLowerCase();
  const byTag = new Map(Object.entries(text).map(([key, value]) => [key.toLowerCase(), value]));
  return byTag.get(tag) ?? byTag.get(tag.split('-')[0] ?? '') ?? byTag.get('en') ?? Object.values(text)[0] ?? '';
}

const storageKey = (site: string) => `voice-rag:consent:${site}`;

/** Whether the visitor agreed on this site within the last `days` days (in this browser profile). */
export function consentRemembered(site: string, days: number, now = Date.now()): boolean {
  if (days <= 0) return false;
  try {
    const at = Number((JSON.parse(globalThis.localStorage.getItem(storageKey(site)) ?? 'null') as { at?: unknown } | null)?.at);
    return Number.isFinite(at) && at <= now && now - at < days * DAY_MS;
  } catch {
    // Storage blocked (privacy settings, sandboxed frames): ask again, never assume agreement.
    return false;
  }
}

/** Remembers the agreement (when `days` > 0); storage that refuses only means asking again next time. */
export function rememberConsent(site: string, days: number, now = Date.now()): void {
  if (days <= 0) return;
  try {
    globalThis.localStorage.setItem(storageKey(site), JSON.stringify({ at: now }));
  } catch {
    // Nothing to do: the agreement holds for this page only.
  }
}

/** A notice on screen, waiting for the visitor's answer. */
interface Asking {
  settings: ConsentSettings;
  resolve(agreed: boolean): void;
  answer: Promise<boolean>;
}

export class ConsentNotice {
  readonly #host: ConsentHost;
  /** Agreed on this page: holds even when nothing may be remembered (remember_days: 0). */
  agreed = false;
  #asking: Asking | undefined;

  constructor(host: ConsentHost) {
    this.#host = host;
    adoptLazyStyles(host.renderRoot, consentStyles);
  }

  /** Whether the notice is showing. */
  get asking(): boolean {
    return this.#asking !== undefined;
  }

  /** `true` when the visitor agreed before; otherwise shows the notice and returns the answer to come. */
  decide(settings: ConsentSettings): true | Promise<boolean> {
    if (consentRemembered(this.#host.site, settings.remember_days)) return (this.agreed = true);
    // A second press while the notice shows waits for the same answer.
    if (this.#asking) return this.#asking.answer;
    let resolve!: (agreed: boolean) => void;
    const answer = new Promise<boolean>((done) => (resolve = done));
    this.#asking = { settings, resolve, answer };
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>('.consent-agree')?.focus());
    return answer;
  }

  /** The visitor agreed. */
  agree(): void {
    const asking = this.#asking;
    if (!asking) return;
    this.agreed = true;
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

  /** The notice, or nothing. */
  render(): TemplateResult | typeof nothing {
    const asking = this.#asking;
    if (!asking) return nothing;
    const s = this.#host.strings;
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
