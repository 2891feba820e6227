// Issue 8, e2e 1: a typed question on the demo's home page is answered from the demo docs by the
// offline engine, with citations that open the right page and section. Issue 18: a typed-only
// session asks for text answers (no audio bought that nobody hears); once the visitor presses the
// mic, the same session's answers are spoken and played.
import { describe, expect, it } from 'vitest';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';
import { readProbe, samplesToMs, waitForFrame, waitForState } from './support/probe.js';
import { askByText, citationLinks, transcriptText, widget } from './support/widget.js';

const TEST = 'typed-question';
// demo/site/sync.md, "## Working offline": "if a device has not connected for 90 days it must do a full resync".
const QUESTION = 'How long can a device stay offline before it needs a full resync?';
const ANSWER = /90 days/i;
const SOURCE = /\/demo\/sync\.html#working-offline$/;

const stack = useStack(TEST);

describe('typed question on the demo home page', () => {
  it('answers in text only (no audio bought), cites the page and section, and speaks once the mic is on, in the same session', async () => {
    const { page, consoleErrors } = await stack.open('index.html');
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await snap(page, TEST, '01-idle');

    await askByText(page, QUESTION);
    await waitForFrame(page, 'assistant_transcript_done', 30_000);
    await waitForFrame(page, 'citations', 30_000);
    const answeredAt = await waitForState(page, 'speaking', 30_000);
    await waitForState(page, 'listening', 30_000, (await readProbe(page)).states.findIndex((s) => s.t === answeredAt) + 1);
    await snap(page, TEST, '02-answered-in-text');

    // A typed-only session (PROTOCOL.md `mode=text`): the answer came as text, with no audio at all.
    expect(sockets).toHaveLength(1);
    expect(new URL(sockets[0]!).searchParams.get('mode')).toBe('text');
    let probe = await readProbe(page);
    expect(probe.frames.filter((f) => f.dir === 'in' && f.type === 'binary')).toEqual([]);
    expect(await transcriptText(page)).toMatch(ANSWER);
    const links = await citationLinks(page);
    expect(links.map((l) => l.href)).toContainEqual(expect.stringMatching(SOURCE));
    // Page URLs by the url_base rule: /demo/<page>.html, or /demo/[<folder>/] for an index page.
    for (const link of links) expect(link.href).toMatch(/\/demo\/(?:[\w-]+\/)*(?:[\w-]+\.html)?(?:#[^#]+)?$/);

    // The visitor presses the mic: the same session now answers aloud.
    await widget(page).micButton.click();
    await waitForFrame(page, 'binary', 10_000, 'out');
    const statesBefore = (await readProbe(page)).states.length;
    await askByText(page, QUESTION);
    await waitForState(page, 'speaking', 30_000, statesBefore);
    const speakingAt = (await readProbe(page)).states.findIndex((s, i) => i >= statesBefore && s.state === 'speaking');
    // Back to listening once the answer has been heard to its end.
    await waitForState(page, 'listening', 60_000, speakingAt + 1);
    await snap(page, TEST, '03-answered-aloud');
    expect(sockets).toHaveLength(1);

    probe = await readProbe(page);
    expect(probe.errors).toEqual([]);
    expect(probe.transcripts.filter((t) => t.role === 'assistant').map((t) => t.text).join(' ')).toMatch(ANSWER);
    // The playback worklet's own count of what it played (the widget's played_ms).
    const playedMs = samplesToMs(Math.max(0, ...probe.played.map((p) => p.samples)));
    expect(playedMs).toBeGreaterThan(500);
    const lastResponse = probe.frames.map((f) => f.dir === 'in' && f.type === 'response_started').lastIndexOf(true);
    const receivedMs = probe.frames
      .slice(lastResponse).filter((f) => f.dir === 'in' && f.type === 'binary').reduce((ms, f) => ms + f.bytes / 48, 0);
    expect(receivedMs).toBeGreaterThan(500);
    expect(playedMs).toBeGreaterThanOrEqual(Math.floor(receivedMs * 0.9));
    expect(consoleErrors).toEqual([]);

    // The citation lands on a real heading of the rendered page.
    const href = links.find((l) => SOURCE.test(l.href))!.href;
    await page.goto(href);
    const anchor = decodeURIComponent(new URL(href).hash.slice(1));
    await expect(page.locator(`[id="${anchor}"]`).count()).resolves.toBe(1);
    await snap(page, TEST, '04-cited-section', 'page');
  }, 150_000); // two answers, the second one spoken and played to its end
});
