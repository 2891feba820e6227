/** The scripted service's media end of one call (werift, loopback only): answers the offer, hears the visitor's Opus, speaks Opus RTP in real time. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { loopbackOnly } from '../../../tests/support/webrtc-peer.js';
import { createOpusReceiver, createOpusSender } from './opus-voice.js';
import { rms, VOICED_RMS } from './signal.js';
import { voiceFrame } from './voice-frames.js';

export interface ServicePeer {
  answer: string;
  /** Called with each received frame: voiced or not. */
  onFrame: ((voiced: boolean) => void) | undefined;
  /** Sends `ms` of the answer's voice as 20 ms Opus frames, paced in real time. */
  speak(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Answers a visitor's offer as the service would (sendrecv Opus, the data channel accepted). */
export async function answerCall(offer: string): Promise<ServicePeer> {
  const pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
  const voice = new MediaStreamTrack({ kind: 'audio' });
  const sender = createOpusSender(voice);
  const receiver = createOpusReceiver();
  let closed = false;
  const peer: ServicePeer = {
    answer: '',
    onFrame: undefined,
    async speak(ms) {
      let due = performance.now();
      for (let frame = 0; frame < ms / 20 && !closed; frame++) {
        sender.send(voiceFrame(48_000, true, frame));
        due += 20;
        await sleep(Math.max(0, due - performance.now()));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pc.close().catch(() => undefined);
      sender.close();
      receiver.close();
    },
  };
  pc.onTrack.subscribe((track) =>
    track.onReceiveRtp.subscribe((rtp) => {
      if (closed) return;
      peer.onFrame?.(rms(receiver.decode(rtp.payload)) > VOICED_RMS);
    }),
  );
  await pc.setRemoteDescription({ type: 'offer', sdp: loopbackOnly(offer) });
  const audio = pc.getTransceivers().find((transceiver) => transceiver.kind === 'audio');
  audio?.setDirection('sendrecv');
  await audio?.sender.replaceTrack(voice);
  await pc.setLocalDescription(await pc.createAnswer());
  peer.answer = loopbackOnly(pc.localDescription!.sdp);
  return peer;
}
