/** The countdown to an automatic retry after `rate_limited` or `over_budget`, in whole seconds for the status line. */

/** A retry is never sooner than this, so a gateway answering `retry_after_ms: 0` again and again is not hammered. */
const MIN_RETRY_MS = 1000;
const TICK_MS = 250;

/** Runs one scheduled retry and counts the seconds down to it. */
export class RetryCountdown {
  #timer: ReturnType<typeof setInterval> | undefined;
  #left = 0;
  readonly #onTick: () => void;

  constructor(onTick: () => void) {
    this.#onTick = onTick;
  }

  /** Whole seconds until the retry (at least 1 while one is scheduled); 0 when none is. */
  get seconds(): number {
    return this.#left;
  }

  /** Runs `retry` after `afterMs` (at least a second), replacing any earlier schedule. */
  schedule(afterMs: number, retry: () => void): void {
    this.cancel();
    const retryAt = Date.now() + Math.max(MIN_RETRY_MS, afterMs);
    const tick = (): void => {
      this.#left = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
      this.#onTick();
      if (Date.now() < retryAt) return;
      this.cancel();
      retry();
    };
    this.#timer = setInterval(tick, TICK_MS);
    tick();
  }

  /** Drops the scheduled retry, if any. */
  cancel(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#left = 0;
  }
}
