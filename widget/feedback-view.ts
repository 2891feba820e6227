/** The thumbs up and down under an answer (extension `feedback`): a lazy chunk, loaded when `ready` lists `feedback`. */
import { html, nothing, type TemplateResult } from 'lit';
import type { AnswerFeedback, Rating } from './feedback.js';
import { feedbackStyles } from './ui/feedback.styles.js';
import type { Strings } from './ui/strings.js';
import { adoptLazyStyles } from './ui/templates.js';

export { feedbackStyles };

/** The controls of one rated or unrated answer. */
export function renderFeedback(feedback: AnswerFeedback, itemId: string, entry: Rating, s: Strings): TemplateResult {
  if (entry.rating) return html`<p class="feedback feedback-thanks" role="status">${s.rateThanks}</p>`;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('reason') as HTMLInputElement;
    feedback.rate(itemId, 'down', input.value);
  };
  return html`<div class="feedback" part="feedback">
    <button type="button" aria-label=${s.rateUp} aria-pressed="false" @click=${() => feedback.rate(itemId, 'up')}>👍</button>
    <button type="button" aria-label=${s.rateDown} aria-pressed=${entry.asking ? 'true' : 'false'} @click=${() => feedback.ask(itemId)}>👎</button>
    ${entry.asking
      ? html`<form class="feedback-reason" @submit=${submit}>
          <input name="reason" type="text" maxlength="500" autocomplete="off" aria-label=${s.rateReason} placeholder=${s.rateReason} />
          <button type="submit">${s.rateSend}</button>
        </form>`
      : nothing}
  </div>`;
}
