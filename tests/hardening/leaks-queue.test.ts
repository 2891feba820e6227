/**
 * The waiting line under the real limits: hundreds of visitors who are queued and then leave,
 * or who wait out `queue_seconds`, leave no timer, socket, listener, concurrency slot or queue
 * entry behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../gateway/clock.js';
import { createAdmission } from '../../gateway/limits/admission.js';
import { createMemoryStore } from '../../gateway/limits/stores/memory.js';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import { testConfig, startHarness, type Harness } from '../support/gateway-harness.js';
import type { WidgetClient } from '../support/widget-client.js';
import { settledGrowth, snapshot, type SnapshotSources } from './support/leaks.js';
import { eventually, within } from '../support/wait.js';

const config = testConfig({
  engine: { quota: { connections_per_minute: 1, window_seconds: 60 } },
  site: { limits: { queue_seconds: 1, max_concurrent: 1000 } },
});
const admission = createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger: { info: () => {}, warn: () => {} } });
let gw: Harness;
let holder: WidgetClient;

beforeAll(async () => {
  gw = await startHarness({ config, admission, logLevel: 'info' });
  // Takes the one connection token of the minute: everyone after it queues.
  holder = await gw.ready();
});
afterAll(async () => {
  await gw.close();
  await admission.close?.();
});

const sources = (): SnapshotSources => ({
  server: gw.server,
  emitters: { server: gw.server, wss: gw.gateway.wss },
  extra: () => ({ sessions: gw.gateway.sessions, browserSockets: gw.gateway.wss.clients.size, openWidgets: gw.widgets.filter((w) => w.open).length }),
});

async function queuedFigures(): Promise<{ queued: number; concurrent: number }> {
  const { sites } = await admission.snapshot();
  return { queued: sites.docs!.queued, concurrent: sites.docs!.concurrent };
}

/** Connects `count` visitors, `batch` at a time, and runs `visit` on each. */
async function visitors(count: number, batch: number, visit: (widget: WidgetClient) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async () => {
        const widget = await gw.connect();
        await visit(widget);
      }),
    );
  }
}

describe('the waiting line', () => {
  it('forgets 300 visitors who leave while queued: no timer, socket, listener, slot or queue entry remains', async () => {
    await visitors(3, 3, async (widget) => {
      await widget.next('queued');
      widget.close();
      await widget.closed;
    });
    await eventually(async () => (await queuedFigures()).queued === 0, 3000, 'warm-up settled');
    const before = await snapshot(sources());
    const figuresBefore = await queuedFigures();

    const codes: number[] = [];
    await visitors(300, 50, async (widget) => {
      const queued = await widget.next('queued');
      expect(queued.retry_in_ms).toBeGreaterThanOrEqual(0);
      widget.close();
      codes.push((await within(3000, widget.closed)).code);
    });
    expect(new Set(codes)).toEqual(new Set([1000]));
    expect(gw.upstream.handshakes).toHaveLength(1);

    expect(await settledGrowth(before, sources(), 5000)).toEqual([]);
    await eventually(async () => JSON.stringify(await queuedFigures()) === JSON.stringify(figuresBefore), 3000, 'queue and slots back to before');
    expect(holder.open).toBe(true);
  });

  it('answers rate_limited (4429) to 50 visitors who wait out queue_seconds, and keeps nothing of them', async () => {
    const before = await snapshot(sources());
    const figuresBefore = await queuedFigures();
    const started = Date.now();
    const codes: number[] = [];
    await visitors(50, 50, async (widget) => {
      await widget.next('queued');
      codes.push((await within(4000, widget.closed, 'queue timeout')).code);
      expect(widget.all('error')[0]).toMatchObject({ code: 'rate_limited', fatal: true });
    });
    expect(new Set(codes)).toEqual(new Set([CLOSE_CODE.rate_limited]));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(gw.upstream.handshakes).toHaveLength(1);
    expect(await settledGrowth(before, sources(), 5000)).toEqual([]);
    await eventually(async () => JSON.stringify(await queuedFigures()) === JSON.stringify(figuresBefore), 3000, 'queue and slots back to before');
  });
});
