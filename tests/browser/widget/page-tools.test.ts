import { expect } from '@esm-bundle/chai';
import type { PageToolResultMessage } from '../../../gateway/protocol.js';
import type { VoiceRag } from '../../../widget/voice-rag.js';
import type { VoiceRagToolEvent } from '../../../widget/page-tools.js';
import { cleanup, fixture, play, serverInfo, sessions, uniqueSite, until, waitForState } from '../support/helpers.js';

let gateway = '';

/** A typed session on a fresh site, ready. */
async function ready(): Promise<{ el: VoiceRag; site: string }> {
  const site = uniqueSite('rate-tools');
  const el = await fixture({ site, gateway });
  el.start({ textOnly: true });
  await waitForState(el, 'listening');
  return { el, site };
}

/** Plays one page_tool_call and waits for the widget's page_tool_result. */
async function call(site: string, name: string, args: Record<string, unknown>, callId = 'pt_1'): Promise<PageToolResultMessage> {
  await play(site, { json: { type: 'page_tool_call', call_id: callId, name, arguments: args } });
  let result: PageToolResultMessage | undefined;
  for (let i = 0; i < 100 && !result; i++) {
    const record = (await sessions(site)).at(-1)!;
    result = record.messages.find((m): m is PageToolResultMessage => m.type === 'page_tool_result' && m.call_id === callId);
    if (!result) await new Promise((r) => setTimeout(r, 50));
  }
  if (!result) throw new Error(`no page_tool_result for ${callId}`);
  return result;
}

describe('<voice-rag> page tools (extension page_tools)', () => {
  before(async () => {
    gateway = (await serverInfo()).httpUrl;
  });
  afterEach(() => {
    cleanup();
    for (const el of document.querySelectorAll('.page-tools-fixture')) el.remove();
  });

  it('says it runs page tools when it connects', async () => {
    const { site } = await ready();
    // The test server records the query through the session's site only; the URL is checked directly.
    const { buildSocketUrl } = await import('../../../widget/connection.js');
    expect(new URL(buildSocketUrl(gateway, site)).searchParams.get('page_tools')).to.equal('1');
  });

  it('hands the call to the page as a cancellable voice-rag-tool event and sends back what the handler answered', async () => {
    const { el, site } = await ready();
    const seen: Array<{ name: string; args: unknown; cancelable: boolean }> = [];
    const handler = (event: VoiceRagToolEvent) => {
      seen.push({ name: event.name, args: event.args, cancelable: event.cancelable });
      event.respond(Promise.resolve({ cart_items: 3 }));
    };
    document.addEventListener('voice-rag-tool', handler);
    try {
      const result = await call(site, 'add_to_cart', { sku: 'NW-PLUS' });
      expect(result).to.deep.equal({ type: 'page_tool_result', call_id: 'pt_1', ok: true, result: { cart_items: 3 } });
      expect(seen).to.deep.equal([{ name: 'add_to_cart', args: { sku: 'NW-PLUS' }, cancelable: true }]);
      expect(el.state).to.equal('listening');
    } finally {
      document.removeEventListener('voice-rag-tool', handler);
    }
  });

  it('reports a refusal (preventDefault), a failing handler, and a tool nobody handles as errors', async () => {
    const { site } = await ready();
    const handler = (event: VoiceRagToolEvent) => {
      if (event.name === 'open_page') event.preventDefault();
      if (event.name === 'checkout') event.respond(Promise.reject(new Error('cart is empty')));
    };
    document.addEventListener('voice-rag-tool', handler);
    try {
      expect(await call(site, 'open_page', { url: '/elsewhere' }, 'pt_1')).to.deep.equal({ type: 'page_tool_result', call_id: 'pt_1', ok: false, error: 'refused by the page' });
      expect(await call(site, 'checkout', {}, 'pt_2')).to.deep.equal({ type: 'page_tool_result', call_id: 'pt_2', ok: false, error: 'cart is empty' });
      expect(await call(site, 'wishlist', {}, 'pt_3')).to.deep.equal({ type: 'page_tool_result', call_id: 'pt_3', ok: false, error: 'this page has no handler for it' });
      // The page did not navigate: the refusal stopped the built-in open_page.
      expect(location.pathname).to.not.contain('elsewhere');
    } finally {
      document.removeEventListener('voice-rag-tool', handler);
    }
  });

  it('runs the built-in scroll_to by heading text or id, and open_page for a section of this page', async () => {
    const { site } = await ready();
    const article = document.createElement('article');
    article.className = 'page-tools-fixture';
    article.innerHTML = '<div style="height:3000px"></div><h2 id="eye-exams">Eye exams and glasses</h2><div style="height:3000px"></div>';
    document.body.append(article);
    window.scrollTo(0, 0);
    expect(await call(site, 'scroll_to', { section: 'eye exams and GLASSES' }, 'pt_1')).to.deep.equal({
      type: 'page_tool_result', call_id: 'pt_1', ok: true, result: { section: 'Eye exams and glasses' },
    });
    await until(() => window.scrollY > 1000, 3000, 'the page to scroll');
    expect(await call(site, 'scroll_to', { section: 'Dental' }, 'pt_2')).to.deep.equal({
      type: 'page_tool_result', call_id: 'pt_2', ok: false, error: 'no section "Dental" on this page',
    });
    const here = `${location.pathname}${location.search}#eye-exams`;
    const opened = await call(site, 'open_page', { url: here }, 'pt_3');
    expect(opened).to.deep.equal({ type: 'page_tool_result', call_id: 'pt_3', ok: true, result: { opened: new URL(here, location.href).href } });
    expect(location.hash).to.equal('#eye-exams');
    expect(await call(site, 'open_page', { url: 'javascript:alert(1)' }, 'pt_4')).to.deep.equal({
      type: 'page_tool_result', call_id: 'pt_4', ok: false, error: 'only http(s) pages can be opened',
    });
    history.replaceState(null, '', location.pathname + location.search);
  });
});
