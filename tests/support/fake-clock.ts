/** The tests' one fake Clock: time moves only when a test advances it, and due timers fire in order. */
import type { Clock, ClockTimer } from '../../gateway/clock.js';

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

/** Lets promises chained on resolved store calls settle (a macrotask turn, not a sleep). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A Clock whose time moves only when a test says so; timers fire in due order, ties by creation. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const id = this.nextId++;
    this.timers.push({ id, at: this.current + Math.max(0, ms), callback });
    return id as unknown as ClockTimer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers = this.timers.filter((entry) => entry.id !== (timer as unknown as number));
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward synchronously, firing every timer due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.due(target); next; next = this.due(target)) {
      this.current = next.at;
      next.callback();
    }
    this.current = target;
  }

  /** Moves time forward, letting promises settle after each timer (for async code under test). */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushPromises();
    for (let next = this.due(target); next; next = this.due(target)) {
      this.current = next.at;
      next.callback();
      await flushPromises();
    }
    this.current = target;
    await flushPromises();
  }

  private due(target: number): Pending | undefined {
    let first: Pending | undefined;
    for (const entry of this.timers) if (entry.at <= target && (!first || entry.at < first.at || (entry.at === first.at && entry.id < first.id))) first = entry;
    if (first) this.timers = this.timers.filter((entry) => entry !== first);
    return first;
  }
}
