/**
 * One e2e fixture: the real gateway on the demo config plus Debian's Chromium, and a way to open
 * demo pages as separate visitors (one browser context each), each with the page probe installed.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, makeSilenceWav } from './audio.js';
import { ARTIFACTS_DIR, launchBrowser } from './browser.js';
import { startGateway, type GatewayProcess } from './gateway.js';
import { installPageProbe, readProbe } from './probe.js';

/** A demo page opened by one visitor. */
export interface VisitorPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console messages of type error, and uncaught page errors, in order. */
  readonly consoleErrors: string[];
}

export interface OpenOptions {
  /** Serve the page with this Content-Security-Policy header (added by interception). */
  csp?: string;
  viewport?: { width: number; height: number };
}

/** The running stack of one test file. */
export interface E2EStack {
  readonly gateway: GatewayProcess;
  readonly browser: Browser;
  /** Every page opened so far, in order. */
  readonly pages: readonly Page[];
  /** Opens `/demo/<path>` in a fresh context and waits until `<voice-rag>` is defined. */
  open(path: string, options?: OpenOptions): Promise<VisitorPage>;
  /** Closes every page, the browser, then stops the gateway. */
  close(): Promise<void>;
}

/**
 * Starts the gateway and the browser. The fake microphone plays `wav` once; without one it is
 * silent (the fake device's default beeps would set off the voice activity detection).
 */
export async function startStack(options: { wav?: string; gatewayEnv?: Record<string, string> } = {}): Promise<E2EStack> {
  const gateway = await startGateway(options.gatewayEnv ? { env: options.gatewayEnv } : {});
  const silence = fixtureDir();
  let browser: Browser;
  try {
    browser = await launchBrowser({ wav: options.wav ?? makeSilenceWav(silence.dir) });
  } catch (error) {
    await gateway.stop();
    silence.remove();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  return {
    gateway,
    browser,
    pages,
    async open(path, openOptions = {}) {
      const context = await browser.newContext({
        viewport: openOptions.viewport ?? { width: 1280, height: 900 },
        permissions: ['microphone'],
      });
      contexts.push(context);
      const page = await context.newPage();
      pages.push(page);
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
      await installPageProbe(page);
      const url = `${gateway.origin}/demo/${path}`;
      if (openOptions.csp) {
        const csp = openOptions.csp;
        await page.route(url, async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
        });
      }
      const response = await page.goto(url);
      if (!response?.ok()) throw new Error(`GET ${url} answered ${response?.status()}`);
      await page.waitForFunction(() => customElements.get('voice-rag') !== undefined, undefined, { timeout: 10_000 });
      return { page, context, consoleErrors };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await gateway.stop();
      silence.remove();
    },
  };
}

/** Writes what the probe saw and the gateway's log to test-artifacts/e2e/<test>/ (for failures). */
export async function saveDiagnostics(stack: E2EStack | undefined, test: string): Promise<void> {
  if (!stack) return;
  const dir = join(ARTIFACTS_DIR, test);
  mkdirSync(dir, { recursive: true });
  for (const [index, page] of stack.pages.entries()) {
    if (page.isClosed()) continue;
    const probe = await readProbe(page).catch((error: unknown) => ({ unreadable: String(error) }));
    writeFileSync(join(dir, `probe-${index + 1}.json`), JSON.stringify(probe, null, 1));
  }
  writeFileSync(join(dir, 'gateway.log'), stack.gateway.logs.map((line) => line.raw).join('\n'));
}

/**
 * The stack of one test file, started before its tests and closed after them; a failing test
 * saves its diagnostics under the test's artifacts folder. `prepare` runs first (e.g. to make the
 * microphone's WAV) and returns the stack's options; `cleanup` runs after the stack is closed.
 */
export function useStack(
  test: string,
  prepare: () => Parameters<typeof startStack>[0] = () => ({}),
  cleanup: () => void = () => {},
): E2EStack {
  let stack: E2EStack | undefined;
  const started = (): E2EStack => {
    if (!stack) throw new Error('the e2e stack is not started (use it inside a test)');
    return stack;
  };
  beforeAll(async () => {
    stack = await startStack(prepare());
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await saveDiagnostics(stack, test);
  });
  afterAll(async () => {
    await stack?.close();
    cleanup();
  });
  return {
    get gateway() {
      return started().gateway;
    },
    get browser() {
      return started().browser;
    },
    get pages() {
      return started().pages;
    },
    open: (path, options) => started().open(path, options),
    close: () => started().close(),
  };
}
