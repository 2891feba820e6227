/**
 * The engine-neutral set of a WebRTC end-to-end test: the services of
 * tests/support/webrtc-services.ts and a page on the gateway's origin with the probe inlined
 * (WebDriver classic has no init scripts). Plus the
 * service's side of "a spoken question answered with citations", and readers of the page.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../e2e/support/gateway.js';
import { installProbe, type ProbeFrame, type ProbeRecord } from '../../e2e/support/probe.js';
import { NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';
import type { ScriptedConnection } from '../../support/scripted-upstream.js';
import type { PeerCall } from '../../support/webrtc-peer.js';
import { functionCall, responseCreated, responseDone, startWebrtcServices, until, type WebrtcServices } from '../../support/webrtc-services.js';
import type { EnginePage } from './engines.js';

/** Why the scene cannot run: the widget is served from the build. */
export const buildSkipReason = existsSync(join(REPO_ROOT, 'dist', 'widget', 'voice-rag.js')) ? undefined : 'dist/widget is missing: run npm run build first';

/** Page hooks beside the probe: the peer connection for its stats, and the fallback event. */
function installCallHooks(): void {
  const w = window as unknown as { __peer?: RTCPeerConnection; __fallback?: string };
  addEventListener('voice-rag-transport', (event) => (w.__fallback = (event as Event & { reason: string }).reason));
  if (typeof RTCPeerConnection !== 'function') return;
  const Native = RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      w.__peer = this;
    }
  };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>voice-rag engines</title>
<script>(${installProbe.toString()})();(${installCallHooks.toString()})();</script>
<script type="module" src="/voice-rag.js"></script>
<voice-rag site="docs"></voice-rag>`;

export interface WebrtcScene extends WebrtcServices {
  pageUrl: string;
}

/** The services with the engines' test page on the gateway's origin. */
export async function startWebrtcScene(): Promise<WebrtcScene> {
  const services = await startWebrtcServices({ beforeListen: (gateway) => gateway.app.get('/engines.html', (c) => c.html(PAGE)) });
  return { ...services, pageUrl: `${services.origin}/engines.html` };
}

export { until };

export const QUESTION = 'Is an eye exam covered?';
export const ANSWER = 'Yes: one eye exam per plan year, with no copay.';
/** The passage the answer cites. */
export const SOURCE = NORTHWIND_PASSAGES[0]!;

/**
 * The service's side of a spoken question, on a call's sideband or a socket session alike: the
 * visitor's turn, a `search` the gateway runs, then an answer grounded in SOURCE. `whileSpeaking`
 * runs once the answer has begun (the widget is `speaking`), before it ends.
 */
export async function answerSpokenQuestion(service: ScriptedConnection, whileSpeaking?: () => Promise<void>): Promise<void> {
  service.send({ type: 'input_audio_buffer.speech_started', event_id: 's1', audio_start_ms: 100, item_id: 'u1' });
  service.send({ type: 'input_audio_buffer.speech_stopped', event_id: 's2', audio_end_ms: 1500, item_id: 'u1' });
  service.send({ type: 'conversation.item.input_audio_transcription.completed', event_id: 't1', item_id: 'u1', content_index: 0, transcript: QUESTION });
  service.send(responseCreated('r1'));
  for (const event of functionCall('r1', 'call_s', 'search', { query: 'eye exam coverage' })) service.send(event);
  await service.waitFor('conversation.item.create', 10_000);
  service.send(responseDone('r1'));
  await service.waitFor('response.create', 10_000);
  service.send(responseCreated('r2'));
  for (const event of functionCall('r2', 'call_g', 'report_grounding', { sources: [SOURCE.id] })) service.send(event);
  service.send({ type: 'response.output_item.added', event_id: 'm1', response_id: 'r2', output_index: 1, item: { id: 'a2', type: 'message', role: 'assistant', content: [] } });
  service.send({ type: 'response.output_audio_transcript.delta', event_id: 'm1d', response_id: 'r2', item_id: 'a2', output_index: 1, content_index: 0, delta: ANSWER });
  await whileSpeaking?.();
  service.send({ type: 'response.output_audio_transcript.done', event_id: 'm2', response_id: 'r2', item_id: 'a2', output_index: 1, content_index: 0, transcript: ANSWER });
  service.send(responseDone('r2'));
}

/** A copy of what the page's probe recorded. */
export const readProbe = (page: EnginePage): Promise<ProbeRecord> =>
  page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __voiceRagProbe: ProbeRecord }).__voiceRagProbe)) as ProbeRecord);

/** Waits for a widget protocol frame of `type` in direction `dir`. */
export const waitForFrame = (page: EnginePage, type: string, timeoutMs: number, dir: 'in' | 'out' = 'in'): Promise<ProbeFrame> =>
  page.waitFor(
    (wanted: string, direction: string) =>
      (window as unknown as { __voiceRagProbe: ProbeRecord }).__voiceRagProbe.frames.find((f) => f.type === wanted && f.dir === direction) ?? false,
    timeoutMs,
    type,
    dir,
  ) as Promise<ProbeFrame>;

/** Waits until the widget has emitted the state `state`. */
export const waitForState = (page: EnginePage, state: string, timeoutMs: number): Promise<unknown> =>
  page.waitFor((wanted: string) => (window as unknown as { __voiceRagProbe: ProbeRecord }).__voiceRagProbe.states.some((s) => s.state === wanted), timeoutMs, state);

/** The transcript part's text and the citation links' targets, as a visitor sees them. */
export const widgetView = (page: EnginePage): Promise<{ transcript: string; citations: string[] }> =>
  page.evaluate(() => {
    const root = document.querySelector('voice-rag')!.shadowRoot!;
    const transcript = (root.querySelector('[part~="transcript"]') as HTMLElement | null)?.innerText ?? '';
    const citations = [...root.querySelectorAll('[part~="citations"] a')].map((a) => (a as HTMLAnchorElement).href);
    return { transcript, citations };
  });

/** Waits until the widget shows `text` anywhere in its shadow root. */
export const waitForText = (page: EnginePage, text: string, timeoutMs: number): Promise<unknown> =>
  page.waitFor((wanted: string) => document.querySelector('voice-rag')?.shadowRoot?.textContent?.includes(wanted) ?? false, timeoutMs, text);

/** Clicks the mic and waits for a connected call whose microphone RTP reaches the peer. */
export async function connectedCall(scene: WebrtcScene, page: EnginePage): Promise<{ peer: PeerCall; sideband: ScriptedConnection }> {
  const before = scene.peers.calls.length;
  await page.clickInWidget('[part~="mic-button"]');
  await waitForFrame(page, 'webrtc_call', 20_000);
  await waitForState(page, 'listening', 20_000);
  await until(() => scene.peers.calls.length > before && scene.peers.calls.at(-1)!.state === 'connected', 15_000, 'the peer connection');
  const peer = scene.peers.calls.at(-1)!;
  await until(() => peer.rtpPackets > 25, 10_000, 'microphone RTP at the peer');
  return { peer, sideband: scene.sidebandOf(peer.callId) };
}

/** Every ICE candidate pair the page's peer connection formed, as addresses of both ends. */
export const browserCandidatePairs = (page: EnginePage): Promise<Array<{ local: string; remote: string; state: string }>> =>
  page.evaluate(async () => {
    const stats = await (window as unknown as { __peer: RTCPeerConnection }).__peer.getStats();
    const pairs: Array<{ local: string; remote: string; state: string }> = [];
    stats.forEach((entry: { type: string; localCandidateId?: string; remoteCandidateId?: string; state?: string }) => {
      if (entry.type !== 'candidate-pair') return;
      const address = (id?: string) => String((stats.get(id ?? '') as { address?: string } | undefined)?.address);
      pairs.push({ local: address(entry.localCandidateId), remote: address(entry.remoteCandidateId), state: String(entry.state) });
    });
    return pairs;
  });
