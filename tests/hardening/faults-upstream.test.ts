/**
 * Upstream and retrieval faults: a drop mid-answer, an upstream that accepts but never says
 * `session.created`, an `error` event, a search that hangs past `timeout_ms`. The visitor gets
 * the documented code within a bounded time, and the other sessions go on.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import { SEARCH_UNAVAILABLE } from '../../gateway/retrieval/format.js';
import type { ScriptedConnection } from '../support/scripted-upstream.js';
import type { WidgetClient } from '../support/widget-client.js';
import { trapCrashes } from './support/crash-trap.js';
import { FakeClock } from '../support/fake-clock.js';
import { StreamingUpstream } from './support/streaming-upstream.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { eventually, within } from '../support/wait.js';
import { pcmBase64, typedTurn } from './support/turns.js';

let gw: Harness | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});


/** Opens a ready session and returns it with its upstream connection. */
async function session(g: Harness): Promise<{ widget: WidgetClient; upstream: ScriptedConnection }> {
  const widget = await g.ready();
  return { widget, upstream: await g.upstream.nextConnection() };
}

describe('upstream faults', () => {
  it('ends a session whose upstream drops mid-answer with upstream_error within 1 s; the other session finishes its turn', async () => {
    gw = await startHarness();
    const a = await session(gw);
    const b = await session(gw);
    a.widget.send({ type: 'text', text: 'tell me everything' });
    await a.upstream.waitFor('response.create');
    a.upstream.send({ type: 'response.created', event_id: 'e1', response: { id: 'resp_a', status: 'in_progress', output: [] } });
    a.upstream.send({ type: 'response.output_audio.delta', event_id: 'e2', response_id: 'resp_a', item_id: 'item_a', output_index: 0, content_index: 0, delta: pcmBase64(9600) });
    await a.widget.next('response_started');
    const started = Date.now();
    a.upstream.drop();
    const closed = await within(1000, a.widget.closed, 'close after drop');
    expect(closed.code).toBe(CLOSE_CODE.upstream_error);
    expect(a.widget.all('error')).toEqual([expect.objectContaining({ code: 'upstream_error', fatal: true })]);
    expect(Date.now() - started).toBeLessThan(1000);
    await typedTurn(b.widget, b.upstream);
    expect(b.widget.open).toBe(true);
  });

  it('ends a session whose upstream closes cleanly mid-answer with upstream_error', async () => {
    gw = await startHarness();
    const a = await session(gw);
    a.upstream.close(1011);
    expect((await within(1000, a.widget.closed)).code).toBe(CLOSE_CODE.upstream_error);
  });

  it('answers upstream_unavailable within connect_timeout_ms + 1 s when the upstream accepts but never sends session.created; open sessions go on', async () => {
    gw = await startHarness({ engine: { connect_timeout_ms: 300 } });
    const b = await session(gw);
    gw.upstream.silent = true;
    const started = Date.now();
    const a = await gw.connect();
    const closed = await within(1300, a.closed, 'connect timeout');
    expect(closed.code).toBe(CLOSE_CODE.upstream_unavailable);
    expect(a.all('error')).toEqual([expect.objectContaining({ code: 'upstream_unavailable', fatal: true })]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // The silent upstream socket is closed too, not left behind.
    await within(3000, gw.upstream.connections.at(-1)!.closed, 'silent upstream closed');
    gw.upstream.silent = false;
    await typedTurn(b.widget, b.upstream);
  });

  it('answers upstream_unavailable within connect_timeout_ms + 1 s when the upstream accepts TCP but never answers the upgrade', async () => {
    const sockets: Socket[] = [];
    // Reads (so it notices the gateway hanging up) but never answers.
    const blackHole = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blackHole.address() as AddressInfo;
      gw = await startHarness({ engine: { connect_timeout_ms: 300 }, upstreamUrls: { aoai: `ws://127.0.0.1:${port}/` } });
      const widget = await gw.connect();
      expect((await within(1300, widget.closed, 'connect timeout')).code).toBe(CLOSE_CODE.upstream_unavailable);
      // The half-open upstream socket is not kept.
      await eventually(() => sockets.length === 1 && sockets[0]!.destroyed, 3000, 'upstream socket destroyed');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });

  it('answers upstream_unavailable at once when nothing listens upstream', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    gw = await startHarness({ engine: { connect_timeout_ms: 5000 }, upstreamUrls: { aoai: `ws://127.0.0.1:${closedPort}/` } });
    const widget = await gw.connect();
    expect((await within(1000, widget.closed, 'refusal')).code).toBe(CLOSE_CODE.upstream_unavailable);
  });

  it('answers upstream_unavailable when the upstream answers session.update with an error', async () => {
    gw = await startHarness({ engine: { api_version: '2024-10-01-preview', connect_timeout_ms: 2000 }, expectNonConforming: true });
    const widget = await gw.connect();
    expect((await within(1000, widget.closed)).code).toBe(CLOSE_CODE.upstream_unavailable);
  });

  it('ends the session with upstream_error within 1 s on a session-level upstream error, and shrugs off an error tied to one client event', async () => {
    // Without renewal (continuity.renew: false), the service's session_expired ends the session too.
    gw = await startHarness({ site: { continuity: { renew: false } } });
    const a = await session(gw);
    const b = await session(gw);
    // Tied to a client event (benign): the session goes on.
    a.upstream.send({ type: 'error', event_id: 'e1', error: { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'no active response', event_id: 'evt_gw9' } });
    await typedTurn(a.widget, a.upstream);
    // Tied to nothing: the session is broken.
    a.upstream.send({ type: 'error', event_id: 'e2', error: { type: 'server_error', code: 'server_error', message: 'The server had an error', event_id: null } });
    expect((await within(1000, a.widget.closed)).code).toBe(CLOSE_CODE.upstream_error);
    b.upstream.send({ type: 'error', event_id: 'e3', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 30 minutes.' } });
    expect((await within(1000, b.widget.closed)).code).toBe(CLOSE_CODE.upstream_error);
    const c = await session(gw);
    await typedTurn(c.widget, c.upstream);
  });

  it('survives upstream event types named like Object.prototype members (constructor, toString, __proto__)', async () => {
    const trap = trapCrashes();
    try {
      gw = await startHarness();
      const a = await session(gw);
      const b = await session(gw);
      for (const type of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) a.upstream.send({ type });
      await typedTurn(a.widget, a.upstream);
      await typedTurn(b.widget, b.upstream);
      // In production an escaped exception here stops the process and every session on it.
      expect(trap.escaped).toEqual([]);
    } finally {
      trap.dispose();
    }
  });
});

describe('retrieval faults', () => {
  it('answers the model with SEARCH_UNAVAILABLE once a search hangs past timeout_ms, and the turn goes on', async () => {
    gw = await startHarness({ site: { retrieval: { kind: 'azure-search', endpoint: 'https://s.example.net', index: 'kb', api_key: 'k', timeout_ms: 200 } } });
    gw.retriever.hang = true;
    const a = await session(gw);
    const b = await session(gw);
    a.widget.send({ type: 'text', text: 'what about vision?' });
    await a.upstream.waitFor('conversation.item.create');
    await a.upstream.waitFor('response.create');
    a.upstream.send({ type: 'response.created', event_id: 'e1', response: { id: 'resp_1', status: 'in_progress', output: [] } });
    a.upstream.send({ type: 'response.output_item.added', event_id: 'e2', response_id: 'resp_1', output_index: 0, item: { id: 'item_fc', type: 'function_call', call_id: 'call_1', name: 'search', arguments: '' } });
    a.upstream.send({ type: 'response.function_call_arguments.done', event_id: 'e3', response_id: 'resp_1', item_id: 'item_fc', output_index: 0, call_id: 'call_1', name: 'search', arguments: '{"query":"vision coverage"}' });
    a.upstream.send({ type: 'response.done', event_id: 'e4', response: { id: 'resp_1', status: 'completed', output: [] } });
    expect(await a.widget.next('searching')).toEqual({ type: 'searching', query: 'vision coverage' });
    const started = Date.now();
    const output = await within(1200, a.upstream.waitFor('conversation.item.create', 1200), 'function_call_output');
    expect(Date.now() - started).toBeLessThan(1200);
    expect(output.item).toEqual({ type: 'function_call_output', call_id: 'call_1', output: SEARCH_UNAVAILABLE });
    // The model is asked to answer anyway, and the session is alive.
    await a.upstream.waitFor('response.create', 1000);
    expect(a.widget.open).toBe(true);
    expect(a.widget.all('error')).toEqual([]);
    gw.retriever.hang = false;
    await typedTurn(b.widget, b.upstream);
  });
});

describe('an upstream that stops reading', () => {
  it('ends the session instead of queueing microphone audio without bound for a stalled upstream', async () => {
    const clock = new FakeClock();
    const streaming = await StreamingUpstream.start();
    try {
      gw = await startHarness({ clock, upstreamUrls: { aoai: streaming.url }, server: { max_buffered_kb: 256 }, site: { limits: { max_session_seconds: 3600, idle_seconds: 3600 } } });
      const widget = await gw.ready();
      widget.send({ type: 'text', text: 'stall' });
      await eventually(() => streaming.connections.some((c) => c.label === 'stall'), 3000, 'labelled');
      streaming.pause('stall');
      // Real-time audio on the gateway's clock: 100 ms of audio per 100 ms, 10 minutes of it
      // (≈ 38 MB of base64 upstream). Kernel buffers take a few MB; then only a ceiling helps.
      let frames = 0;
      while (gw.gateway.sessions > 0 && frames < 6000) {
        // 500 ms of audio, then 500 ms on the clock: never faster than real time, whatever the scheduling.
        for (let i = 0; i < 5; i++, frames++) widget.sendAudio(4800);
        await new Promise((resolve) => setTimeout(resolve, 2));
        clock.advance(500);
      }
      expect(gw.gateway.sessions, `the gateway queued ${Math.round((frames * 6400) / 1024 / 1024)} MB for an upstream that does not read`).toBe(0);
      const { code } = await within(3000, widget.closed);
      expect([CLOSE_CODE.upstream_error, CLOSE_CODE.upstream_unavailable]).toContain(code);
    } finally {
      await gw?.close();
      gw = undefined;
      await streaming.close();
    }
  });
});
