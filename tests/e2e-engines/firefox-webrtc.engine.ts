// Issue 24: the widget's WebRTC transport end to end in Firefox ESR (puppeteer-core over WebDriver
// BiDi, fake microphone): the call to a real WebRTC peer on loopback only, barge-in, and the fallback
// to the socket when the peer cannot be reached. The same scene as the Chromium test (tests/e2e/webrtc-call).
import { describe, expect, it } from 'vitest';
import { launchFirefox } from './support/engines.js';
import { engineSkip, expectAnswered, useEngineScene } from './support/suite.js';
import { answerSpokenQuestion, browserCandidatePairs, connectedCall, readProbe, until, waitForFrame, waitForState } from './support/webrtc-scene.js';
import type { ProbeRecord } from '../e2e/support/probe.js';

const skip = engineSkip('firefox');
const LOOPBACK = /^127\.0\.0\.1:\d+$/;

describe.skipIf(skip !== undefined)('webrtc transport in Firefox ESR', () => {
  const on = useEngineScene(launchFirefox);

  it('answers a spoken question with citations: the microphone and the answer as RTP on 127.0.0.1, control over the socket', async () => {
    const { scene, browser } = on;
    const page = await browser.open(scene.pageUrl);
    const { peer, sideband } = await connectedCall(scene, page);
    // Loopback only: the peer answered with 127.0.0.1 alone, ICE chose 127.0.0.1 at both ends,
    // and Firefox formed no pair with any other address.
    expect(peer.selectedPair()?.local).toMatch(LOOPBACK);
    expect(peer.selectedPair()?.remote).toMatch(LOOPBACK);
    expect(peer.offer).toMatch(/ 127\.0\.0\.1 \d+ typ host/);
    const pairs = await browserCandidatePairs(page);
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.filter((pair) => pair.local !== '127.0.0.1' || pair.remote !== '127.0.0.1')).toEqual([]);

    // The service's voice while it answers: Opus over RTP into the remote track, measured for the waveform.
    let level = 0;
    await answerSpokenQuestion(sideband, async () => {
      await waitForState(page, 'speaking', 10_000);
      const spoken = peer.speak(2000);
      level = await page.waitFor(() => {
        const value = (document.querySelector('voice-rag') as unknown as { session: { level: number } }).session.level;
        return value > 0.05 ? value : 0;
      }, 10_000);
      await spoken;
    });
    expect(level).toBeGreaterThan(0.05);
    const probe = await expectAnswered(page);
    const received = await page.evaluate(async () => {
      const stats = await (window as unknown as { __peer: RTCPeerConnection }).__peer.getStats();
      let packets = 0;
      stats.forEach((entry: { type: string; kind?: string; packetsReceived?: number }) => {
        if (entry.type === 'inbound-rtp' && entry.kind === 'audio') packets += entry.packetsReceived ?? 0;
      });
      return packets;
    });
    expect(received).toBeGreaterThan(40);
    // The microphone never went over the socket: it reached the peer as RTP.
    expect(probe.frames.filter((f) => f.dir === 'out' && f.type === 'binary')).toEqual([]);
    expect(scene.violations).toEqual([]);
    await page.close();
    await scene.calls.hungUp(peer.callId);
  });

  it('barge-in: the visitor speaks over the service\'s Opus voice; the widget listens again and leaves the truncation to the service', async () => {
    const { scene, browser } = on;
    const page = await browser.open(scene.pageUrl);
    const { peer, sideband } = await connectedCall(scene, page);
    sideband.send({ type: 'input_audio_buffer.speech_stopped', event_id: 'b1', audio_end_ms: 900, item_id: 'u9' });
    sideband.send({ type: 'response.created', event_id: 'b2', response: { id: 'r9', object: 'realtime.response', status: 'in_progress', output: [] } });
    sideband.send({ type: 'response.output_item.added', event_id: 'b3', response_id: 'r9', output_index: 0, item: { id: 'a9', type: 'message', role: 'assistant', content: [] } });
    sideband.send({ type: 'response.output_audio_transcript.delta', event_id: 'b4', response_id: 'r9', item_id: 'a9', output_index: 0, content_index: 0, delta: 'Let me explain the whole plan' });
    await waitForState(page, 'speaking', 10_000);
    const spoken = peer.speak(1500);
    await page.waitFor(() => (document.querySelector('voice-rag') as unknown as { session: { level: number } }).session.level > 0.05, 10_000);
    await spoken;
    const statesBefore = (await readProbe(page)).states.length;
    sideband.send({ type: 'input_audio_buffer.speech_started', event_id: 'b5', audio_start_ms: 2000, item_id: 'u10' });
    await page.waitFor((from: number) => (window as unknown as { __voiceRagProbe: ProbeRecord }).__voiceRagProbe.states.slice(from).some((s) => s.state === 'listening'), 10_000, statesBefore);
    sideband.send({ type: 'response.done', event_id: 'b6', response: { id: 'r9', object: 'realtime.response', status: 'cancelled', output: [] } });
    await waitForFrame(page, 'response_done', 10_000);
    const probe = await readProbe(page);
    // On WebRTC the service stops its own audio at what was played: no interrupt, no truncate from the gateway.
    expect(probe.frames.filter((f) => f.dir === 'out' && f.type === 'interrupt')).toEqual([]);
    expect(sideband.types).not.toContain('conversation.item.truncate');
    expect(sideband.types).not.toContain('response.cancel');
    expect(probe.pageErrors).toEqual([]);
    expect(scene.violations).toEqual([]);
    await page.close();
    await scene.calls.hungUp(peer.callId);
  });

  it('falls back to the WebSocket transport, with an event, when WebRTC cannot connect; the visitor still gets the answer', async () => {
    const { scene, browser } = on;
    scene.peers.unreachable = true;
    const page = await browser.open(scene.pageUrl);
    const sockets = scene.upstream.connections.length;
    await page.clickInWidget('[part~="mic-button"]');
    await waitForFrame(page, 'webrtc_call', 20_000);
    const reason = await page.waitFor(() => (window as unknown as { __fallback?: string }).__fallback ?? false, 15_000);
    expect(reason).toMatch(/did not connect in time|failed/);
    await scene.calls.hungUp(scene.calls.created.at(-1)!.callId);
    // The new session is a socket session: no call_id, and the microphone goes over the socket.
    await until(() => scene.upstream.connections.slice(sockets).some((c) => !c.handshake.url.includes('call_id')), 10_000, 'a socket session');
    await waitForFrame(page, 'binary', 10_000, 'out');
    const session = scene.upstream.connections.slice(sockets).find((c) => !c.handshake.url.includes('call_id'))!;
    await session.waitFor('input_audio_buffer.append', 10_000);

    await answerSpokenQuestion(session);
    const probe = await expectAnswered(page);
    expect(probe.frames.filter((f) => f.type === 'webrtc_call')).toHaveLength(1);
    expect(probe.frames.filter((f) => f.type === 'ready')).toHaveLength(2);
    await page.close();
  });
});
