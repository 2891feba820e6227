/**
 * The gateway's own event loop stalls (a long GC pause, CPU starvation under a container's
 * quota) while visitors talk at exactly real time. The audio they sent during the stall is
 * read in one burst afterwards; that burst is the gateway's doing, not the visitors', so it
 * must not end their sessions as "audio faster than real time", and nothing may be lost.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ORIGIN } from '../support/gateway-harness.js';
import { CountingWidget } from './support/counting-widget.js';
import { spawnGateway, type GatewayProcess } from './support/spawn-gateway.js';
import { StreamingUpstream } from './support/streaming-upstream.js';
import { eventually } from '../support/wait.js';

const SESSIONS = 10;
const TICK_MS = 100;
/** 100 ms of audio per 100 ms tick. */
const MIC_BYTES = 4800;

let gateway: GatewayProcess | undefined;
let upstream: StreamingUpstream | undefined;
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a stall of the gateway itself', () => {
  it('keeps real-time visitors through a 1.5 s pause of the gateway’s event loop, and loses no audio', async () => {
    upstream = await StreamingUpstream.start();
    const g = (gateway = await spawnGateway(upstream.url, 600));
    const widgets = Array.from({ length: SESSIONS }, () => new CountingWidget(g.port, TEST_ORIGIN));
    await Promise.all(widgets.map((w) => w.ready));
    widgets.forEach((w, i) => w.sendText(`stall session ${i}`));
    await eventually(() => upstream!.connections.filter((c) => c.label !== undefined).length === SESSIONS, 5000, 'labelled');
    const ticker = setInterval(() => {
      for (const w of widgets) w.sendFrame(MIC_BYTES);
    }, TICK_MS);
    try {
      await sleep(2500);
      await g.stall(1500);
      // Long enough for the burst to leave the rate window.
      await sleep(3000);
    } finally {
      clearInterval(ticker);
    }
    const ended = widgets.filter((w) => !w.open).map((w) => w.errors.map((e) => (e.type === 'error' ? `${e.code}: ${e.message}` : e.type)).join(', ') || 'closed');
    expect(ended, 'sessions ended by the stall').toEqual([]);
    await eventually(() => widgets.every((w, i) => upstream!.connections.find((c) => c.label === `stall session ${i}`)!.inBytes === w.sentBytes), 5000, 'audio delivered');
    for (const [i, w] of widgets.entries()) {
      const u = upstream.connections.find((c) => c.label === `stall session ${i}`)!;
      expect(u.inHash.copy().digest('hex')).toBe(w.sentHash.copy().digest('hex'));
    }
    for (const w of widgets) w.close();
    await Promise.all(widgets.map((w) => w.closed));
  }, 30_000);
});
