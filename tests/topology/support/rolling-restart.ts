/**
 * The rolling-restart check: Chromium opens the demo over https through nginx and asks a
 * question; while the answer is being spoken its node gets SIGTERM. The answer must finish, the
 * session then close with 1001 `server_shutdown`, and sessions opened meanwhile land on the
 * other node. The node is started again at the end, as a deploy would.
 */
import { expect } from 'vitest';
import { launchBrowser } from '../../e2e/support/browser.js';
import { installPageProbe, readProbe, samplesToMs, waitForFrame } from '../../e2e/support/probe.js';
import { askByText } from '../../e2e/support/widget.js';
import type { ScriptedConnection } from '../../support/scripted-upstream.js';
import { sleep, speakAnswer, verdict } from './sessions.js';
import { DRAIN_SECONDS, type NodeName, type Topology } from './stack.js';

const ANSWER_MS = 2_500;

declare global {
  interface Window {
    __closes: { t: number; code: number; reason: string }[];
  }
}

/** Records every WebSocket close the page sees (the probe records frames, not closes). */
function recordCloses(): void {
  const closes: Window['__closes'] = [];
  window.__closes = closes;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('close', (e) => closes.push({ t: performance.now(), code: e.code, reason: e.reason }));
    }
  };
}

async function connectionAfter(stack: Topology, count: number, timeoutMs = 10_000): Promise<ScriptedConnection> {
  const deadline = Date.now() + timeoutMs;
  while (stack.upstream.connections.length <= count) {
    if (Date.now() > deadline) throw new Error('no new upstream connection');
    await sleep(20);
  }
  return stack.upstream.connections[count]!;
}

export async function rollingRestart(stack: Topology): Promise<void> {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await installPageProbe(page);
    await page.addInitScript(recordCloses);
    const response = await page.goto(`${stack.origin}/demo/index.html`);
    expect(response?.status()).toBe(200);
    await page.waitForFunction(() => customElements.get('voice-rag') !== undefined);

    const before = stack.upstream.connections.length;
    await askByText(page, 'How do I sync my notes?');
    const ready = await waitForFrame(page, 'ready', 20_000);
    const sessionId = String(ready.json?.session_id);
    const upstream = await connectionAfter(stack, before);
    const name = await stack.nodeOf(sessionId);
    const node = stack.node(name);
    const otherName: NodeName = name === 'a' ? 'b' : 'a';

    let draining: Promise<void> | undefined;
    let termAt = 0;
    await speakAnswer(upstream, ANSWER_MS, () => {
      termAt = Date.now();
      node.child.kill('SIGTERM');
      draining = (async () => {
        await sleep(300);
        // While it drains: not ready (the proxy and Kubernetes stop sending), alive, and a new
        // visitor through nginx is served by the other node.
        expect((await fetch(`http://127.0.0.1:${node.port}/readyz`)).status).toBe(503);
        expect((await fetch(`http://127.0.0.1:${node.port}/healthz`)).status).toBe(200);
        const newcomer = await stack.visit('demo');
        const admitted = await verdict(newcomer);
        if (admitted.type !== 'ready') throw new Error(`refused during the drain: ${admitted.code}`);
        expect(await stack.nodeOf(admitted.session_id)).toBe(otherName);
        newcomer.close();
      })();
    });
    await draining;
    const answerSentMs = Date.now() - termAt;

    const done = await waitForFrame(page, 'response_done', 10_000);
    await page.waitForFunction(() => window.__closes.length > 0, undefined, { timeout: (DRAIN_SECONDS + 5) * 1000 });
    const closes = await page.evaluate(() => window.__closes);
    const probe = await readProbe(page);
    expect(closes[0]).toMatchObject({ code: 1001, reason: 'server_shutdown' });
    expect(probe.errors.map((e) => e.code)).toEqual(['server_shutdown']);
    // The whole answer arrived and played before the close.
    expect(done.t).toBeLessThan(closes[0]!.t);
    const receivedMs = probe.frames.filter((f) => f.dir === 'in' && f.type === 'binary').reduce((ms, f) => ms + f.bytes / 48, 0);
    expect(receivedMs).toBeGreaterThanOrEqual(ANSWER_MS * 0.95);
    const playedMs = samplesToMs(Math.max(0, ...probe.played.map((p) => p.samples)));
    expect(playedMs).toBeGreaterThanOrEqual(Math.floor(receivedMs * 0.9));
    expect(answerSentMs).toBeLessThan(DRAIN_SECONDS * 1000);
    expect(await node.exited).toBe(0);
    await context.close();
  } finally {
    await browser.close();
  }
  for (const name of ['a', 'b'] as const) if (stack.node(name).child.exitCode !== null) await stack.restart(name);
}
