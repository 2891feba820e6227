/**
 * The store reached over a message channel (a worker asking its primary) through the shared
 * store suite, over an in-process channel pair that serializes as Node IPC does (JSON).
 */
import { describe, expect, it } from 'vitest';
import { createChannelStore, serveStore } from '../../../gateway/limits/stores/channel.js';
import type { StoreChannel } from '../../../gateway/limits/stores/channel.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import { StoreUnavailableError } from '../../../gateway/limits/stores/store.js';
import { FakeClock, flushPromises } from '../../support/fake-clock.js';
import { createHarness } from './harness.js';
import { storeCases } from './store.cases.js';

/** Two connected ends; each message crosses as JSON, on a later turn, as over a process boundary. */
function channelPair(): [StoreChannel & { drop: boolean }, StoreChannel & { drop: boolean }] {
  const listeners: ((message: unknown) => void)[][] = [[], []];
  const end = (self: number) => {
    const channel = {
      drop: false,
      send(message: unknown) {
        if (channel.drop) return;
        const copy = JSON.parse(JSON.stringify(message)) as unknown;
        queueMicrotask(() => listeners[1 - self]!.forEach((listener) => listener(copy)));
      },
      onMessage(listener: (message: unknown) => void) {
        listeners[self]!.push(listener);
        return () => listeners[self]!.splice(listeners[self]!.indexOf(listener), 1);
      },
    };
    return channel;
  };
  return [end(0), end(1)];
}

storeCases('channel to a primary', async () => {
  const clock = new FakeClock();
  const [worker, primary] = channelPair();
  const backing = createMemoryStore(clock);
  const stop = serveStore(backing, primary);
  const store = createChannelStore({ channel: worker, clock });
  return {
    store,
    now: () => clock.now(),
    pass: async (ms) => clock.advance(ms),
    dispose: async () => {
      stop();
      await store.close();
      await backing.close();
    },
  };
});

describe('channel store', () => {
  it('fails as unavailable when the primary does not answer in time, and is healthy again once it does', async () => {
    const clock = new FakeClock();
    const [worker, primary] = channelPair();
    serveStore(createMemoryStore(clock), primary);
    const store = createChannelStore({ channel: worker, clock, timeoutMs: 500 });
    const health: boolean[] = [];
    store.onHealthChange((healthy) => health.push(healthy));
    worker.drop = true;
    const lost = store.readCounters(['c']);
    clock.advance(500);
    await expect(lost).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.healthy()).toBe(false);
    worker.drop = false;
    expect(await store.addToCounter('c', 2, 10_000)).toBe(2);
    expect(store.healthy()).toBe(true);
    expect(health).toEqual([false, true]);
    await store.close();
  });

  it("passes on the primary store's outage as unavailable, and other errors as plain errors", async () => {
    const clock = new FakeClock();
    const [worker, primary] = channelPair();
    const failing = createMemoryStore(clock);
    failing.readCounters = async () => {
      throw new StoreUnavailableError('redis unreachable');
    };
    failing.countSlots = async () => {
      throw new Error('bad key');
    };
    serveStore(failing, primary);
    const store = createChannelStore({ channel: worker, clock });
    await expect(store.readCounters(['c'])).rejects.toBeInstanceOf(StoreUnavailableError);
    const plain = await store.countSlots(['s'], clock.now()).catch((error: unknown) => error);
    expect(plain).toBeInstanceOf(Error);
    expect(plain).not.toBeInstanceOf(StoreUnavailableError);
    expect((plain as Error).message).toBe('bad key');
    await store.close();
  });

  it('refuses an operation it does not know', async () => {
    const clock = new FakeClock();
    const [worker, primary] = channelPair();
    serveStore(createMemoryStore(clock), primary);
    const answers: unknown[] = [];
    worker.onMessage((message) => answers.push(message));
    worker.send({ voiceRagStore: 'request', id: 1, op: 'close', args: [] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(answers).toEqual([{ voiceRagStore: 'response', id: 1, ok: false, error: { message: 'unknown store operation close', unavailable: false } }]);
  });
});

describe('workers sharing a primary store over channels', () => {
  it('admit in arrival order across workers, as one line', async () => {
    const clock = new FakeClock();
    const backing = createMemoryStore(clock);
    // 6 per minute: one token, a new one every 10 s.
    const shape = { engines: { aoai: { connections_per_minute: 6 } }, sites: { docs: { engine: 'aoai', limits: { queue_seconds: 60 } } } };
    const workers = [0, 1].map(() => {
      const [worker, primary] = channelPair();
      serveStore(backing, primary);
      return createHarness(shape, { clock, store: createChannelStore({ channel: worker, clock }) });
    });
    const order: string[] = [];
    const arrive = async (worker: number, name: string) => {
      const attempt = workers[worker]!.admit('docs');
      await flushPromises();
      return { name, attempt };
    };
    const arrivals = [await arrive(0, 'a'), await arrive(0, 'b'), await arrive(1, 'c'), await arrive(0, 'd')];
    for (let step = 0; step < 4; step++) {
      for (const { name, attempt } of arrivals) if (attempt.status === 'admitted' && !order.includes(name)) order.push(name);
      await clock.advanceAsync(10_000);
    }
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(arrivals[2]!.attempt.onQueued).toHaveBeenCalledWith(expect.any(Number));
    // c waits behind b (on the other worker): the next token plus one interval.
    expect(arrivals[2]!.attempt.onQueued.mock.calls[0]![0]).toBe(20_000);
  });
});
