/** Server ids (`event_…`, `sess_…`, `item_…`, …) in the Realtime API's shape. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A server id in the shape the Realtime API uses: a prefix and random base62 characters. */
export function newId(prefix: 'event' | 'sess' | 'conv' | 'item' | 'resp' | 'call', length = prefix === 'call' ? 16 : 21): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = `${prefix}_`;
  // 248 is the largest multiple of 62 below 256; rejecting above it keeps characters uniform.
  for (let i = 0; i < bytes.length; i++) {
    let byte = bytes[i]!;
    while (byte >= 248) byte = crypto.getRandomValues(new Uint8Array(1))[0]!;
    out += ALPHABET[byte % 62];
  }
  return out;
}
