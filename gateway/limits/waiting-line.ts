/**
 * The first-come, first-served wait for connection tokens of one site on one engine, in this
 * process. Only the head asks the store; when it is granted a token, the next one asks at once.
 * With a shared store, global-line.ts puts this line's waiters in the line of every node.
 */
import type { Clock, ClockTimer } from '../clock.js';
import { GatewayError } from '../errors.js';

/** One try at the buckets: granted, or the time until a token could be. */
export interface Attempt {
  ok: boolean;
  waitMs: number;
  /** Sessions of other nodes still ahead in a shared line: ask again soon, not only once a token is due. */
  ahead?: number;
}

/** What {@link WaitingLine.wait} needs from one session. */
export interface WaitOptions {
  /** Takes the tokens (same buckets for everyone in this line); may throw to refuse this waiter. */
  attempt(): Promise<Attempt>;
  /** The site's `queue_seconds`, in ms; 0 refuses at once when no token is free. */
  queueMs: number;
  /** Time between two tokens, for wait estimates of those further back. */
  intervalMs: number;
  signal: AbortSignal;
  onQueued(retryInMs: number): void;
  /** Sessions ahead of this one on every node, when the line is shared; else its place here counts. */
  ahead?(): number;
}

/** A FIFO of sessions waiting for the same buckets. */
export interface WaitingLine {
  /** Resolves when this session holds its tokens; rejects `rate_limited` after `queueMs`, or with the abort reason. */
  wait(options: WaitOptions): Promise<void>;
  /** Sessions waiting now. */
  readonly length: number;
}

interface Waiter {
  options: WaitOptions;
  deadline: number;
  notified: boolean;
  done: boolean;
  timer?: ClockTimer;
  settle(error?: unknown): void;
}

/** Never answer "retry in 0 ms": the estimate is rough and a retry storm helps no one. */
const MIN_RETRY_MS = 250;
/** How often a head with sessions of other nodes before it asks whether its turn has come. */
export const SHARED_LINE_POLL_MS = 100;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The visitor left the queue', 'AbortError');
}

/** Creates an empty line; `clock` drives the retries and the queue deadline. */
export function createWaitingLine(clock: Clock): WaitingLine {
  const waiters: Waiter[] = [];
  let busy = false;
  let retryTimer: ClockTimer | undefined;
  let retryAt = 0;

  function estimate(waiter: Waiter): number {
    const interval = waiters[0]?.options.intervalMs ?? 0;
    const ahead = waiter.options.ahead?.() ?? Math.max(0, waiters.indexOf(waiter));
    return Math.max(MIN_RETRY_MS, Math.round(Math.max(0, retryAt - clock.now()) + ahead * interval));
  }

  function finish(waiter: Waiter, error?: unknown): void {
    if (waiter.done) return;
    waiter.done = true;
    const index = waiters.indexOf(waiter);
    if (index >= 0) waiters.splice(index, 1);
    if (waiters.length === 0 && retryTimer !== undefined) {
      clock.clearTimeout(retryTimer);
      retryTimer = undefined;
    }
    waiter.settle(error);
  }

  function timedOut(waiter: Waiter): GatewayError {
    return new GatewayError('rate_limited', 'no connection slot within the queue time', {
      retryAfterMs: estimate(waiter),
    });
  }

  function notifyWaiting(): void {
    for (const waiter of [...waiters]) {
      if (waiter.done) continue;
      if (waiter.deadline <= clock.now()) finish(waiter, timedOut(waiter));
      else if (!waiter.notified) {
        waiter.notified = true;
        waiter.options.onQueued(estimate(waiter));
      }
    }
  }

  async function pump(): Promise<void> {
    const head = waiters[0];
    if (busy || !head) return;
    busy = true;
    let result: Attempt;
    try {
      result = await head.options.attempt();
    } catch (error) {
      busy = false;
      finish(head, error);
      return pump();
    }
    busy = false;
    if (result.ok) {
      // The head may have left while its attempt ran: the token goes to whoever is first now.
      const first = waiters[0];
      if (first) finish(first);
      return pump();
    }
    retryAt = clock.now() + result.waitMs;
    notifyWaiting();
    if (waiters.length === 0) return;
    if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
    const delay = result.ahead ? Math.max(SHARED_LINE_POLL_MS, result.waitMs) : result.waitMs;
    retryTimer = clock.setTimeout(() => {
      retryTimer = undefined;
      void pump();
    }, Math.max(1, delay));
  }

  return {
    get length() {
      return waiters.length;
    },
    wait(options: WaitOptions): Promise<void> {
      if (options.signal.aborted) return Promise.reject(abortReason(options.signal));
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => finish(waiter, abortReason(options.signal));
        const waiter: Waiter = {
          options,
          deadline: clock.now() + options.queueMs,
          notified: false,
          done: false,
          settle(error?: unknown) {
            options.signal.removeEventListener('abort', onAbort);
            if (waiter.timer !== undefined) clock.clearTimeout(waiter.timer);
            if (error === undefined) resolve();
            else reject(error);
          },
        };
        options.signal.addEventListener('abort', onAbort, { once: true });
        if (options.queueMs > 0) waiter.timer = clock.setTimeout(() => finish(waiter, timedOut(waiter)), options.queueMs);
        waiters.push(waiter);
        if (waiters.length === 1) void pump();
        else if (!busy) notifyWaiting();
      });
    },
  };
}
