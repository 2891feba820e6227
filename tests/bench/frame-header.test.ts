import { describe, expect, it } from 'vitest';
import {
  base64Source,
  binarySource,
  createFrameFactory,
  HEADER_BYTES,
  HeaderScanner,
  readHeader,
  writeHeader,
  type FrameHeader,
} from '../../bench/frame-header.js';

function stream(frames: number, frameBytes: number): Buffer {
  const factory = createFrameFactory(frameBytes);
  return Buffer.concat(Array.from({ length: frames }, (_, seq) => factory.binary({ stream: 7, seq, sentAt: seq * 20.5 })));
}

describe('frame header', () => {
  it('reads back what was written', () => {
    const bytes = Buffer.alloc(HEADER_BYTES);
    writeHeader(bytes, { stream: 3, seq: 41, sentAt: 1234.5678 });
    expect(readHeader(bytes)).toEqual({ stream: 3, seq: 41, sentAt: 1234.5678 });
  });

  it('rejects bytes without the marker', () => {
    expect(readHeader(Buffer.alloc(HEADER_BYTES))).toBeUndefined();
    expect(readHeader(Buffer.alloc(4))).toBeUndefined();
  });

  it('builds the same frame as binary and as base64', () => {
    const factory = createFrameFactory(960);
    const header = { stream: 1, seq: 2, sentAt: 3.25 };
    expect(Buffer.from(factory.base64(header), 'base64')).toEqual(factory.binary(header));
    expect(factory.binary(header)).toHaveLength(960);
  });

  it('refuses frame sizes that would misalign base64', () => {
    expect(() => createFrameFactory(961)).toThrow(/base64/);
  });

  it('decodes any slice of a base64 source', () => {
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    for (const trim of [0, 1, 2]) {
      const data = bytes.subarray(0, 100 - trim);
      const source = base64Source(data.toString('base64'));
      expect(source.length).toBe(data.length);
      expect(source.slice(5, 26)).toEqual(data.subarray(5, 26));
      expect(source.slice(0, data.length)).toEqual(data);
    }
  });
});

describe('HeaderScanner', () => {
  const collect = (chunks: Buffer[], frameBytes: number, asBase64 = false) => {
    const scanner = new HeaderScanner(frameBytes);
    const found: FrameHeader[] = [];
    for (const chunk of chunks) {
      scanner.push(asBase64 ? base64Source(chunk.toString('base64')) : binarySource(chunk), (h) => found.push(h));
    }
    return { found, corrupt: scanner.corrupt };
  };

  it('finds one header per frame when chunks are whole frames', () => {
    const data = stream(5, 960);
    const chunks = Array.from({ length: 5 }, (_, i) => data.subarray(i * 960, (i + 1) * 960));
    expect(collect(chunks, 960).found.map((h) => h.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('finds every header when frames are coalesced into larger chunks', () => {
    const data = stream(10, 960);
    const chunks = [data.subarray(0, 4800), data.subarray(4800)];
    expect(collect(chunks, 960, true).found.map((h) => h.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('joins a header split across two chunks', () => {
    const data = stream(3, 4800);
    const cuts = [0, 4810, 4811, 9610, data.length];
    const chunks = cuts.slice(1).map((end, i) => data.subarray(cuts[i], end));
    const { found, corrupt } = collect(chunks, 4800);
    expect(found.map((h) => h.seq)).toEqual([0, 1, 2]);
    expect(corrupt).toBe(0);
  });

  it('counts a shifted stream as corrupt instead of inventing frames', () => {
    const data = stream(3, 960);
    const { found, corrupt } = collect([data.subarray(100)], 960);
    expect(found).toHaveLength(0);
    expect(corrupt).toBe(3);
  });
});
