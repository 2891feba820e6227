/**
 * Bounded soak: hundreds of concurrent sessions with audio both ways at real time through a
 * gateway running in its own process. Zero frames lost (byte counts and SHA-256 of each
 * direction of each session match end to end), and the gateway's resident memory at the end
 * within 10% of its steady state at the start.
 *
 * CI: SOAK_SECONDS=60, SOAK_SESSIONS=200 (the defaults). A long soak:
 *   SOAK_SECONDS=1800 SOAK_SESSIONS=400 SOAK_TRACE=1 npx vitest run --project node tests/hardening/soak.test.ts
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ORIGIN } from '../support/gateway-harness.js';
import { CountingWidget } from './support/counting-widget.js';
import { spawnGateway, type GatewayProcess } from './support/spawn-gateway.js';
import { StreamingUpstream, TICK_BYTES } from './support/streaming-upstream.js';
import { eventually } from '../support/wait.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SESSIONS = Number(process.env.SOAK_SESSIONS ?? 200);
const WARMUP_SECONDS = Math.min(15, Math.max(5, SECONDS / 4));
const TICK_MS = 100;
/** 100 ms of 24 kHz PCM16 per tick: exactly real time. */
const MIC_BYTES = 4800;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

let gateway: GatewayProcess | undefined;
let upstream: StreamingUpstream | undefined;
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('soak', () => {
  it(`carries ${SESSIONS} concurrent sessions with audio both ways for ${SECONDS} s without losing a frame or growing the gateway's memory`, async () => {
    upstream = await StreamingUpstream.start();
    const g = (gateway = await spawnGateway(upstream.url, SECONDS + 600));
    const widgets: CountingWidget[] = [];
    for (let i = 0; i < SESSIONS; i += 20) {
      const batch = Array.from({ length: Math.min(20, SESSIONS - i) }, () => new CountingWidget(g.port, TEST_ORIGIN));
      await Promise.all(batch.map((w) => w.ready));
      widgets.push(...batch);
    }
    widgets.forEach((widget, i) => widget.sendText(`soak session ${i}`));
    await eventually(() => upstream!.connections.filter((c) => c.label !== undefined).length === SESSIONS, 10_000, 'every session labelled');
    const pairs = widgets.map((widget, i) => ({ widget, upstream: upstream!.connections.find((c) => c.label === `soak session ${i}`)! }));

    const ticker = setInterval(() => {
      for (const widget of widgets) widget.sendFrame(MIC_BYTES);
      upstream!.tick();
    }, TICK_MS);
    const trace = process.env.SOAK_TRACE
      ? setInterval(() => {
          void g.memory().then((m) => console.info(`soak: gateway rss ${mb(m.rss)} heap ${mb(m.heapUsed)} external ${mb(m.external)} sessions ${m.sessions}`));
        }, 10_000)
      : undefined;
    try {
      await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
      const before = await g.memory();
      await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
      const after = await g.memory();
      console.info(`soak: ${SESSIONS} sessions, ${SECONDS} s: gateway rss ${mb(before.rss)} → ${mb(after.rss)}, heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}`);
      const ended = widgets.filter((w) => !w.open).map((w) => w.errors.map((e) => (e.type === 'error' ? `${e.code}: ${e.message}` : e.type)).join(', ') || 'closed without error');
      expect(ended).toEqual([]);
      expect(after.sessions).toBe(SESSIONS);
      expect(after.rss, `gateway rss ${mb(before.rss)} → ${mb(after.rss)}`).toBeLessThanOrEqual(before.rss * 1.1);
    } finally {
      clearInterval(ticker);
      clearInterval(trace);
    }
    upstream.finish();

    // Everything in flight arrives: per session, both directions, byte for byte, in order.
    await eventually(() => pairs.every(({ widget, upstream: u }) => u.inBytes === widget.sentBytes && widget.receivedBytes === u.outBytes), 15_000, 'all audio delivered');
    let micBytes = 0;
    let assistantBytes = 0;
    for (const { widget, upstream: u } of pairs) {
      expect(widget.errors).toEqual([]);
      expect(widget.open).toBe(true);
      expect(u.inHash.copy().digest('hex')).toBe(widget.sentHash.copy().digest('hex'));
      expect(widget.receivedHash.copy().digest('hex')).toBe(u.outHash.copy().digest('hex'));
      expect(widget.receivedFrames).toBe(u.outFrames);
      expect(widget.types.get('response_started') ?? 0).toBeGreaterThanOrEqual(u.responses);
      micBytes += widget.sentBytes;
      assistantBytes += widget.receivedBytes;
    }
    // Real time both ways, give or take the timers' drift under load.
    const perDirection = SESSIONS * (SECONDS + WARMUP_SECONDS) * (1000 / TICK_MS) * TICK_BYTES;
    expect(micBytes).toBeGreaterThan(perDirection * 0.5);
    expect(assistantBytes).toBeGreaterThan(perDirection * 0.3);

    for (const widget of widgets) widget.close();
    const codes = await Promise.all(widgets.map((w) => w.closed));
    expect(new Set(codes)).toEqual(new Set([1000]));
    await eventually(async () => (await g.memory()).sessions === 0, 5000, 'all sessions ended');
    await g.stop();
  }, (SECONDS + 150) * 1000);
});
