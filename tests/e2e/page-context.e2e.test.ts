// Issue 19, item 4: page-aware answers. The demo site runs with `page_context: boost`; the same
// ambiguous question asked from two demo pages, each scrolled to a section, gets a different and
// correct answer: the widget reports the page (extension `page`, only because ready lists it), the
// gateway boosts that page's section, and the offline engine answers from the top passage.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';
import { readProbe, waitForFrame } from './support/probe.js';
import { askByText, citationLinks, widget } from './support/widget.js';

const TEST = 'page-context';
const QUESTION = 'How do I turn this on?';
// Short enough that each section used here can scroll to the top of the window.
const viewport = { width: 1280, height: 560 };
const stack = useStack(TEST, () => ({ gatewayEnv: { DEMO_PAGE_CONTEXT: 'boost' } }));

/** Opens the floating widget of a content page (its launcher). */
const openPanel = (page: Page) => widget(page).host.locator('[part~="launcher"]').click();

/** Opens a demo page scrolled to a section, asks the question, and returns the answer and its first source. */
async function askFrom(path: string, anchor: string): Promise<{ page: Page; answer: string; source: string; sent: Record<string, unknown> }> {
  const { page } = await stack.open(path, { viewport });
  await page.evaluate((id) => document.getElementById(id)!.scrollIntoView({ block: 'start' }), anchor);
  await openPanel(page);
  await askByText(page, QUESTION);
  const ready = await waitForFrame(page, 'ready', 20_000);
  expect(ready.json?.extensions).toContain('page');
  const sent = (await waitForFrame(page, 'page', 5_000, 'out')).json!;
  const done = await waitForFrame(page, 'assistant_transcript_done', 30_000);
  await page.waitForFunction(() => window.__voiceRagProbe.citations.length > 0, undefined, { timeout: 10_000 });
  await snap(page, TEST, path.replace('.html', ''), 'page');
  const [first] = await citationLinks(page);
  expect((await readProbe(page)).errors).toEqual([]);
  return { page, answer: String(done.json?.text), source: first!.href, sent };
}

describe('page-aware answers', () => {
  it('answers "how do I turn this on?" from the section in view of each of two pages', async () => {
    const mobile = await askFrom('mobile-apps.html', 'app-lock');
    expect(mobile.sent).toMatchObject({ type: 'page', section: 'App lock' });
    expect(String(mobile.sent.url)).toMatch(/\/demo\/mobile-apps\.html#app-lock$/);
    expect(mobile.source).toMatch(/\/demo\/mobile-apps\.html#app-lock$/);
    expect(mobile.answer).toMatch(/App lock/);

    const plugins = await askFrom('plugins.html', 'installing-plugins');
    expect(plugins.sent).toMatchObject({ type: 'page', section: 'Installing plugins' });
    expect(plugins.source).toMatch(/\/demo\/plugins\.html#installing-plugins$/);
    expect(plugins.answer).toMatch(/Developer mode/);
    expect(plugins.answer).not.toBe(mobile.answer);

    // Both pages were on the site's origins: none was dropped.
    expect(stack.gateway.logs.filter((l) => /page: dropped/.test(l.raw))).toEqual([]);
  }, 120_000); // two pages, two full answers: on a loaded machine one answer alone can take 30 s

  it('reports the section again when the visitor scrolls to another one', async () => {
    const { page } = await stack.open('plugins.html', { viewport });
    await openPanel(page);
    await askByText(page, 'What can plugins access?');
    await waitForFrame(page, 'page', 20_000, 'out');
    await page.evaluate(() => document.getElementById('turning-plugins-off')!.scrollIntoView({ block: 'start' }));
    await page.waitForFunction(
      () => window.__voiceRagProbe.frames.some((f) => f.dir === 'out' && f.type === 'page' && f.json?.section === 'Turning plugins off'),
      undefined,
      { timeout: 5_000 },
    );
    const pages = (await readProbe(page)).frames.filter((f) => f.dir === 'out' && f.type === 'page');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(String(pages.at(-1)!.json?.url)).toMatch(/plugins\.html#turning-plugins-off$/);
  });
});
