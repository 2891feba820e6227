/**
 * Thumbs up or down on each answer, with an optional short reason (extension `feedback`,
 * docs/WIDGET.md "Feedback"): which response each answer belongs to, what the visitor chose, and
 * the controls under each answer. Shown only when the gateway lists `feedback` in `ready`.
 */
import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { renderFeedback } from './feedback-view.js';
import type { FeedbackMessage } from '../gateway/protocol.js';
import type { Turn } from './state.js';
import type { Strings } from './ui/strings.js';
import { adoptLazyStyles } from './ui/templates.js';

/** The element the controls render in. */
export interface FeedbackHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface Rating {
  responseId: string;
  rating?: 'up' | 'down';
  /** Thumbs down pressed: the reason box is open, nothing sent yet. */
  asking?: boolean;
}

/** The ratings of one session's answers. */
export class AnswerFeedback {
  readonly #host: FeedbackHost;
  readonly #send: (message: FeedbackMessage) => boolean;
  readonly #byItem = new Map<string, Rating>();
  #enabled = false;
  #response: string | undefined;
  #view: typeof renderFeedback | undefined;

  constructor(host: FeedbackHost, send: (message: FeedbackMessage) => boolean) {
    this.#host = host;
    this.#send = send;
  }

  /** A new session: rating is on when `ready.extensions` lists `feedback`. */
  reset(enabled: boolean): void {
    this.#enabled = enabled;
    // The controls are a lazy chunk: sessions without `feedback` never download them.
    if (enabled && !this.#view) {
      import('./feedback-view.js').then(
        ({ renderFeedback, feedbackStyles }) => {
          adoptLazyStyles(this.#host.renderRoot, feedbackStyles);
          this.#view = renderFeedback;
          this.#host.requestUpdate();
        },
        () => {},
      );
    }
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

  /** Sends the visitor's rating of one answer (once); `reason` goes with a thumbs down. */
  rate(itemId: string, rating: 'up' | 'down', reason?: string): void {
    const entry = this.#byItem.get(itemId);
    if (!entry || entry.rating) return;
    const text = reason?.trim().slice(0, 500);
    if (this.#send({ type: 'feedback', response_id: entry.responseId, rating, ...(text ? { reason: text } : {}) })) entry.rating = rating;
    entry.asking = false;
    this.#host.requestUpdate();
  }

  /** Thumbs down pressed: opens the reason box. */
  ask(itemId: string): void {
    const entry = this.#byItem.get(itemId);
    if (!entry || entry.rating) return;
    entry.asking = true;
    this.#host.requestUpdate();
  }

  /** The controls under one answer, or nothing (also until their lazy chunk has loaded). */
  render(turn: Turn, s: Strings): TemplateResult | typeof nothing {
    const entry = this.#byItem.get(turn.id);
    if (!this.#enabled || !this.#view || turn.role !== 'assistant' || !turn.final || !entry) return nothing;
    return this.#view(this, turn.id, entry, s);
  }
}
