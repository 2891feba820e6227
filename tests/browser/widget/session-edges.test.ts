import { expect } from '@esm-bundle/chai';
import type { VoiceRag } from '../../../widget/voice-rag.js';
import { en } from '../../../widget/ui/strings.js';
import {
  cleanup, fixture, part, play, serverInfo, sessions, uniqueSite, until, waitForFrames, waitForMessage, waitForState,
} from '../support/helpers.js';

let gateway = '';

async function widget(site: string, attributes: Record<string, string | true> = {}): Promise<VoiceRag> {
  return fixture({ site, gateway, ...attributes });
}

function escape(el: VoiceRag): void {
  part(el, 'mic-button').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
}

describe('<voice-rag> session edge cases', () => {
  before(async () => {
    gateway = (await serverInfo()).httpUrl;
  });
  afterEach(cleanup);

  it('sends the interrupt before a question typed during an answer, so the gateway does not cancel its reply', async () => {
    const site = uniqueSite('typed-barge');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site, { json: { type: 'response_started', response_id: 'r1' } }, { tone: { ms: 2000 } });
    await waitForState(el, 'speaking');
    await until(() => el.session.playedMs > 100, 3000, 'playback');
    el.sendText('And on weekends?');
    const record = await waitForMessage(site, 'text');
    const order = record.messages.map((m) => m.type).filter((t) => t === 'interrupt' || t === 'text');
    expect(order).to.deep.equal(['interrupt', 'text']);
  });

  it('opens the microphone, instead of ending, when the mic is pressed in a session opened by typing', async () => {
    const site = uniqueSite('typed-then-mic');
    const el = await widget(site);
    el.sendText('Opening hours?');
    await waitForMessage(site, 'text');
    await el.updateComplete;
    const mic = part(el, 'mic-button');
    expect([mic.getAttribute('aria-pressed'), mic.getAttribute('aria-label')]).to.deep.equal(['false', en.micStart]);
    mic.click();
    await waitForFrames(site, 3);
    await el.updateComplete;
    expect(el.state).to.equal('listening');
    expect(el.session.micOpen).to.equal(true);
    expect(mic.getAttribute('aria-pressed')).to.equal('true');
  });

  it('resumes a suspended audio context on the next push-to-talk press', async () => {
    const site = uniqueSite('ptt-suspend');
    const el = await widget(site, { 'push-to-talk': true });
    const mic = part(el, 'mic-button');
    mic.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await waitForState(el, 'listening');
    mic.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    await el.session.audioContext!.suspend();
    await until(() => el.session.audioContext?.state === 'suspended', 2000, 'context suspended');
    mic.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await until(() => el.session.audioContext?.state === 'running', 2000, 'context resumed');
    mic.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    expect(el.state).to.equal('listening');
  });

  it('waits at least a second before retrying, even when told to retry at once', async () => {
    const site = uniqueSite('retry-zero');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site,
      { json: { type: 'error', code: 'rate_limited', message: 'no slot', retry_after_ms: 0, fatal: true } },
      { close: 4429 });
    await waitForState(el, 'error');
    await new Promise((r) => setTimeout(r, 500));
    expect((await sessions(site)).length).to.equal(1);
    await waitForState(el, 'listening', 3000);
    expect((await sessions(site)).length).to.equal(2);
  });

  it('keeps speaking until the audio of an incomplete answer has been heard', async () => {
    const site = uniqueSite('incomplete');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site,
      { json: { type: 'response_started', response_id: 'r1' } },
      { tone: { ms: 1000 } },
      { json: { type: 'response_done', response_id: 'r1', status: 'incomplete' } },
      { waitMs: 100 });
    expect(el.state).to.equal('speaking');
    await waitForState(el, 'listening', 3000);
    expect(el.session.bufferedMs).to.equal(0);
  });

  it('leaves the transcript where the visitor scrolled it when only the status changes', async () => {
    const site = uniqueSite('scroll');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site, ...Array.from({ length: 30 }, (_, i) => ({
      json: { type: 'user_transcript' as const, item_id: `t${i}`, text: `question ${i}`, final: true },
    })));
    await until(() => el.session.view.turns.length === 30, 2000, 'thirty turns');
    await el.updateComplete;
    const list = part(el, 'transcript');
    expect(list.scrollTop).to.be.greaterThan(0);
    list.scrollTop = 0;
    await play(site, { json: { type: 'searching', query: 'anything' } });
    await waitForState(el, 'searching');
    await el.updateComplete;
    expect(list.scrollTop).to.equal(0);
  });

  it('reports a malformed gateway URL as an error and releases the microphone', async () => {
    const el = await fixture({ site: 'docs', gateway: 'http://[' });
    const errors: string[] = [];
    el.addEventListener('voice-rag-error', (e) => errors.push(e.code));
    part(el, 'mic-button').click();
    await waitForState(el, 'error');
    await new Promise((r) => setTimeout(r, 300));
    expect(errors).to.deep.equal(['upstream_unavailable']);
    expect([el.session.micOpen, el.session.audioContext]).to.deep.equal([false, undefined]);
  });

  it('cancels the automatic retry on Escape', async () => {
    const site = uniqueSite('limited-escape');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'error');
    escape(el);
    await waitForState(el, 'ended');
    await new Promise((r) => setTimeout(r, 2000));
    expect(el.state).to.equal('ended');
    expect((await sessions(site)).length).to.equal(1);
  });

  it('forgets a question typed while connecting when the visitor stops before it was sent', async () => {
    const site = uniqueSite('queued-typed');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'queued');
    el.sendText('Never mind');
    await el.stop();
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await new Promise((r) => setTimeout(r, 200));
    const all = await sessions(site);
    expect(all.length).to.equal(2);
    expect(all.flatMap((s) => s.messages).filter((m) => m.type === 'text')).to.deep.equal([]);
  });
});
