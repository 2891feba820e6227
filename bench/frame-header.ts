/**
 * The bench's marker inside audio: a 21-byte header at the start of every PCM frame, carrying
 * the stream index, a sequence number and the send time, so one-way latency is read where the
 * frame arrives. 21 bytes is a multiple of 3, so a header's base64 never shares a character
 * with the audio after it: a frame's base64 is the header's base64 plus a constant tail.
 */

/** Header length in bytes. */
export const HEADER_BYTES = 21;
const MAGIC = 0x56524231; // "VRB1"

/** What a frame header carries. */
export interface FrameHeader {
  stream: number;
  seq: number;
  /** `performance.now()` of the sender (same process as the receiver). */
  sentAt: number;
}

/** Writes a header into the first {@link HEADER_BYTES} of `target`. */
export function writeHeader(target: Buffer, header: FrameHeader): void {
  target.writeUInt32LE(MAGIC, 0);
  target.writeUInt32LE(header.stream >>> 0, 4);
  target.writeUInt32LE(header.seq >>> 0, 8);
  target.writeDoubleLE(header.sentAt, 12);
  target[20] = 0;
}

/** Reads a header, or `undefined` when the bytes are not one (lost or shifted audio). */
export function readHeader(bytes: Buffer): FrameHeader | undefined {
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  return { stream: bytes.readUInt32LE(4), seq: bytes.readUInt32LE(8), sentAt: bytes.readDoubleLE(12) };
}

/** Builds frames of a fixed size cheaply: a fresh header in front of a shared silent tail. */
export function createFrameFactory(frameBytes: number): {
  binary(header: FrameHeader): Buffer;
  base64(header: FrameHeader): string;
} {
  if ((frameBytes - HEADER_BYTES) % 3 !== 0) throw new Error('frame size must keep base64 aligned');
  const tail = Buffer.alloc(frameBytes - HEADER_BYTES);
  const tail64 = tail.toString('base64');
  const head = Buffer.alloc(HEADER_BYTES);
  return {
    binary(header) {
      const frame = Buffer.allocUnsafe(frameBytes);
      writeHeader(frame, header);
      tail.copy(frame, HEADER_BYTES);
      return frame;
    },
    base64(header) {
      writeHeader(head, header);
      return head.toString('base64') + tail64;
    },
  };
}

/** Random access to the bytes of one received chunk, decoded lazily. */
export interface ByteSource {
  readonly length: number;
  slice(start: number, end: number): Buffer;
}

/** A binary chunk as a {@link ByteSource}. */
export function binarySource(bytes: Buffer): ByteSource {
  return { length: bytes.length, slice: (start, end) => bytes.subarray(start, end) };
}

/** A base64 string as a {@link ByteSource} that decodes only the characters a slice needs. */
export function base64Source(text: string): ByteSource {
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  const length = (text.length / 4) * 3 - padding;
  return {
    length,
    slice(start, end) {
      const from = Math.floor(start / 3);
      const to = Math.ceil(end / 3);
      const decoded = Buffer.from(text.slice(from * 4, to * 4), 'base64');
      return decoded.subarray(start - from * 3, end - from * 3);
    },
  };
}

/**
 * Finds the headers in a byte stream cut into chunks at arbitrary points (a gateway may
 * coalesce or split frames): headers sit at every multiple of the frame size from the start
 * of the stream. Anything at such an offset that is not a header counts as corrupt.
 */
export class HeaderScanner {
  #frameBytes: number;
  #position = 0;
  #carry: Buffer | undefined;
  corrupt = 0;

  constructor(frameBytes: number) {
    this.#frameBytes = frameBytes;
  }

  /** Consumes one chunk and calls `onHeader` for every complete header in it. */
  push(chunk: ByteSource, onHeader: (header: FrameHeader) => void): void {
    let offset = 0;
    if (this.#carry) {
      const need = HEADER_BYTES - this.#carry.length;
      const take = Math.min(need, chunk.length);
      this.#carry = Buffer.concat([this.#carry, chunk.slice(0, take)]);
      if (this.#carry.length === HEADER_BYTES) {
        this.#emit(this.#carry, onHeader);
        this.#carry = undefined;
      }
    }
    const intoFrame = this.#position % this.#frameBytes;
    offset = intoFrame === 0 ? 0 : this.#frameBytes - intoFrame;
    for (; offset < chunk.length; offset += this.#frameBytes) {
      if (offset + HEADER_BYTES <= chunk.length) {
        this.#emit(chunk.slice(offset, offset + HEADER_BYTES), onHeader);
      } else {
        this.#carry = Buffer.from(chunk.slice(offset, chunk.length));
      }
    }
    this.#position += chunk.length;
  }

  #emit(bytes: Buffer, onHeader: (header: FrameHeader) => void): void {
    const header = readHeader(bytes);
    if (header) onHeader(header);
    else this.corrupt++;
  }
}
