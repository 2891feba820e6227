/**
 * The scripted WebRTC upstream's media side (tests only, werift): for each call it answers the
 * browser's offer as the service would, receives the microphone's Opus RTP, and reads the
 * `oai-events` data channel. Every candidate but 127.0.0.1 is dropped from both descriptions,
 * so ICE, DTLS and RTP stay on loopback (Chromium needs --allow-loopback-in-peer-connection).
 */
import OpusScript from 'opusscript';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';

/** 20 ms of 48 kHz mono: one Opus frame. */
const FRAME_SAMPLES = 960;
const OPUS_PAYLOAD_TYPE = 111;

export interface PeerCall {
  callId: string;
  pc: RTCPeerConnection;
  /** RTP packets received from the browser's microphone. */
  rtpPackets: number;
  /** Client events the browser sent on its data channel. */
  dataEvents: Array<Record<string, unknown>>;
  state: string;
  /** The browser's offer as it arrived, before the loopback filter. */
  offer: string;
  /** The candidate pair ICE nominated, as `address:port` of each end (loopback checks). */
  selectedPair(): { local: string; remote: string } | undefined;
  /** The service's voice: sends an Opus-encoded 440 Hz tone to the browser for `ms`, in real time. */
  speak(ms: number): Promise<void>;
}

/** Opus frames of a 440 Hz tone, paced at 20 ms, written as RTP to the track. */
async function sendTone(track: MediaStreamTrack, ms: number): Promise<void> {
  const encoder = new OpusScript(48000, 1, OpusScript.Application.AUDIO);
  const pcm = Buffer.alloc(FRAME_SAMPLES * 2);
  let sequenceNumber = 1;
  for (let frame = 0; frame < ms / 20; frame++) {
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const t = (frame * FRAME_SAMPLES + i) / 48000;
      pcm.writeInt16LE(Math.round(Math.sin(2 * Math.PI * 440 * t) * 12000), i * 2);
    }
    const payload = encoder.encode(pcm, FRAME_SAMPLES);
    const header = new RtpHeader({ payloadType: OPUS_PAYLOAD_TYPE, sequenceNumber: sequenceNumber++ & 0xffff, timestamp: frame * FRAME_SAMPLES, marker: frame === 0 });
    track.writeRtp(new RtpPacket(header, payload));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  encoder.delete();
}

/** Keeps only loopback candidates: no check, no media, to any other address. */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split(/\r\n/)
    .filter((line) => !line.startsWith('a=candidate:') || / 127\.0\.0\.1 \d+ typ host/.test(line))
    .join('\r\n');
}

const noCandidates = (sdp: string) => sdp.split(/\r\n/).filter((line) => !line.startsWith('a=candidate:')).join('\r\n');

export class WebrtcPeers {
  readonly calls: PeerCall[] = [];
  /** Called for every data channel event from the browser (the test plays the service's reaction). */
  onDataEvent: ((call: PeerCall, event: Record<string, unknown>) => void) | undefined;
  /** Remove every candidate from the answer: the browser can never connect (fallback tests). */
  unreachable = false;

  /** The answerer of CallsDouble. */
  readonly answer = async (callId: string, offer: string): Promise<string> => {
    const pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
    const voice = new MediaStreamTrack({ kind: 'audio' });
    const selectedPair = () => {
      const pair = pc.iceTransports[0]?.connection.nominated;
      return pair && { local: `${pair.localCandidate.host}:${pair.localCandidate.port}`, remote: `${pair.remoteCandidate.host}:${pair.remoteCandidate.port}` };
    };
    const call: PeerCall = { callId, pc, rtpPackets: 0, dataEvents: [], state: 'new', offer, selectedPair, speak: (ms) => sendTone(voice, ms) };
    this.calls.push(call);
    pc.connectionStateChange.subscribe((state) => (call.state = state));
    pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => call.rtpPackets++));
    pc.onDataChannel.subscribe((channel) =>
      channel.onMessage.subscribe((data) => {
        try {
          const event = JSON.parse(data.toString()) as Record<string, unknown>;
          call.dataEvents.push(event);
          this.onDataEvent?.(call, event);
        } catch {
          // Not JSON: the service would answer an error; the tests only look at JSON events.
        }
      }),
    );
    // Unreachable: neither side learns a candidate of the other, so no check can succeed either way.
    const keep = this.unreachable ? noCandidates : loopbackOnly;
    await pc.setRemoteDescription({ type: 'offer', sdp: keep(offer) });
    // Opus both ways, as the service: the offer's audio line is answered sendrecv with the voice track.
    const audio = pc.getTransceivers().find((transceiver) => transceiver.kind === 'audio');
    audio?.setDirection('sendrecv');
    await audio?.sender.replaceTrack(voice);
    await pc.setLocalDescription(await pc.createAnswer());
    return keep(pc.localDescription!.sdp);
  };

  async close(): Promise<void> {
    await Promise.all(this.calls.map((call) => call.pc.close().catch(() => undefined)));
  }
}
