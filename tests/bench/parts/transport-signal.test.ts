import { describe, expect, it } from 'vitest';
import { createOpusReceiver } from '../../../bench/parts/transports/opus-voice.js';
import { createTurnDetector, rms, samplesOf, silenceFrame, speechFrame, VOICED_RMS } from '../../../bench/parts/transports/signal.js';
import OpusScript from 'opusscript';

describe('the transports section: voice and end of speech', () => {
  it('makes speech the detector hears and room noise it does not, at both rates', () => {
    for (const rate of [24_000, 48_000]) {
      for (let i = 0; i < 50; i++) expect(rms(speechFrame(rate, rate / 50, i))).toBeGreaterThan(VOICED_RMS * 3);
      for (let i = 0; i < 10; i++) expect(rms(silenceFrame(rate / 50, i))).toBeLessThan(VOICED_RMS / 10);
    }
  });

  it('keeps speech voiced and silence unvoiced through an Opus round trip (what the call path hears)', () => {
    const encoder = new OpusScript(48_000, 1, OpusScript.Application.VOIP);
    encoder.setBitrate(32_000);
    const receiver = createOpusReceiver();
    const heard: boolean[] = [];
    const frames = [...Array.from({ length: 20 }, (_, i) => speechFrame(48_000, 960, i)), ...Array.from({ length: 10 }, (_, i) => silenceFrame(960, i))];
    for (const pcm of frames) {
      const payload = encoder.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), 960);
      heard.push(rms(receiver.decode(payload)) > VOICED_RMS);
    }
    encoder.delete();
    receiver.close();
    // The codec's look-ahead may carry speech into the first silent frame; by the second it is gone.
    expect(heard.slice(2, 20).every(Boolean)).toBe(true);
    expect(heard.slice(22).some(Boolean)).toBe(false);
  });

  it('reports speech_started at the first voiced frame and speech_stopped at the first unvoiced one after it', () => {
    const detector = createTurnDetector();
    const edges = [false, true, true, false, false, true, false].map((voiced) => detector.push(voiced));
    expect(edges).toEqual([undefined, 'speech_started', undefined, 'speech_stopped', undefined, 'speech_started', 'speech_stopped']);
  });

  it('reads PCM16 from an odd byte offset (a slice of a base64-decoded buffer)', () => {
    const bytes = new Uint8Array(7);
    new DataView(bytes.buffer).setInt16(1, -1234, true);
    new DataView(bytes.buffer).setInt16(3, 5678, true);
    expect(Array.from(samplesOf(bytes.subarray(1)))).toEqual([-1234, 5678, 0]);
  });
});
