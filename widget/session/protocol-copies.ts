/** The protocol constants the widget needs at run time, copied and checked against `gateway/protocol.ts` by type. */
import type { CLOSE_CODE, ErrorCode, LIMITS, PAGE_LIMITS } from '../../gateway/protocol.js';

/** Close code → error code: the exact inverse of the gateway's `CLOSE_CODE`, or this file does not compile. */
export type CloseCodeTable = { readonly [K in ErrorCode as (typeof CLOSE_CODE)[K]]: K };

/** Close codes of PROTOCOL.md; the widget imports nothing at run time from the gateway. */
export const CLOSE_CODES: CloseCodeTable = {
  4400: 'bad_message', 4401: 'unauthorized', 4402: 'over_budget', 4408: 'session_expired', 4429: 'rate_limited',
  4502: 'upstream_error', 4503: 'upstream_unavailable', 1001: 'server_shutdown', 1011: 'internal',
};

/** Longest `text` message, in characters (`LIMITS.maxTextChars`). */
export const MAX_TEXT_CHARS = 2000 satisfies (typeof LIMITS)['maxTextChars'];

/** Bounds of a `page` message's fields, in characters (`PAGE_LIMITS`, extension `page`). */
export const PAGE_FIELD_LIMITS: typeof PAGE_LIMITS = { url: 2048, title: 300, section: 300 };
