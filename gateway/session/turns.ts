/**
 * Turn discipline for one session (STYLE.md §9): never a `response.create` while a response
 * is live, barge-in as cancel + truncate at the position the visitor heard, and the audio
 * bookkeeping that truncation needs.
 */
import { BYTES_PER_MS } from '../protocol.js';
import { commitEvent, responseCreateEvent, truncateEvent, userTextEvent } from '../realtime/client-events.js';
import type { Dialect } from '../realtime/dialect.js';
import type { SendUpstream } from './types.js';

interface AudioItem {
  id: string;
  bytes: number;
  done: boolean;
  truncated: boolean;
}

export interface Turns {
  /** Queues events that start a response (the last one is `response.create`); sent when none is live. */
  requestResponse(events: Array<Record<string, unknown>>): void;
  responseCreated(responseId: string): void;
  responseDone(responseId: string): void;
  /** The upstream refused a create because a response was live: send it again after that one. */
  createRejected(eventId: string | undefined): boolean;
  /** The upstream refused a create for another reason: give up on it, so later turns are not held. */
  createFailed(eventId: string | undefined): void;
  /** Typed messages queued behind a live response, not yet sent. */
  pendingTexts(): number;
  /**
   * Browser `interrupt`: cancel the live response, truncate the last assistant audio item.
   * Returns the truncate sent, if one was.
   */
  interrupt(playedMs: number): { itemId: string; audioEndMs: number; sentMs: number } | undefined;
  /** Browser `text`: stop the live answer, then add the message and ask for a response. */
  userText(text: string): void;
  /** Browser `commit` (manual turn detection). */
  commit(): void;
  /** True when audio of this response must not reach the browser (it was cancelled). */
  isCancelled(responseId: string): boolean;
  audioForwarded(itemId: string, bytes: number): void;
  audioDone(itemId: string): void;
  truncated(): void;
  /** An error answered this event: true (and the truncate no longer pending) when it was a truncate. */
  truncateFailed(eventId: string | undefined): boolean;
  /** A truncate is awaiting its answer (errors without an event id are attributed to it). */
  truncatePending(): boolean;
  liveResponse(): string | undefined;
}

/** Creates the turn state of one session. */
export function createTurns(dialect: Dialect, send: SendUpstream): Turns {
  let live: string | undefined;
  // Sent, and no response.created seen since: hold further creates.
  let createInFlight = false;
  // The last create sent, kept past response.created: a VAD-started response can take the
  // slot, and then this create is refused with conversation_already_has_active_response.
  let lastCreate: { eventId: string; events: Array<Record<string, unknown>> } | undefined;
  const queue: Array<Array<Record<string, unknown>>> = [];
  const cancelled = new Set<string>();
  let lastAudio: AudioItem | undefined;
  // Event ids of truncates not yet answered; an error naming one settles it like `truncated`.
  const pendingTruncates: string[] = [];

  const pump = () => {
    if (live !== undefined || createInFlight || queue.length === 0) return;
    const events = queue.shift()!;
    let eventId = '';
    for (const event of events) eventId = send(event);
    // Only the final response.create is retried on a conflict; the items are already in.
    createInFlight = true;
    lastCreate = { eventId, events: events.slice(-1) };
  };

  // Set when the visitor interrupts or types while a create is sent but not yet answered: the
  // response it starts is cancelled on arrival instead of talking over the visitor.
  let cancelOnCreated = false;

  const cancel = (responseId: string) => {
    cancelled.add(responseId);
    send(dialect.buildCancel(responseId));
  };

  const cancelLive = () => {
    if (live === undefined) cancelOnCreated = createInFlight;
    else if (!cancelled.has(live)) cancel(live);
  };

  return {
    requestResponse(events) {
      queue.push(events);
      pump();
    },
    responseCreated(responseId) {
      live = responseId;
      createInFlight = false;
      if (cancelOnCreated) {
        cancelOnCreated = false;
        cancel(responseId);
      }
    },
    responseDone(responseId) {
      if (live === responseId) live = undefined;
      cancelled.delete(responseId);
      pump();
    },
    createRejected(eventId) {
      if (!lastCreate || eventId !== lastCreate.eventId) return false;
      queue.unshift(lastCreate.events);
      lastCreate = undefined;
      createInFlight = false;
      pump();
      return true;
    },
    createFailed(eventId) {
      if (!lastCreate || eventId !== lastCreate.eventId) return;
      lastCreate = undefined;
      createInFlight = false;
      cancelOnCreated = false;
      pump();
    },
    interrupt(playedMs) {
      cancelLive();
      const item = lastAudio;
      if (!item || item.truncated || item.bytes === 0) return undefined;
      const sentMs = item.bytes / BYTES_PER_MS;
      // Played to the end: nothing unheard to remove from the model's context.
      if (item.done && playedMs >= sentMs) return undefined;
      item.truncated = true;
      const audioEndMs = Math.floor(Math.min(Math.max(playedMs, 0), sentMs));
      pendingTruncates.push(send(truncateEvent(item.id, audioEndMs)));
      return { itemId: item.id, audioEndMs, sentMs };
    },
    pendingTexts: () => queue.filter((events) => events[0]?.type === 'conversation.item.create').length,
    userText(text) {
      cancelLive();
      queue.push([userTextEvent(text), responseCreateEvent()]);
      pump();
    },
    commit() {
      send(commitEvent());
      queue.push([responseCreateEvent()]);
      pump();
    },
    isCancelled: (responseId) => cancelled.has(responseId),
    audioForwarded(itemId, bytes) {
      if (lastAudio?.id !== itemId) lastAudio = { id: itemId, bytes: 0, done: false, truncated: false };
      lastAudio.bytes += bytes;
    },
    audioDone(itemId) {
      if (lastAudio?.id === itemId) lastAudio.done = true;
    },
    truncated() {
      pendingTruncates.shift();
    },
    truncateFailed(eventId) {
      const index = eventId === undefined ? -1 : pendingTruncates.indexOf(eventId);
      if (index >= 0) pendingTruncates.splice(index, 1);
      return index >= 0;
    },
    truncatePending: () => pendingTruncates.length > 0,
    liveResponse: () => live,
  };
}
