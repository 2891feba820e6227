import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../gateway/realtime/base64.js';

describe('base64 without Buffer', () => {
  it('round-trips every byte value and a frame longer than one encoding slice', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64ToBytes(text)).toEqual(bytes);
  });

  it('decodes a damaged delta the way Node does instead of throwing', () => {
    for (const damaged of ['!!!not base64!!!', 'AAEC-_8', 'AAE', 'A']) {
      expect(Array.from(base64ToBytes(damaged))).toEqual(Array.from(Buffer.from(damaged, 'base64')));
    }
  });
});
