import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAudioDeltaFrame } from '../../../gateway/realtime/audio-delta-frame.js';
import { parseUpstreamFrame } from '../../../gateway/realtime/client.js';

const usual =
  '{"type":"response.output_audio.delta","event_id":"event_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"AAEC/+8="}';

describe('audio delta frames read without parsing the payload', () => {
  it('reads the usual GA and preview frames as the full parser does', () => {
    expect(readAudioDeltaFrame(usual)).toEqual(parseUpstreamFrame(usual));
    const preview = usual.replace('response.output_audio.delta', 'response.audio.delta');
    expect(readAudioDeltaFrame(preview)).toEqual(parseUpstreamFrame(preview));
    expect(readAudioDeltaFrame(preview)?.type).toBe('response.output_audio.delta');
  });

  it('leaves every other shape to the full parser', () => {
    const others = [
      usual.replace('"delta":"AAEC/+8="', '"delta":"AAEC\\/+8="'), // an escaped slash is valid JSON
      usual.replace(',"delta":"AAEC/+8="}', ',"delta":"AAEC/+8=","extra":1}'), // delta not last
      '{"type":"response.output_audio.delta","nested":{"x":1,"delta":"AAAA"}}', // not top-level
      '{"type":"response.output_audio.delta","event_id":"e\\"","delta":"AAAA"', // truncated
      '{"type":"response.output_audio.delta",broken,"delta":"AAAA"}',
      '{"event_id":"e","type":"response.output_audio.delta","delta":"AAAA"}', // type not first
      '{"type":"response.output_audio_transcript.delta","delta":"hello"}',
    ];
    for (const text of others) expect(readAudioDeltaFrame(text), text).toBeUndefined();
  });

  it('never disagrees with the full parser on generated delta frames', () => {
    const field = fc.tuple(fc.constantFrom('event_id', 'response_id', 'item_id', 'delta', 'x'), fc.oneof(fc.string(), fc.integer()));
    fc.assert(
      fc.property(
        fc.constantFrom('response.output_audio.delta', 'response.audio.delta'),
        fc.array(field, { maxLength: 5 }),
        fc.oneof(fc.base64String(), fc.string()),
        (type, fields, delta) => {
          const head = fields.map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`).join('');
          const text = `{"type":"${type}"${head},"delta":${JSON.stringify(delta)}}`;
          const fast = readAudioDeltaFrame(text);
          if (fast) expect(fast).toEqual(parseUpstreamFrame(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});
