import { expect } from '@esm-bundle/chai';
import type { VoiceRag } from '../../../widget/voice-rag.js';
import type { WidgetState } from '../../../widget/state.js';
import { en } from '../../../widget/ui/strings.js';
import {
  axeViolations, cleanup, fixture, part, play, serverInfo, sessions, uniqueSite, until,
  waitForClosed, waitForFrames, waitForMessage, waitForState,
} from '../support/helpers.js';

let gateway = '';

async function widget(site: string, attributes: Record<string, string | true> = {}): Promise<VoiceRag> {
  return fixture({ site, gateway, ...attributes });
}

function recordStates(el: VoiceRag): WidgetState[] {
  const states: WidgetState[] = [];
  el.addEventListener('voice-rag-state', (e) => states.push(e.state));
  return states;
}

describe('<voice-rag> session against a protocol-speaking server', () => {
  before(async () => {
    gateway = (await serverInfo()).httpUrl;
  });
  afterEach(cleanup);

  it('keeps showing "looking it up" through a response that only calls a tool, and speaks with the answer', async () => {
    const site = uniqueSite('tool-only');
    const el = await widget(site);
    const states = recordStates(el);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site,
      { json: { type: 'response_started', response_id: 'r0' } },
      { json: { type: 'searching', query: 'return policy' } },
      { json: { type: 'response_done', response_id: 'r0', status: 'completed' } },
      { json: { type: 'response_started', response_id: 'r1' } });
    await waitForState(el, 'searching');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(el.state).to.equal('searching');
    await play(site, { json: { type: 'assistant_transcript', item_id: 'a1', delta: 'You can ' } });
    await waitForState(el, 'speaking');
    expect(states).to.deep.equal(['connecting', 'listening', 'searching', 'speaking']);
  });

  it('goes idle → connecting → listening → searching → speaking → listening, with no axe violations in any state', async () => {
    const site = uniqueSite('happy');
    const el = await widget(site);
    const states = recordStates(el);
    const finals: string[] = [];
    el.addEventListener('voice-rag-transcript', (e) => finals.push(`${e.role}:${e.text}:${e.itemId}`));
    let cited = '';
    el.addEventListener('voice-rag-citations', (e) => (cited = `${e.itemId}:${e.sources.length}`));
    expect(await axeViolations(el)).to.deep.equal([]);

    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    expect(part(el, 'mic-button').getAttribute('aria-pressed')).to.equal('true');
    expect(await axeViolations(el)).to.deep.equal([]);
    const record = await waitForFrames(site, 10);
    expect(record.frames.every((n) => n === 960)).to.equal(true);
    expect(record.framesBeforeReady).to.equal(0);
    await until(() => el.session.level > 0.05, 2000, 'the waveform to follow the mic');

    await play(site,
      { json: { type: 'speech_started' } },
      { json: { type: 'speech_stopped' } },
      { json: { type: 'user_transcript', item_id: 'u1', text: 'What is the return policy?', final: true } },
      { json: { type: 'searching', query: 'return policy' } });
    await waitForState(el, 'searching');
    expect(part(el, 'status').textContent).to.contain(en.state.searching);
    expect(await axeViolations(el)).to.deep.equal([]);

    await play(site,
      { json: { type: 'response_started', response_id: 'r1' } },
      { json: { type: 'assistant_transcript', item_id: 'a1', delta: 'You can return ' } });
    await waitForState(el, 'speaking');
    const live = el.shadowRoot!.querySelector('[aria-live=polite]')!;
    await until(() => el.session.view.turns.some((t) => t.id === 'a1'), 2000, 'first delta');
    await el.updateComplete;
    expect(live.textContent).not.to.contain('You can return');
    expect(part(el, 'transcript').textContent).to.contain('You can return');
    expect(await axeViolations(el)).to.deep.equal([]);

    await play(site,
      { tone: { ms: 500 } },
      { json: { type: 'assistant_transcript', item_id: 'a1', delta: 'items within' } },
      { json: { type: 'assistant_transcript_done', item_id: 'a1', text: 'You can return items within 30 days.' } },
      { json: { type: 'citations', item_id: 'a1', sources: [
        { id: 'p1', title: 'Returns', url: 'https://shop.example/returns', snippet: 'Items can be returned within 30 days.' },
        { id: 'p2', title: 'Evil', url: 'javascript:alert(1)', snippet: 'not a link' },
      ] } },
      { json: { type: 'response_done', response_id: 'r1', status: 'completed' } });
    await until(() => cited !== '', 3000, 'citations');
    await el.updateComplete;
    expect(live.textContent).to.contain('You can return items within 30 days.');
    await waitForState(el, 'listening', 4000);

    expect(states).to.deep.equal(['connecting', 'listening', 'searching', 'speaking', 'listening']);
    expect(finals).to.deep.equal(['user:What is the return policy?:u1', 'assistant:You can return items within 30 days.:a1']);
    expect(cited).to.equal('a1:2');
    const links = part(el, 'citations').querySelectorAll('a');
    expect(links.length).to.equal(1);
    expect(links[0]!.href).to.equal('https://shop.example/returns');
    expect(links[0]!.target).to.equal('_blank');
    expect(links[0]!.rel).to.equal('noopener');
    expect(part(el, 'citations').textContent).to.contain('Items can be returned within 30 days.');
    expect(part(el, 'transcript').textContent).to.contain('You can return items within 30 days.');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows the wait while queued, then listens', async () => {
    const site = uniqueSite('queued');
    const el = await widget(site);
    const states = recordStates(el);
    part(el, 'mic-button').click();
    await waitForState(el, 'queued');
    await el.updateComplete;
    expect(part(el, 'status').textContent).to.contain(en.queued(3));
    expect(await axeViolations(el)).to.deep.equal([]);
    await waitForState(el, 'listening');
    expect(states).to.deep.equal(['connecting', 'queued', 'listening']);
  });

  it('counts down after rate_limited and retries by itself when the wait ends', async () => {
    const site = uniqueSite('limited');
    const el = await widget(site);
    const states = recordStates(el);
    const errors: string[] = [];
    el.addEventListener('voice-rag-error', (e) => errors.push(`${e.code}:${e.retryAfterMs}`));
    part(el, 'mic-button').click();
    await waitForState(el, 'error');
    await el.updateComplete;
    expect(errors).to.deep.equal(['rate_limited:1500']);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal(en.errors.rate_limited);
    expect(part(el, 'status').textContent).to.contain(en.retryIn(2));
    expect(await axeViolations(el)).to.deep.equal([]);
    await waitForState(el, 'listening', 4000);
    expect(states).to.deep.equal(['connecting', 'error', 'connecting', 'listening']);
    expect((await sessions(site)).length).to.equal(2);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('');
  });

  it('ends on stop and releases the socket, microphone and audio context', async () => {
    const site = uniqueSite('stop');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await waitForFrames(site, 3);
    part(el, 'mic-button').click();
    await waitForState(el, 'ended');
    const record = await waitForClosed(site);
    expect(record.closeCode).to.equal(1000);
    expect(el.session.micOpen).to.equal(false);
    expect(el.session.audioContext).to.equal(undefined);
    expect(part(el, 'mic-button').getAttribute('aria-pressed')).to.equal('false');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('resumes a suspended audio context on the next press instead of stopping', async () => {
    const site = uniqueSite('suspend');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await el.session.audioContext!.suspend();
    await until(() => part(el, 'status').textContent!.includes(en.resumeAudio), 2000, 'resume notice');
    part(el, 'mic-button').click();
    await until(() => el.session.audioContext?.state === 'running', 2000, 'context resumed');
    await until(() => !part(el, 'status').textContent!.includes(en.resumeAudio), 2000, 'notice cleared');
    expect(el.state).to.equal('listening');
  });

  it('stops on Escape', async () => {
    const site = uniqueSite('escape');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    part(el, 'mic-button').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await waitForState(el, 'ended');
    await waitForClosed(site);
  });

  it('ends when the gateway says the session expired', async () => {
    const site = uniqueSite('expired');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site, { json: { type: 'error', code: 'session_expired', message: 'max length', fatal: true } }, { close: 4408 });
    await waitForState(el, 'ended');
    await el.updateComplete;
    expect(part(el, 'status').textContent).to.contain(en.errors.session_expired);
  });

  it('reports a lost connection as an error instead of hanging', async () => {
    const site = uniqueSite('lost');
    const el = await widget(site);
    const errors: string[] = [];
    el.addEventListener('voice-rag-error', (e) => errors.push(e.code));
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site, { close: 4502 });
    await waitForState(el, 'error');
    await el.updateComplete;
    expect(errors).to.deep.equal(['upstream_error']);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal(en.errors.upstream_error);
    expect(el.session.micOpen).to.equal(false);
  });

  it('flushes playback on speech_started and sends the played position (barge-in)', async () => {
    const site = uniqueSite('barge');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site, { json: { type: 'response_started', response_id: 'r1' } }, { tone: { ms: 3000 } });
    await until(() => el.session.playedMs > 0, 3000, 'playback start');
    // The audio clock, not the wall clock: on a loaded machine the audio thread can fall behind.
    const context = el.session.audioContext!;
    const startedAt = context.currentTime - el.session.playedMs / 1000;
    await new Promise((r) => setTimeout(r, 800));
    await play(site, { json: { type: 'speech_started' } });
    const record = await waitForMessage(site, 'interrupt');
    const heardMs = (context.currentTime - startedAt) * 1000;
    const interrupt = record.messages.find((m) => m.type === 'interrupt') as { played_ms: number };
    expect(heardMs).to.be.greaterThan(300);
    expect(interrupt.played_ms, `heard ${heardMs} ms`).to.be.within(heardMs * 0.7, heardMs * 1.15);
    expect(el.session.bufferedMs).to.equal(0);
    await waitForState(el, 'listening');
    // The rest of the cancelled answer is dropped until the next response_started.
    await play(site, { tone: { ms: 500 } }, { waitMs: 100 });
    expect(el.session.bufferedMs).to.equal(0);
    await play(site, { json: { type: 'response_started', response_id: 'r2' } }, { tone: { ms: 300 } }, { waitMs: 100 });
    expect(el.session.bufferedMs + el.session.playedMs).to.be.greaterThan(0);
  });

  it('sends an interrupt with the played position when the visitor stops during an answer', async () => {
    const site = uniqueSite('stopspeak');
    const el = await widget(site);
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await play(site, { json: { type: 'response_started', response_id: 'r1' } }, { tone: { ms: 2000 } });
    await until(() => el.session.playedMs > 200, 3000, 'playback');
    part(el, 'mic-button').click();
    const record = await waitForClosed(site);
    const interrupt = record.messages.find((m) => m.type === 'interrupt') as { played_ms: number } | undefined;
    expect(interrupt?.played_ms).to.be.greaterThan(150);
    expect(el.state).to.equal('ended');
  });

  it('works by typing alone: a typed question opens a session without the microphone', async () => {
    const site = uniqueSite('text');
    const el = await widget(site);
    const input = el.shadowRoot!.querySelector('input')!;
    input.value = 'Opening hours?';
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    const record = await waitForMessage(site, 'text');
    expect(record.messages).to.deep.include({ type: 'text', text: 'Opening hours?' });
    expect(el.state).to.equal('listening');
    expect(el.session.micOpen).to.equal(false);
    expect(input.value).to.equal('');
    // A text-only session (PROTOCOL.md `mode=text`); pressing the mic streams audio in the same session.
    expect(record.mode).to.equal('text');
    part(el, 'mic-button').click();
    const streaming = await waitForFrames(site, 5);
    expect(streaming.id).to.equal(record.id);
  });

  it('keeps typing available when the microphone is denied', async () => {
    const site = uniqueSite('denied');
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    try {
      const el = await widget(site);
      part(el, 'mic-button').click();
      await waitForState(el, 'listening');
      await until(() => part(el, 'status').textContent!.includes(en.micUnavailable), 2000, 'notice');
      el.sendText('Where is my order?');
      const record = await waitForMessage(site, 'text');
      expect(record.messages).to.deep.include({ type: 'text', text: 'Where is my order?' });
      expect(record.frames.length).to.equal(0);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it('sends frames only while the button is held in push-to-talk, and commit on release', async () => {
    const site = uniqueSite('ptt');
    const el = await widget(site, { 'push-to-talk': true });
    const mic = part(el, 'mic-button');
    mic.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await waitForState(el, 'listening');
    await el.updateComplete;
    expect(mic.getAttribute('aria-pressed')).to.equal('true');
    await waitForFrames(site, 5);
    mic.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    const record = await waitForMessage(site, 'commit');
    await new Promise((r) => setTimeout(r, 200));
    const after = (await sessions(site)).at(-1)!.frames.length;
    await new Promise((r) => setTimeout(r, 200));
    expect((await sessions(site)).at(-1)!.frames.length).to.equal(after);
    expect(record.messages.filter((m) => m.type === 'commit').length).to.equal(1);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('mutes the microphone while the assistant speaks in half-duplex mode', async () => {
    const site = uniqueSite('half');
    const el = await widget(site, { 'half-duplex': true });
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await waitForFrames(site, 3);
    await play(site, { json: { type: 'response_started', response_id: 'r1' } }, { tone: { ms: 1500 } });
    await waitForState(el, 'speaking');
    await new Promise((r) => setTimeout(r, 60));
    const before = (await sessions(site)).at(-1)!.frames.length;
    await new Promise((r) => setTimeout(r, 400));
    expect((await sessions(site)).at(-1)!.frames.length).to.equal(before);
  });

  it('calls tokenProvider before each connect and passes the token', async () => {
    const site = uniqueSite('token');
    const el = await widget(site);
    let calls = 0;
    el.tokenProvider = async () => `tok${++calls}`;
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    await el.stop();
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    expect((await sessions(site)).map((s) => s.token)).to.deep.equal(['tok1', 'tok2']);
  });
});
