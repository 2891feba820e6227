/**
 * The webrtc e2e stack: Chromium with loopback WebRTC, a gateway with a `transport: webrtc` site
 * (unlimited or the real limits on a memory store), the calls double answered by werift peers,
 * the scripted upstream as the sideband, and pages of the gateway's origin with the built widget.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './browser.js';
import { freePort } from './gateway.js';
import { installPageProbe, waitForFrame, waitForState } from './probe.js';
import { widget } from './widget.js';
import { createLogCapture, testConfig } from '../../support/gateway-harness.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';
import { ScriptedUpstream, type Json, type ScriptedConnection } from '../../support/scripted-upstream.js';
import { CallsDouble } from '../../support/webrtc-calls-double.js';
import { WebrtcPeers, type PeerCall } from '../../support/webrtc-peer.js';
import { systemClock } from '../../../gateway/clock.js';
import { createAdmission, createMemoryStore } from '../../../gateway/limits/index.js';
import { createLogger } from '../../../gateway/node/log.js';
import { createGateway, type Gateway } from '../../../gateway/server/gateway.js';
import { createUnlimitedAdmission } from '../../../gateway/server/unlimited-admission.js';

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

/** Polls `check` every 25 ms. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const responseCreated = (id: string): Json => ({ type: 'response.created', event_id: `c_${id}`, response: { id, object: 'realtime.response', status: 'in_progress', output: [] } });
export const responseDone = (id: string, extra: Json = {}): Json => ({
  type: 'response.done',
  event_id: `x_${id}`,
  response: { id, object: 'realtime.response', status: 'completed', output: [], ...extra },
});

export interface WebrtcStackOptions {
  /** Fields merged into the `docs` site (transport and origins are set here). */
  site?: Record<string, unknown>;
  engine?: Record<string, unknown>;
  /** The real limits (quota, concurrency, budgets) on a memory store, as `serve` builds them. */
  realLimits?: boolean;
}

export interface WebrtcStack {
  gateway: Gateway;
  calls: CallsDouble;
  peers: WebrtcPeers;
  upstream: ScriptedUpstream;
  origin: string;
  violations: string[];
  /** Sites whose call was hung up because nobody claimed its answer. */
  unclaimed: string[];
  /** Gateway log lines and page console lines, printed when a test fails. */
  diagnostics(): string;
  /** A new browser context on the gateway's origin with the built widget, probed. */
  openPage(): Promise<Page>;
  /** Clicks the mic and waits for a connected call whose microphone audio reaches the peer. */
  connectedCall(page: Page): Promise<{ peer: PeerCall; sideband: ScriptedConnection }>;
  sidebandOf(callId: string): ScriptedConnection;
  /** Sideband connections (those with a call_id) still open at the scripted upstream. */
  openSidebands(): ScriptedConnection[];
  close(): Promise<void>;
}

/** Starts the gateway and its doubles for `browser`. */
export async function startWebrtcStack(browser: Browser, options: WebrtcStackOptions = {}): Promise<WebrtcStack> {
  const calls = await CallsDouble.start();
  const peers = new WebrtcPeers();
  calls.answerer = peers.answer;
  const upstream = await ScriptedUpstream.start({ dialect: 'ga' });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // A werift answer on a busy 2-core machine can take seconds: the engine's connect timeout covers creating the call.
  const config = testConfig({ site: { ...options.site, transport: 'webrtc', origins: [origin] }, engine: { connect_timeout_ms: 15_000, ...options.engine } });
  const logs = createLogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const limits = options.realLimits ? createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger }) : undefined;
  const violations: string[] = [];
  const unclaimed: string[] = [];
  const gateway = createGateway({
    getConfig: () => config,
    admission: limits ?? createUnlimitedAdmission(),
    getRetriever: () => createMemoryRetriever(NORTHWIND_PASSAGES),
    logger,
    upstreamUrls: { aoai: upstream.url },
    webrtc: {
      callsUrls: { aoai: calls.url },
      observer: { violation: (_site, reason) => violations.push(reason), unclaimed: (site) => unclaimed.push(site) },
    },
  });
  await gateway.listen({ port });
  const consoleLines: string[] = [];
  const contexts: Array<{ close(): Promise<void> }> = [];

  const sidebandOf = (callId: string): ScriptedConnection => {
    const found = upstream.connections.find((c) => c.handshake.url.includes(`call_id=${callId}`));
    if (!found) throw new Error(`no sideband for ${callId}`);
    return found;
  };

  return {
    gateway,
    calls,
    peers,
    upstream,
    origin,
    violations,
    unclaimed,
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
      return { peer, sideband: sidebandOf(peer.callId) };
    },
    sidebandOf,
    openSidebands: () => upstream.connections.filter((c) => c.handshake.url.includes('call_id=') && c.open),
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await gateway.shutdown(0);
      await peers.close();
      await upstream.close();
      await calls.close();
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
