// A WebRTC call is an upstream session for the limits: the quota, the concurrency and the budget refuse it before any call exists.
import { afterEach, describe, expect, it } from 'vitest';
import { BUDGET_BREAKING_USAGE as USAGE, startWebrtcHarness, type WebrtcHarness } from '../../support/webrtc-harness.js';

let h: WebrtcHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


describe('webrtc calls under the real limits', () => {
  it('counts a call against the connection quota: the next one is refused and never created', async () => {
    h = await startWebrtcHarness({ realLimits: true, site: { limits: { connections_per_minute: 1, queue_seconds: 0 } } });
    const { widget, callId } = await h.call();
    widget.close();
    await h.calls.hungUp(callId);
    const second = await h.control();
    const error = await second.next('error');
    expect(error.code).toBe('rate_limited');
    expect(error.retry_after_ms).toBeGreaterThan(0);
    expect(second.all('webrtc_call')).toEqual([]);
    expect(h.calls.created).toHaveLength(1);
  });

  it('counts a live call against max_concurrent', async () => {
    h = await startWebrtcHarness({ realLimits: true, site: { limits: { max_concurrent: 1, queue_seconds: 0 } } });
    await h.call();
    const second = await h.control();
    expect((await second.next('error')).code).toBe('rate_limited');
    expect(h.calls.created).toHaveLength(1);
  });

  it('meters response.done from the sideband into the budget: once spent, the next call is refused', async () => {
    h = await startWebrtcHarness({ realLimits: true, site: { limits: { daily_budget_usd: 1 } } });
    const { widget, callId } = await h.call();
    const sideband = h.upstream.connections.at(-1)!;
    sideband.send({ type: 'input_audio_buffer.speech_stopped', event_id: 'e1', audio_end_ms: 900, item_id: 'u1' });
    sideband.send({ type: 'response.created', event_id: 'e2', response: { id: 'r1', object: 'realtime.response', status: 'in_progress', output: [] } });
    sideband.send({ type: 'response.done', event_id: 'e3', response: { id: 'r1', object: 'realtime.response', status: 'completed', output: [], usage: USAGE } });
    await widget.next('response_done');
    widget.close();
    await h.calls.hungUp(callId);
    const next = await h.control();
    expect((await next.next('error')).code).toBe('over_budget');
    expect(h.calls.created).toHaveLength(1);
  });
});
