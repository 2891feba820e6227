// A call the service refuses, throttles or answers too late: the widget hears the session's error before the refused offer, and a late call is hung up.
import { afterEach, describe, expect, it } from 'vitest';
import { startWebrtcHarness, type WebrtcHarness } from '../../support/webrtc-harness.js';

let h: WebrtcHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Opens the control socket and posts the offer; the reply, with the errors the socket had received by then. */
async function refusedOffer(harness: WebrtcHarness) {
  const widget = await harness.control();
  const { ticket } = await widget.next('webrtc_call');
  const reply = await harness.offer(ticket);
  const errorsAtReply = widget.all('error').map((e) => ({ ...e }));
  return { widget, reply, errorsAtReply };
}

describe('refused WebRTC calls', () => {
  it('a 429 from the calls endpoint: upstream_unavailable with retry_after_ms on the socket first, then 503; the engine is held off; no call, no sideband', async () => {
    h = await startWebrtcHarness();
    h.calls.failWith = 429;
    const { widget, reply, errorsAtReply } = await refusedOffer(h);
    expect(reply.status).toBe(503);
    expect(errorsAtReply).toHaveLength(1);
    expect(errorsAtReply[0]).toMatchObject({ code: 'upstream_unavailable', fatal: true, retry_after_ms: 10_000 });
    expect((await widget.closed).code).toBe(4503);
    expect(h.admission.throttled).toEqual([{ engineId: 'aoai', retryAfterMs: 10_000 }]);
    expect(h.calls.created).toEqual([]);
    expect(h.upstream.connections).toEqual([]);
  });

  it('any other refusal: the session error goes out before the 502', async () => {
    h = await startWebrtcHarness();
    h.calls.failWith = 500;
    const { reply, errorsAtReply } = await refusedOffer(h);
    expect(reply.status).toBe(502);
    expect(errorsAtReply.map((e) => e.code)).toEqual(['upstream_unavailable']);
    expect(errorsAtReply[0]!.retry_after_ms).toBeUndefined();
    expect(h.admission.throttled).toEqual([]);
  });

  it('a call answered after connect_timeout_ms is hung up when its answer arrives, never orphaned', async () => {
    h = await startWebrtcHarness({ engine: { connect_timeout_ms: 300 } });
    h.calls.delayMs = 900;
    const started = Date.now();
    const { reply, errorsAtReply } = await refusedOffer(h);
    expect(reply.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(900);
    expect(errorsAtReply[0]?.message).toMatch(/did not answer the call in time/);
    expect(h.calls.created).toEqual([]);
    await expect.poll(() => h!.calls.created.length, { timeout: 3000 }).toBe(1);
    await h.calls.hungUp(h.calls.created[0]!.callId);
    expect(h.unclaimed).toEqual(['docs']);
    expect(h.upstream.connections).toEqual([]);
  });
});
