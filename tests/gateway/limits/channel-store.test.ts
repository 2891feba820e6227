import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import { createChannelStore, serveStoreOverChannel, type StoreChannel } from '../../../gateway/limits/stores/channel.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import { StoreUnavailableError, type Store } from '../../../gateway/limits/stores/store.js';

/** Two ends of an in-memory channel that delivers asynchronously and by structured clone, as IPC does. */
function channelPair(): [StoreChannel, StoreChannel] {
  const listeners: [Array<(m: unknown) => void>, Array<(m: unknown) => void>] = [[], []];
  const end = (mine: 0 | 1): StoreChannel => ({
    post: (message) => setTimeout(() => listeners[mine === 0 ? 1 : 0].forEach((listener) => listener(structuredClone(message)))),
    onMessage: (listener) => listeners[mine].push(listener),
  });
  return [end(0), end(1)];
}

describe('limits store over a message channel', () => {
  it('shares one store between two remote ends: slots, counters and buckets', async () => {
    const [primaryEnd, workerEnd] = channelPair();
    const [primaryEnd2, workerEnd2] = channelPair();
    const shared = createMemoryStore(systemClock);
    serveStoreOverChannel(shared, primaryEnd);
    serveStoreOverChannel(shared, primaryEnd2);
    const one = createChannelStore(workerEnd);
    const two = createChannelStore(workerEnd2);
    const now = Date.now();
    expect((await one.acquireSlots([{ key: 'site', limit: 1 }], 'a', now + 60_000, now)).acquired).toBe(true);
    expect(await two.acquireSlots([{ key: 'site', limit: 1 }], 'b', now + 60_000, now)).toEqual({ acquired: false, fullKey: 'site' });
    expect(await one.countSlots(['site'], now)).toEqual([1]);
    await one.releaseSlots(['site'], 'a');
    expect((await two.acquireSlots([{ key: 'site', limit: 1 }], 'b', now + 60_000, now)).acquired).toBe(true);
    expect(await one.addToCounter('budget', 5, 60_000)).toBe(5);
    expect(await two.addToCounter('budget', 2, 60_000)).toBe(7);
    // Infinity crosses the channel intact (an engine without quota has an endless bucket).
    expect((await two.takeTokens([{ key: 'engine', capacity: Infinity, refillPerSecond: 1 }], now)).taken).toBe(true);
  });

  it('fails a call the other end never answers as StoreUnavailableError, like an unreachable Redis', async () => {
    const silent: StoreChannel = { post: () => {}, onMessage: () => {} };
    const store: Store = createChannelStore(silent, { timeoutMs: 50 });
    await expect(store.readCounters(['x'])).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it("passes the store's own failure back as StoreUnavailableError and ignores foreign messages", async () => {
    const [primaryEnd, workerEnd] = channelPair();
    const failing = { ...createMemoryStore(systemClock), readCounters: () => Promise.reject(new Error('disk on fire')) };
    serveStoreOverChannel(failing, primaryEnd);
    primaryEnd.post({ hello: 'not a store reply' });
    const store = createChannelStore(workerEnd);
    await expect(store.readCounters(['x'])).rejects.toThrow(/disk on fire/);
  });
});
