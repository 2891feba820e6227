/**
 * The visitor on the `webrtc` transport, as the widget does it: the control socket with
 * `transport=webrtc`, `webrtc_call`, a werift peer playing the browser (Opus microphone track,
 * `oai-events` data channel, loopback only, no STUN), the offer POST, then `ready`.
 */
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { loopbackOnly } from '../../../tests/support/webrtc-peer.js';
import { BENCH_ORIGIN, openControlSocket, type ControlSocket } from './control-socket.js';
import { createOpusSender } from './opus-voice.js';
import { countUdp } from './udp-count.js';
import { voiceFrame } from './voice-frames.js';
import type { BenchVisitor } from './visitor-ws.js';

function until(pc: RTCPeerConnection, done: () => boolean, subscribe: (wake: () => void) => { unSubscribe(): void }, what: string, ms = 15_000): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`werift visitor: ${what} not reached within ${ms} ms (${pc.connectionState})`)), ms);
    const subscription = subscribe(() => {
      if (!done()) return;
      clearTimeout(timer);
      subscription.unSubscribe();
      resolve();
    });
  });
}

/** Opens a WebRTC call on `site` and waits for `ready` and a connected peer. */
export async function openCallVisitor(port: number, site: string): Promise<BenchVisitor> {
  const control: ControlSocket = await openControlSocket(port, site, '&transport=webrtc');
  const pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
  const microphone = new MediaStreamTrack({ kind: 'audio' });
  const opus = createOpusSender(microphone);
  const close = async () => {
    opus.close();
    await control.close();
    await pc.close().catch(() => undefined);
  };
  try {
    const { ticket } = await control.next<{ ticket: string }>('webrtc_call');
    pc.addTransceiver(microphone, { direction: 'sendrecv' });
    pc.createDataChannel('oai-events');
    pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => control.audio.heard()));
    await pc.setLocalDescription(await pc.createOffer());
    await until(pc, () => pc.iceGatheringState === 'complete', (wake) => pc.iceGatheringStateChange.subscribe(wake), 'ICE gathering');
    const udp = countUdp(pc);
    const response = await fetch(`http://127.0.0.1:${port}/v1/realtime/calls?site=${site}&ticket=${encodeURIComponent(ticket)}`, {
      method: 'POST',
      headers: { origin: BENCH_ORIGIN, 'content-type': 'application/sdp' },
      body: loopbackOnly(pc.localDescription!.sdp),
    });
    const answer = await response.text();
    if (response.status !== 201) throw new Error(`offer refused: HTTP ${response.status} ${answer.slice(0, 200)}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: loopbackOnly(answer) });
    await control.next('ready');
    await until(pc, () => pc.connectionState === 'connected', (wake) => pc.connectionStateChange.subscribe(wake), 'a connected call');
    return {
      audio: control.audio,
      sendFrame: (voiced, index) => opus.send(voiceFrame(48_000, voiced, index)),
      counts: () => ({ control: control.counts(), media: udp() }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
