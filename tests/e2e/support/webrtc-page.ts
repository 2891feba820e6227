/**
 * The webrtc e2e stack in Chromium: the services of tests/support/webrtc-services.ts, Chromium
 * with loopback WebRTC, and pages of the gateway's origin with the built widget.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './browser.js';
import { installPageProbe, waitForFrame, waitForState } from './probe.js';
import { widget } from './widget.js';
import type { ScriptedConnection } from '../../support/scripted-upstream.js';
import type { PeerCall } from '../../support/webrtc-peer.js';
import { startWebrtcServices, until, type WebrtcServices, type WebrtcServicesOptions } from '../../support/webrtc-services.js';

/** Headless Chromium whose WebRTC uses loopback host candidates only (no STUN or TURN anywhere). */
export function launchWebrtcBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required',
      '--allow-loopback-in-peer-connection',
      // The page is fulfilled by Playwright, so it has no IP address space (see support/browser.ts).
      '--disable-features=LocalNetworkAccessChecks',
    ],
  });
}

export { functionCall, responseCreated, responseDone, until } from '../../support/webrtc-services.js';

export type WebrtcStackOptions = Omit<WebrtcServicesOptions, 'beforeListen'>;

export interface WebrtcStack extends Omit<WebrtcServices, 'logs'> {
  /** Gateway log lines and page console lines, printed when a test fails. */
  diagnostics(): string;
  /** A new browser context on the gateway's origin with the built widget, probed. */
  openPage(): Promise<Page>;
  /** Clicks the mic and waits for a connected call whose microphone audio reaches the peer. */
  connectedCall(page: Page): Promise<{ peer: PeerCall; sideband: ScriptedConnection }>;
}

/** Starts the gateway and its doubles for `browser`. */
export async function startWebrtcStack(browser: Browser, options: WebrtcStackOptions = {}): Promise<WebrtcStack> {
  const services = await startWebrtcServices(options);
  const { peers, origin, logs } = services;
  const consoleLines: string[] = [];
  const contexts: Array<{ close(): Promise<void> }> = [];

  return {
    ...services,
    diagnostics: () => [...logs.lines.slice(-40), ...consoleLines].join('\n'),
    async openPage() {
      const context = await browser.newContext({ permissions: ['microphone'] });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
      await installPageProbe(page);
      // The page's peer connection and data channel, for the tests to read and tamper with.
      await page.addInitScript(() => {
        const Native = RTCPeerConnection;
        window.RTCPeerConnection = class extends Native {
          constructor(configuration?: RTCConfiguration) {
            super(configuration);
            (window as unknown as { __peer: RTCPeerConnection }).__peer = this;
          }
        };
        const create = RTCPeerConnection.prototype.createDataChannel;
        RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, ...args: Parameters<typeof create>) {
          const channel = create.apply(this, args);
          (window as unknown as { __dataChannel: RTCDataChannel }).__dataChannel = channel;
          return channel;
        };
        addEventListener('voice-rag-transport', (event) => ((window as unknown as { __fallback: string }).__fallback = (event as Event & { reason: string }).reason));
      });
      await page.route(`${origin}/webrtc.html`, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="/voice-rag.js"></script><voice-rag site="docs"></voice-rag>' }),
      );
      await page.goto(`${origin}/webrtc.html`);
      await page.waitForFunction(() => customElements.get('voice-rag') !== undefined);
      return page;
    },
    async connectedCall(page) {
      const before = peers.calls.length;
      await widget(page).micButton.click();
      await waitForFrame(page, 'webrtc_call', 20_000);
      await waitForState(page, 'listening', 20_000);
      await until(() => peers.calls.length > before && peers.calls.at(-1)!.state === 'connected', 10_000, 'the peer connection');
      const peer = peers.calls.at(-1)!;
      await until(() => peer.rtpPackets > 25, 10_000, 'microphone RTP at the peer');
      return { peer, sideband: services.sidebandOf(peer.callId) };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await services.close();
    },
  };
}

/**
 * One browser for the file and a fresh stack per test (its own gateway, limits and doubles):
 * returns `start`, which builds the test's stack; closed after each test, with the gateway's log
 * and the page console printed when the test failed.
 */
export function useWebrtcStackPerTest(): (options?: WebrtcStackOptions) => Promise<WebrtcStack> {
  let browser: Browser | undefined;
  let stack: WebrtcStack | undefined;
  beforeAll(async () => {
    browser = await launchWebrtcBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') console.error(stack?.diagnostics());
    await stack?.close();
    stack = undefined;
  });
  return async (options = {}) => (stack = await startWebrtcStack(browser!, options));
}
