/** Node's Buffer as the realtime path's base64 codec: native, and lenient in the same way as the portable one. */
import type { Base64Codec } from '../realtime/base64.js';

export const bufferBase64: Base64Codec = {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  // Node's decoder skips stray characters and accepts the URL-safe alphabet, as the portable one does.
  decode: (text) => Buffer.from(text, 'base64'),
};
