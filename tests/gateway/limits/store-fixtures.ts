/** Stores for the shared store suite: a fixture on the real clock, and a primary that never answers. */
import { systemClock } from '../../../gateway/clock.js';
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
