// Issue 8, e2e 5: the demo page served with a strict Content-Security-Policy (only the gateway's
// origin for scripts, styles, images and connections; nothing inline). The widget works, and the
// page records no violation.
import { describe, expect, it } from 'vitest';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';
import { readProbe, waitForFrame, waitForState } from './support/probe.js';
import { askByText, citationLinks, transcriptText, widget } from './support/widget.js';

const TEST = 'strict-csp';
const QUESTION = 'How many devices can I use on the free plan?';

const stack = useStack(TEST);

/** script/style/connect/img only from the gateway; no inline code, no eval, no blob: or data:. */
function strictCsp(origin: string): string {
  const host = new URL(origin).host;
  return [
    "default-src 'none'",
    `script-src ${origin}`,
    `style-src ${origin}`,
    `img-src ${origin}`,
    `font-src ${origin}`,
    `connect-src ${origin} ws://${host}`,
    `media-src ${origin}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

describe('the demo under a strict Content-Security-Policy', () => {
  it('answers a typed question with no policy violation', async () => {
    const { page, consoleErrors } = await stack.open('csp.html', { csp: strictCsp(stack.gateway.origin) });
    await snap(page, TEST, '01-idle', 'page');

    // The mic first: a typed-only session would answer in text, and the playback worklet must load and play here.
    await widget(page).micButton.click();
    await waitForState(page, 'listening', 30_000);
    await askByText(page, QUESTION);
    await waitForFrame(page, 'assistant_transcript_done', 30_000);
    await waitForFrame(page, 'citations', 30_000);
    await waitForState(page, 'speaking', 30_000);
    await snap(page, TEST, '02-answered');

    expect(await transcriptText(page)).toMatch(/3 devices|three devices/i);
    expect((await citationLinks(page)).length).toBeGreaterThan(0);
    const probe = await readProbe(page);
    expect(probe.violations).toEqual([]);
    expect(probe.errors).toEqual([]);
    expect(probe.played.some((p) => p.samples > 0), 'the playback worklet loaded and played').toBe(true);
    expect(consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(consoleErrors).toEqual([]);

    // The policy was really in force: an inline style is refused and reported.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p style="color: red">x</p>'));
    await page.waitForFunction(() => window.__voiceRagProbe.violations.length > 0, undefined, { timeout: 5_000 });
    expect((await readProbe(page)).violations[0]!.directive).toMatch(/^style-src/);
  });
});
