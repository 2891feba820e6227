/**
 * What an upstream `error` event means for the session (realtime/PROTOCOL.md §2.7): most are
 * answers to one client event and harmless; `session_expired` and errors tied to no client
 * event end the session with `upstream_error`.
 */
import type { Turns } from './turns.js';

export type UpstreamErrorVerdict = 'benign' | 'retried' | 'fatal';

// Codes that say the gateway lost a race, not that the session is broken.
const BENIGN_CODES = new Set(['response_cancel_not_active', 'input_audio_buffer_commit_empty']);

/**
 * Settles the turn state an upstream error answers (a refused create is queued again or given
 * up, a refused truncate is cleared) and says what the error means for the session.
 */
export function settleUpstreamError(error: Record<string, unknown>, turns: Turns): UpstreamErrorVerdict {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const eventId = typeof error.event_id === 'string' ? error.event_id : undefined;
  if (code === 'session_expired') return 'fatal';
  if (code && BENIGN_CODES.has(code)) {
    turns.createFailed(eventId);
    return 'benign';
  }
  if (code === 'conversation_already_has_active_response') return turns.createRejected(eventId) ? 'retried' : 'benign';
  if (eventId) {
    // A refused truncate gets no `conversation.item.truncated`: settle it here, or later
    // errors without an event id would keep passing as truncate overshoots.
    if (!turns.truncateFailed(eventId)) turns.createFailed(eventId);
    return 'benign';
  }
  // A truncate past the end of the audio is answered with an error without an event id, then
  // with a clamped `conversation.item.truncated` (realtime/PROTOCOL.md §5.1).
  if (turns.truncatePending()) return 'benign';
  return 'fatal';
}
