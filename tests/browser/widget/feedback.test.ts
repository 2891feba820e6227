import { expect } from '@esm-bundle/chai';
import type { VoiceRag } from '../../../widget/voice-rag.js';
import { en } from '../../../widget/ui/strings.js';
import { axeViolations, cleanup, fixture, play, serverInfo, sessions, uniqueSite, until, waitForMessage, waitForState } from '../support/helpers.js';

let gateway = '';

/** A typed session with one finished answer (response r1, item a1). */
async function answered(prefix: string): Promise<{ el: VoiceRag; site: string }> {
  const site = uniqueSite(prefix);
  const el = await fixture({ site, gateway });
  el.start({ textOnly: true });
  await waitForState(el, 'listening');
  await play(site,
    { json: { type: 'response_started', response_id: 'r1' } },
    { json: { type: 'assistant_transcript', item_id: 'a1', delta: 'The Plus plan covers one eye exam a year.' } },
    { json: { type: 'assistant_transcript_done', item_id: 'a1', text: 'The Plus plan covers one eye exam a year.' } },
    { json: { type: 'response_done', response_id: 'r1', status: 'completed' } });
  await until(() => el.session.view.turns.some((t) => t.final && t.role === 'assistant'), 5000, 'the answer');
  await el.updateComplete;
  return { el, site };
}

const rateButton = (el: VoiceRag, label: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`.feedback button[aria-label="${label}"]`);

/** The controls are a lazy chunk, loaded once `ready` lists `feedback`. */
const controlsShown = (el: VoiceRag) => until(() => rateButton(el, en.rateUp) !== null, 5000, 'the rating controls');

describe('<voice-rag> answer feedback (extension feedback)', () => {
  before(async () => {
    gateway = (await serverInfo()).httpUrl;
  });
  afterEach(cleanup);

  it('sends thumbs up for the answer\'s response, once, then thanks the visitor', async () => {
    const { el, site } = await answered('rate-up');
    await controlsShown(el);
    expect(await axeViolations(el)).to.deep.equal([]);
    rateButton(el, en.rateUp)!.click();
    const record = await waitForMessage(site, 'feedback');
    expect(record.messages.filter((m) => m.type === 'feedback')).to.deep.equal([{ type: 'feedback', response_id: 'r1', rating: 'up' }]);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.feedback-thanks')!.textContent).to.equal(en.rateThanks);
    expect(rateButton(el, en.rateUp)).to.equal(null);
  });

  it('asks for an optional reason with thumbs down and sends it with the rating', async () => {
    const { el, site } = await answered('rate-down');
    await controlsShown(el);
    rateButton(el, en.rateDown)!.click();
    await el.updateComplete;
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('.feedback-reason input')!;
    expect(input.getAttribute('aria-label')).to.equal(en.rateReason);
    input.value = '  It quoted last year\'s price  ';
    el.shadowRoot!.querySelector<HTMLButtonElement>('.feedback-reason button[type="submit"]')!.click();
    const record = await waitForMessage(site, 'feedback');
    expect(record.messages.filter((m) => m.type === 'feedback')).to.deep.equal([
      { type: 'feedback', response_id: 'r1', rating: 'down', reason: 'It quoted last year\'s price' },
    ]);
  });

  it('shows no rating controls when the gateway does not list the extension, and sends nothing', async () => {
    const { el, site } = await answered('plain-feedback');
    expect(el.shadowRoot!.querySelector('.feedback')).to.equal(null);
    expect((await sessions(site)).at(-1)!.messages.filter((m) => m.type === 'feedback')).to.deep.equal([]);
  });
});
