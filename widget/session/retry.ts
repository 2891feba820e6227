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

/** First wait before a resume attempt; each failed attempt doubles it, up to {@link RESUME_MAX_DELAY_MS}. */
const RESUME_FIRST_DELAY_MS = 250;
const RESUME_MAX_DELAY_MS = 4000;

/**
 * Reconnect attempts after a dropped socket (extension `resume`): backoff from 250 ms, doubling
 * to 4 s, until `windowMs` (the gateway's grace time) has passed since the drop.
 */
export class ResumeBackoff {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay = RESUME_FIRST_DELAY_MS;
  #deadline = 0;

  /** Whether a drop is being recovered from. */
  get active(): boolean {
    return this.#deadline > 0;
  }

  /** The socket dropped: the window for attempts opens now. */
  begin(windowMs: number): void {
    this.cancel();
    this.#deadline = Date.now() + windowMs;
  }

  /** Schedules the next attempt; false (and no attempt) once the window is over. */
  next(attempt: () => void): boolean {
    if (this.#deadline === 0 || Date.now() + this.#delay > this.#deadline) {
      this.cancel();
      return false;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(attempt, this.#delay);
    this.#delay = Math.min(RESUME_MAX_DELAY_MS, this.#delay * 2);
    return true;
  }

  /** Stops: resumed, refused or released. */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#delay = RESUME_FIRST_DELAY_MS;
    this.#deadline = 0;
  }
}
