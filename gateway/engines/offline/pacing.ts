/** Paces response audio like the service: faster than real time, in bursts, on the injected clock. */
import type { Clock, ClockTimer } from '../../clock.js';

/** How audio leaves the engine: like the real service, faster than real time, in bursts. */
export interface PacingOptions {
  /** false: send everything at once (tests). */
  pace: boolean;
  /** Multiple of real time (default 3). */
  speed?: number;
  /** Audio sent up front before pacing starts, in ms (default 400). */
  burstMs?: number;
}

/** Milliseconds of audio per `response.output_audio.delta`. */
export const CHUNK_MS = 150;

/**
 * Times audio deltas and makes every wait cancellable, so `response.cancel` stops a stream at
 * once instead of after the current sleep.
 */
export class Pacer {
  private readonly clock: Clock;
  private readonly options: Required<PacingOptions>;
  private startedAt: number | undefined;
  private sentMs = 0;
  private timer: ClockTimer | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(clock: Clock, options: PacingOptions) {
    this.clock = clock;
    this.options = { speed: 3, burstMs: 400, ...options };
  }

  get cancelled(): boolean {
    return this.stopped;
  }

  /** Waits until the next `ms` of audio is due; resolves at once when cancelled. */
  async beforeChunk(ms: number): Promise<void> {
    if (this.stopped) return;
    if (!this.options.pace) {
      this.sentMs += ms;
      return;
    }
    this.startedAt ??= this.clock.now();
    const due = this.startedAt + Math.max(0, this.sentMs - this.options.burstMs) / this.options.speed;
    this.sentMs += ms;
    const wait = due - this.clock.now();
    if (wait > 0) await this.sleep(wait);
  }

  /** Waits as the model would before its first output (only when pacing); resolves at once when cancelled. */
  async think(ms: number): Promise<void> {
    if (this.stopped || !this.options.pace) return;
    await this.sleep(ms);
  }

  /** Stops the stream; a pending wait resolves now. */
  cancel(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        this.timer = undefined;
        resolve();
      };
      this.timer = this.clock.setTimeout(() => this.wake?.(), ms);
    });
  }
}
