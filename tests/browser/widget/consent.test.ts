import { expect } from '@esm-bundle/chai';
import type { VoiceRag } from '../../../widget/voice-rag.js';
import { en, ja } from '../../../widget/ui/strings.js';
import { axeViolations, cleanup, fixture, part, serverInfo, sessions, uniqueSite, until, waitForFrames, waitForMessage, waitForState } from '../support/helpers.js';

let gateway = '';
let micCalls = 0;
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);

const DAY_MS = 86_400_000;
const notice = (el: VoiceRag) => el.shadowRoot!.querySelector<HTMLElement>('[role="dialog"].consent');
const button = (el: VoiceRag, cls: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`.${cls}`)!;

describe('<voice-rag> consent before the microphone', () => {
  before(async () => {
    gateway = (await serverInfo()).httpUrl;
    // Every getUserMedia call is counted: the microphone must not be asked for before agreement.
    navigator.mediaDevices.getUserMedia = (constraints) => {
      micCalls++;
      return realGetUserMedia(constraints);
    };
  });
  after(() => {
    navigator.mediaDevices.getUserMedia = realGetUserMedia;
  });
  beforeEach(() => {
    micCalls = 0;
  });
  afterEach(cleanup);

  it('shows an accessible notice, keeps the mic off until the visitor agrees, then remembers it for the site', async () => {
    const site = uniqueSite('consent');
    const el = await fixture({ site, gateway });
    part(el, 'mic-button').click();
    await until(() => notice(el) !== null, 5000, 'the consent notice');
    const dialog = notice(el)!;
    expect(dialog.getAttribute('aria-labelledby')).to.equal('consent-title');
    expect(dialog.textContent).to.contain('Your voice is sent to Example Corp to answer you.');
    expect(dialog.querySelector('a')!.getAttribute('href')).to.equal('https://example.com/privacy');
    await until(() => el.shadowRoot!.activeElement === button(el, 'consent-agree'), 2000, 'focus on "I agree"');
    expect(await axeViolations(el)).to.deep.equal([]);
    // The session may open for typing, but no microphone and no audio until agreement.
    await waitForState(el, 'listening');
    await new Promise((r) => setTimeout(r, 300));
    expect(micCalls).to.equal(0);
    expect(el.session.micOpen).to.equal(false);
    expect((await sessions(site))[0]!.frames).to.have.length(0);
    button(el, 'consent-agree').click();
    await waitForFrames(site, 3);
    expect(micCalls).to.equal(1);
    expect(notice(el)).to.equal(null);
    const stored = JSON.parse(localStorage.getItem(`voice-rag:consent:${site}`)!) as { at: number };
    expect(Date.now() - stored.at).to.be.lessThan(10_000);
  });

  it('skips the notice while the agreement is remembered, and asks again once remember_days have passed', async () => {
    const fresh = uniqueSite('consent');
    localStorage.setItem(`voice-rag:consent:${fresh}`, JSON.stringify({ at: Date.now() - 29 * DAY_MS }));
    const el = await fixture({ site: fresh, gateway });
    part(el, 'mic-button').click();
    await waitForFrames(fresh, 2);
    expect(notice(el)).to.equal(null);
    el.remove();

    const stale = uniqueSite('consent');
    localStorage.setItem(`voice-rag:consent:${stale}`, JSON.stringify({ at: Date.now() - 31 * DAY_MS }));
    const again = await fixture({ site: stale, gateway });
    part(again, 'mic-button').click();
    await until(() => notice(again) !== null, 5000, 'the notice after 31 days');
    expect(micCalls).to.equal(1);
  });

  it('declining (button or Escape) keeps the mic off, says so, and returns focus to the mic button', async () => {
    const site = uniqueSite('consent');
    const el = await fixture({ site, gateway });
    part(el, 'mic-button').click();
    await until(() => notice(el) !== null, 5000, 'the consent notice');
    button(el, 'consent-decline').click();
    await until(() => el.shadowRoot!.activeElement === part(el, 'mic-button'), 2000, 'focus back on the mic');
    expect(part(el, 'status').textContent).to.contain(en.consentDeclined);
    part(el, 'mic-button').click();
    await until(() => notice(el) !== null, 5000, 'the notice on the next press');
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await until(() => notice(el) === null, 2000, 'Escape to close the notice');
    await new Promise((r) => setTimeout(r, 200));
    expect([micCalls, el.session.micOpen]).to.deep.equal([0, false]);
    expect(localStorage.getItem(`voice-rag:consent:${site}`)).to.equal(null);
  });

  it('speaks the widget\'s language, and the consent-text attribute overrides the site\'s text or asks on its own', async () => {
    const jaSite = uniqueSite('consent');
    const el = await fixture({ site: jaSite, gateway, lang: 'ja' });
    part(el, 'mic-button').click();
    await until(() => notice(el) !== null, 5000, 'the Japanese notice');
    expect(notice(el)!.textContent).to.contain('音声は回答のため Example Corp に送信されます。');
    expect(button(el, 'consent-agree').textContent).to.equal(ja.consentAgree);
    el.remove();

    const plain = uniqueSite('plain');
    const own = await fixture({ site: plain, gateway, 'consent-text': 'Recorded for quality by the page owner.' });
    part(own, 'mic-button').click();
    await until(() => notice(own) !== null, 5000, 'the attribute\'s notice');
    expect(notice(own)!.textContent).to.contain('Recorded for quality by the page owner.');
    expect(micCalls).to.equal(0);
  });

  it('lets typed questions through without consent, unless the site says typed questions need it', async () => {
    const free = uniqueSite('consent');
    const el = await fixture({ site: free, gateway });
    el.sendText('Does the plan cover eye exams?');
    await waitForMessage(free, 'text');
    expect(notice(el)).to.equal(null);
    el.remove();

    const typed = uniqueSite('consent-typed');
    const strict = await fixture({ site: typed, gateway });
    strict.sendText('Does the plan cover eye exams?');
    await until(() => notice(strict) !== null, 5000, 'the notice for a typed question');
    expect(await sessions(typed)).to.have.length(0);
    button(strict, 'consent-agree').click();
    const record = await waitForMessage(typed, 'text');
    expect(record.messages).to.deep.include({ type: 'text', text: 'Does the plan cover eye exams?' });
    expect(micCalls).to.equal(0);
  });
});
