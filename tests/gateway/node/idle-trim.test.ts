// The idle trim: full collections only once no session has been open for a while, and only until the young generation has shrunk.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startIdleTrim } from '../../../gateway/node/idle-trim.js';

afterEach(() => {
  vi.useRealTimers();
});

function setup(shrinkAfter: number) {
  vi.useFakeTimers();
  let sessions = 0;
  let collections = 0;
  let young = 32 * 2 ** 20;
  const trim = startIdleTrim({
    sessions: () => sessions,
    quietMs: 4000,
    everyMs: 1000,
    maxCollections: 5,
    now: () => Date.now(),
    collect: () => {
      collections++;
      if (collections >= shrinkAfter) young = 2 ** 20;
    },
    youngBytes: () => young,
  });
  return {
    trim,
    collections: () => collections,
    setSessions: (n: number) => (sessions = n),
    grow: () => (young = 32 * 2 ** 20),
  };
}

describe('idle trim', () => {
  it('collects only after the quiet time, and stops once the young generation has shrunk', () => {
    const t = setup(3);
    vi.advanceTimersByTime(3000);
    expect(t.collections()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(t.collections()).toBe(3);
    vi.advanceTimersByTime(60_000);
    expect(t.collections()).toBe(3);
    t.trim.stop();
  });

  it('never collects while a session is open, and trims again after sessions have come and gone', () => {
    const t = setup(1);
    t.setSessions(2);
    vi.advanceTimersByTime(30_000);
    expect(t.collections()).toBe(0);
    t.setSessions(0);
    vi.advanceTimersByTime(6000);
    expect(t.collections()).toBe(1);
    // Load grows the young generation again; once the sessions leave, it is trimmed again.
    t.setSessions(1);
    t.grow();
    vi.advanceTimersByTime(5000);
    t.setSessions(0);
    vi.advanceTimersByTime(6000);
    expect(t.collections()).toBe(2);
    t.trim.stop();
  });

  it('gives up after maxCollections in one idle period when nothing shrinks', () => {
    const t = setup(Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(60_000);
    expect(t.collections()).toBe(5);
    expect(t.trim.collections).toBe(5);
    t.trim.stop();
  });

  it('runs V8\'s own collector when none is given', async () => {
    vi.useRealTimers();
    const trim = startIdleTrim({ sessions: () => 0, quietMs: 0, everyMs: 20, maxCollections: 1, youngBytes: () => 32 * 2 ** 20 });
    for (let i = 0; i < 50 && trim.collections === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    trim.stop();
    expect(trim.collections).toBe(1);
  });
});
