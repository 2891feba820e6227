/**
 * Flooding: many connections from one address, audio faster than real time, huge frames, and
 * a browser that never reads. Each ends with its code, memory stays bounded, and the gateway
 * keeps serving everyone else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { systemClock } from '../../gateway/clock.js';
import { createAdmission } from '../../gateway/limits/admission.js';
import { createMemoryStore } from '../../gateway/limits/stores/memory.js';
import { CLOSE_CODE, LIMITS } from '../../gateway/protocol.js';
import { MAX_BROWSER_FRAME } from '../../gateway/server/gateway.js';
import { TEST_ORIGIN, testConfig, startHarness, type Harness } from '../support/gateway-harness.js';
import { eventually, insideOneClockMinute, within } from '../support/wait.js';

let gw: Harness | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** A control session stays usable: a typed question reaches the upstream. */
async function expectStillServing(g: Harness): Promise<void> {
  const widget = await g.ready();
  const upstream = g.upstream.connections.at(-1)!;
  widget.send({ type: 'text', text: 'still there?' });
  await upstream.waitFor('response.create');
  widget.close();
  await widget.closed;
}

describe('many connections from one address', () => {
  it('admits only per_visitor_per_minute of 40 simultaneous connections and refuses the rest with 4429, opening nothing for them upstream', async () => {
    const config = testConfig({ site: { limits: { per_visitor_per_minute: 3, queue_seconds: 0 } } });
    // per_visitor_per_minute counts per clock minute: connect all 40 inside one.
    await insideOneClockMinute(5_000);
    const admission = createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger: { info: () => {}, warn: () => {} } });
    gw = await startHarness({ config, admission });
    const widgets = await Promise.all(Array.from({ length: 40 }, () => gw!.connect()));
    await eventually(() => widgets.every((w) => w.messages.some((m) => m.type === 'ready' || m.type === 'error')), 5000, 'every session answered');
    const ready = widgets.filter((w) => w.all('ready').length > 0);
    const refused = widgets.filter((w) => w.all('error').length > 0);
    expect(ready).toHaveLength(3);
    expect(refused).toHaveLength(37);
    for (const widget of refused) {
      expect(widget.all('error')[0]).toMatchObject({ code: 'rate_limited', fatal: true });
      expect(widget.all('error')[0]!.retry_after_ms).toBeGreaterThan(0);
      expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.rate_limited);
    }
    expect(gw.upstream.handshakes).toHaveLength(3);
    for (const widget of ready) expect(widget.open).toBe(true);
    await admission.close?.();
  });

  it('does not let one address dodge per_visitor_per_minute by inventing X-Forwarded-For headers (trust_proxy off)', async () => {
    const config = testConfig({ site: { limits: { per_visitor_per_minute: 2, queue_seconds: 0 } } });
    // per_visitor_per_minute counts per clock minute: connect all 10 inside one.
    await insideOneClockMinute(5_000);
    const admission = createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger: { info: () => {}, warn: () => {} } });
    gw = await startHarness({ config, admission });
    const widgets = await Promise.all(Array.from({ length: 10 }, (_, i) => gw!.connect({ headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } })));
    await eventually(() => widgets.every((w) => w.messages.some((m) => m.type === 'ready' || m.type === 'error')), 5000, 'every session answered');
    expect(widgets.filter((w) => w.all('ready').length > 0)).toHaveLength(2);
    expect(gw.upstream.handshakes).toHaveLength(2);
    await admission.close?.();
  });
});

describe('audio faster than real time', () => {
  it('ends the session with bad_message once more than 1.5× real time arrives within 2 s, and stops forwarding audio', async () => {
    gw = await startHarness();
    const widget = await gw.ready();
    const upstream = gw.upstream.connections.at(-1)!;
    // Eight 500 ms frames at once: 4 s of audio in no time.
    for (let i = 0; i < 8; i++) widget.sendAudio(LIMITS.maxAudioBytes);
    expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.bad_message);
    expect(widget.all('error')[0]).toMatchObject({ code: 'bad_message', fatal: true });
    await within(3000, upstream.closed);
    const forwardedMs = upstream.received
      .filter((e) => e.type === 'input_audio_buffer.append')
      .reduce((ms, e) => ms + Buffer.from(String(e.audio), 'base64').byteLength / 48, 0);
    expect(forwardedMs).toBeLessThanOrEqual(LIMITS.maxAudioRate * LIMITS.audioRateWindowMs);
    await expectStillServing(gw);
  });
});

describe('a flood of typed messages', () => {
  it('neither queues 500 texts sent at once nor turns them into 500 paid responses (bad_message, or a handful at most)', async () => {
    gw = await startHarness();
    const widget = await gw.ready();
    const upstream = gw.upstream.connections.at(-1)!;
    const question = 'q'.repeat(1990);
    for (let i = 0; i < 500; i++) widget.send({ type: 'text', text: `${i} ${question}` });
    // The upstream answers every response it is asked for, at once, for 2 s.
    let creates = 0;
    const until = Date.now() + 2000;
    while (Date.now() < until && widget.open) {
      const create = await upstream.waitFor('response.create', 100).catch(() => undefined);
      if (!create) continue;
      creates++;
      const id = `resp_flood${creates}`;
      upstream.send({ type: 'response.created', event_id: `c${creates}`, response: { id, status: 'in_progress', output: [] } });
      upstream.send({ type: 'response.done', event_id: `d${creates}`, response: { id, status: 'completed', output: [] } });
    }
    const endedWithBadMessage = !widget.open && (await widget.closed).code === CLOSE_CODE.bad_message;
    expect(endedWithBadMessage || creates <= 10, `${creates} responses created for one flood of texts`).toBe(true);
  });
});

describe('huge and malformed frames', () => {
  const cases: Array<[name: string, send: (ws: { sendAudio(b: number): void; sendRaw(t: string): void }) => void]> = [
    ['an audio frame one sample over 500 ms', (w) => w.sendAudio(LIMITS.maxAudioBytes + 2)],
    ['an audio frame just under the transport ceiling', (w) => w.sendAudio(MAX_BROWSER_FRAME - 2)],
    ['an audio frame of an odd length', (w) => w.sendAudio(961)],
    ['an audio frame shorter than 10 ms', (w) => w.sendAudio(2)],
    ['an empty audio frame', (w) => w.sendAudio(0)],
    ['a text frame over 16 KiB', (w) => w.sendRaw(JSON.stringify({ type: 'text', text: 'a'.repeat(20_000) }))],
    ['a text message of 2001 characters', (w) => w.sendRaw(JSON.stringify({ type: 'text', text: 'a'.repeat(2001) }))],
    ['deeply nested JSON', (w) => w.sendRaw(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
  ];
  for (const [name, send] of cases) {
    it(`ends the session with bad_message (4400) on ${name}`, async () => {
      gw ??= await startHarness();
      const widget = await gw.ready();
      send(widget);
      expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.bad_message);
      expect(widget.all('error')).toEqual([expect.objectContaining({ code: 'bad_message', fatal: true })]);
    });
  }

  it('cuts frames above the transport ceiling (1 MiB, 16 MiB) without buffering them, and keeps serving', async () => {
    gw = await startHarness();
    for (const bytes of [1024 * 1024, 16 * 1024 * 1024]) {
      const widget = await gw.ready();
      const rssBefore = process.memoryUsage().rss;
      widget.sendAudio(bytes);
      const { code } = await within(5000, widget.closed);
      // Past MAX_BROWSER_FRAME ws refuses the frame itself (1009) before the session sees it;
      // below it the session answers bad_message (STYLE.md §6). Either way the session ends.
      expect([CLOSE_CODE.bad_message, 1009]).toContain(code);
      await eventually(() => gw!.gateway.sessions === 0, 3000, 'session ended');
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(bytes + 32 * 1024 * 1024);
    }
    await expectStillServing(gw);
  });

  it('refuses audio sent before ready with bad_message', async () => {
    gw = await startHarness({ engine: { connect_timeout_ms: 2000 } });
    gw.upstream.silent = true;
    const widget = await gw.connect();
    widget.sendAudio(960);
    expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.bad_message);
    gw.upstream.silent = false;
  });
});

/** A browser that got `ready` and then stopped reading its socket; its text frames are kept. */
async function stalledBrowser(gateway: Harness) {
  const ws = new WebSocket(`ws://127.0.0.1:${gateway.port}/v1/realtime?site=docs`, { headers: { origin: TEST_ORIGIN } });
  const texts: string[] = [];
  ws.on('message', (data, binary) => {
    if (!binary) texts.push(data.toString());
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await eventually(() => texts.some((t) => t.includes('"ready"')), 5000, 'ready');
  ws.pause();
  return { ws, texts, closed, upstream: gateway.upstream.connections.at(-1)! };
}

describe('a browser that never reads', () => {
  it('ends the session at the max_buffered_kb ceiling instead of growing memory, with bad_message', async () => {
    gw = await startHarness({ server: { max_buffered_kb: 256 } });
    const { ws, texts, closed, upstream } = await stalledBrowser(gw);
    upstream.send({ type: 'response.created', event_id: 'e0', response: { id: 'resp_flood', status: 'in_progress', output: [] } });
    const second = Buffer.alloc(48_000).toString('base64');
    const rssBefore = process.memoryUsage().rss;
    let sentBytes = 0;
    // Up to 200 MB of assistant audio; the kernel's socket buffers hold a few MB, the ceiling 256 KiB more.
    while (gw.gateway.sessions > 0 && sentBytes < 200_000_000) {
      for (let i = 0; i < 20; i++) {
        upstream.send({ type: 'response.output_audio.delta', event_id: 'e', response_id: 'resp_flood', item_id: 'item_flood', output_index: 0, content_index: 0, delta: second });
        sentBytes += 48_000;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(gw.gateway.sessions).toBe(0);
    expect(sentBytes).toBeLessThan(200_000_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * 1024 * 1024);
    await within(3000, upstream.closed, 'upstream closed');
    const ended = gw.logs.parsed().find((line) => line.msg === 'session ended');
    expect(ended).toMatchObject({ code: 'bad_message' });
    // Once the browser reads again it gets the audio that was queued, then the error and the close.
    ws.resume();
    expect(await within(10_000, closed)).toBe(CLOSE_CODE.bad_message);
    expect(JSON.parse(texts.at(-1)!)).toMatchObject({ type: 'error', code: 'bad_message', fatal: true });
    await expectStillServing(gw);
  });

  it('ends the session at the ceiling when the flood is text (transcript deltas) rather than audio', async () => {
    gw = await startHarness({ server: { max_buffered_kb: 256 } });
    const { ws, texts, closed, upstream } = await stalledBrowser(gw);
    upstream.send({ type: 'response.created', event_id: 'e0', response: { id: 'resp_words', status: 'in_progress', output: [] } });
    const words = 'word '.repeat(2000);
    const ceiling = 64 * 1024 * 1024;
    let sentBytes = 0;
    // A few MB fill the kernel's socket buffers; past them only the gateway's ceiling can stop the growth.
    while (gw.gateway.sessions > 0 && sentBytes < ceiling) {
      for (let i = 0; i < 50; i++) {
        upstream.send({ type: 'response.output_audio_transcript.delta', event_id: 'e', response_id: 'resp_words', item_id: 'item_words', output_index: 0, content_index: 0, delta: words });
        sentBytes += words.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const bufferedSessions = gw.gateway.sessions;
    ws.resume();
    expect(bufferedSessions, `the gateway queued ${Math.round(sentBytes / 1024 / 1024)} MB of text for a browser that does not read`).toBe(0);
    expect(await within(10_000, closed)).toBe(CLOSE_CODE.bad_message);
  });
});
