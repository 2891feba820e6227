// Issue 24 in WebKit (WebKitGTK's MiniBrowser through WebKitWebDriver): Debian's WebKitGTK is built
// without WebRTC, so a visitor on a `transport: webrtc` site gets the WebSocket transport. This proves
// that visitor still gets a spoken question answered with citations, and trips when WebRTC appears.
import { describe, expect, it } from 'vitest';
import { launchWebKit } from './support/engines.js';
import { engineSkip, expectAnswered, useEngineScene } from './support/suite.js';
import { answerSpokenQuestion, until, waitForFrame } from './support/webrtc-scene.js';

const skip = engineSkip('webkit');

describe.skipIf(skip !== undefined)('webrtc transport in WebKit (WebKitGTK MiniBrowser)', () => {
  const on = useEngineScene(launchWebKit);

  it('has no RTCPeerConnection, so a spoken question on a webrtc site is answered over the socket, with citations', async () => {
    const { scene, browser } = on;
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
    const probe = await expectAnswered(page);
    expect(probe.frames.filter((f) => f.type === 'webrtc_call')).toEqual([]);
    expect(scene.calls.created).toEqual([]);
    await page.close();
  });
});
