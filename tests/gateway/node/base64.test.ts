import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeBase64 } from '../../../gateway/node/base64.js';
import { base64ToBytes, bytesToBase64 } from '../../../gateway/realtime/base64.js';

// The portable codec stays in force in this file: nothing here installs the Buffer one.
describe("Node's codec for the realtime path", () => {
  it('encodes exactly as the portable codec, including views into larger buffers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(16), (bytes, offset) => {
        const view = new Uint8Array(bytes.length + offset * 2);
        view.set(bytes, offset);
        const inner = view.subarray(offset, offset + bytes.length);
        expect(nodeBase64.encode(inner)).toBe(bytesToBase64(inner));
      }),
      { numRuns: 300 },
    );
  });

  // Padding in the middle of the text ends Node's data (the gateway's behaviour before the
  // portable codec); the portable codec reads on. Both are noise from a damaged delta.
  it('decodes valid and damaged deltas exactly as the portable codec', () => {
    const damaged = fc.stringMatching(/^[A-Za-z0-9_\-+/!]{0,40}={0,2}$/);
    fc.assert(
      fc.property(fc.oneof(fc.base64String(), fc.string().filter((text) => !text.includes('=')), damaged), (text) => {
        expect(Array.from(nodeBase64.decode(text))).toEqual(Array.from(base64ToBytes(text)));
      }),
      { numRuns: 500 },
    );
  });
});
