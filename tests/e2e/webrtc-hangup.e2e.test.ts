// Issue 24: the gateway ends WebRTC calls by hang-up in Chromium. The session caps (max length,
// idle) hang the call up and leave the widget where the socket path leaves it; an offer the page
// gives up on (closed, navigated away, or refused at the gateway's connect timeout) leaves no
// call the service created without a hang-up, and no sideband open.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readProbe, waitForFrame, waitForState } from './support/probe.js';
import { until, type WebrtcStack, useWebrtcStackPerTest } from './support/webrtc-page.js';
import { widget } from './support/widget.js';

const start = useWebrtcStackPerTest();
const pageConnection = (page: Page) => page.evaluate(() => (window as unknown as { __peer?: RTCPeerConnection }).__peer?.connectionState);
/** What the socket path shows for `session_expired` (widget/ui/strings.ts, en). */
const TIMED_OUT = 'The conversation timed out.';

/** The session ends with `session_expired`; the call is hung up and every piece of it closed. */
async function expectEndedByCap(s: WebrtcStack, page: Page, callId: string, readyAt: number): Promise<number> {
  const error = await waitForFrame(page, 'error', 20_000);
  expect(error.json?.code).toBe('session_expired');
  await s.calls.hungUp(callId, 5_000);
  await waitForState(page, 'ended', 5_000);
  expect(await widget(page).status.innerText()).toContain(TIMED_OUT);
  expect((await readProbe(page)).errors.map((e) => e.code)).toEqual(['session_expired']);
  await page.waitForFunction(() => (window as unknown as { __peer: RTCPeerConnection }).__peer.connectionState === 'closed', undefined, { timeout: 5_000 });
  await s.sidebandOf(callId).closed;
  expect(s.openSidebands()).toEqual([]);
  expect(s.calls.hangups).toEqual([callId]);
  return error.t - readyAt;
}

describe('the session caps end a WebRTC call by hang-up', () => {
  it('max_session_seconds: the call is hung up, the page closes its peer connection, the widget shows the timeout', async () => {
    const s = await start({ site: { limits: { max_session_seconds: 3 } } });
    const page = await s.openPage();
    const { peer } = await s.connectedCall(page);
    const ready = await waitForFrame(page, 'ready', 1_000);
    expect(ready.json?.max_session_s).toBe(3);
    // Activity does not hold a session past its maximum length.
    s.sidebandOf(peer.callId).send({ type: 'input_audio_buffer.speech_started', event_id: 'a1', audio_start_ms: 100, item_id: 'u1' });
    const lastedMs = await expectEndedByCap(s, page, peer.callId, ready.t);
    expect(lastedMs).toBeGreaterThanOrEqual(2_900);
  }, 90_000);

  it('idle_seconds: a call with no activity from the service is hung up the same way', async () => {
    const s = await start({ site: { limits: { idle_seconds: 2 } } });
    const page = await s.openPage();
    const { peer } = await s.connectedCall(page);
    const ready = await waitForFrame(page, 'ready', 1_000);
    // The microphone's RTP is not activity (it does not pass the gateway); the service's events are.
    const lastedMs = await expectEndedByCap(s, page, peer.callId, ready.t);
    expect(lastedMs).toBeGreaterThanOrEqual(1_900);
    expect(peer.rtpPackets).toBeGreaterThan(25);
  }, 90_000);
});

describe('an offer the page gives up on leaves no orphaned call', () => {
  /** Clicks the mic and waits until the offer reached the (slow) calls double. */
  async function offerInFlight(s: WebrtcStack): Promise<Page> {
    const page = await s.openPage();
    await widget(page).micButton.click();
    await until(() => s.calls.offers === 1, 20_000, 'the offer at the calls endpoint');
    expect(s.calls.created).toEqual([]);
    return page;
  }

  /** Every call the double created was hung up, and no sideband is open. */
  async function expectNoOrphan(s: WebrtcStack): Promise<void> {
    await until(() => s.calls.created.length === 1, 20_000, 'the slow double to create the call');
    const callId = s.calls.created[0]!.callId;
    await s.calls.hungUp(callId, 10_000);
    expect(s.calls.hangups).toEqual([callId]);
    expect(s.unclaimed).toEqual(['docs']);
    // A sideband opened for it would have been closed; none is open.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(s.openSidebands()).toEqual([]);
  }

  it('the page is closed while the offer is in flight', async () => {
    const s = await start();
    s.calls.delayMs = 3_000;
    const page = await offerInFlight(s);
    await page.context().close();
    await expectNoOrphan(s);
  }, 90_000);

  it('the page navigates away while the offer is in flight', async () => {
    const s = await start();
    s.calls.delayMs = 3_000;
    const page = await offerInFlight(s);
    await page.goto('about:blank');
    await expectNoOrphan(s);
  }, 90_000);

  it('the gateway gives up after connect_timeout_ms: the widget shows the service as unavailable, and the late call is hung up', async () => {
    const s = await start({ engine: { connect_timeout_ms: 2_000 } });
    s.calls.delayMs = 4_000;
    const page = await offerInFlight(s);
    const error = await waitForFrame(page, 'error', 15_000);
    expect(error.json?.code).toBe('upstream_unavailable');
    expect(String(error.json?.message)).toMatch(/did not answer the call in time/);
    await waitForState(page, 'error', 5_000);
    expect(await widget(page).status.innerText()).toBe('Something went wrong.');
    expect(await page.locator('voice-rag [role="alert"]').innerText()).toBe('The assistant is unavailable right now.');
    expect(s.calls.created).toEqual([]);
    await expectNoOrphan(s);
    // The refusal came after the session's error: the widget did not race it with a fallback.
    expect(await page.evaluate(() => (window as unknown as { __fallback?: string }).__fallback)).toBeUndefined();
    expect(s.upstream.connections).toEqual([]);
    expect(s.calls.offers).toBe(1);
    expect(await pageConnection(page)).toBe('closed');
  }, 90_000);
});
