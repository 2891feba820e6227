// Issue 23, consent: the real gateway serves a site with a `consent` notice; in Chromium the
// notice shows before the microphone opens, getUserMedia is not called until the visitor agrees,
// and the next visit in the same browser profile (same localStorage) goes straight to the mic.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSilenceWav } from './support/audio.js';
import { launchBrowser, snap } from './support/browser.js';
import { REPO_ROOT, startGateway, type GatewayProcess } from './support/gateway.js';
import { installPageProbe, readProbe } from './support/probe.js';
import { widget } from './support/widget.js';

const TEST = 'consent';
const NOTICE = 'Your voice is sent to the Example speech service to answer you.';

let dir = '';
let gateway: GatewayProcess | undefined;
let browser: Browser | undefined;

/** The demo's config with a consent notice on the `demo` site (sources by absolute path). */
function consentConfig(): string {
  const demo = readFileSync(join(REPO_ROOT, 'demo', 'voice-rag.config.yaml'), 'utf8');
  const withConsent = demo.replace(
    '    engine: ${DEMO_ENGINE:-local}\n',
    `    engine: \${DEMO_ENGINE:-local}\n    consent:\n      text: "${NOTICE}"\n      link: https://example.com/privacy\n      remember_days: 30\n`,
  );
  expect(withConsent).not.toBe(demo);
  const path = join(dir, 'consent.config.yaml');
  writeFileSync(path, withConsent.replaceAll('./site/**/*.md', join(REPO_ROOT, 'demo', 'site', '**', '*.md')));
  return path;
}

/** Opens the demo's home page in `context`, counting the page's getUserMedia calls. */
async function visit(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await installPageProbe(page);
  await page.addInitScript(() => {
    const counted = window as unknown as { __micCalls: number };
    counted.__micCalls = 0;
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      counted.__micCalls++;
      return real(constraints);
    };
  });
  const response = await page.goto(`${gateway!.origin}/demo/index.html`);
  expect(response?.ok()).toBe(true);
  await page.waitForFunction(() => customElements.get('voice-rag') !== undefined);
  return page;
}

const micCalls = (page: Page) => page.evaluate(() => (window as unknown as { __micCalls: number }).__micCalls);
const micOpen = (page: Page) => page.evaluate(() => document.querySelector('voice-rag')!.session.micOpen);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'voice-rag-consent-'));
  gateway = await startGateway({ config: consentConfig() });
  browser = await launchBrowser({ wav: makeSilenceWav(dir) });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await gateway?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('consent before the microphone, in Chromium against the real gateway', () => {
  it('shows the notice, refuses the mic until the visitor agrees, and skips the notice on the next visit', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['microphone'] });
    try {
      const first = await visit(context);
      const settings = await first.evaluate(async (origin) => (await fetch(`${origin}/v1/widget-settings?site=demo`)).json(), gateway!.origin);
      expect(settings).toEqual({ consent: { text: NOTICE, link: 'https://example.com/privacy', remember_days: 30, typed_needs_consent: false } });

      const { host, micButton } = widget(first);
      await micButton.click();
      const notice = host.locator('[role="dialog"].consent');
      await notice.waitFor({ state: 'visible', timeout: 10_000 });
      await expect(notice.innerText()).resolves.toContain(NOTICE);
      await expect(host.locator('.consent-agree').evaluate((button) => button.getRootNode() instanceof ShadowRoot && (button.getRootNode() as ShadowRoot).activeElement === button)).resolves.toBe(true);
      await snap(first, TEST, '01-notice');
      // The session opens for typing meanwhile, but the microphone is never asked for.
      await first.waitForFunction(() => document.querySelector('voice-rag')!.state === 'listening', undefined, { timeout: 20_000 });
      await first.waitForTimeout(500);
      expect(await micCalls(first)).toBe(0);
      expect(await micOpen(first)).toBe(false);
      expect((await readProbe(first)).frames.filter((f) => f.dir === 'out' && f.type === 'binary')).toHaveLength(0);

      await host.locator('.consent-agree').click();
      await first.waitForFunction(() => document.querySelector('voice-rag')!.session.micOpen, undefined, { timeout: 10_000 });
      expect(await micCalls(first)).toBe(1);
      await expect(notice.count()).resolves.toBe(0);
      await first.waitForFunction(() => window.__voiceRagProbe.frames.some((f) => f.dir === 'out' && f.type === 'binary'), undefined, { timeout: 10_000 });
      await first.close();

      // The next visit, same profile: straight to the microphone.
      const second = await visit(context);
      await widget(second).micButton.click();
      await second.waitForFunction(() => document.querySelector('voice-rag')!.session.micOpen, undefined, { timeout: 10_000 });
      expect(await micCalls(second)).toBe(1);
      await expect(widget(second).host.locator('.consent').count()).resolves.toBe(0);
      await snap(second, TEST, '02-next-visit');
    } finally {
      await context.close();
    }
  });
});
