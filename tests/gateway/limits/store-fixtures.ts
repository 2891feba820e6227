/** Stores for the shared store suite: a fixture on the real clock, and a primary that never answers. */
import { vi } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import { createFailoverStore } from '../../../gateway/limits/stores/failover.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import { StoreUnavailableError } from '../../../gateway/limits/stores/store.js';
import type { Store } from '../../../gateway/limits/stores/store.js';
import type { StoreFixture } from './store.cases.js';

/** A store running on the real clock (Redis: its keys expire in real time). */
export function realClockFixture(store: Store): StoreFixture {
  return {
    store,
    now: () => systemClock.now(),
    pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    dispose: () => store.close(),
  };
}

/** The failover store (`on_failure: closed`) over a live shared store, on the real clock. */
export function failoverFixture(primary: Store): StoreFixture {
  const logger = { info: vi.fn(), warn: vi.fn() };
  return realClockFixture(createFailoverStore({ primary, fallback: createMemoryStore(systemClock), onFailure: 'closed', clock: systemClock, logger }));
}

/** A primary whose backing service never answers: every operation throws StoreUnavailableError. */
export function unreachableStore(): Store {
  return new Proxy({} as Store, {
    get: (_, property) => {
      if (property === 'kind') return 'redis';
      if (property === 'healthy') return () => false;
      if (property === 'onHealthChange') return () => () => {};
      if (property === 'close') return async () => {};
      return async () => {
        throw new StoreUnavailableError('down');
      };
    },
  });
}
