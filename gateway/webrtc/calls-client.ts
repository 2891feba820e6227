/**
 * The HTTP half of a WebRTC call: creates it (multipart `sdp` + `session`, answered 201 with the
 * SDP answer and the call id in `Location`) and hangs it up. Runtime-free: fetch is a port.
 */
import { GatewayError } from '../errors.js';
import { parseRetryAfter } from '../realtime/handshake-errors.js';
import type { FetchPort } from '../tools/types.js';

export interface CreatedCall {
  callId: string;
  answer: string;
}

const MAX_ERROR_TEXT = 300;

/** The call id is the last path segment of `Location` (`/v1/realtime/calls/rtc_…`). */
export function callIdOf(location: string | null): string | undefined {
  if (!location) return undefined;
  const path = location.split('?')[0]!.replace(/\/+$/, '');
  const id = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  return /^[A-Za-z0-9_.:-]{1,200}$/.test(id) ? id : undefined;
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  return headers;
}

/**
 * Posts the offer. A refusal is `upstream_unavailable` (with `retryAfterMs` on a 429). The
 * request is not tied to the visitor: a call created after they left still gets its id back, so
 * it can be hung up.
 */
export async function createCall(options: {
  fetch: FetchPort;
  url: string;
  headers: Record<string, string>;
  sdp: string;
  session: Record<string, unknown>;
  signal: AbortSignal;
  now(): number;
}): Promise<CreatedCall> {
  const form = new FormData();
  form.set('sdp', options.sdp);
  form.set('session', JSON.stringify(options.session));
  let response: Response;
  try {
    response = await options.fetch(options.url, { method: 'POST', headers: options.headers, body: form, signal: options.signal });
  } catch (error) {
    throw new GatewayError('upstream_unavailable', 'the voice service could not be reached', { cause: error });
  }
  const body = await response.text().catch(() => '');
  if (response.status !== 201 && response.status !== 200) {
    const retryAfterMs = response.status === 429 ? (parseRetryAfter(headersOf(response), options.now()) ?? 10_000) : undefined;
    throw new GatewayError('upstream_unavailable', `the voice service refused the call (HTTP ${response.status})`, {
      retryAfterMs,
      cause: new Error(body.slice(0, MAX_ERROR_TEXT)),
    });
  }
  const callId = callIdOf(response.headers.get('location'));
  if (!callId) throw new GatewayError('upstream_unavailable', 'the voice service answered without a call id');
  return { callId, answer: body };
}

/** Hangs the call up; never throws (a call that already ended answers 404). */
export async function hangupCall(options: { fetch: FetchPort; url: string; headers: Record<string, string>; signal: AbortSignal }): Promise<number | undefined> {
  try {
    const response = await options.fetch(options.url, { method: 'POST', headers: options.headers, signal: options.signal });
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}
