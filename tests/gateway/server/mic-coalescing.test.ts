// Microphone-frame coalescing (a site's audio.coalesce_ms): the framing alone, then through a gateway.
import { afterEach, describe, expect, it } from 'vitest';
import { createMicCoalescer } from '../../../gateway/session/mic-coalescer.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { FakeClock, flushPromises } from '../../support/fake-clock.js';

const frame = (fill: number, bytes = 960) => new Uint8Array(bytes).fill(fill);

function coalescer(holdMs: number) {
  const clock = new FakeClock();
  const sent: number[][] = [];
  const mic = createMicCoalescer({ holdMs, bytesPerMs: 48, clock, send: (pcm) => sent.push([...pcm]) });
  return { clock, sent, mic };
}

describe('mic coalescer', () => {
  it('sends each frame as it comes when the setting is 0', () => {
    const { sent, mic, clock } = coalescer(0);
    mic.push(frame(1));
    mic.push(frame(2));
    expect(sent.map((pcm) => pcm.length)).toEqual([960, 960]);
    expect(clock.pending).toBe(0);
  });

  it('joins frames in order and sends as soon as the batch holds coalesce_ms of audio', () => {
    const { sent, mic, clock } = coalescer(60);
    mic.push(frame(1));
    clock.advance(20);
    mic.push(frame(2));
    expect(sent).toEqual([]);
    clock.advance(20);
    mic.push(frame(3));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual([...frame(1), ...frame(2), ...frame(3)]);
    expect(clock.pending).toBe(0);
  });

  it('never holds a frame longer than coalesce_ms', () => {
    const { sent, mic, clock } = coalescer(60);
    mic.push(frame(7));
    clock.advance(59);
    expect(sent).toEqual([]);
    clock.advance(1);
    expect(sent).toEqual([[...frame(7)]]);
    // The next frame starts a fresh wait of its own.
    mic.push(frame(8));
    clock.advance(59);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent[1]).toEqual([...frame(8)]);
  });

  it('flushes at once and stops its timer; an empty flush sends nothing', () => {
    const { sent, mic, clock } = coalescer(100);
    mic.flush();
    expect(sent).toEqual([]);
    mic.push(frame(4));
    mic.push(frame(5, 480));
    mic.flush();
    expect(sent).toEqual([[...frame(4), ...frame(5, 480)]]);
    expect(clock.pending).toBe(0);
  });

  it('takes frames larger than a batch whole', () => {
    const { sent, mic } = coalescer(10);
    mic.push(frame(9, 960));
    expect(sent).toEqual([[...frame(9, 960)]]);
    mic.push(frame(1, 240));
    mic.push(frame(2, 960));
    expect(sent[1]).toEqual([...frame(1, 240), ...frame(2, 960)]);
  });
});

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const appends = (received: Array<Record<string, unknown>>) =>
  received.filter((event) => event.type === 'input_audio_buffer.append').map((event) => [...Buffer.from(String(event.audio), 'base64')]);

async function readySession(site: Record<string, unknown>) {
  const clock = new FakeClock();
  harness = await startHarness({ clock, site });
  const widget = await harness.connect();
  await widget.next('ready');
  const upstream = await harness.upstream.nextConnection();
  return { clock, widget, upstream };
}

/** Waits until the upstream has `count` appends (the widget's frames cross two sockets). */
async function appendsAfter(upstream: { received: Array<Record<string, unknown>> }, count: number) {
  for (let i = 0; i < 200 && appends(upstream.received).length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return appends(upstream.received);
}

describe('a site with audio.coalesce_ms', () => {
  it('sends one append per frame by default', async () => {
    const { widget, upstream } = await readySession({});
    widget.sendAudio(frame(1));
    widget.sendAudio(frame(2));
    expect(await appendsAfter(upstream, 2)).toEqual([[...frame(1)], [...frame(2)]]);
  });

  it('sends three 20 ms frames as one append at 60 ms, and the last frames when the time is up', async () => {
    const { widget, upstream, clock } = await readySession({ audio: { coalesce_ms: 60 } });
    for (const fill of [1, 2, 3, 4]) widget.sendAudio(frame(fill));
    expect(await appendsAfter(upstream, 1)).toEqual([[...frame(1), ...frame(2), ...frame(3)]]);
    await flushPromises();
    expect(appends(upstream.received)).toHaveLength(1);
    clock.advance(60);
    expect((await appendsAfter(upstream, 2))[1]).toEqual([...frame(4)]);
  });

  it('flushes held audio before a commit', async () => {
    const { widget, upstream } = await readySession({ audio: { coalesce_ms: 200 }, turn_detection: { type: 'manual' } });
    widget.sendAudio(frame(5));
    widget.send({ type: 'commit' });
    await upstream.waitFor('input_audio_buffer.commit');
    expect(upstream.types.slice(-3)).toEqual(['input_audio_buffer.append', 'input_audio_buffer.commit', 'response.create']);
    expect(appends(upstream.received)).toEqual([[...frame(5)]]);
  });

  it('flushes held audio before a typed message and at the end of the session', async () => {
    const { widget, upstream } = await readySession({ audio: { coalesce_ms: 200 } });
    widget.sendAudio(frame(6));
    widget.send({ type: 'text', text: 'and also' });
    await upstream.waitFor('conversation.item.create');
    expect(appends(upstream.received)).toEqual([[...frame(6)]]);
    expect(upstream.types.indexOf('conversation.item.create')).toBeGreaterThan(upstream.types.lastIndexOf('input_audio_buffer.append'));

    widget.sendAudio(frame(7));
    widget.close();
    expect((await appendsAfter(upstream, 2))[1]).toEqual([...frame(7)]);
  });

  it('refuses a setting past 200 ms with a clear config error', async () => {
    await expect(startHarness({ site: { audio: { coalesce_ms: 500 } } })).rejects.toThrow(/coalesce_ms/);
  });
});
