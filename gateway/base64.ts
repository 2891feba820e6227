/** Base64 for audio bytes without Node's Buffer, so the runtime-free core can encode and decode PCM. */

// String.fromCharCode takes its bytes as arguments; this many stays under every engine's argument limit.
const CHUNK = 0x8000;

/** Standard (RFC 4648, padded) base64 of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  }
  return btoa(binary);
}

/**
 * The bytes of a base64 string. Like Node's decoder it is lenient: characters outside the
 * alphabet (whitespace; `-`/`_` read as base64url) and missing padding do not throw, and
 * decoding stops at the first `=`.
 */
export function base64ToBytes(text: string): Uint8Array {
  const padding = text.indexOf('=');
  const body = padding === -1 ? text : text.slice(0, padding);
  const clean = body.replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '');
  const usable = clean.length % 4 === 1 ? clean.slice(0, -1) : clean;
  const binary = atob(usable + '='.repeat((4 - (usable.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
