// Issue 19 in every engine: the heard-only transcript after a barge-in (the shown answer is the
// words played, marked interrupted, and so is the voice-rag-transcript event), and the `page`
// extension (sent only when ready lists it; again when the section in view or the title changes).
import { expect } from '@esm-bundle/chai';
import type { VoiceRagTranscriptEvent } from '../../../widget/events.js';
import { HeardText } from '../../../widget/session/heard.js';
import { en } from '../../../widget/ui/strings.js';
import type { VoiceRag } from '../../../widget/voice-rag.js';
import { cleanup, fixture, part, play, serverInfo, sessions, uniqueSite, until, waitForMessage, waitForState, type Step } from '../support/helpers.js';

let gateway = '';
const widget = (site: string): Promise<VoiceRag> => fixture({ site, gateway });

describe('<voice-rag> heard-only transcript and page context', () => {
  before(async () => {
    gateway = (await serverInfo()).httpUrl;
  });
  afterEach(cleanup);

  it('cuts an interrupted answer to the words played and marks it, visibly and in the event', async () => {
    const site = uniqueSite('heard');
    const el = await widget(site);
    const events: VoiceRagTranscriptEvent[] = [];
    el.addEventListener('voice-rag-transcript', (e) => events.push(e));
    part(el, 'mic-button').click();
    await waitForState(el, 'listening');
    const deltas = ['One two three four ', 'five six seven eight ', 'nine ten eleven twelve.'];
    const steps: Step[] = [{ json: { type: 'response_started', response_id: 'r1' } }];
    for (const delta of deltas) steps.push({ json: { type: 'assistant_transcript', item_id: 'a1', delta } }, { tone: { ms: 1000 } });
    await play(site, ...steps);
    await until(() => el.session.playedMs > 1300, 5000, 'playback past the first second');
    await play(site, { json: { type: 'speech_started' } });
    const record = await waitForMessage(site, 'interrupt');
    const playedMs = (record.messages.find((m) => m.type === 'interrupt') as { played_ms: number }).played_ms;
    await until(() => events.some((e) => e.interrupted), 3000, 'the interrupted transcript event');

    // The same rule over the same arrivals: each delta came just before its second of audio.
    const heard = new HeardText();
    heard.start();
    for (const delta of deltas) {
      heard.text('a1', delta);
      heard.audio(48_000);
    }
    const expected = heard.cut(playedMs)!.text;
    const turn = el.shadowRoot!.querySelector('.turn.assistant')!;
    const shown = turn.querySelector('.text')!.textContent!.trim();
    expect(shown, `played ${playedMs} ms`).to.equal(expected);
    expect(shown).to.match(/^One two three four five/);
    expect(shown).not.to.contain('twelve');
    expect(turn.querySelector('[part~="interrupted"]')!.textContent).to.contain(en.interrupted);
    const event = events.find((e) => e.interrupted)!;
    expect([event.role, event.text, event.itemId]).to.deep.equal(['assistant', shown, 'a1']);
    expect(el.shadowRoot!.querySelector('[aria-live="polite"]')?.textContent ?? '').to.contain(en.interrupted);

    // The rest of the cancelled answer does not bring the unheard words back.
    await play(site, { json: { type: 'assistant_transcript_done', item_id: 'a1', text: deltas.join('') } }, { json: { type: 'response_done', response_id: 'r1', status: 'cancelled' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(turn.querySelector('.text')!.textContent!.trim()).to.equal(shown);
  });

  describe('page', () => {
    let article: HTMLElement;
    const title = document.title;
    beforeEach(() => {
      article = document.createElement('article');
      article.innerHTML = '<h2 id="one"><a aria-hidden="true" href="#one">#</a>One</h2><div style="height:3000px"></div>'
        + '<h2 id="two">Two</h2><div style="height:3000px"></div>';
      document.body.prepend(article);
      scrollTo(0, 0);
    });
    afterEach(() => {
      article.remove();
      document.title = title;
      scrollTo(0, 0);
    });

    type SentPage = { url: string; title?: string; section?: string };
    const pages = async (site: string) => (await sessions(site)).at(-1)!.messages.filter((m) => m.type === 'page') as unknown as SentPage[];

    /** Polls the test server until a page message matching `test` arrived. */
    const pageWhere = async (site: string, test: (page: SentPage) => boolean): Promise<SentPage> => {
      const end = performance.now() + 3000;
      for (;;) {
        const found = (await pages(site)).find(test);
        if (found) return found;
        if (performance.now() > end) throw new Error(`no such page message; got ${JSON.stringify(await pages(site))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    it('is sent after ready when listed, and again when the section in view or the title changes', async () => {
      const site = uniqueSite('page');
      const el = await widget(site);
      el.sendText('hello');
      await waitForMessage(site, 'page');
      const [first] = await pages(site);
      expect(first!.section).to.equal('One');
      expect(first!.url).to.equal(`${location.origin}${location.pathname}${location.search}#one`);
      scrollTo(0, document.getElementById('two')!.getBoundingClientRect().top + scrollY);
      const second = await pageWhere(site, (page) => page.section === 'Two');
      expect(second.url.endsWith('#two')).to.equal(true);
      document.title = 'Another view';
      const last = await pageWhere(site, (page) => page.title === 'Another view');
      expect(last.section).to.equal('Two');
    });

    it('is never sent to a gateway that does not list it', async () => {
      const site = uniqueSite('nopage');
      const el = await widget(site);
      el.sendText('hello');
      await waitForMessage(site, 'text');
      await new Promise((r) => setTimeout(r, 1200));
      expect(await pages(site)).to.deep.equal([]);
    });
  });
});
