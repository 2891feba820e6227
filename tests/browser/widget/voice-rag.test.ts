import { expect } from '@esm-bundle/chai';
import { emulateMedia } from '@web/test-runner-commands';
import { VoiceRag } from '../../../widget/voice-rag.js';
import { en, ja } from '../../../widget/ui/strings.js';
import { axeViolations, cleanup, fixture, part } from '../support/helpers.js';

describe('<voice-rag> element', () => {
  afterEach(cleanup);

  it('has no axe violations when idle, inline and floating', async () => {
    const inline = await fixture({ site: 'docs' });
    expect(await axeViolations(inline)).to.deep.equal([]);
    const floating = await fixture({ site: 'docs', mode: 'floating' });
    part(floating, 'launcher').click();
    await floating.updateComplete;
    expect(await axeViolations(floating)).to.deep.equal([]);
  });

  it('has no axe violations in the dark and light themes', async () => {
    for (const theme of ['dark', 'light']) {
      const el = await fixture({ site: 'docs', theme });
      expect(await axeViolations(el), theme).to.deep.equal([]);
    }
  });

  it('has no axe violations with forced colours and reduced motion', async () => {
    await emulateMedia({ forcedColors: 'active', reducedMotion: 'reduce' });
    try {
      const el = await fixture({ site: 'docs' });
      expect(matchMedia('(prefers-reduced-motion: reduce)').matches).to.equal(true);
      expect(await axeViolations(el)).to.deep.equal([]);
    } finally {
      await emulateMedia({ forcedColors: 'none', reducedMotion: 'no-preference' });
    }
  });

  it('releases a running session when removed from the page', async () => {
    const el = await fixture({ site: 'docs', gateway: 'http://127.0.0.1:9' });
    const states: string[] = [];
    el.addEventListener('voice-rag-state', (e) => states.push(e.state));
    void el.start();
    el.remove();
    expect(el.session.audioContext).to.equal(undefined);
    expect(el.session.connected).to.equal(false);
    expect(states).to.deep.equal(['connecting', 'ended']);
  });

  it('is registered once and tolerates a second registration attempt', async () => {
    expect(customElements.get('voice-rag')).to.equal(VoiceRag);
    await import('../../../widget/index.js');
    expect(customElements.get('voice-rag')).to.equal(VoiceRag);
  });

  it('maps attributes to properties', async () => {
    const el = await fixture({
      site: 'docs', gateway: 'https://voice.example.com', token: 't1', mode: 'floating', position: 'top-left',
      theme: 'dark', accent: 'rebeccapurple', label: 'Ask the docs', 'no-transcript': true, 'no-text-input': true,
      'push-to-talk': true, 'half-duplex': true,
    });
    expect(el.site).to.equal('docs');
    expect(el.gateway).to.equal('https://voice.example.com');
    expect(el.token).to.equal('t1');
    expect(el.mode).to.equal('floating');
    expect(el.position).to.equal('top-left');
    expect(el.theme).to.equal('dark');
    expect(el.accent).to.equal('rebeccapurple');
    expect(el.label).to.equal('Ask the docs');
    expect([el.noTranscript, el.noTextInput, el.pushToTalk, el.halfDuplex]).to.deep.equal([true, true, true, true]);
  });

  it('reflects the styled properties and booleans to attributes', async () => {
    const el = await fixture({ site: 'docs' });
    expect(el.getAttribute('mode')).to.equal('inline');
    expect(el.getAttribute('position')).to.equal('bottom-right');
    expect(el.getAttribute('theme')).to.equal('auto');
    el.mode = 'floating';
    el.theme = 'light';
    el.noTranscript = true;
    el.pushToTalk = true;
    await el.updateComplete;
    expect(el.getAttribute('mode')).to.equal('floating');
    expect(el.getAttribute('theme')).to.equal('light');
    expect(el.hasAttribute('no-transcript')).to.equal(true);
    expect(el.hasAttribute('push-to-talk')).to.equal(true);
    expect(el.hasAttribute('token')).to.equal(false);
  });

  it('renders every documented part, and hides the transcript and text box on request', async () => {
    const el = await fixture({ site: 'docs' });
    for (const name of ['mic-button', 'waveform', 'transcript', 'text-input', 'status']) expect(part(el, name)).to.exist;
    expect(part(el, 'waveform').getAttribute('aria-hidden')).to.equal('true');
    expect(part(el, 'mic-button').tagName).to.equal('BUTTON');
    expect(part(el, 'mic-button').getAttribute('aria-pressed')).to.equal('false');
    el.noTranscript = true;
    el.noTextInput = true;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~=transcript]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part~=text-input]')).to.equal(null);
  });

  it('applies the accent attribute and the --voice-rag-accent custom property', async () => {
    const el = await fixture({ site: 'docs' });
    el.style.setProperty('--voice-rag-accent', 'rgb(1, 2, 3)');
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'mic-button')).borderTopColor).to.equal('rgb(1, 2, 3)');
    el.accent = 'rgb(4, 5, 6)';
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'mic-button')).borderTopColor).to.equal('rgb(4, 5, 6)');
  });

  it('opens and closes the floating panel from the launcher', async () => {
    const el = await fixture({ site: 'docs', mode: 'floating', position: 'bottom-left' });
    const launcher = part(el, 'launcher');
    const panel = el.shadowRoot!.querySelector<HTMLElement>('.panel')!;
    expect(panel.hidden).to.equal(true);
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    launcher.click();
    await el.updateComplete;
    expect(panel.hidden).to.equal(false);
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    const box = el.shadowRoot!.querySelector('.base')!.getBoundingClientRect();
    expect(box.left).to.be.lessThan(window.innerWidth / 2);
  });

  it('uses Japanese strings with lang="ja" and follows the page language by default', async () => {
    const el = await fixture({ site: 'docs', lang: 'ja' });
    expect(part(el, 'mic-button').getAttribute('aria-label')).to.equal(ja.micStart);
    expect(part(el, 'status').textContent!.trim()).to.equal(ja.state.idle);
    expect(el.shadowRoot!.querySelector('input')!.getAttribute('placeholder')).to.equal(ja.textPlaceholder);
    expect(await axeViolations(el)).to.deep.equal([]);
    el.lang = 'en';
    await el.updateComplete;
    expect(part(el, 'mic-button').getAttribute('aria-label')).to.equal(en.micStart);
    document.documentElement.lang = 'ja-JP';
    try {
      const inherited = await fixture({ site: 'docs' });
      expect(part(inherited, 'mic-button').getAttribute('aria-label')).to.equal(ja.micStart);
    } finally {
      document.documentElement.lang = 'en';
    }
  });

  it('fires no event when code sets properties', async () => {
    const el = await fixture({ site: 'docs' });
    const seen: string[] = [];
    for (const type of ['voice-rag-state', 'voice-rag-transcript', 'voice-rag-citations', 'voice-rag-error']) {
      el.addEventListener(type, () => seen.push(type));
    }
    el.site = 'other';
    el.mode = 'floating';
    el.lang = 'ja';
    el.theme = 'dark';
    el.pushToTalk = true;
    await el.updateComplete;
    expect(seen).to.deep.equal([]);
    expect(el.state).to.equal('idle');
  });

  it('opens no socket and no microphone on page load', async () => {
    const opened: string[] = [];
    const original = window.WebSocket;
    window.WebSocket = class extends original {
      constructor(url: string | URL) {
        super(url);
        opened.push(String(url));
      }
    };
    try {
      await fixture({ site: 'docs' });
      await new Promise((r) => setTimeout(r, 100));
      expect(opened).to.deep.equal([]);
    } finally {
      window.WebSocket = original;
    }
  });
});
