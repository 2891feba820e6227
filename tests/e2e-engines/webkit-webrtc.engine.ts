// Issue 24 in WebKit (WebKitGTK's MiniBrowser through WebKitWebDriver): Debian's WebKitGTK is built
// without WebRTC, so a visitor on a `transport: webrtc` site gets the WebSocket transport. This proves
// that visitor still gets a spoken question answered with citations, and trips when WebRTC appears.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineSkipReason, launchWebKit, type EngineBrowser } from './support/engines.js';
import {
  ANSWER, QUESTION, SOURCE, answerSpokenQuestion, buildSkipReason, readProbe, startWebrtcScene, until, waitForFrame, waitForText,
  widgetView, type WebrtcScene,
} from './support/webrtc-scene.js';

const skip = engineSkipReason('webkit') ?? buildSkipReason;
// In CI a missing browser is a failure, not a silent skip.
if (skip && process.env.CI) throw new Error(skip);
if (skip) console.warn(`skipped: ${skip}`);

describe.skipIf(skip !== undefined)('webrtc transport in WebKit (WebKitGTK MiniBrowser)', () => {
  let scene: WebrtcScene;
  let browser: EngineBrowser;

  beforeAll(async () => {
    scene = await startWebrtcScene();
    browser = await launchWebKit();
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(scene.logs.lines.slice(-40).join('\n'));
  });

  it('has no RTCPeerConnection, so a spoken question on a webrtc site is answered over the socket, with citations', async () => {
    const page = await browser.open(scene.pageUrl);
    const api = await page.evaluate(() => ({ peer: typeof RTCPeerConnection, mediaDevices: typeof navigator.mediaDevices?.getUserMedia }));
    // --enable-webrtc=true is passed: when this fails, WebKitGTK has WebRTC, and the Firefox scene should run here too.
    expect(api, 'WebKitGTK now exposes RTCPeerConnection: run the WebRTC call tests in WebKit (docs/WIDGET.md, Tests)').toEqual({ peer: 'undefined', mediaDevices: 'function' });

    const sockets = scene.upstream.connections.length;
    await page.clickInWidget('[part~="mic-button"]');
    await waitForFrame(page, 'ready', 20_000);
    // The widget did not ask for a call: a plain socket session, the microphone as binary frames.
    await waitForFrame(page, 'binary', 10_000, 'out');
    await until(() => scene.upstream.connections.length > sockets, 10_000, 'the socket session upstream');
    const session = scene.upstream.connections.at(-1)!;
    expect(session.handshake.url).not.toContain('call_id');
    await session.waitFor('input_audio_buffer.append', 10_000);

    await answerSpokenQuestion(session);
    await waitForFrame(page, 'citations', 10_000);
    await waitForText(page, 'no copay', 10_000);
    const view = await widgetView(page);
    expect(view.transcript).toContain(ANSWER);
    expect(view.transcript).toContain(QUESTION);
    expect(view.citations).toContain(SOURCE.url);
    const probe = await readProbe(page);
    expect(probe.frames.filter((f) => f.type === 'webrtc_call')).toEqual([]);
    expect(scene.calls.created).toEqual([]);
    expect(probe.pageErrors).toEqual([]);
    await page.close();
  });
});
