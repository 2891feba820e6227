/**
 * The waiting line across every node that shares a store: each waiter holds a ticket in the
 * store, in arrival order, and only the ticket at the head may take a token. A ticket is a
 * lease renewed while its node lives, so a dead node's waiters drop out of the line.
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { BucketSpec, Store } from './stores/store.js';
import { createWaitingLine } from './waiting-line.js';
import type { Attempt, WaitingLine, WaitOptions } from './waiting-line.js';

/** How long a ticket outlives a silent node (renewed every third of it). */
export const TICKET_TTL_MS = 10_000;

/** What one waiter of a shared line needs: the local line's options, minus its attempt. */
export interface SharedWaitOptions extends Omit<WaitOptions, 'attempt' | 'ahead'> {
  /** The buckets in force at each try. */
  buckets(): BucketSpec[];
  /** Checked before each try (tokens per minute); a refusal here is a wait of this many ms. */
  waitBefore(): Promise<number>;
}

/**
 * Simultaneous arrivals on several nodes reach the shared line in some order; even a site that
 * queues no one (`queue_seconds: 0`) lets those ahead take their tokens for this long before a
 * refusal, so a later arrival is not refused while tokens remain only because it was not first.
 */
export const ORDER_GRACE_MS = 500;

/** A shared line as seen from this node; `length` counts this node's waiters. */
export interface SharedLine {
  wait(options: SharedWaitOptions): Promise<void>;
  readonly length: number;
}

/** The line named `key` in `store`, with this node's waiters in a local FIFO in front of it. */
export function createSharedLine(store: Store, clock: Clock, key: string, ticketTtlMs = TICKET_TTL_MS): SharedLine {
  // This node's tickets reach the store in arrival order, so the local FIFO never reorders them.
  const local: WaitingLine = createWaitingLine(clock);

  async function wait(options: SharedWaitOptions): Promise<void> {
    // Nothing to take (no quota, no per-minute share): order cannot matter, so no ticket either.
    if (options.buckets().length === 0 && (await options.waitBefore()) <= 0) return;
    const ticket = globalThis.crypto.randomUUID();
    const joinedAt = clock.now();
    let ahead = await store.joinLine(key, ticket, joinedAt + ticketTtlMs, joinedAt);
    let heartbeat: ClockTimer | undefined;
    const beat = (): void => {
      heartbeat = clock.setTimeout(() => {
        const now = clock.now();
        void store.refreshTicket(key, ticket, now + ticketTtlMs, now).catch(() => {});
        beat();
      }, ticketTtlMs / 3);
    };
    beat();
    const attempt = async (): Promise<Attempt> => {
      const before = await options.waitBefore();
      if (before > 0) return { ok: false, waitMs: before };
      const now = clock.now();
      const turn = await store.takeInTurn(key, ticket, now + ticketTtlMs, options.buckets(), now);
      ahead = turn.ahead;
      return { ok: turn.taken, waitMs: turn.waitMs, ahead: turn.ahead };
    };
    try {
      await local.wait({ ...options, queueMs: Math.max(options.queueMs, ORDER_GRACE_MS), attempt, ahead: () => ahead });
    } finally {
      if (heartbeat !== undefined) clock.clearTimeout(heartbeat);
      // Admitted tickets left the line in the same step; this frees the place of one that did not.
      void store.leaveLine(key, ticket).catch(() => {});
    }
  }

  return {
    wait,
    get length() {
      return local.length;
    },
  };
}
