/** decodePcm16 under the Node adapter's base64 codec, whose small Buffers are views into a shared pool. */
import { afterEach, describe, expect, it } from 'vitest';
import { decodePcm16 } from '../../../../gateway/engines/offline/item-create.js';
import { nodeBase64 } from '../../../../gateway/node/base64.js';
import { installBase64Codec, webBase64 } from '../../../../gateway/realtime/base64.js';

const samples = Int16Array.from({ length: 480 }, (_, i) => ((i * 137) % 2000) - 1000);
const wire = nodeBase64.encode(new Uint8Array(samples.buffer));

describe('decodePcm16', () => {
  afterEach(() => installBase64Codec(webBase64));

  it('reads the samples of a pooled Buffer from its own offset, not from the start of the pool', () => {
    installBase64Codec(nodeBase64);
    // Fill the pool first so the frame's bytes do not start at offset 0.
    const pad = Buffer.from('AQID', 'base64');
    expect(pad.byteOffset + Buffer.from(wire, 'base64').byteOffset).toBeGreaterThan(0);
    expect(Array.from(decodePcm16(wire))).toEqual(Array.from(samples));
  });

  it('copies a frame whose bytes start at an odd offset', () => {
    installBase64Codec({ encode: webBase64.encode, decode: (text) => {
      const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const shifted = new Uint8Array(bytes.length + 1);
      shifted.set(bytes, 1);
      return shifted.subarray(1);
    } });
    expect(Array.from(decodePcm16(wire))).toEqual(Array.from(samples));
  });
});
