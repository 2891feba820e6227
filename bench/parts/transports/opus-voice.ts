/** Opus at 48 kHz mono, 20 ms frames, written as RTP to a werift track; used by both the visitor's microphone and the service's voice. */
import OpusScript from 'opusscript';
import { RtpHeader, RtpPacket, type MediaStreamTrack } from 'werift';

/** 20 ms at 48 kHz. */
export const OPUS_FRAME_SAMPLES = 960;
/** Chromium's usual Opus rate for a mono voice; the service's voice is sent at the same rate. */
export const OPUS_BITRATE = 32_000;

/** An encoder writing RTP to `track`, with its own sequence and timestamp. */
export function createOpusSender(track: MediaStreamTrack): { send(pcm: Int16Array): void; close(): void } {
  const encoder = new OpusScript(48_000, 1, OpusScript.Application.VOIP);
  encoder.setBitrate(OPUS_BITRATE);
  let sequenceNumber = 0;
  let timestamp = 0;
  return {
    send(pcm) {
      const payload = encoder.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), OPUS_FRAME_SAMPLES);
      const header = new RtpHeader({ payloadType: 111, sequenceNumber: sequenceNumber++ & 0xffff, timestamp, marker: false });
      timestamp = (timestamp + OPUS_FRAME_SAMPLES) >>> 0;
      track.writeRtp(new RtpPacket(header, payload));
    },
    close: () => encoder.delete(),
  };
}

/** A decoder of received Opus payloads to 48 kHz PCM16 samples. */
export function createOpusReceiver(): { decode(payload: Buffer): Int16Array; close(): void } {
  const decoder = new OpusScript(48_000, 1, OpusScript.Application.VOIP);
  return {
    decode(payload) {
      const pcm = decoder.decode(payload);
      return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 2));
    },
    close: () => decoder.delete(),
  };
}
