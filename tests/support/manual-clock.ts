/**
 * A Clock that moves only when the test says so: advance(ms) fires due timers in time order,
 * including timers those timers schedule.
 */
import type { Clock, ClockTimer } from '../../gateway/clock.js';

export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Timers not yet fired or cleared. */
  readonly pending: number;
}

/** Creates a manual clock starting at `start` ms since the epoch. */
export function createManualClock(start = Date.UTC(2026, 10, 24, 6, 0, 0)): ManualClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = ++nextId;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id as unknown as ClockTimer;
    },
    clearTimeout(timer) {
      timers.delete(timer as unknown as number);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let dueId: number | undefined;
        let dueAt = Infinity;
        for (const [id, timer] of timers) if (timer.at <= target && timer.at < dueAt) [dueId, dueAt] = [id, timer.at];
        if (dueId === undefined) break;
        const timer = timers.get(dueId)!;
        timers.delete(dueId);
        now = Math.max(now, timer.at);
        timer.callback();
      }
      now = target;
    },
    get pending() {
      return timers.size;
    },
  };
}
