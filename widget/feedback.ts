/**
 * Thumbs up or down on each answer, with an optional short reason (extension `feedback`,
 * docs/WIDGET.md "Feedback"): which response each answer belongs to, what the visitor chose, and
 * the controls under each answer. Shown only when the gateway lists `feedback` in `ready`.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { FeedbackMessage } from '../gateway/protocol.js';
import type { Turn } from './state.js';
import type { Strings } from './ui/strings.js';

interface Rating {
  responseId: string;
  rating?: 'up' | 'down';
  /** Thumbs down pressed: the reason box is open, nothing sent yet. */
  asking?: boolean;
}

/** The ratings of one session's answers. */
export class AnswerFeedback {
  readonly #host: ReactiveControllerHost;
  readonly #send: (message: FeedbackMessage) => boolean;
  readonly #byItem = new Map<string, Rating>();
  #enabled = false;
  #response: string | undefined;

  constructor(host: ReactiveControllerHost, send: (message: FeedbackMessage) => boolean) {
    this.#host = host;
    this.#send = send;
  }

  /** A new session: rating is on when `ready.extensions` lists `feedback`. */
  reset(enabled: boolean): void {
    this.#enabled = enabled;
    this.#response = undefined;
    this.#byItem.clear();
  }

  /** `response_started`: answers that follow belong to this response. */
  responseStarted(responseId: string): void {
    this.#response = responseId;
  }

  /** An assistant item's text arrived: it is the answer of the current response. */
  assistantItem(itemId: string): void {
    if (this.#response && !this.#byItem.has(itemId)) this.#byItem.set(itemId, { responseId: this.#response });
  }

  #rate(itemId: string, rating: 'up' | 'down', reason?: string): void {
    const entry = this.#byItem.get(itemId);
    if (!entry || entry.rating) return;
    const text = reason?.trim().slice(0, 500);
    if (this.#send({ type: 'feedback', response_id: entry.responseId, rating, ...(text ? { reason: text } : {}) })) entry.rating = rating;
    entry.asking = false;
    this.#host.requestUpdate();
  }

  #ask(itemId: string): void {
    const entry = this.#byItem.get(itemId);
    if (!entry || entry.rating) return;
    entry.asking = true;
    this.#host.requestUpdate();
  }

  /** The controls under one answer, or nothing. */
  render(turn: Turn, s: Strings): TemplateResult | typeof nothing {
    const entry = this.#byItem.get(turn.id);
    if (!this.#enabled || turn.role !== 'assistant' || !turn.final || !entry) return nothing;
    if (entry.rating) return html`<p class="feedback feedback-thanks" role="status">${s.rateThanks}</p>`;
    const submit = (event: SubmitEvent) => {
      event.preventDefault();
      const input = (event.target as HTMLFormElement).elements.namedItem('reason') as HTMLInputElement;
      this.#rate(turn.id, 'down', input.value);
    };
    return html`<div class="feedback" part="feedback">
      <button type="button" aria-label=${s.rateUp} aria-pressed="false" @click=${() => this.#rate(turn.id, 'up')}>👍</button>
      <button type="button" aria-label=${s.rateDown} aria-pressed=${entry.asking ? 'true' : 'false'} @click=${() => this.#ask(turn.id)}>👎</button>
      ${entry.asking
        ? html`<form class="feedback-reason" @submit=${submit}>
            <input name="reason" type="text" maxlength="500" autocomplete="off" aria-label=${s.rateReason} placeholder=${s.rateReason} />
            <button type="submit">${s.rateSend}</button>
          </form>`
        : nothing}
    </div>`;
  }
}
