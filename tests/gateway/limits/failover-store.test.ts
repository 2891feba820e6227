/** The failover store through the shared store suite on its fallback, with the primary down (over Redis: redis-store.test.ts). */
import { vi } from 'vitest';
import { createFailoverStore } from '../../../gateway/limits/stores/failover.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import { FakeClock } from '../../support/fake-clock.js';
import { storeCases } from './store.cases.js';
import { unreachableStore } from './store-fixtures.js';

storeCases('failover (primary down, on_failure open)', async () => {
  const clock = new FakeClock();
  const logger = { info: vi.fn(), warn: vi.fn() };
  const store = createFailoverStore({ primary: unreachableStore(), fallback: createMemoryStore(clock), onFailure: 'open', clock, logger });
  return { store, now: () => clock.now(), pass: async (ms) => clock.advance(ms), dispose: () => store.close() };
});
